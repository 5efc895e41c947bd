/*
 * Golden tests against real HAProxy 2.6.12 datagrams (fixtures/log/, see fixtures/log/CMD): each captured line is
 * parsed back into the values of its session, fed as a StreamLog to Sluice's emitter, and the output must equal the
 * HAProxy message byte for byte; headers are rebuilt from the captured date and pid and must match exactly too.
 */
process.env.TZ = 'UTC';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { Proxy, StreamLog } from '../../../proxy/model/types.ts';
import { PR_MODE_TCP, PR_O_LOGASAP, SF_ERR_CHARS, SF_FINST_CHARS } from '../../../proxy/model/types.ts';
import { compileLogFormat } from '../../../proxy/log/format.ts';
import { runLogEmitter } from '../../../proxy/log/emit.ts';
import { putSyslogHeader, HeaderCache } from '../../../proxy/log/syslog.ts';
import { LOG_FORMAT_HTTPLOG, LOG_FORMAT_CLF, LOG_FORMAT_TCPLOG } from '../../../proxy/log/presets.ts';
import { LOG_FMT_LOCAL, LOG_FMT_RFC3164, LOG_FMT_RFC5424, LOG_FMT_SHORT, LOG_FMT_NAMES } from '../../../proxy/log/types.ts';
import type { LogEmitter } from '../../../proxy/log/types.ts';
import { fakeProxy, fakeServer, fakeStream } from './helpers.ts';

const DIR = new URL('../../../fixtures/log/', import.meta.url);
const COLLECTOR_DIR = new URL('../../../fixtures/collectors/haproxy-2.6/', import.meta.url);
const CUSTOM_FMT = '%ci:%cp [%t] %ft %b/%s %Th/%Ti/%TR/%Tq/%Tw/%Tc/%Tr/%Td/%Ta/%Tt/%Tu %ST %B %U %ts/%tsc ' +
  '%ac/%fc/%bc/%sc/%rc %sq/%bq %{+Q}HM %{+Q}HU %{+Q}HP %{+Q}HQ %HV %{+Q}r [%hr] [%hs] %ID %{+X}Ts %{+X}rt ' +
  '%{+Q,+X}ci %fi:%fp %s(%si:%sp) %[capture.req.hdr(0),lower] %%';
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function lines(dir: URL, name: string): string[] {
  return readFileSync(new URL(name, dir), 'latin1').split('\n').filter((l) => l.length > 0);
}

function compile(fmt: string): LogEmitter {
  const r = compileLogFormat(fmt);
  assert.ok(r.ok, r.ok ? '' : r.error);
  return r.emitter;
}

function emit(em: LogEmitter, fe: Proxy, s: StreamLog): string {
  const buf = Buffer.alloc(70000);
  return buf.toString('latin1', 0, runLogEmitter(em, fe, s, buf, 65536));
}

/** `23/Nov/2026:20:29:04.683` (or without ms) → ms since epoch (UTC). */
function parseDate(d: string): number {
  const m = /^(\d\d)\/(\w{3})\/(\d{4}):(\d\d):(\d\d):(\d\d)(?:\.(\d{3}))?/.exec(d);
  assert.ok(m, d);
  return Date.UTC(+m[3], MONTHS.indexOf(m[2]), +m[1], +m[4], +m[5], +m[6], m[7] === undefined ? 0 : +m[7]);
}

const unhash = (v: string): string => v.replace(/#([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
const num = (v: string): number => Number(v.replace('+', ''));

function setNames(s: StreamLog, be: string, srv: string): void {
  const fe = s.frontend;
  s.backend = be === fe.name ? null : fakeProxy(be);
  s.server = srv === '<NOSRV>' ? null : fakeServer(srv, s.backend ?? fe);
}

function setTerm(s: StreamLog, ts: string): void {
  s.errCause = SF_ERR_CHARS.indexOf(ts[0]);
  s.finishState = SF_FINST_CHARS.indexOf(ts[1]);
  if (ts.length === 4) { s.cookieReq = ts[2]; s.cookieRes = ts[3]; }
}

function setRequest(s: StreamLog, r: string): void {
  if (r === '<BADREQ>') return;
  s.reqLine = unhash(r);
  const [m, u, v] = s.reqLine.split(' ');
  s.method = m; s.uri = u; s.httpVersion = v;
}

function setConns(s: StreamLog, v: string[]): void {
  [s.actconn, s.feconn, s.beconn, s.srvconn] = v.slice(0, 4).map(num);
  s.retries = num(v[4]);
  s.redispatched = v[4].startsWith('+');
}

/** The fields of `msg` by `re` (the test fails unless it matches) and a fresh stream of `fe` to fill from them. */
function matchLine(re: RegExp, fe: Proxy, msg: string): [RegExpExecArray, StreamLog] {
  const m = re.exec(msg);
  assert.ok(m, msg);
  return [m, fakeStream(fe)];
}

/** httplog and tcplog begin alike (`ip:port [accept date] frontend backend/server`) and log no handshake/idle time. */
function setHead(s: StreamLog, m: RegExpExecArray): void {
  s.clientIp = m[1]; s.clientPort = +m[2];
  s.acceptMs = s.reqDateMs = parseDate(m[3]);
  setNames(s, m[5], m[6]);
  s.tHandshake = 0; s.tIdle = 0;
}

const HTTPLOG_RE = new RegExp('^(\\S+):(\\d+) \\[(\\S+)\\] (\\S+) (\\S+)/(\\S+) (-?\\d+)/(-?\\d+)/(-?\\d+)/(-?\\d+)/' +
  '(\\+?-?\\d+) (-?\\d+) (\\+?\\d+) - - (\\S{4}) (\\d+)/(\\d+)/(\\d+)/(\\d+)/(\\+?\\d+) (\\d+)/(\\d+)' +
  '(?: \\{([^}]*)\\} \\{([^}]*)\\})? "(.*)"$');

function fromHttplog(fe: Proxy, msg: string): StreamLog {
  const [m, s] = matchLine(HTTPLOG_RE, fe, msg);
  setHead(s, m);
  [s.tRequest, s.tQueue, s.tConnect, s.tResponse] = [m[7], m[8], m[9], m[10]].map(Number);
  s.tTotal = num(m[11]);
  s.status = +m[12]; s.bytesOut = num(m[13]);
  setTerm(s, m[14]);
  setConns(s, m.slice(15, 20));
  s.srvQueue = +m[20]; s.backendQueue = +m[21];
  if (m[22] !== undefined) {
    s.reqCaptures = m[22].split('|').map((v) => (v === '' ? null : unhash(v)));
    s.resCaptures = m[23] === '' ? [null] : m[23].split('|').map((v) => (v === '' ? null : unhash(v)));
  }
  setRequest(s, m[24]);
  return s;
}

const TCPLOG_RE = /^(\S+):(\d+) \[(\S+)\] (\S+) (\S+)\/(\S+) (-?\d+)\/(-?\d+)\/(\+?-?\d+) (\+?\d+) (\S\S) (\d+)\/(\d+)\/(\d+)\/(\d+)\/(\+?\d+) (\d+)\/(\d+)$/;

function fromTcplog(fe: Proxy, msg: string): StreamLog {
  const [m, s] = matchLine(TCPLOG_RE, fe, msg);
  setHead(s, m);
  s.tQueue = +m[7]; s.tConnect = +m[8]; s.tTotal = num(m[9]);
  s.bytesOut = num(m[10]);
  setTerm(s, m[11]);
  setConns(s, m.slice(12, 17));
  s.srvQueue = +m[17]; s.backendQueue = +m[18];
  return s;
}

const CLF_RE = new RegExp('^(\\S+) - - \\[([^\\]]+)\\] "(.*?)" (\\d+) (\\+?\\d+) "" "" (\\d+) (\\d+) "(.*?)" "(.*?)" ' +
  '"(.*?)" (-?\\d+) (-?\\d+) (-?\\d+) (-?\\d+) (-?\\d+) (\\S{4}) (\\d+) (\\d+) (\\d+) (\\d+) (\\+?\\d+) (\\d+) (\\d+) ' +
  '"" "" ?(.*)$');

function fromClf(fe: Proxy, msg: string): StreamLog {
  const [m, s] = matchLine(CLF_RE, fe, msg);
  s.clientIp = m[1];
  s.acceptMs = s.reqDateMs = parseDate(m[2]) + +m[7];
  setRequest(s, m[3]);
  s.status = +m[4]; s.bytesOut = num(m[5]); s.clientPort = +m[6];
  setNames(s, m[9], m[10]);
  s.tHandshake = 0; s.tIdle = 0;
  [s.tRequest, s.tQueue, s.tConnect, s.tResponse] = [m[11], m[12], m[13], m[14]].map(Number);
  s.tTotal = num(m[15]);
  setTerm(s, m[16]);
  setConns(s, m.slice(17, 22));
  s.srvQueue = +m[22]; s.backendQueue = +m[23];
  if (m[24] !== '') {
    const caps = m[24].split(' ').map((v) => (v === '""' ? null : unhash(v.slice(1, -1))));
    s.reqCaptures = caps.slice(0, 1);
    s.resCaptures = caps.slice(1);
  }
  return s;
}

const CUSTOM_RE = new RegExp('^(\\S+):(\\d+) \\[(\\S+)\\] (\\S+) (\\S+)/(\\S+) ((?:-?\\d+/){10}-?\\d+) (-?\\d+) (\\d+) ' +
  '(\\d+) (\\S\\S)/(\\S{4}) (\\d+)/(\\d+)/(\\d+)/(\\d+)/(\\+?\\d+) (\\d+)/(\\d+) "(.*?)" "(.*?)" "(.*?)" "(.*?)" (\\S+) ' +
  '"(.*?)" \\[(.*?)\\] \\[\\] (\\S+) ([0-9A-F]{8}) ([0-9A-F]{4,}) ([0-9A-F]{8}) (\\S+):(\\d+) (\\S+)\\((\\S+):(\\S+)\\) ' +
  '(\\S+) %$');

function fromCustom(fe: Proxy, msg: string): StreamLog {
  const [m, s] = matchLine(CUSTOM_RE, fe, msg);
  s.clientIp = m[1]; s.clientPort = +m[2];
  s.acceptMs = parseDate(m[3]);
  setNames(s, m[5], m[6]);
  const t = m[7].split('/').map(Number);
  [s.tHandshake, s.tIdle, s.tRequest] = t;
  [s.tQueue, s.tConnect, s.tResponse] = [t[4], t[5], t[6]];
  s.tTotal = t[9];
  s.reqDateMs = s.acceptMs + s.tHandshake + s.tIdle;
  s.status = +m[8]; s.bytesOut = +m[9]; s.bytesIn = +m[10];
  setTerm(s, m[12]);
  setConns(s, m.slice(13, 18));
  s.srvQueue = +m[18]; s.backendQueue = +m[19];
  setRequest(s, m[25]);
  if (m[26] !== '') s.reqCaptures = m[26].slice(1, -1).split('|').map((v) => (v === '' ? null : unhash(v)));
  s.uniqueId = m[27] === '-' ? '' : m[27];
  s.reqCounter = parseInt(m[29], 16);
  s.frontendIp = m[31]; s.frontendPort = +m[32];
  if (m[34] !== '-') { s.serverIp = m[34]; s.serverPort = +m[35]; }
  return s;
}

/** Splits a captured datagram into [header, message] for the syslog format used by the case. */
function splitHeader(format: number, line: string): [string, string] {
  const re = format === LOG_FMT_LOCAL ? /^<\d+>\w{3} [ \d]\d \d\d:\d\d:\d\d \S+\[\d+\]: /
    : format === LOG_FMT_SHORT ? /^<\d+>/ : /^<\d+>1 \S+ \S+ \S+ \d+ - - /;
  const m = re.exec(line);
  assert.ok(m, line);
  return [m[0], line.slice(m[0].length)];
}

const CASES: [string, string, (fe: Proxy, msg: string) => StreamLog, number][] = [
  ['http', LOG_FORMAT_HTTPLOG, fromHttplog, 0],
  ['httpshort', LOG_FORMAT_HTTPLOG, fromHttplog, 0],
  ['clf', LOG_FORMAT_CLF, fromClf, 0],
  ['custom', CUSTOM_FMT, fromCustom, 0],
  ['asap', LOG_FORMAT_HTTPLOG, fromHttplog, PR_O_LOGASAP],
  ['global', LOG_FORMAT_HTTPLOG, fromHttplog, PR_O_LOGASAP],
  ['tcp', LOG_FORMAT_TCPLOG, fromTcplog, 0],
];

for (const [name, fmt, parse, options] of CASES) {
  test(`${name}: Sluice's emitter rebuilds every HAProxy 2.6 message byte for byte`, () => {
    const em = compile(fmt);
    const format = name === 'httpshort' ? LOG_FMT_SHORT : LOG_FMT_LOCAL;
    const all = lines(DIR, name + '/haproxy.log');
    assert.ok(all.length >= 1);
    for (const line of all) {
      const msg = splitHeader(format, line)[1];
      const feName = /(fe_\w+)/.exec(msg)?.[1] ?? 'fe_clf';
      const fe = fakeProxy(feName, name === 'tcp' ? PR_MODE_TCP : undefined, options);
      const s = parse(fe, msg);
      assert.equal(emit(em, fe, s), msg);
    }
  });
}

test('syslog headers equal HAProxy 2.6 headers for the captured date, pid, facility and level', () => {
  const check = (format: number, line: string, tag: string, host: string): void => {
    let us: number;
    let m: RegExpExecArray | null;
    if ((m = /^<(\d+)>1 (\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)\.(\d{6})\+00:00 \S+ \S+ (\d+) /.exec(line)) !== null ||
        (m = /^(?:<(\d+)>)?(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)\.(\d{6})\+00:00 ()/.exec(line)) !== null) {
      us = Date.UTC(+m[2], +m[3] - 1, +m[4], +m[5], +m[6], +m[7]) * 1000 + +m[8];
    } else if ((m = /^<(\d+)>(\w{3}) ([ \d]\d) (\d\d):(\d\d):(\d\d) (?:\S+ )?\S+\[(\d+)\]: /.exec(line)) !== null) {
      us = Date.UTC(2026, MONTHS.indexOf(m[2]), +m[3], +m[4], +m[5], +m[6]) * 1000;
    } else {
      m = /^<(\d+)>/.exec(line);
      us = 0;
    }
    const pri = m === null || m[1] === undefined ? 134 : +m[1];
    const pid = Number(/\[(\d+)\]: /.exec(line)?.[1] ?? / (\d+) - - /.exec(line)?.[1] ?? 1);
    const fac = format === LOG_FMT_SHORT || pri < 8 ? 16 : pri >> 3;
    const buf = Buffer.alloc(512);
    const n = putSyslogHeader(buf, 0, format, fac, pri & 7, us, tag, pid, host);
    const hdr = buf.toString('latin1', 0, n);
    assert.equal(line.slice(0, n), hdr, LOG_FMT_NAMES[format] + ': ' + line);
    // the per-target cache (shared by every check here, so it is rebuilt and reused) writes the same bytes
    const buf2 = Buffer.alloc(512);
    const n2 = cache.put(buf2, 3, format, fac, pri & 7, us, tag, pid, host);
    assert.equal(buf2.toString('latin1', 3, n2), hdr, 'cached ' + LOG_FMT_NAMES[format] + ': ' + line);
  };
  const cache = new HeaderCache();
  for (const [name, format] of [['http', LOG_FMT_LOCAL], ['http5424', LOG_FMT_RFC5424], ['httpshort', LOG_FMT_SHORT],
    ['global', LOG_FMT_LOCAL]] as const) {
    for (const line of lines(DIR, name + '/haproxy.log')) check(format, line, 'haproxy', '');
  }
  for (const line of lines(DIR, 'custom/haproxy.log')) check(LOG_FMT_LOCAL, line, 'sluicegold', '');
  for (let f = 0; f < LOG_FMT_NAMES.length; f++) {
    for (const line of lines(COLLECTOR_DIR, 'http.' + LOG_FMT_NAMES[f] + '.log')) check(f, line, 'haproxy', '');
  }
});

test('a cached syslog header follows the second, severity, facility, tag and host', () => {
  const c = new HeaderCache();
  const us = Date.UTC(2026, 10, 24, 1, 2, 3) * 1000 + 999999;
  const get = (u: number, sev: number, fac: number, tag: string, host: string): string => {
    const b = Buffer.alloc(256);
    const want = b.toString('latin1', 0, putSyslogHeader(b, 0, LOG_FMT_LOCAL, fac, sev, u, tag, 7, host));
    const got = b.toString('latin1', 0, c.put(b, 0, LOG_FMT_LOCAL, fac, sev, u, tag, 7, host));
    assert.equal(got, want);
    return got;
  };
  const a = get(us, 6, 16, 'haproxy', '');
  assert.notEqual(get(us + 1, 6, 16, 'haproxy', ''), a, 'next second');
  assert.notEqual(get(us + 1, 3, 16, 'haproxy', ''), a, 'severity');
  assert.notEqual(get(us + 1, 3, 17, 'haproxy', ''), a, 'facility');
  assert.notEqual(get(us + 1, 3, 17, 'other', ''), a, 'tag');
  assert.equal(get(us - 5, 6, 16, 'haproxy', ''), a, 'back to the first header');
  const b = Buffer.alloc(256);
  const n = c.put(b, 0, LOG_FMT_RFC3164, 16, 6, us, 'haproxy', 7, 'host1');
  assert.match(b.toString('latin1', 0, n), / host1 haproxy\[7\]: $/);
});

test('rfc5424 lines are cut to `len` bytes before the final newline', () => {
  const full = lines(DIR, 'http/haproxy.log').map((l) => splitHeader(LOG_FMT_LOCAL, l)[1]);
  const cut = lines(DIR, 'http5424/haproxy.log');
  assert.equal(cut.length, full.length);
  for (let i = 0; i < cut.length; i++) {
    assert.equal(cut[i].length, 100);
    const [hdr, msg] = splitHeader(LOG_FMT_RFC5424, cut[i]);
    assert.equal(msg, full[i].slice(0, 100 - hdr.length));
  }
});

test('%[capture.res.ver] in a log line: the server response version, "-" for a reply Sluice made (2.6.12)', () => {
  // haproxy 2.6.12, log-format "ver=%[capture.res.ver]": server HTTP/1.1 -> HTTP/1.1, HTTP/1.0 -> HTTP/1.0, and '-' for
  // http-request return / deny / 503 without server
  const em = compile('ver=%[capture.res.ver]');
  const fe = fakeProxy('fe');
  const s = fakeStream(fe);
  for (const [v, want] of [[11, 'ver=HTTP/1.1'], [10, 'ver=HTTP/1.0'], [0, 'ver=-']] as const) {
    s.resVer = v;
    assert.equal(emit(em, fe, s), want);
  }
});
