import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { Ingest, detectHaproxyFormat, ingestFile, ingestFiles } from '../../collectors/ingest.ts';
import { batchRow } from '../../collectors/arrow/batcher.ts';
import type { LogBatch } from '../../collectors/arrow/batcher.ts';
import { compileLogFormat, CLF_LOG_FORMAT } from '../../collectors/httplog/custom-format.ts';
import type { CompiledLogFormat } from '../../collectors/httplog/custom-format.ts';
import { PARSE_ERR_OVERSIZED, PARSE_ERR_TRUNCATED } from '../../collectors/httplog/types.ts';
import { listenStream } from '../../collectors/syslog/tcp-listener.ts';
import { listenUdp } from '../../collectors/syslog/udp-listener.ts';
import type { LogSink } from '../../collectors/sinks/types.ts';

const FIX = new URL('../../fixtures/collectors/haproxy-2.6/', import.meta.url);
const fixture = (n: string): string[] => fs.readFileSync(new URL(n, FIX), 'latin1').split('\n').filter(Boolean);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-ingest-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

class MemorySink implements LogSink<LogBatch> {
  readonly name = 'memory';
  rows: Record<string, unknown>[] = [];
  fail: Error | null = null;
  write(b: LogBatch): void {
    if (this.fail) throw this.fail;
    b.seal();
    for (let r = 0; r < b.rows; r++) this.rows.push({ table: b.table.name, ...batchRow(b, r) });
  }
  async close(): Promise<void> { /* nothing buffered */ }
}

const clf = (compileLogFormat(CLF_LOG_FORMAT) as CompiledLogFormat).parse;
const feed = (ing: Ingest, line: string | Buffer): void => {
  const b = typeof line === 'string' ? Buffer.from(line, 'latin1') : line;
  ing.onMessage(b, 0, b.length, '10.0.0.9', Date.UTC(2026, 0, 1));
};

test('auto format routes httplog, tcplog and clf lines to their tables, in any syslog header form', async () => {
  const sink = new MemorySink();
  const ing = new Ingest({ format: { kind: 'auto', clf }, sinks: [sink] });
  for (const f of ['http.rfc5424.log', 'tcp.local.log', 'clf.timed.log', 'http.iso.log']) for (const l of fixture(f)) feed(ing, l);
  await ing.close();
  const count = (t: string): number => sink.rows.filter((r) => r.table === t).length;
  assert.equal(count('http_log'), 36);
  assert.equal(count('tcp_log'), 4);
  assert.equal(count('raw_log'), 0);
  assert.equal(ing.counters.parsed, 40);
});

test('HAProxy 2.6 log-format-sd: the structured data lands in extra as JSON (was dropped); len-cut lines in raw_log', async () => {
  const sdFix = (n: string): string[] => fs.readFileSync(new URL('../../fixtures/collectors/sd-len/' + n, import.meta.url), 'utf8').split('\n').filter(Boolean);
  for (const format of [{ kind: 'auto' } as const, { kind: 'httplog' } as const]) {
    const sink = new MemorySink();
    const ing = new Ingest({ format, sinks: [sink] });
    for (const l of sdFix('sd.rfc5424.log')) feed(ing, l);
    for (const l of sdFix('http-len120.rfc3164.log')) feed(ing, l);
    await ing.close();
    const http = sink.rows.filter((r) => r.table === 'http_log');
    assert.deepEqual(http.map((r) => [r.status, r.uri]), [[200, '/ok'], [403, '/deny?q=#22a]b\\#22'], [403, '/deny/a%5Db']]);
    assert.deepEqual(JSON.parse(http[1].extra as string), {
      sd: { 'exampleSDID@32473': { iut: '3', eventSource: '::1', uri: '/deny?q="a]b\\"' }, 'meta@1': { fe: 'fe_sd' } },
    });
    assert.equal(JSON.parse(http[0].extra as string).sd['exampleSDID@32473'].uri, '/ok');
    const raw = sink.rows.filter((r) => r.table === 'raw_log');
    assert.equal(raw.length, 3);
    for (const r of raw) assert.match(r.message as string, /^<134>Nov 24 02:50:30 localhost haproxy\[2895\]: .* fe_sd fe_sd\/<NOSRV> /);
  }
  // a custom log-format's own extras keep their keys next to "sd"
  const c = compileLogFormat('%ci:%cp %ft %[var(txn.x)]') as CompiledLogFormat;
  const sink = new MemorySink();
  const ing = new Ingest({ format: { kind: 'custom', parse: c.parse, table: c.table }, sinks: [sink] });
  feed(ing, '<134>1 2026-11-23T20:18:12.204255+00:00 lb1 haproxy 4174 - [a@1 k="v\\]"] 10.0.0.1:5 fe_http x');
  await ing.close();
  assert.deepEqual(JSON.parse(sink.rows[0].extra as string), { sd: { 'a@1': { k: 'v]' } }, 'var(txn.x)': 'x' });
});

test('--read of a gzipped rotated log decompresses it; a cut .gz keeps what was read and names the file', async () => {
  const zlib = await import('node:zlib');
  const plain = fs.readFileSync(new URL('http.rfc3164.log', FIX));
  const gz = path.join(dir, 'haproxy.log.2.gz');
  fs.writeFileSync(gz, zlib.gzipSync(plain));
  const sink = new MemorySink();
  const ing = new Ingest({ format: { kind: 'auto' }, sinks: [sink] });
  await ingestFiles([gz, new URL('tcp.raw.log', FIX).pathname], ing);
  await ing.close();
  assert.equal(sink.rows.filter((r) => r.table === 'http_log').length, 12);
  assert.equal(sink.rows.filter((r) => r.table === 'tcp_log').length, 4);
  assert.equal(sink.rows.filter((r) => r.table === 'raw_log').length, 0);
  const cut = path.join(dir, 'cut.gz');
  fs.writeFileSync(cut, zlib.gzipSync(plain).subarray(0, 300));
  const sink2 = new MemorySink();
  const ing2 = new Ingest({ format: { kind: 'auto' }, sinks: [sink2] });
  await assert.rejects(ingestFiles([cut], ing2), /cut\.gz': unexpected end of file/);
  await ing2.close();
  assert.ok(sink2.rows.length > 0 && sink2.rows.every((r) => r.table === 'http_log'));
});

test('auto format: lines after an httplog line land where classifying them first puts them, rejected ones whole', async () => {
  const http = fixture('http.raw.log');
  const tcp = fixture('tcp.raw.log')[0];
  const lines = [
    http[0], tcp, http[1],
    http[2].replace(/ \d{3} (\d+) /, ' 2x0 $1 '),                                               // bad status
    http[2].replace(/ \d{3} (\d+) /, ' 99999999999 $1 '),                                       // status too big
    http[3].replace(/ (-?\d+)\/(-?\d+)\/(-?\d+)\/(-?\d+)\/(-?\d+) /, ' $1/$2/$3/$4 '),   // 3 slashes
    '127.0.0.1 - - [23/Nov/2026:20:18:12 +0000] "GET / HTTP/1.1" 200 5',                         // clf, no clf parser
    http[4], http[5].slice(0, http[5].indexOf('"') - 1), http[6], tcp, tcp, http[7],          // one cut before the request
  ];
  const key = (r: Record<string, unknown>): string => JSON.stringify(r);
  // Each line alone in a fresh pipeline is classified before it is parsed: the reference.
  const want: string[] = [];
  for (const l of lines) {
    const one = new MemorySink();
    const ing1 = new Ingest({ format: { kind: 'auto' }, sinks: [one] });
    feed(ing1, l);
    await ing1.close();
    assert.equal(one.rows.length, 1);
    want.push(key(one.rows[0]));
  }
  const sink = new MemorySink();
  const ing = new Ingest({ format: { kind: 'auto' }, sinks: [sink] });
  for (const l of lines) feed(ing, l);
  await ing.close();
  assert.deepEqual(sink.rows.map(key).sort(), want.sort());
  assert.deepEqual(sink.rows.map((r) => r.table + ':' + (r.reason ?? '')).sort(), [
    'http_log:', 'http_log:', 'http_log:', 'http_log:', 'http_log:', 'raw_log:bad_number', 'raw_log:syntax',
    'raw_log:truncated', 'raw_log:unknown_format', 'raw_log:unknown_format', 'tcp_log:', 'tcp_log:', 'tcp_log:',
  ]);
});

test('bad datagrams are counted and kept in raw_log with a reason, never thrown', async () => {
  const sink = new MemorySink();
  const ing = new Ingest({ format: { kind: 'httplog' }, sinks: [sink], maxMessage: 1000 });
  feed(ing, Buffer.from([0x3c, 0x31, 0x33, 0x3e, 0x00, 0x01, 0x02, 0xff]));                 // binary
  feed(ing, 'x'.repeat(5000));                                                                // oversized
  feed(ing, Buffer.concat([Buffer.from('<134>hello '), Buffer.from([0xc3, 0x28]), Buffer.from(' world')])); // bad UTF-8
  feed(ing, '<134>1 2026-01-01T00:00:00Z h haproxy 12 - - 127.0.0.1:1 [01/Jan/2026:00:00:00.000] fe be/s 1/2');  // truncated
  feed(ing, fixture('tcp.raw.log')[0]);                                                       // tcplog in httplog mode
  feed(ing, '');
  ing.onCutFrame(Buffer.from('cut frame'), 0, 9, 'tcp-peer', 0, PARSE_ERR_OVERSIZED);
  ing.onCutFrame(Buffer.from('<134>caf\xc3', 'latin1'), 0, 9, 'tcp-peer', 0, PARSE_ERR_TRUNCATED);   // cut inside a UTF-8 sequence
  await ing.close();
  const raw = sink.rows.filter((r) => r.table === 'raw_log');
  assert.deepEqual(raw.map((r) => r.reason), ['binary', 'oversized', 'bad_encoding', 'truncated', 'not_httplog', 'truncated', 'oversized', 'truncated']);
  assert.equal(raw[7].message, '<134>caf\ufffd');
  assert.deepEqual([raw[6].message, raw[6].peer], ['cut frame', 'tcp-peer']);
  assert.equal(raw[1].message, 'x'.repeat(1000));
  assert.equal(raw[2].message, 'hello \ufffd( world'.replace('hello', '<134>hello'));
  assert.equal(raw[3].program, 'haproxy');
  assert.equal(raw[3].pid, 12);
  assert.equal(raw[0].peer, '10.0.0.9');
  assert.equal(ing.counters.unparsedTotal, 8);
  assert.equal(ing.counters.parsed, 0);
  assert.match(ing.counters.prometheus(), /sluice_collect_unparsed_total\{reason="truncated"\} 3/);
});

test('a non-empty batch is flushed by time, a full one by row count', async () => {
  const sink = new MemorySink();
  const ing = new Ingest({ format: { kind: 'httplog' }, sinks: [sink], batchRows: 5, flushMs: 50 });
  const lines = fixture('http.raw.log');
  for (let i = 0; i < 7; i++) feed(ing, lines[i % lines.length]);
  await new Promise((r) => setImmediate(r));
  assert.equal(sink.rows.length, 5);
  const t0 = Date.now();
  while (sink.rows.length < 7 && Date.now() - t0 < 2000) await new Promise((r) => setTimeout(r, 10));
  assert.equal(sink.rows.length, 7);
  assert.equal(ing.counters.batches, 2);
  await ing.close();
});

test('a failing sink stops ingestion loudly through onFatal', async () => {
  const sink = new MemorySink();
  sink.fail = Object.assign(new Error('No space left on device'), { code: 'ENOSPC' });
  let fatal: Error | null = null;
  const ing = new Ingest({ format: { kind: 'httplog' }, sinks: [sink], batchRows: 2, onFatal: (e) => { fatal = e; } });
  for (const l of fixture('http.raw.log').slice(0, 4)) feed(ing, l);
  await ing.settle();
  assert.equal((fatal as Error | null)?.message, 'No space left on device');
  assert.equal(ing.failed, fatal);
  const before = ing.counters.received;
  feed(ing, fixture('http.raw.log')[0]);
  assert.equal(ing.counters.received, before);
  await assert.rejects(ing.close(), /No space left/);
});

test('when the sinks fall behind, the bounded queue drops rows and counts them', async () => {
  const sink = new MemorySink();
  const ing = new Ingest({ format: { kind: 'httplog' }, sinks: [sink], batchRows: 2, maxQueued: 2 });
  const lines = fixture('http.raw.log');
  for (let i = 0; i < 40; i++) feed(ing, lines[i % lines.length]);   // no await: the writer never runs meanwhile
  assert.ok(ing.counters.droppedQueue > 0);
  await ing.close();
  assert.equal(sink.rows.length + ing.counters.droppedQueue, 40);
});

test('format detection is cheap and exact on the golden lines', () => {
  const d = (l: string): number => { const b = Buffer.from(l, 'latin1'); return detectHaproxyFormat(b, 0, b.length); };
  assert.equal(d(fixture('http.raw.log')[0]), 0);
  assert.equal(d(fixture('tcp.raw.log')[0]), 1);
  assert.equal(d(fixture('clf.raw.log')[0]), 3);
  assert.equal(d('hello world'), -1);
});

test('UDP, TCP (octet counting) and unix stream listeners feed the same pipeline', async () => {
  const sink = new MemorySink();
  const ing = new Ingest({ format: { kind: 'auto', clf }, sinks: [sink] });
  const onFrame = (b: Buffer, s: number, e: number, peer: string): void => ing.onMessage(b, s, e, peer, Date.now());
  const udp = await listenUdp('127.0.0.1', 0, (b, peer) => ing.onMessage(b, 0, b.length, peer, Date.now()), () => {}, 1 << 20);
  assert.ok(udp.recvBufferSize >= 1 << 20);
  const tcp = await listenStream({ host: '127.0.0.1', port: 0 }, onFrame, () => {});
  const sockPath = path.join(dir, 'log.sock');
  const unix = await listenStream({ path: sockPath }, onFrame, () => {});
  const lines = fixture('http.rfc5424.log');
  const cli = dgram.createSocket('udp4');
  for (const l of lines) await new Promise<void>((r) => cli.send(l, udp.port, '127.0.0.1', () => r()));
  cli.close();
  const sendStream = async (opts: net.NetConnectOpts, octet: boolean): Promise<void> => {
    const s = net.connect(opts);
    await new Promise<void>((r) => s.once('connect', () => r()));
    for (const l of lines) s.write(octet ? Buffer.byteLength(l) + ' ' + l : l + '\n');
    await new Promise<void>((r) => s.end(() => r()));
  };
  await sendStream({ host: '127.0.0.1', port: tcp.port }, true);
  await sendStream({ path: sockPath }, false);
  const t0 = Date.now();
  while (ing.counters.parsed < 36 && Date.now() - t0 < 5000) await new Promise((r) => setTimeout(r, 10));
  await Promise.all([udp.close(), tcp.close(), unix.close()]);
  await ing.close();
  assert.equal(ing.counters.parsed, 36);
  assert.equal(sink.rows.length, 36);
  assert.equal(udp.drops(), 0);
  const peers = new Set(sink.rows.map((r) => r.uri));
  assert.ok(peers.has('/status/404'));
});

test('a file is read in bulk mode: bulk(true) first, every row written before bulk(false), a bulk error is fatal', async () => {
  const events: string[] = [];
  const sink = new MemorySink();
  const bulkSink: LogSink<LogBatch> = {
    name: 'bulk',
    write: (b: LogBatch) => { sink.write(b); events.push('write ' + b.rows); },
    bulk: (on: boolean) => { events.push('bulk ' + on + ' after ' + sink.rows.length); },
    close: async () => { events.push('close'); },
  };
  const file = path.join(dir, 'bulk.log');
  fs.writeFileSync(file, fixture('http.raw.log').join('\n') + '\n');
  const ing = new Ingest({ format: { kind: 'httplog' }, sinks: [bulkSink], batchRows: 5 });
  await ingestFile(file, ing);
  const n = fixture('http.raw.log').length;
  assert.equal(events[0], 'bulk true after 0');
  assert.equal(events.at(-1), 'bulk false after ' + n);
  assert.equal(events.filter((e) => e.startsWith('write')).length, Math.ceil(n / 5));
  await ing.close();
  let fatal: Error | null = null;
  const failing: LogSink<LogBatch> = {
    name: 'failing', write: () => undefined, close: async () => undefined,
    bulk: (on: boolean) => { if (!on) throw new Error('INSERT failed: disk full'); },
  };
  const ing2 = new Ingest({ format: { kind: 'httplog' }, sinks: [failing], onFatal: (e) => { fatal = e; } });
  await ingestFile(file, ing2);
  assert.equal((fatal as Error | null)?.message, 'INSERT failed: disk full');
  assert.equal(ing2.failed, fatal);
  await assert.rejects(ing2.close(), /disk full/);
});

test('several files are read in one bulk session, every line of each', async () => {
  const events: string[] = [];
  const sink = new MemorySink();
  const bulkSink: LogSink<LogBatch> = {
    name: 'bulk',
    write: (b: LogBatch) => { sink.write(b); },
    bulk: (on: boolean) => { events.push('bulk ' + on + ' after ' + sink.rows.length); },
    close: async () => undefined,
  };
  const lines = fixture('http.raw.log');
  const a = path.join(dir, 'multi-a.log');
  const b = path.join(dir, 'multi-b.log');
  fs.writeFileSync(a, lines.join('\n') + '\n');
  fs.writeFileSync(b, lines.slice(0, 3).join('\n'));   // no final newline
  const ing = new Ingest({ format: { kind: 'httplog' }, sinks: [bulkSink], batchRows: 4 });
  await ingestFiles([a, b], ing);
  assert.deepEqual(events, ['bulk true after 0', 'bulk false after ' + (lines.length + 3)]);
  assert.equal(ing.counters.parsed, lines.length + 3);
  await ing.close();
});

test('a file read across 1 MiB buffers keeps every line: lines cut by a read, a line longer than the buffer, no final newline', async () => {
  const lines = fixture('http.raw.log');
  const file = path.join(dir, 'big.log');
  const body: string[] = [];
  for (let i = 0; i < 20000; i++) body.push(lines[i % lines.length]);
  body.push('x'.repeat(1536 * 1024));   // longer than the read buffer: grows it, then oversized in raw_log
  body.push(lines[0]);
  fs.writeFileSync(file, body.join('\n'));   // the last line has no '\n'
  const sink = new MemorySink();
  const ing = new Ingest({ format: { kind: 'httplog' }, sinks: [sink], batchRows: 4096 });
  await ingestFile(file, ing);
  await ing.close();
  assert.equal(ing.counters.received, 20002);
  assert.equal(ing.counters.parsed, 20001);
  const http = sink.rows.filter((r) => r.table === 'http_log');
  assert.equal(http.length, 20001);
  assert.deepEqual(http[20000], http[0]);
  assert.deepEqual(http[12345], { table: 'http_log', ...http[12345 % lines.length] });
  const raw = sink.rows.filter((r) => r.table === 'raw_log');
  assert.deepEqual(raw.map((r) => r.reason), ['oversized']);
});

test('CRLF files (plain and gzipped, last line without LF): raw_log rows do not keep the CR, parsed rows equal the LF file', async () => {
  const lines = [...fixture('http.raw.log').slice(0, 5), 'not a log line', fixture('http.raw.log')[5], 'bad end\r'];
  const rowsOf = async (file: string): Promise<Record<string, unknown>[]> => {
    const sink = new MemorySink();
    const ing = new Ingest({ format: { kind: 'httplog' }, sinks: [sink], batchRows: 3 });
    await ingestFile(file, ing);
    await ing.close();
    return sink.rows.map((r) => (r.table === 'raw_log' ? { ...r, received: 0 } : r));
  };
  const lf = path.join(dir, 'lf.log');
  const crlf = path.join(dir, 'crlf.log');
  fs.writeFileSync(lf, lines.join('\n'));
  fs.writeFileSync(crlf, lines.join('\r\n'));
  fs.writeFileSync(crlf + '.gz', zlib.gzipSync(fs.readFileSync(crlf)));
  const want = await rowsOf(lf);
  assert.deepEqual(want.filter((r) => r.table === 'raw_log').map((r) => r.message), ['not a log line', 'bad end']);
  assert.equal(want.filter((r) => r.table === 'http_log').length, 6);
  assert.deepEqual(await rowsOf(crlf), want);
  assert.deepEqual(await rowsOf(crlf + '.gz'), want);
});

test('a syslog header reused from the previous message gives the same rows as parsing every header', async () => {
  const msg = '10.0.0.1:5 [23/Nov/2026:20:18:12.197] fe be/s1 0/0/0/4/4 200 160 - - ---- 1/1/0/0/0 0/0 "GET /x HTTP/1.1"';
  const tcp = '10.0.0.2:6 [23/Nov/2026:20:18:13.000] fe_tcp be_tcp/echo 1/0/3 8 -- 1/1/0/0/0 0/0';
  const heads = [
    'Nov 23 20:18:12 lb1 haproxy[4174]: ', 'Nov 23 20:18:12 lb1 haproxy[4174]: ', 'Nov 23 20:18:13 lb1 haproxy[4174]: ',
    'Nov 23 20:18:13 lb2 haproxy[4174]: ', 'Nov 23 20:18:13 lb2 haproxy[99]: ', 'Nov 23 20:18:13 lb2 haproxy: ',
    '<134>Nov 23 20:18:13 haproxy[4174]: ', '<134>Nov 23 20:18:13 haproxy[4174]: ', '<135>Nov 23 20:18:13 haproxy[4174]: ',
    'Nov 23 20:18:13 lb2 haproxy[4174]:', 'Nov 23 20:18:13 lb2 haproxy[4174]:', 'Nov 23 20:18:13 lb2 haproxy[4174] ',
    'Nov 23 20:18:13 lb2 haproxy[4174] ', '<134>1 2026-11-23T20:18:12.204255+00:00 lb1 haproxy 4174 - - ',
    '<134>1 2026-11-23T20:18:12.204255+00:00 lb1 haproxy 4174 - - ', '2026-11-23T20:18:12+00:00 lb1 haproxy[1]: ',
    '2026-11-23T20:18:12+00:00 lb1 haproxy[1]: ', '', 'Nov 23 20:18:13 lb2 haproxy[4174]: ',
  ];
  const lines: string[] = [];
  for (const h of heads) lines.push(h + msg, h + tcp, h + msg + '\r', h);
  lines.push('Nov 23 20:18:13 lb2 haproxy[4174]: ', 'Nov 23 20:18:13 lb2 haproxy[4174]: x', 'Nov 23 20:18:13 lb2 haproxy[4174]: ' + msg);
  const run = async (oneByOne: boolean): Promise<Record<string, unknown>[]> => {
    const sink = new MemorySink();
    let ing = new Ingest({ format: { kind: 'auto' }, sinks: [sink], flushMs: 60000 });
    for (const l of lines) {
      feed(ing, l);
      if (oneByOne) { await ing.close(); ing = new Ingest({ format: { kind: 'auto' }, sinks: [sink], flushMs: 60000 }); }
    }
    await ing.close();
    // Dictionary ids differ between the runs: rows are compared by value, per table, in arrival order.
    return sink.rows.map(({ received: _r, ...rest }) => rest).sort((a, b) => String(a.table).localeCompare(String(b.table)));
  };
  const reused = await run(false);
  assert.equal(reused.length, lines.length);
  assert.deepEqual(reused, await run(true));
  assert.ok(reused.some((r) => r.host === 'lb2' && r.pid === 99 && r.program === 'haproxy'));
});

test('lines of every length around the read size and its carry room come out whole and in order', async () => {
  const lens = [100, 70000, 1048576 - 5, 3, 65530, 200000, 1100000, 65536, 65535, 65537, 1, 1048576, 2, 2100000, 7];
  for (let i = 0; i < 30000; i++) lens.push(1 + (i * 37) % 300);   // short lines: reads end inside them too
  const file = path.join(dir, 'lens.log');
  // Every byte depends on its line and position, so a byte lost, doubled or left stale by a read changes the line.
  const line = (n: number, i: number): string => { const b = Buffer.alloc(n); for (let k = 0; k < n; k++) b[k] = 97 + (k * 7 + i) % 26; return b.toString('latin1'); };
  const want = lens.map((n, i) => line(n, i));
  fs.writeFileSync(file, want.join('\n') + '\n');
  const sink = new MemorySink();
  const ing = new Ingest({ format: { kind: 'auto' }, sinks: [sink], maxMessage: 4 << 20 });
  await ingestFile(file, ing);
  await ing.close();
  const got = sink.rows.map((r) => String(r.message));
  assert.deepEqual(got.map((m) => m.length), lens);
  assert.equal(got.findIndex((m, i) => m !== want[i]), -1);
});
