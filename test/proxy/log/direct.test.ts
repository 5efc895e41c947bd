/*
 * logStream's direct path (proxy/log/emit.ts sendDirect: one target, header and message formatted straight into the
 * UDP send batch) against the general path (two targets: message buffer, then copied per target): the datagrams must
 * be byte-identical, whole and cut by `len` (inside the message, inside the header), with +Q fields cut at the end.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import type { Proxy, StreamLog } from '../../../proxy/model/types.ts';
import { PR_MODE_HTTP } from '../../../proxy/model/types.ts';
import { newStreamLog } from '../../../proxy/model/factories.ts';
import { newLogCfg, newLogTarget } from '../../../proxy/log/cfg.ts';
import { compileLogFormat } from '../../../proxy/log/format.ts';
import { logStream } from '../../../proxy/log/emit.ts';
import { LOG_FORMAT_HTTPLOG } from '../../../proxy/log/presets.ts';
import { LOG_FMT_RFC3164 } from '../../../proxy/log/types.ts';
import { flushLogs, closeLogSinks } from '../../../proxy/log/sender.ts';

const sock = dgram.createSocket('udp4');
const got: string[] = [];
sock.on('message', (m) => got.push(m.toString('latin1')));
await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
const port = sock.address().port;
after(() => { closeLogSinks(); sock.close(); });

const fe = { name: 'fe_http', mode: PR_MODE_HTTP, options: 0, log: newLogCfg() } as unknown as Proxy;
const be = { name: 'be_app' } as unknown as Proxy;
const s: StreamLog = Object.assign(newStreamLog(fe), {
  acceptMs: 1795485123456, reqDateMs: 1795485123460, tHandshake: 0, tIdle: 0, tRequest: 0, tQueue: 0, tConnect: 1,
  tResponse: 4, tTotal: 5, status: 200, bytesIn: 80, bytesOut: 160, clientIp: '127.0.0.1', clientPort: 55134,
  frontend: fe, backend: be, server: { name: 's1', proxy: be } as unknown as StreamLog['server'], reqCaptures: [],
  resCaptures: [], method: 'GET', uri: '/a"b#c?q=1', httpVersion: 'HTTP/1.1', reqLine: 'GET /a"b#c?q=1 HTTP/1.1',
  reqCounter: 7,
});

function target(len: number): ReturnType<typeof newLogTarget> {
  return Object.assign(newLogTarget('t.cfg', 1), { host: '127.0.0.1', port, family: 4, maxLen: len, format: LOG_FMT_RFC3164 });
}

async function lines(n: number): Promise<string[]> {
  for (let i = 0; i < 200 && got.length < n; i++) {
    flushLogs(100);
    await new Promise((r) => setTimeout(r, 10));
  }
  return got.splice(0, got.length);
}

test('one target (formatted into the send batch) logs the same bytes as two targets, whole and cut by len', async () => {
  const c = compileLogFormat(LOG_FORMAT_HTTPLOG);
  assert.ok(c.ok);
  fe.log.emitter = c.emitter;
  for (const len of [1024, 150, 112, 20]) {
    fe.log.targets = [target(len)];
    logStream(fe, s);
    const one = await lines(1);
    fe.log.targets = [target(len), target(len)];
    logStream(fe, s);
    const two = await lines(2);
    assert.equal(one.length, 1, 'len ' + len);
    // the syslog header's clock may tick between the two sends: its digits are masked (same length, so cuts compare)
    const noClock = (l: string): string => l.replace(/^(<\d+>)(.{0,15})/, (_m, pri: string, d: string) => pri + d.replace(/\d/g, 'D'));
    assert.deepEqual(two.map(noClock), [noClock(one[0]), noClock(one[0])], 'len ' + len);
    assert.ok(one[0].endsWith('\n') && one[0].length <= len + 1, 'len ' + len + ': ' + one[0]);
  }
  fe.log.targets = [target(1024)];
  logStream(fe, s);
  const [whole] = await lines(1);
  assert.match(whole, /^<134>\w{3} [ \d]\d \d\d:\d\d:\d\d [\w.-]+ haproxy\[\d+\]: 127\.0\.0\.1:55134 \[/);
  assert.ok(whole.endsWith(' fe_http be_app/s1 0/0/1/4/5 200 160 - - ---- 0/0/0/0/0 0/0 "GET /a#22b#23c?q=1 HTTP/1.1"\n'), whole);
});
