/*
 * `capture cookie` (%CC / %CS): the keyword's checks as in haproxy 2.6.12 -c, and the captured values for the
 * request/response headers of fixtures/log/gen/cookie.sh equal to the %CC/%CS fields HAProxy logged
 * (fixtures/log/cookie/haproxy.log).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import type { KwCtx } from '../../../proxy/config/types.ts';
import type { GlobalSettings, Proxy } from '../../../proxy/model/types.ts';
import { keywords } from '../../../proxy/log/keywords.ts';
import { newLogCfg } from '../../../proxy/log/cfg.ts';
import { compileLogFormat } from '../../../proxy/log/format.ts';
import { runLogEmitter } from '../../../proxy/log/emit.ts';
import { captureReqCookie, captureResCookie, findCookie } from '../../../proxy/log/cookie.ts';
import { fakeProxy, fakeStream } from './helpers.ts';

function parse(fe: Proxy, args: string[]): { alerts: string[]; warns: string[] } {
  const out = { alerts: [] as string[], warns: [] as string[] };
  const kw = keywords.find((k) => k.name === 'capture')!;
  const ctx = {
    file: 't.cfg', line: 1, section: 'listen', proxy: fe, global: { log: newLogCfg() } as unknown as GlobalSettings,
    proxies: new Map(), alert: (m: string) => out.alerts.push(m), warn: (m: string) => out.warns.push(m),
    alertRaw: (m: string) => out.alerts.push(m), warnRaw: (m: string) => out.warns.push(m), postParse: () => {},
  } as unknown as KwCtx;
  kw.parse(args, ctx);
  return out;
}

test('capture cookie: arguments checked like haproxy 2.6 (missing length, 63-byte cap, last one wins)', () => {
  const fe = fakeProxy('f');
  assert.deepEqual(parse(fe, ['capture', 'cookie', 'SRV']).alerts,
    ["'capture' expects 'cookie' <cookie_name> 'len' <len>."]);
  assert.equal(fe.log.cookieName, '');
  assert.deepEqual(parse(fe, ['capture', 'cookie', 'SRV', 'len', '100']).warns,
    ["truncating capture length to 63 bytes for frontend 'f'."]);
  assert.equal(fe.log.cookieLen, 63);
  assert.deepEqual(parse(fe, ['capture', 'cookie', 'ABC', 'len', '4']), { alerts: [], warns: [] });
  assert.deepEqual([fe.log.cookieName, fe.log.cookieLen], ['ABC', 4]);
  parse(fe, ['capture', 'cookie', 'X', 'len', 'x']);
  assert.equal(fe.log.cookieLen, 0);
});

test('findCookie matches a name prefix, case-sensitively, the first pair only for Set-Cookie', () => {
  const b = (s: string): Buffer => Buffer.from('xx' + s + 'yy', 'latin1');
  const find = (v: string, resp = false): string => findCookie('SRV', 12, b(v), 2, 2 + v.length, resp);
  assert.equal(find('a=1; SRV=abc; SRV=second'), 'SRV=abc');
  assert.equal(find('a=1;SRV=x  ;b=2'), 'SRV=x');
  assert.equal(find('SRVlong=abcdefghijklmnop'), 'SRVlong=abcd');
  assert.equal(find('sRV=lower'), '');
  assert.equal(find('SR'), '');
  assert.equal(find('SRV=s1; path=/', true), 'SRV=s1');
  assert.equal(find('other=1; SRV=x', true), '');
});

test('%CC/%CS equal the fields haproxy 2.6 logged for the same cookie headers', () => {
  // request Cookie headers and response Set-Cookie headers of each request of gen/cookie.sh, in order
  const exchanges: [string[], string[]][] = [
    [[], []],
    [['a=1; SRV=abc; SRV=second'], []],
    [['SRVlong=abcdefghijklmnop'], ['other=1; path=/', 'SRVX=longervalue123456; path=/']],
    [['x=1', 'SRV=two'], ['SRV=s1; path=/']],
    [['sRV=lower'], []],
    [['SRV="q#x"'], []],
  ];
  const gold = fs.readFileSync(new URL('../../../fixtures/log/cookie/haproxy.log', import.meta.url), 'latin1')
    .split('\n').filter((l) => l !== '');
  assert.equal(gold.length, exchanges.length);
  const fe = fakeProxy('fe_ck');
  parse(fe, ['capture', 'cookie', 'SRV', 'len', '12']);
  const c = compileLogFormat('%CC %CS');
  assert.ok(c.ok);
  const out = Buffer.alloc(256);
  for (let i = 0; i < gold.length; i++) {
    const s = fakeStream(fe);
    for (const v of exchanges[i][0]) { const h = Buffer.from(v, 'latin1'); captureReqCookie(fe, s, h, 0, h.length); }
    for (const v of exchanges[i][1]) { const h = Buffer.from(v, 'latin1'); captureResCookie(fe, s, h, 0, h.length); }
    const f = gold[i].slice(gold[i].indexOf(']: ') + 3).split(' ');
    assert.equal(out.toString('latin1', 0, runLogEmitter(c.emitter, fe, s, out, 200)), f[7] + ' ' + f[8], gold[i]);
  }
});

test('without capture cookie the capture calls leave the stream untouched', () => {
  const fe = fakeProxy('fe');
  const s = fakeStream(fe);
  const h = Buffer.from('SRV=1');
  captureReqCookie(fe, s, h, 0, h.length);
  captureResCookie(fe, s, h, 0, h.length);
  assert.deepEqual([s.cookieCapReq, s.cookieCapRes], ['', '']);
});
