/* Stick tables: frequency counters, keys per type, expiry, LRU eviction, nopurge, `show table` entry lines. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stkFreqAdd, stkFreqRead, stkFreqSet } from '../../../proxy/stick/freq-ctr.ts';
import { StkTable, stkKey, stkKeyCompare, stkParseSize } from '../../../proxy/stick/table.ts';
import { stkEntryLine } from '../../../proxy/stick/cli.ts';
import {
  STK_T_IP, STK_T_IPV6, STK_T_INTEGER, STK_T_STRING, STK_DT_HTTP_REQ_RATE, STK_DT_GPC0, STK_DT_CONN_CUR, STK_DT_GPC,
  STK_DT_GPC_RATE, STK_DT_GPT,
} from '../../../proxy/stick/types.ts';
import { stkStreamNew, stkTrack, stkTxnEnd, stkSessEnd, stkSlot, stkHttpReq, stkSessionStart } from '../../../proxy/stick/track.ts';
import type { StreamLog } from '../../../proxy/model/types.ts';

test('a period counter sums the current period and weights the previous one by what is left of the window', () => {
  const v = new Float64Array(3);
  const T0 = 1_000_000;
  for (let i = 0; i < 4; i++) stkFreqAdd(v, 0, 10000, 1, T0 + i);
  assert.equal(stkFreqRead(v, 0, 10000, T0 + 5), 4);
  // next period: 2 new events; 3/4 of the window still covers the previous period (4 * 0.75 = 3)
  stkFreqAdd(v, 0, 10000, 2, T0 + 10000);
  assert.equal(stkFreqRead(v, 0, 10000, T0 + 12500), 2 + 3);
  // two periods without events: nothing left
  assert.equal(stkFreqRead(v, 0, 10000, T0 + 30001), 0);
  stkFreqAdd(v, 0, 10000, 1, T0 + 40000);
  assert.equal(stkFreqRead(v, 0, 10000, T0 + 40000), 1);
  stkFreqSet(v, 0, 10000, 7, T0 + 40001);
  assert.equal(stkFreqRead(v, 0, 10000, T0 + 40002), 7);
});

test('keys are normalised per table type, and refused where 2.6 refuses them', () => {
  const ip = new StkTable('t'); ip.type = STK_T_IP;
  assert.equal(stkKey(ip, '::ffff:10.0.0.1'), '10.0.0.1');
  assert.equal(stkKey(ip, '2001:db8::1'), null);
  assert.equal(stkKey(ip, 'notanip'), null);
  const v6 = new StkTable('t6'); v6.type = STK_T_IPV6;
  assert.equal(stkKey(v6, '2001:0DB8:0:0:0:0:0:1'), '2001:db8::1');
  assert.equal(stkKey(v6, '1.2.3.4'), '::ffff:1.2.3.4');
  assert.equal(stkKey(v6, '1.2.3.4', true), null);
  assert.equal(stkKey(v6, '::1'), '::1');
  const n = new StkTable('n'); n.type = STK_T_INTEGER;
  assert.equal(stkKey(n, '-7'), '4294967289');
  assert.equal(stkKey(n, 'x'), '0');
  assert.equal(stkKey(n, 'abc', true), null);
  const s = new StkTable('s'); s.type = STK_T_STRING; s.keyLen = 8;
  assert.equal(stkKey(s, 'alicealicealice'), 'aliceali');
  assert.ok(stkKeyCompare(ip, '10.0.0.2', '127.0.0.1') < 0);
  assert.ok(stkKeyCompare(ip, '9.0.0.1', '10.0.0.1') < 0);
  assert.equal(stkParseSize('100k'), 102400);
  assert.equal(stkParseSize('1m'), 1048576);
  assert.ok(Number.isNaN(stkParseSize('1x')));
});

test('entries expire unless in use, and a full table evicts the least recently touched unused entry', () => {
  const t = new StkTable('fe'); t.size = 2; t.expire = 1000;
  t.addData(STK_DT_GPC0, 0, 1);
  const a = t.get('1.1.1.1', 0)!;
  t.get('2.2.2.2', 10);
  t.touch(a, 20);                          // a is now the most recent
  const c = t.get('3.3.3.3', 30);
  assert.ok(c !== null);
  assert.equal(t.used, 2);
  assert.equal(t.lookup('2.2.2.2', 30), null, 'the least recently touched entry went');
  a.use = 1;
  assert.equal(t.lookup('1.1.1.1', 5000), a, 'an entry in use does not expire');
  assert.equal(t.lookup('3.3.3.3', 5000), null, 'an unused one does');
  a.use = 0;
  t.purgeExpired(5000);
  assert.equal(t.used, 0);
  const big = new StkTable('big'); big.size = 600;
  for (let i = 0; i < 601; i++) big.get('10.0.' + (i >> 8) + '.' + (i & 255), i);
  assert.equal(big.used, 598, 'a full table drops (size >> 8) + 1 entries at once, as 2.6 (checked with set table)');
  assert.equal(big.lookup('10.0.0.0', 700), null);
  const np = new StkTable('np'); np.size = 1; np.nopurge = true;
  assert.ok(np.get('a', 0) !== null);
  assert.equal(np.get('b', 0), null, 'nopurge: a full table refuses new entries');
});

test('tracking counts connections and requests, releases at the end, and prints like show table', () => {
  const t = new StkTable('fe'); t.size = 10; t.expire = 30000;
  for (const dt of [STK_DT_CONN_CUR, STK_DT_HTTP_REQ_RATE, STK_DT_GPC0]) t.addData(dt, dt === STK_DT_HTTP_REQ_RATE ? 10000 : 0, 1);
  t.addData(4, 0, 1); // conn_cnt
  const st = stkStreamNew();
  const e = t.get('127.0.0.1', 1000)!;
  stkTrack(st, 1, t, e, true, false, 1000);
  stkSessionStart(st, 1000);
  stkHttpReq(st, 1001);
  assert.equal(stkSlot(st, 1), e);
  assert.equal(e.use, 1);
  assert.equal(stkEntryLine(t, e, 1500), `0x${e.ptr.toString(16)}: key=127.0.0.1 use=1 exp=29500 gpc0=0 conn_cnt=1 conn_cur=1 http_req_rate(10000)=1\n`);
  const log = { status: 404, bytesIn: 80, bytesOut: 120, server: null, backend: null } as unknown as StreamLog;
  stkTxnEnd(st, log, 1600);
  assert.equal(e.use, 1, 'a layer-4 slot outlives the transaction');
  stkSessEnd(st, 1700);
  stkSessEnd(st, 1800);
  assert.equal(e.use, 0);
  assert.equal(t.read(e, STK_DT_CONN_CUR, 1800), 0);
  assert.equal(stkSlot(st, 1), null);
});

test('gpc/gpt arrays print one item per element', () => {
  const t = new StkTable('fe'); t.size = 10;
  t.addData(STK_DT_GPC, 0, 3); t.addData(STK_DT_GPC_RATE, 5000, 2); t.addData(STK_DT_GPT, 0, 2);
  const e = t.get('127.0.0.1', 0)!;
  assert.equal(stkEntryLine(t, e, 0).replace(/^0x[0-9a-f]+/, '0x'), '0x: key=127.0.0.1 use=0 exp=0 gpt0=0 gpt1=0 gpc0=0 gpc1=0 gpc2=0 gpc0_rate(5000)=0 gpc1_rate(5000)=0\n');
});

test('in_table / table_<data> converters read the entry keyed by their input', async () => {
  const { stkLogConverter } = await import('../../../proxy/stick/fetches.ts');
  const { stkSetProxyTable } = await import('../../../proxy/stick/table.ts');
  const t = new StkTable('convtest'); t.size = 10;
  t.addData(9, 0, 1);           // http_req_cnt
  stkSetProxyTable({}, t);
  const e = t.get('10.1.2.3', Date.now())!;
  e.vals[t.cols[9]!.off] = 7;
  assert.equal(stkLogConverter('in_table(convtest)')!('10.1.2.3'), 1);
  assert.equal(stkLogConverter('in_table(convtest)')!('10.9.9.9'), 0);
  assert.equal(stkLogConverter('table_http_req_cnt(convtest)')!('10.1.2.3'), 7);
  assert.equal(stkLogConverter('table_http_req_cnt(convtest)')!('10.9.9.9'), 0);
  assert.equal(stkLogConverter('table_gpc0(convtest)')!('10.1.2.3'), null, 'a type the table does not store gives no sample');
  assert.equal(stkLogConverter('lower'), undefined);
});

test('show and clear table with a key the table cannot hold answer "Invalid key" instead of an empty reply', async () => {
  const { stkCliCommands } = await import('../../../proxy/stick/cli.ts');
  const { stkSetProxyTable } = await import('../../../proxy/stick/table.ts');
  const { ACCESS_LVL_ADMIN } = await import('../../../proxy/stats/types.ts');
  const t = new StkTable('clibadkey'); t.size = 10; t.type = STK_T_INTEGER;
  const px = {};
  stkSetProxyTable(px, t);
  t.get('5', Date.now());
  const env = { src: { proxies: [px] }, api: null, sessions: new Set(), killSession: () => false } as never;
  const s = { id: 1, level: ACCESS_LVL_ADMIN } as never;
  const cmd = (w: string) => stkCliCommands.find((c) => c.words.join(' ') === w)!;
  for (const w of ['show table', 'clear table', 'set table']) {
    assert.equal(cmd(w).parse([...w.split(' '), 'clibadkey', 'key', 'garbage'], s, env).text, 'Invalid key\n', w);
  }
  assert.equal(t.used, 1, 'the entry is still there');
  assert.match(cmd('show table').parse(['show', 'table', 'clibadkey', 'key', '5'], s, env).text, /key=5 /);
});

test('set table with a filter or an unknown word after the table name answers 2.6\'s errors, not an empty reply', async () => {
  const { stkCliCommands } = await import('../../../proxy/stick/cli.ts');
  const { stkSetProxyTable } = await import('../../../proxy/stick/table.ts');
  const { ACCESS_LVL_ADMIN } = await import('../../../proxy/stats/types.ts');
  const t = new StkTable('clisetargs'); t.size = 10; t.type = STK_T_IP; t.addData(STK_DT_GPC0, 0, 1);
  const px = {};
  stkSetProxyTable(px, t);
  const env = { src: { proxies: [px] }, api: null, sessions: new Set(), killSession: () => false } as never;
  const s = { id: 1, level: ACCESS_LVL_ADMIN } as never;
  const set = stkCliCommands.find((c) => c.words.join(' ') === 'set table')!;
  // haproxy 2.6.12's replies to the same commands (checked on its stats socket)
  assert.equal(set.parse(['set', 'table', 'clisetargs', 'foo'], s, env).text, 'Required arguments: <table> key <key> [data.<store_data_type> <value>]*\n');
  assert.equal(set.parse(['set', 'table', 'clisetargs', 'data.gpc0', '1'], s, env).text, 'content-based lookup is only supported with the "show" and "clear" actions\n');
  assert.equal(set.parse(['set', 'table', 'clisetargs'], s, env).text, '');
  assert.equal(t.used, 0);
});

test('base32+src keys end with the 16 bytes of an IPv6 client address, a dotted tail included', async () => {
  const { compileStkKey } = await import('../../../proxy/stick/key-expr.ts');
  const f = compileStkKey('base32+src');
  assert.equal(typeof f, 'function');
  const buf = Buffer.from('GET /p HTTP/1.1\r\nhost: h\r\n', 'latin1');
  const hdr = new Int32Array([17, 21, 23, 24]);
  const ctx = (ip: string) => ({ buf, l0s: 0, l0e: 3, l1s: 4, l1e: 6, l2s: 7, l2e: 15, hdr, nhdr: 1, srcIp: ip, srcIp4: -1 }) as never;
  const tail = (ip: string) => Buffer.from((f as (c: never) => string)(ctx(ip)).slice(4), 'latin1').toString('hex');
  assert.equal(tail('2001:db8::1'), '20010db8000000000000000000000001');
  assert.equal(tail('64:ff9b::1.2.3.4'), '0064ff9b000000000000000001020304');
});

test('sc_get_gpc/sc_inc_gpc/sc_clr_gpc past the gpc array give no sample (inc: 0) and leave the other data alone', async () => {
  const { stkLogArgFetch, stkAclFetches } = await import('../../../proxy/stick/fetches.ts');
  stkAclFetches();                                            // fills the fetch names (registration does it)
  const { sampleLive } = await import('../../../proxy/log/sample.ts');
  const t = new StkTable('gpcrange'); t.size = 10;
  t.addData(STK_DT_GPC, 0, 2); t.addData(9, 0, 1);             // gpc(2), then http_req_cnt right after it
  const e = t.get('127.0.0.1', Date.now())!;
  e.vals[t.cols[9]!.off] = 7;
  const st = stkStreamNew();
  stkTrack(st, 0, t, e, false, false, Date.now());
  const prev = sampleLive.req;
  sampleLive.req = { stk: st } as never;
  try {
    const run = (x: string) => (stkLogArgFetch(x) as (s: never) => number | null)({} as never);
    // haproxy 2.6.12 on a gpc(2) table: sc_get_gpc(2,0) and sc_clr_gpc(2,0) give nothing, sc_inc_gpc(5,0) gives 0
    assert.equal(run('sc_get_gpc(2,0)'), null);
    assert.equal(run('sc_clr_gpc(2,0)'), null);
    assert.equal(run('sc_inc_gpc(5,0)'), 0);
    assert.equal(run('sc_inc_gpc(1,0)'), 1);
    assert.equal(e.vals[t.cols[9]!.off], 7, 'http_req_cnt untouched');
  } finally { sampleLive.req = prev; }
});
