/*
 * Logging keywords (parsed with a stub KwCtx) and logStream() end to end over loopback UDP: targets, levels,
 * `log global`, `no log`, sampling, dontlognull, log-separate-errors, captures, unique ids, and config errors.
 */
process.env.TZ = 'UTC';
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import type { KwCtx, CfgKeyword } from '../../../proxy/config/types.ts';
import type { GlobalSettings, Proxy } from '../../../proxy/model/types.ts';
import { PR_MODE_TCP, PR_O_HTTPLOG, PR_O_DONTLOGNULL, SF_ERR_SRVTO, SF_FINST_H } from '../../../proxy/model/types.ts';
import { keywords, finalizeProxyLog, parseLogAddress } from '../../../proxy/log/keywords.ts';
import { newLogCfg } from '../../../proxy/log/cfg.ts';
import { logStream, buildUniqueId } from '../../../proxy/log/emit.ts';
import { closeLogSinks, logCounters } from '../../../proxy/log/sender.ts';
import { LOG_FORMAT_HTTPLOG, LOG_FORMAT_TCPLOG } from '../../../proxy/log/presets.ts';
import { LOG_FMT_RFC5424, LOG_TGT_FD, LOG_TGT_UNIX, LOG_ERR } from '../../../proxy/log/types.ts';
import { fakeProxy, fakeServer, fakeStream } from './helpers.ts';

after(() => closeLogSinks());

interface Loaded { global: GlobalSettings; alerts: string[]; warns: string[]; post: (() => void)[] }

/** Feeds config lines to the log keywords: [proxy or null for global, line words]. */
function load(lines: [Proxy | null, string[]][]): Loaded {
  const global = { log: newLogCfg() } as unknown as GlobalSettings;
  const ld: Loaded = { global, alerts: [], warns: [], post: [] };
  const proxies = new Map<string, Proxy>();
  let n = 0;
  for (const [px, args] of lines) {
    n++;
    if (px !== null) proxies.set(px.name, px);
    const from = args[0] === 'no' ? 1 : 0;
    const section = px === null ? 'global' : 'listen';
    let best: CfgKeyword | null = null;
    for (const kw of keywords) {
      const secs = typeof kw.section === 'string' ? [kw.section] : kw.section;
      if (!secs.includes(section)) continue;
      const w = kw.name.split(' ');
      if (w.every((x, i) => args[from + i] === x) && (best === null || w.length > best.name.split(' ').length)) best = kw;
    }
    assert.ok(best, 'no keyword for ' + args.join(' '));
    const ctx: KwCtx = {
      file: 't.cfg', line: n, section, proxy: px, global, proxies,
      alert: (m) => ld.alerts.push('t.cfg:' + n + ': ' + m),
      warn: (m) => ld.warns.push('t.cfg:' + n + ': ' + m),
      alertRaw: (m) => ld.alerts.push(m),
      warnRaw: (m) => ld.warns.push(m),
      postParse: (fn) => ld.post.push(fn),
    };
    best.parse(args, ctx);
  }
  for (const fn of ld.post) fn();
  return ld;
}

function receiver(): Promise<{ port: number; got: string[]; sock: dgram.Socket }> {
  const sock = dgram.createSocket('udp4');
  const got: string[] = [];
  sock.on('message', (m) => got.push(m.toString('latin1')));
  after(() => sock.close());
  return new Promise((resolve) => sock.bind(0, '127.0.0.1', () => resolve({ port: sock.address().port, got, sock })));
}

async function waitFor(got: string[], n: number): Promise<void> {
  const end = Date.now() + 2000;
  while (got.length < n && Date.now() < end) await new Promise((r) => setTimeout(r, 5));
}

function sampleStream(fe: Proxy) {
  const s = fakeStream(fe);
  const be = fakeProxy('be_app');
  Object.assign(s, {
    clientIp: '127.0.0.1', clientPort: 58838, frontendIp: '127.0.0.1', frontendPort: 44080,
    acceptMs: Date.UTC(2026, 10, 23, 20, 29, 4, 683), tHandshake: 0, tIdle: 0, tRequest: 0, tQueue: 0, tConnect: 0,
    tResponse: 7, tTotal: 7, status: 200, bytesIn: 80, bytesOut: 160, actconn: 1, feconn: 1, backend: be,
    server: fakeServer('s1', be), reqCaptures: ['127.0.0.1:44080', 'curl/7.88.1'], resCaptures: ['text/plain'],
    method: 'GET', uri: '/', httpVersion: 'HTTP/1.1', reqLine: 'GET / HTTP/1.1', reqCounter: 17,
  });
  s.reqDateMs = s.acceptMs;
  return s;
}

const GOLD = '127.0.0.1:58838 [23/Nov/2026:20:29:04.683] fe_http be_app/s1 0/0/0/7/7 200 160 - - ---- 1/1/0/0/0 0/0 ' +
  '{127.0.0.1:44080|curl/7.88.1} {text/plain} "GET / HTTP/1.1"';

test('log addresses: host:port, default port, prefixes, unix paths, stdout/stderr, errors', () => {
  assert.deepEqual(parseLogAddress('10.0.0.1:1514'), { kind: 0, host: '10.0.0.1', port: 1514, family: 4, path: '', fd: -1 });
  assert.equal((parseLogAddress('10.0.0.1') as { port: number }).port, 514);
  assert.equal((parseLogAddress('udp@127.0.0.1:9') as { host: string }).host, '127.0.0.1');
  assert.equal((parseLogAddress('udp6@::1:9') as { family: number }).family, 6);
  assert.equal((parseLogAddress('/dev/log') as { kind: number }).kind, LOG_TGT_UNIX);
  assert.equal((parseLogAddress('unix@/run/x.sock') as { path: string }).path, '/run/x.sock');
  assert.equal((parseLogAddress('stderr') as { kind: number; fd: number }).fd, 2);
  assert.equal((parseLogAddress('stdout') as { kind: number }).kind, LOG_TGT_FD);
  assert.match(parseLogAddress('ring@buf') as string, /not supported/);
  assert.match(parseLogAddress('127.0.0.1:99999') as string, /invalid port/);
});

test('log lines: len, format, sample, facility, levels; HAProxy-like errors naming the line', () => {
  const fe = fakeProxy('fe');
  const ld = load([
    [fe, ['log', '127.0.0.1:9', 'len', '100', 'format', 'rfc5424', 'sample', '1,3-4:5', 'local3', 'notice', 'err']],
    [fe, ['log', '127.0.0.1:9', 'len', '60', 'local0']],
    [fe, ['log', '127.0.0.1:9', 'format', 'rfc5424', 'len', '100', 'local0']],
    [fe, ['log', '127.0.0.1:9', 'local9']],
    [fe, ['log', '127.0.0.1:9', 'local0', 'loud']],
    [fe, ['log-format', '%ci %zz']],
    [fe, ['log-format', '%ci', 'extra']],
  ]);
  const t = fe.log.targets[0];
  assert.equal(fe.log.targets.length, 1);
  assert.deepEqual([t.maxLen, t.format, t.sampleRanges, t.sampleSize, t.facility, t.level, t.minLevel],
    [100, LOG_FMT_RFC5424, [1, 1, 3, 4], 5, 19, 5, 3]);
  // a bad log-format is 2.6's post-parse "Parsing [t.cfg:6]: failed to parse log-format : ..." (after the others)
  assert.deepEqual(ld.alerts.map((a) => a.slice(0, 9)), ['t.cfg:2: ', 't.cfg:3: ', 't.cfg:4: ', 't.cfg:5: ', 't.cfg:7: ', 'Parsing [']);
  assert.match(ld.alerts[0], /invalid log length '60', must be between 80 and 65535/);
  assert.match(ld.alerts[1], /unknown log facility 'len'/);
  assert.match(ld.alerts[2], /unknown log facility 'local9'/);
  assert.match(ld.alerts[3], /unknown optional log level 'loud'/);
  assert.match(ld.alerts[4], /only one argument/);
  assert.equal(ld.alerts[5], "Parsing [t.cfg:6]: failed to parse log-format : no such format variable 'zz'. If you wanted to emit the '%' character verbatim, you need to use '%%'.");
});

test('log global appends the global targets and tag; no log drops inherited targets', () => {
  const fe = fakeProxy('fe');
  const fe2 = fakeProxy('fe2');
  const ld = load([
    [null, ['log', '127.0.0.1:9', 'local2']],
    [null, ['log-tag', 'gtag']],
    [fe, ['log', 'global']],
    [fe, ['log', 'stdout', 'format', 'raw', 'daemon']],
    [fe, ['option', 'httplog']],
    [fe2, ['log', '127.0.0.1:9', 'local0']],
    [fe2, ['no', 'log']],
  ]);
  assert.deepEqual(ld.alerts, []);
  assert.deepEqual(fe.log.targets.map((t) => [t.kind, t.facility]), [[LOG_TGT_FD, 3], [0, 18]]);
  assert.equal(fe.log.tag, 'gtag');
  assert.notEqual(fe.log.emitter, null);
  assert.equal(fe2.log.targets.length, 0);
});

test('option httplog in a tcp proxy falls back to tcplog with a warning; last of log-format/httplog wins', () => {
  const tcp = fakeProxy('ft', PR_MODE_TCP);
  const fe = fakeProxy('fe');
  const ld = load([
    [tcp, ['log', '127.0.0.1:9', 'local0']],
    [tcp, ['option', 'httplog']],
    [fe, ['log-format', '%ci']],
    [fe, ['option', 'httplog']],
    [fe, ['no', 'option', 'httplog']],
    [fe, ['option', 'tcplog']],
  ]);
  assert.equal(tcp.log.emitter?.src, LOG_FORMAT_TCPLOG);
  assert.ok(ld.warns.some((w) => /Falling back to 'option tcplog'/.test(w)));
  assert.ok(!ld.warns.some((w) => /overrides previous/.test(w)), 'haproxy 2.6.12 -c does not warn when formats replace each other');
  assert.equal(fe.log.format, LOG_FORMAT_TCPLOG);
  assert.equal(fe.options & PR_O_HTTPLOG, 0);
});

test('captures and declared slots keep config order; unique-id is built from its format', () => {
  const fe = fakeProxy('fe');
  const ld = load([
    [fe, ['capture', 'request', 'header', 'Host', 'len', '5']],
    [fe, ['declare', 'capture', 'request', 'len', '7']],
    [fe, ['capture', 'response', 'header', 'Content-Type', 'len', '20']],
    [fe, ['capture', 'request', 'header', 'X', 'len', 'abc']],
    [fe, ['unique-id-format', '%{+X}o %ci:%cp_%fi:%fp_%Ts_%rt']],
    [fe, ['unique-id-header', 'X-Unique-ID']],
  ]);
  // `len abc` is atol() = 0 for 2.6.12, no alert (checked with haproxy -c): a slot that captures nothing
  assert.equal(ld.alerts.length, 0);
  assert.deepEqual(fe.log.reqCaptures, [{ hdr: 'host', len: 5 }, { hdr: '', len: 7 }, { hdr: 'x', len: 0 }]);
  assert.deepEqual(fe.log.resCaptures, [{ hdr: 'content-type', len: 20 }]);
  const s = sampleStream(fe);
  s.clientPort = 57742; s.frontendPort = 44082; s.acceptMs = 0x6B04A213 * 1000; s.reqCounter = 0x11;
  assert.equal(buildUniqueId(fe, s), '7F000001:E18E_7F000001:AC32_6B04A213_0011');
  assert.equal(s.uniqueId, '7F000001:E18E_7F000001:AC32_6B04A213_0011');
  assert.equal(fe.log.uniqueIdHeader, 'x-unique-id');
});

test('logStream sends one framed datagram per target, like HAProxy, honouring levels and len', async () => {
  const r = await receiver();
  const fe = fakeProxy('fe_http');
  const ld = load([
    [fe, ['log', '127.0.0.1:' + r.port, 'local0']],
    [fe, ['log', '127.0.0.1:' + r.port, 'len', '100', 'format', 'rfc5424', 'local1']],
    [fe, ['log', '127.0.0.1:' + r.port, 'format', 'short', 'local0', 'info', 'info']],
    [fe, ['log', '127.0.0.1:' + r.port, 'local0', 'err']],
    [fe, ['option', 'httplog']],
  ]);
  assert.deepEqual(ld.alerts, []);
  const sent = logCounters.sent;
  logStream(fe, sampleStream(fe));
  await waitFor(r.got, 3);
  assert.equal(logCounters.sent - sent, 3);
  const byPri = new Map(r.got.map((g) => [g.slice(0, g.indexOf('>') + 1), g]));
  assert.match(byPri.get('<134>')!, new RegExp('^<134>\\w{3} [ \\d]\\d \\d\\d:\\d\\d:\\d\\d haproxy\\[' + process.pid + '\\]: '));
  assert.ok(byPri.get('<134>')!.endsWith(': ' + GOLD + '\n'));
  const l5424 = byPri.get('<142>')!;
  assert.equal(l5424.length, 101);
  assert.match(l5424, /^<142>1 \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}[+-]\d\d:\d\d - haproxy \d+ - - 127\.0\.0\.1:58838 /);
  assert.equal(byPri.get('<6>'), '<6>' + GOLD + '\n');
});

test('errors go out at level err with log-separate-errors; dontlognull skips empty sessions only', async () => {
  const r = await receiver();
  const fe = fakeProxy('fe_http');
  load([
    [fe, ['log', '127.0.0.1:' + r.port, 'local0']],
    [fe, ['option', 'httplog']],
    [fe, ['option', 'log-separate-errors']],
    [fe, ['option', 'dontlognull']],
  ]);
  assert.ok((fe.options & PR_O_DONTLOGNULL) !== 0);
  const ok = sampleStream(fe);
  const bad = sampleStream(fe);
  bad.status = 504; bad.errCause = SF_ERR_SRVTO; bad.finishState = SF_FINST_H;
  const empty = sampleStream(fe);
  empty.bytesIn = 0;
  logStream(fe, empty);
  logStream(fe, ok);
  logStream(fe, bad);
  await waitFor(r.got, 2);
  await new Promise((res) => setTimeout(res, 30));
  assert.equal(r.got.length, 2);
  assert.ok(r.got[0].startsWith('<134>'));
  assert.ok(r.got[1].startsWith('<' + (16 * 8 + LOG_ERR) + '>'));
  assert.match(r.got[1], / 504 160 - - sH-- /);
});

test('sample 1:2 sends every other line of a target', async () => {
  const r = await receiver();
  const fe = fakeProxy('fe_http');
  load([[fe, ['log', '127.0.0.1:' + r.port, 'sample', '1:2', 'local0']], [fe, ['log-format', '%rt']]]);
  for (let i = 1; i <= 6; i++) { const s = sampleStream(fe); s.reqCounter = i; logStream(fe, s); }
  await waitFor(r.got, 3);
  await new Promise((res) => setTimeout(res, 30));
  assert.deepEqual(r.got.map((g) => g.slice(g.indexOf(': ') + 2)), ['1\n', '3\n', '5\n']);
});

test('a proxy without a log format logs nothing from logStream; finalize is idempotent for tags', () => {
  const fe = fakeProxy('fe');
  const g = { log: newLogCfg() } as unknown as GlobalSettings;
  assert.deepEqual(finalizeProxyLog(fe, g), []);
  assert.equal(fe.log.emitter, null);
  const sent = logCounters.sent;
  logStream(fe, sampleStream(fe));
  assert.equal(logCounters.sent, sent);
  assert.equal(LOG_FORMAT_HTTPLOG.split('%').length - 1, 26);
});
