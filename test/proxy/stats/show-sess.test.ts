import { test, after } from 'node:test';
import assert from 'node:assert/strict';
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
const st: ActiveStream = { sessId: 9001, fe: ls, log, kill(c: number) { killedWith = c; streamUnregister(st); } };
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

test('shutdown session kills a data stream with SF_ERR_KILLED, or a CLI session', () => {
  assert.equal(shutdownSession.parse(['shutdown', 'session', sessPtr(7)], cli, env).text, '');
  assert.deepEqual(killed, [7]);
  assert.equal(shutdownSession.parse(['shutdown', 'session', streamPtr(9001)], cli, env).text, '');
  assert.equal(killedWith, SF_ERR_KILLED);
  assert.equal(shutdownSession.parse(['shutdown', 'session', streamPtr(9001)], cli, env).text, "No such session (use 'show sess').\n");
});
