import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { goldenSource } from './fixture-model.ts';
import { showSess, shutdownSession, streamPtr, sessPtr } from '../../../proxy/stats/cli-sess.ts';
import { streamRegister, streamUnregister } from '../../../proxy/streams.ts';
import type { ActiveStream } from '../../../proxy/streams.ts';
import { newStreamLog } from '../../../proxy/model/factories.ts';
import type { CliEnv, CliSession } from '../../../proxy/stats/types.ts';
import { defaultServerStateApi } from '../../../proxy/stats/srv-admin.ts';
import { SF_ERR_KILLED } from '../../../proxy/model/types.ts';

const src = goldenSource();
const cli: CliSession = { id: 7, level: 3, prompt: false, severityOutput: 0, timeoutMs: 0, proto: 'unix_stream', peer: 'unix:1', acceptMs: Date.now(), closing: false };
const killed: number[] = [];
const env: CliEnv = { src, api: defaultServerStateApi, sessions: new Set([cli]), killSession: (id) => { killed.push(id); return true; } };
const ls = src.proxies[2]!;
const log = newStreamLog(ls);
log.clientIp = '127.0.0.1'; log.clientPort = 56174; log.backend = ls; log.server = ls.servers[0]!; log.acceptMs = Date.now() - 2500;
log.serverIp = '127.0.0.1'; log.serverPort = 28084;
let killedWith = -1;
const st: ActiveStream = { sessId: 9001, fe: ls, log, streamPrev: null, streamNext: null, kill(c: number) { killedWith = c; streamUnregister(st); } };
streamRegister(st);
after(() => streamUnregister(st));

test('show sess lists data streams (fe/be/srv, age) then the CLI sessions', () => {
  const out = showSess.parse(['show', 'sess'], cli, env).text;
  const lines = out.split('\n');
  assert.match(lines[0]!, new RegExp('^' + streamPtr(9001) + ': proto=tcpv4 src=127\\.0\\.0\\.1:56174 fe=ls_tcp be=ls_tcp srv=t1 ts=00 .* age=2s '));
  assert.match(lines[1]!, new RegExp('^' + sessPtr(7) + ': proto=unix_stream src=unix:1 fe=GLOBAL be=<NONE> srv=<none> '));
  assert.equal(lines.length, 3);
});

test('show sess <ptr> dumps one stream; unknown pointers are refused', () => {
  const d = showSess.parse(['show', 'sess', streamPtr(9001)], cli, env).text;
  assert.match(d, /^0x[0-9a-f]+: \[\d\d\/\w{3}\/\d{4}:[\d:.]+\] id=9001 proto=tcpv4 source=127\.0\.0\.1:56174\n/);
  assert.match(d, /\n  frontend=ls_tcp \(id=4 mode=tcp\), /);
  assert.match(d, /\n  server=t1 \(id=1\) addr=127\.0\.0\.1:28084\n/);
  assert.equal(showSess.parse(['show', 'sess', '0x1234'], cli, env).text, 'Session not found.\n');
});

test('pointers are read like strtoul(, 0): decimal and octal forms match, a word reading as 0 lists or is refused', () => {
  const hex = streamPtr(9001);
  const dec = BigInt(hex).toString(10);
  const oct = '0' + BigInt(hex).toString(8);
  for (const w of [dec, oct, hex.toUpperCase().replace('0X', '0x'), ' ' + hex + 'zz']) {
    assert.match(showSess.parse(['show', 'sess', w], cli, env).text, /id=9001 proto=tcpv4/, w);
  }
  const list = showSess.parse(['show', 'sess'], cli, env).text.split('\n').length;
  for (const w of ['foo', '0', '0x0']) assert.equal(showSess.parse(['show', 'sess', w], cli, env).text.split('\n').length, list, w);
  for (const w of ['0', 'zz', '0x0']) {
    assert.equal(shutdownSession.parse(['shutdown', 'session', w], cli, env).text, "Session pointer expected (use 'show sess').\n", w);
  }
});

test('shutdown session kills a data stream with SF_ERR_KILLED, or a CLI session', () => {
  assert.equal(shutdownSession.parse(['shutdown', 'session', sessPtr(7)], cli, env).text, '');
  assert.deepEqual(killed, [7]);
  assert.equal(shutdownSession.parse(['shutdown', 'session', streamPtr(9001)], cli, env).text, '');
  assert.equal(killedWith, SF_ERR_KILLED);
  assert.equal(shutdownSession.parse(['shutdown', 'session', streamPtr(9001)], cli, env).text, "No such session (use 'show sess').\n");
});

/** A live tcp stream of ls_tcp to t1, accepted `agoMs` ago. */
function tcpStream(id: number, agoMs: number): ActiveStream {
  const l = newStreamLog(ls);
  l.clientIp = '127.0.0.1'; l.clientPort = 50000 + id % 1000; l.backend = ls; l.server = ls.servers[0]!; l.acceptMs = Date.now() - agoMs;
  l.serverIp = '127.0.0.1'; l.serverPort = 28084; l.backendSrcIp = '127.0.0.1'; l.backendSrcPort = 42852;
  const x: ActiveStream = { sessId: id, fe: ls, log: l, streamPrev: null, streamNext: null, kill() { streamUnregister(x); } };
  streamRegister(x);
  return x;
}

/** A dump reduced to its field names, line by line (values, pointers and dates dropped). */
function shape(d: string): string[] {
  return d.split('\n').map((l) => l.replace(/\[[^\]]*\]/g, '[]').replace(/=[^ ,]*/g, '=').replace(/0x[0-9a-f]+/g, 'P').replace(/\([^)]*\)/g, '()'));
}

test('show sess all dumps every entry in 2.6\'s multi-line form (the field layout of a 2.6.12 capture)', () => {
  // entries follow each other, each starting with its pointer (the CLI adds the final empty line)
  const split = (t: string): string[] => t.replace(/\n$/, '').split(/\n(?=0x[0-9a-f]+: )/);
  const ref = split(readFileSync(new URL('../../../fixtures/stats/show-sess/show-sess-all-active.txt', import.meta.url), 'latin1').replace(/\n$/, ''));
  const refCli = ref.find((b) => b.includes('applet=<CLI>'))!;
  const refTcp = ref.find((b) => b.includes('proto=tcpv4'))!;
  const t = tcpStream(9011, 1000);
  const out = showSess.parse(['show', 'sess', 'all'], cli, env).text;
  streamUnregister(t);
  const blocks = split(out);
  const tcp = blocks.find((b) => b.startsWith(streamPtr(9011)))!;
  const own = blocks.find((b) => b.startsWith(sessPtr(7)))!;
  assert.deepEqual(shape(tcp), shape(refTcp));
  assert.deepEqual(shape(own), shape(refCli));
  assert.match(tcp, /\n  server=t1 \(id=1\) addr=127\.0\.0\.1:28084\n/);
});

test('epochs: each show sess opens one; an entry keeps the first it was listed in, the asking session shows the current', () => {
  const ep = (out: string, ptr: string): string => /epoch=(0x[0-9a-f]+|0)\b/.exec(out.split('\n').find((l) => l.startsWith(ptr))!)![1]!;
  const t = tcpStream(9012, 1000);
  const a = showSess.parse(['show', 'sess'], cli, env).text;
  const b = showSess.parse(['show', 'sess'], cli, env).text;
  streamUnregister(t);
  assert.equal(ep(a, streamPtr(9012)), ep(b, streamPtr(9012)));
  assert.equal(parseInt(ep(b, sessPtr(7)), 16), parseInt(ep(a, sessPtr(7)), 16) + 1);
});

test('an HTTP connection between requests has no stream, as in 2.6; entries are listed in the order they started', () => {
  const fe = src.proxies[0]!;
  const hl = newStreamLog(fe);
  hl.clientIp = '127.0.0.1'; hl.clientPort = 40000; hl.acceptMs = Date.now() - 5000;
  const hs: ActiveStream = { sessId: 9002, fe, log: hl, streamPrev: null, streamNext: null, kill() { streamUnregister(hs); } };
  streamRegister(hs);
  const t = tcpStream(9013, 1000);
  try {
    assert.doesNotMatch(showSess.parse(['show', 'sess'], cli, env).text, new RegExp(streamPtr(9002)));
    hl.tRequest = 0;   // the request head has arrived
    const lines = showSess.parse(['show', 'sess'], cli, env).text.split('\n');
    assert.ok(lines[0]!.startsWith(streamPtr(9002)), lines[0]);   // accepted 5 s ago: first
    assert.ok(lines[1]!.startsWith(streamPtr(9013)), lines[1]);
  } finally { streamUnregister(hs); streamUnregister(t); }
});

test('show sess <ptr> of an HTTP stream waiting for its response has 2.6\'s txn= line and an htx= line per buffer', () => {
  const ref = readFileSync(new URL('../../../fixtures/stats/show-sess/show-sess-all-http.txt', import.meta.url), 'latin1').replace(/\n$/, '');
  const fe = src.proxies.find((p) => p.mode === 1 && p.servers.length > 0) ?? src.proxies[0]!;
  const l = newStreamLog(fe);
  l.clientIp = '127.0.0.1'; l.clientPort = 59976; l.backend = fe; l.server = fe.servers[0] ?? null; l.acceptMs = Date.now() - 1000;
  l.serverIp = '127.0.0.1'; l.serverPort = 19001; l.backendSrcIp = '127.0.0.1'; l.backendSrcPort = 41820;
  l.method = 'GET'; l.tRequest = 0;
  const hs: ActiveStream = { sessId: 9021, fe, log: l, streamPrev: null, streamNext: null, kill() { streamUnregister(hs); } };
  streamRegister(hs);
  const d = showSess.parse(['show', 'sess', streamPtr(9021)], cli, env).text.replace(/\n$/, '');
  streamUnregister(hs);
  assert.ok(fe.mode === 1, 'an http proxy in the golden model');
  assert.deepEqual(shape(d), shape(ref));
  assert.match(d, /\n  txn=0x[0-9a-f]+ flags=0x3000 meth=1 status=-1 req\.st=MSG_DONE rsp\.st=MSG_RPBEFORE /);
});
