/*
 * Generative log-format differential, shared part: a seeded generator of frontends (log-format strings over every
 * 2.6 tag, flags, %[fetch,converter] forms, literals needing escapes; option httplog/tcplog/httpslog/clf; captures,
 * unique-id-format, log targets in every syslog format with len/sample/levels, log-tag, dontlognull, dontlog-normal,
 * log-separate-errors, logasap), the traffic replayed on each (raw request bytes), the scripted HTTP and TCP servers,
 * and the masks applied to both proxies' lines (dates, pids, ports by value, timers by marker). Used by
 * bench/edge/log-diff.ts (the live run against haproxy 2.6.12) and test/e2e/log/log-diff.test.ts (goldens).
 * Hot path: no.
 */
import net from 'node:net';
import os from 'node:os';

/** mulberry32: a small seeded PRNG, the same sequence on every platform. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One generated frontend. Its config lines hold @FE@ (bind port), @LOG@ (log port), @DIR@ (fixture dir). */
export interface FeSpec {
  name: string;
  mode: 'http' | 'tcp';
  preset: '' | 'httplog' | 'clf' | 'tcplog' | 'httpslog';
  lines: string[];
  /** The format as written (for reports). */
  fmt: string;
}

/* Markers written before the volatile fields of generated formats: the mask replaces what follows by its shape. */
const MARK_NUM = '`n`';
const MARK_TOK = '`t`';
const MARK_PORT = '`p`';
/** Tags whose value is a port or the pid: written after MARK_PORT. */
const PORTS = new Set(['cp', 'fp', 'bp', 'sp', 'pid']);

const HTTP_TAGS = [
  'ci', 'cp', 'fi', 'fp', 'bi', 'bp', 'si', 'sp', 't', 'tr', 'trg', 'trl', 'T', 'Tl', 'Ts', 'ms', 'ft', 'f', 'b', 's',
  'TR', 'Tw', 'Tc', 'Tr', 'Ta', 'Th', 'Ti', 'Tq', 'Tt', 'Td', 'Tu', 'ST', 'B', 'U', 'CC', 'CS', 'tsc', 'ts', 'ac', 'fc',
  'bc', 'sc', 'rc', 'sq', 'bq', 'hr', 'hrl', 'hs', 'hsl', 'r', 'HM', 'HU', 'HP', 'HPO', 'HQ', 'HV', 'ID', 'pid', 'H',
  'lc', 'rt', 'sslc', 'sslv',
];
const TCP_TAGS = [
  'ci', 'cp', 'fi', 'fp', 'bi', 'bp', 'si', 'sp', 't', 'T', 'Tl', 'Ts', 'ms', 'ft', 'f', 'b', 's', 'Tw', 'Tc', 'Tt',
  'Th', 'Ti', 'Td', 'Tu', 'B', 'U', 'ts', 'tsc', 'ac', 'fc', 'bc', 'sc', 'rc', 'sq', 'bq', 'pid', 'H', 'lc', 'rt',
];
/**
 * Tags whose value depends on timing: written after MARK_NUM. %rt too: it counts every stream of the process since
 * start (probes included), so only its shape is compared.
 */
const TIMED = new Set(['TR', 'Tw', 'Tc', 'Tr', 'Ta', 'Th', 'Ti', 'Tq', 'Tt', 'Td', 'Tu', 'Ts', 'ms', 'rt']);

/** Sample fetches (with their volatility) for %[...]. */
const FETCHES: readonly (readonly [string, number])[] = [
  ['src', 0], ['src_port', 3], ['dst', 0], ['dst_port', 3], ['fe_name', 0], ['be_name', 0], ['srv_name', 0],
  ['status', 0], ['method', 0], ['path', 0], ['url', 0], ['base', 0], ['capture.req.hdr(0)', 0],
  ['capture.res.hdr(0)', 0], ['capture.req.hdr(1)', 0], ['capture.req.method', 0], ['capture.req.uri', 0],
  ['capture.req.ver', 0], ['capture.res.ver', 0], ['var(txn.v)', 0], ['var(txn.ua)', 0], ['var(txn.nope)', 0],
  ['str(abc)', 0], ['int(42)', 0], ['unique-id', 0], ['fe_id', 0], ['be_id', 0], ['srv_id', 0], ['http_first_req', 0],
  ['req.ver', 0], ['hostname', 0], ['str(a\\,b)', 0], ['nbsrv', 0], ['str(10.1.2.3)', 0], ['str(Mixed Case)', 0],
  ['date', 1], ['uuid', 2], ['rand(100)', 1], ['date_us', 1], ['fe_conn', 0], ['srv_conn', 0], ['int(-7)', 0],
  ['str(example.com)', 0], ['str(/a/b/c)', 0], ['str(k=v=w)', 0], ['bin(41420a)', 0], ['str(\\x01ctl)', 0],
];
const CONVERTERS: readonly string[] = [
  'lower', 'upper', 'hex', 'base64', 'json', 'json(utf8s)', 'word(1,/)', 'word(2,.)', 'field(2,=)', 'field(1,/)',
  'bytes(0,3)', 'bytes(2)', 'regsub(a,X)', 'regsub(/,_,g)', 'map(@DIR@/hosts.map)', 'map(@DIR@/hosts.map,nomatch)',
  'ipmask(24)', 'sdbm', 'djb2', 'crc32', 'wt6', 'sdbm(1)', 'length', 'url_dec', 'add(3)', 'mul(2)', 'neg', 'not',
  'odd', 'bool', 'sha1', 'xxh32', 'ltime(%Y-%m-%d)', 'utime(%H:%M:%S)', 'utime(%Y)', 'ub64enc', 'concat(-,txn.v)',
  'hex2i', 'even', 'div(7)', 'mod(3)', 'and(6)', 'ltrim(/)', 'rtrim(c)', 'strcmp(txn.v)', 'ipmask(16,64)', 'upper,lower',
];
const LITERALS: readonly string[] = [
  '|', ':', '/', '\\"', '%%', '\\\\', '[', ']', '{', '}', ',', '=', 'x', '-', '(', ')', '#', "'", 'a b', 'ab%%cd', ';',
  '\\t', '<', '>', '@', '+', '*', '~', '\\x41', '\\\\\\"',
];
const FLAGS = ['+Q', '-Q', '+X', '-X', '+E', '-E'];
const BAD_ITEMS = [
  '%Zz', '%{+Z}ci', '%[src', '%[nosuchfetch]', '%[src,nosuchconv]', '%', '%{+Q', '%[]', '%[ src]', '%[req.hdr(host]',
  '%[src,ipmask]', '%{Q}ci', '%{+Q}', '%cip', '%[bytes(1)]', '%[str(a),regsub(]', '%[req.hdr(host)]', '%[query]',
  '%[res.hdr(x-res)]', '%[be_conn]', '%[url_param(a)]',
];

function pick<T>(r: () => number, a: readonly T[]): T {
  return a[Math.floor(r() * a.length)];
}

/** A generated log-format (as written inside double quotes in haproxy.cfg) for a frontend of `mode`. */
function genFormat(r: () => number, mode: 'http' | 'tcp', bad: boolean): string {
  const n = 2 + Math.floor(r() * 10);
  const parts: string[] = [];
  const badAt = bad ? Math.floor(r() * n) : -1;
  for (let i = 0; i < n; i++) {
    if (i === badAt) { parts.push(pick(r, BAD_ITEMS)); continue; }
    const k = r();
    let flags = '';
    if (r() < 0.3) {
      const m = 1 + Math.floor(r() * 2);
      for (let j = 0; j < m; j++) flags += (j > 0 && r() < 0.3 ? ',' : '') + pick(r, FLAGS);
      flags = '%{' + flags + '}';
    }
    if (k < 0.55) {
      const tag = pick(r, mode === 'http' ? HTTP_TAGS : TCP_TAGS);
      parts.push((TIMED.has(tag) ? MARK_NUM : PORTS.has(tag) ? MARK_PORT : '') + (flags === '' ? '%' : flags) + tag);
      if (TIMED.has(tag)) parts.push(' ');
    } else if (k < 0.75) {
      const [f, vol] = pick(r, FETCHES);
      let expr = f;
      const nc = vol === 3 ? 0 : Math.floor(r() * 3);
      for (let j = 0; j < nc; j++) expr += ',' + pick(r, CONVERTERS);
      const isTime = /[lu]time/.test(expr);
      parts.push((vol === 2 ? MARK_TOK : vol === 1 && !isTime ? MARK_NUM : vol === 1 ? MARK_TOK : vol === 3 ? MARK_PORT : '') +
        (flags === '' ? '%' : flags) + '[' + expr + ']');
      if (vol > 0) parts.push(' ');
    } else if (k < 0.8) {
      parts.push('%{' + pick(r, FLAGS) + (r() < 0.5 ? ',' + pick(r, FLAGS) : '') + '}o');
    } else {
      parts.push(pick(r, LITERALS));
    }
    // separators: mostly one space, sometimes several, sometimes none
    const s = r();
    parts.push(s < 0.6 ? ' ' : s < 0.7 ? '   ' : '');
  }
  return parts.join('').replace(/ +$/, '');
}

const LOG_FORMATS = ['', '', 'rfc3164', 'rfc5424', 'short', 'raw', 'iso', 'timed', 'local', 'priority'];
const FIXED_HEADER = new Set(['short', 'raw', 'iso', 'timed', 'priority']);
const FACILITIES = ['local0', 'local1', 'local7', 'user', 'daemon'];
const LEVELS = ['', '', 'info', 'notice', 'err', 'debug'];

/** `count` frontends for `seed`; `bad` of them (on average) carry a malformed item. */
export function genFrontends(seed: number, count: number): FeSpec[] {
  const r = rng(seed);
  const out: FeSpec[] = [];
  for (let i = 0; i < count; i++) {
    const name = 'f' + i;
    const mode: 'http' | 'tcp' = r() < 0.15 ? 'tcp' : 'http';
    const lines: string[] = [`  mode ${mode}`, '  bind 127.0.0.1:@FE@'];
    let log = '  log 127.0.0.1:@LOG@';
    const lf = pick(r, LOG_FORMATS);
    // `len` cuts header + message: only with headers of a fixed length (no pid, no hostname), so the cut does not move
    // with the pid's digits or the machine's name
    if (r() < 0.25 && FIXED_HEADER.has(lf)) log += ' len ' + pick(r, ['80', '120', '200', '400']);
    if (lf !== '') log += ' format ' + lf;
    if (r() < 0.12) log += ' sample ' + pick(r, ['1:2', '2:3', '1,3:4', '2-3:3']);
    log += ' ' + pick(r, FACILITIES);
    const lv = pick(r, LEVELS);
    if (lv !== '') log += ' ' + lv + (r() < 0.3 ? ' ' + pick(r, ['notice', 'err', 'emerg']) : '');
    lines.push(log);
    let preset: FeSpec['preset'] = '';
    let fmt = '';
    const p = r();
    if (p < 0.12) preset = mode === 'http' ? 'httplog' : 'tcplog';
    else if (p < 0.17) preset = mode === 'http' ? 'clf' : 'tcplog';
    else if (p < 0.21) preset = mode === 'http' ? 'httpslog' : 'tcplog';
    if (preset === 'clf') lines.push('  option httplog clf');
    else if (preset !== '') lines.push('  option ' + preset);
    else {
      fmt = genFormat(r, mode, r() < 0.12);
      lines.push('  log-format "' + fmt + '"');
    }
    if (r() < 0.15) lines.push('  log-tag ' + pick(r, ['lt', 'app-1', 'x_y']));
    if (r() < 0.2) lines.push('  log-format-sd "' + pick(r, ['[exampleSDID@1234 fe=\\"%f\\"]', '[a@1 s=\\"%s\\" st=\\"%ST\\"]', '%{+Q}o[x@2 ci=%ci]']) + '"');
    if (mode === 'http') {
      if (r() < 0.5) lines.push('  capture request header User-Agent len ' + pick(r, ['5', '10', '64']));
      if (r() < 0.4) lines.push('  capture request header X-Odd len ' + pick(r, ['8', '40']));
      if (r() < 0.3) lines.push('  capture request header X-Long len ' + pick(r, ['20', '200']));
      if (r() < 0.4) lines.push('  capture response header X-Res len ' + pick(r, ['4', '30']));
      if (r() < 0.3) lines.push('  capture response header Content-Type len 10');
      if (r() < 0.15) lines.push('  capture cookie c1 len ' + pick(r, ['3', '20']));
      if (r() < 0.2) {
        lines.push('  declare capture request len 12');
        lines.push('  http-request capture req.hdr(host) id ' + (lines.filter((l) => l.includes('capture request header')).length));
      }
      if (r() < 0.3) {
        const uid = pick(r, ['%{+X}o\\ %ci:`p`%cp_%fi:`p`%fp_`n`%rt:`p`%pid', '%[req.hdr(host)]-%lc', 'id-`n`%rt', '%{+X}o%ci`p`%cp%fi`p`%fp`n`%rt`p`%pid', '%f.%b.%[method]']);
        lines.push('  unique-id-format "' + uid + '"');
        if (r() < 0.5) lines.push('  unique-id-header X-Unique-ID');
      }
      lines.push('  http-request set-var(txn.v) str(hello)');
      if (r() < 0.5) lines.push('  http-request set-var(txn.ua) req.hdr(user-agent),lower');
      lines.push('  use_backend b_empty if { path_beg /nosrv }');
      lines.push('  default_backend b_app');
    } else {
      lines.push('  default_backend b_echo');
    }
    if (r() < 0.2) lines.push('  option dontlognull');
    if (r() < 0.2) lines.push('  option log-separate-errors');
    if (r() < 0.08) lines.push('  option dontlog-normal');
    if (r() < 0.1) lines.push('  option logasap');
    out.push({ name, mode, preset, lines, fmt });
  }
  return out;
}

/** Global + defaults + backends; `srvPort`/`echoPort` are the scripted servers'. */
export function configHead(seed: number, srvPort: number, echoPort: number): string {
  const r = rng(seed ^ 0x5eed);
  let g = 'global\n  maxconn 200\n';
  if (r() < 0.5) g += '  log-send-hostname' + (r() < 0.5 ? ' loghost' : '') + '\n';
  if (r() < 0.3) g += '  log-tag gtag\n';
  return g + 'defaults\n  mode http\n  timeout connect 2s\n  timeout client 3s\n  timeout server 3s\n' +
    '  timeout http-request 2s\n\n' +
    `backend b_app\n  mode http\n  server s1 127.0.0.1:${srvPort}\n\n` +
    'backend b_empty\n  mode http\n\n' +
    `backend b_echo\n  mode tcp\n  server e1 127.0.0.1:${echoPort}\n\n`;
}

export function frontendText(fe: FeSpec, fePort: number, logPort: number, dir: string): string {
  return `frontend ${fe.name}\n` + fe.lines.join('\n').replaceAll('@FE@', String(fePort)).replaceAll('@LOG@', String(logPort))
    .replaceAll('@DIR@', dir) + '\n\n';
}

/* ---- traffic ---- */

/** One client exchange: the byte chunks to send (a number = a pause in ms), and whether to half-close after. */
export interface Exchange { name: string; chunks: (string | number)[] }

const CLOSE = 'Connection: close\r\n';
export const HTTP_TRAFFIC: readonly Exchange[] = [
  { name: 'get-query', chunks: ['GET /?a=1&b=two HTTP/1.1\r\nHost: example.com\r\nUser-Agent: Curl/7.88 Test-Agent\r\nCookie: c1=v1; SRV=s1\r\n' + CLOSE + '\r\n'] },
  { name: 'post-body', chunks: ['POST /post/path?x=%41&y HTTP/1.1\r\nHost: example.com\r\nContent-Type: text/plain\r\nContent-Length: 11\r\n' + CLOSE + '\r\nhello world'] },
  { name: '404', chunks: ['GET /status/404 HTTP/1.1\r\nHost: a\r\n' + CLOSE + '\r\n'] },
  { name: '503-nosrv', chunks: ['GET /nosrv/x?q=1 HTTP/1.1\r\nHost: a\r\nUser-Agent: ua\r\n' + CLOSE + '\r\n'] },
  { name: 'odd-bytes', chunks: ['GET /odd/"q"{|}\xe9\\%20#frag?u=a"b HTTP/1.1\r\nHost: a\r\nX-Odd: v"q\\b{|}#\xe9\tend\r\nUser-Agent: a "quoted" \\ agent\r\n' + CLOSE + '\r\n'] },
  { name: 'long-headers', chunks: ['GET /long HTTP/1.1\r\nHost: a\r\nX-Long: ' + 'L'.repeat(300) + '\r\nUser-Agent: ' + 'U'.repeat(120) + '\r\n' + CLOSE + '\r\n'] },
  { name: 'absolute-uri', chunks: ['GET http://example.com:8080/abs/p?x=1 HTTP/1.1\r\nHost: example.com:8080\r\n' + CLOSE + '\r\n'] },
  { name: 'head-http10', chunks: ['HEAD /h HTTP/1.0\r\n\r\n'] },
  { name: 'garbage', chunks: ['GARBAGE\r\n\r\n'] },
  { name: 'null', chunks: [] },
  { name: 'keep-alive', chunks: ['GET /ka1 HTTP/1.1\r\nHost: a\r\n\r\n', 150, 'GET /ka2?z=9 HTTP/1.1\r\nHost: a\r\n' + CLOSE + '\r\n'] },
  { name: '500-delete', chunks: ['DELETE /status/500 HTTP/1.1\r\nHost: a\r\n' + CLOSE + '\r\n'] },
  { name: 'big', chunks: ['GET /big HTTP/1.1\r\nHost: a\r\nX-Odd: x\r\n' + CLOSE + '\r\n'] },
];
export const TCP_TRAFFIC: readonly Exchange[] = [
  { name: 'echo', chunks: ['hello\n'] },
  { name: 'idle', chunks: [100] },          // no data, closed once the server connection is surely up (no race)
  { name: 'echo-2', chunks: ['one\n', 50, 'two\n'] },
];

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Plays `ex` on a new connection to `port`; resolves when the peer has closed (or after 4 s), with the client's
 * local port (pushed to `ports`).
 */
export async function play(port: number, ex: Exchange, ports: Set<number>, tcp: boolean): Promise<void> {
  const sock = net.connect(port, '127.0.0.1');
  let done = false;
  const closed = new Promise<void>((res) => { sock.on('close', () => { done = true; res(); }); });
  sock.on('error', () => {});
  sock.on('data', () => {});
  await new Promise<void>((res) => { sock.once('connect', () => res()); sock.once('error', () => res()); });
  if (sock.localPort !== undefined) ports.add(sock.localPort);
  for (const c of ex.chunks) {
    if (typeof c === 'number') await sleep(c);
    else sock.write(Buffer.from(c, 'latin1'));
  }
  if (ex.chunks.length === 0 || tcp) {
    if (tcp && ex.chunks.length > 0) await sleep(60);
    sock.end();
  }
  const t = setTimeout(() => sock.destroy(), 4000);
  await closed;
  clearTimeout(t);
  if (!done) sock.destroy();
}

/** The scripted HTTP server: `/status/N` answers N, `/big` 10000 bytes; records its clients' ports (%bp). */
export function httpServer(ports: Set<number>): Promise<net.Server> {
  const srv = net.createServer((c) => {
    if (c.remotePort !== undefined) ports.add(c.remotePort);
    let buf = Buffer.alloc(0);
    c.on('error', () => {});
    c.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      for (;;) {
        const e = buf.indexOf('\r\n\r\n');
        if (e < 0) return;
        const head = buf.toString('latin1', 0, e);
        const cl = /\r\ncontent-length: *(\d+)/i.exec(head);
        const need = e + 4 + (cl ? Number(cl[1]) : 0);
        if (buf.length < need) return;
        buf = buf.subarray(need);
        const [method, uri] = head.split(' ');
        const st = /\/status\/(\d{3})/.exec(uri ?? '');
        const code = st ? Number(st[1]) : 200;
        const reason = code === 200 ? 'OK' : code === 404 ? 'Not Found' : code === 500 ? 'Internal Server Error' : 'X';
        const body = (uri ?? '').endsWith('/big') ? 'x'.repeat(10000) : 'ok\n';
        const close = /\r\nconnection: *close/i.test(head);
        c.write(Buffer.from(`HTTP/1.1 ${code} ${reason}\r\nContent-Type: text/plain\r\nSet-Cookie: SRV=s1; path=/\r\n` +
          `X-Res: r"e\\s{|}#\xe9 v\r\nContent-Length: ${body.length}\r\n${close ? 'Connection: close\r\n' : ''}\r\n` +
          (method === 'HEAD' ? '' : body), 'latin1'));
        if (close) { c.end(); return; }
      }
    });
  });
  return new Promise((res) => srv.listen(0, '127.0.0.1', () => res(srv)));
}

/** The TCP echo server; records its clients' ports. */
export function echoServer(ports: Set<number>): Promise<net.Server> {
  const srv = net.createServer({ allowHalfOpen: false }, (c) => {
    if (c.remotePort !== undefined) ports.add(c.remotePort);
    c.on('error', () => {});
    c.on('data', (d) => c.write(d));
  });
  return new Promise((res) => srv.listen(0, '127.0.0.1', () => res(srv)));
}

/* ---- masks ---- */

/** What differs between two runs by nature: the pid and every port of the run (client, bind, server, source). */
export interface RunValues { pid: number; ports: Set<number> }

const HOSTNAME = os.hostname();
const DATE_CLF = /\d\d\/[A-Z][a-z]{2}\/\d{4}:\d\d:\d\d:\d\d(\.\d{3})?( [+-]\d{4})?/g;
const DATE_ISO = /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?([+-]\d\d:\d\d|Z)/g;
const DATE_3164 = /^(<\d+>)?[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d /;
const digitsToD = (m: string): string => m.replace(/\d/g, 'D');

function maskNum(v: string): string {
  if (v === '-1' || /^"?-1"?$/.test(v) || /^F{8}$|^F{16}$/.test(v)) return v;
  return v.replace(/^("?)(\+?)(-?)[0-9A-Fa-f]+/, '$1$2$3N');
}

/** Masks one datagram (header and message) of a run: dates, pid, ports, marked timers, preset timers. */
export function maskLine(line: string, v: RunValues, preset: FeSpec['preset']): string {
  let l = line.replace(/\n$/, '').replaceAll(HOSTNAME, 'HOST');
  l = l.replace(DATE_3164, digitsToD).replace(DATE_ISO, digitsToD).replace(DATE_CLF, digitsToD);
  const pidHex = v.pid.toString(16).toUpperCase();
  l = l.replace(/[0-9A-F]+/g, (m, at: number, s: string) => {
    const before = at > 0 ? s.charCodeAt(at - 1) : 32;
    const after = at + m.length < s.length ? s.charCodeAt(at + m.length) : 32;
    if (isAlnum(before) || isAlnum(after)) return m;
    if (m === String(v.pid) || m === pidHex) return 'PID';
    // ports are ephemeral (>= 32768 on Linux): 8080 of a request line is no port of the run; ports in hex (+X) are
    // only in generated formats, marked there
    if (/^\d+$/.test(m) && Number(m) >= 10000 && v.ports.has(Number(m))) return 'P';
    return m;
  });
  l = l.replace(/`n`("?\+?-?[0-9A-Fa-f]+"?)/g, (_m, x: string) => '`n`' + maskNum(x));
  l = l.replace(/`t`("[^"]*"|[^ ]*)/g, '`t`T');
  l = l.replace(/`p`("?)([0-9A-F]+|-)("?)/g, (_m, a: string, v: string, b: string) => '`p`' + a + (v === '-' ? v : 'P') + b);
  if (preset === 'httplog' || preset === 'httpslog') {
    l = l.replace(/\] (\S+) (\S+) (-?\d+\/-?\d+\/-?\d+\/-?\d+\/\+?-?\d+) /, (_m, a: string, b: string, t: string) =>
      `] ${a} ${b} ${t.split('/').map(maskNum).join('/')} `);
  } else if (preset === 'tcplog') {
    l = l.replace(/\] (\S+) (\S+) (-?\d+\/-?\d+\/\+?-?\d+) /, (_m, a: string, b: string, t: string) =>
      `] ${a} ${b} ${t.split('/').map(maskNum).join('/')} `);
  } else if (preset === 'clf') {
    l = l.replace(/ P (\d+) (\S+ \S+ \S+) (-?\d+) (-?\d+) (-?\d+) (-?\d+) (\+?-?\d+) (\S{4}) /,
      (_m, _ms: string, fbs: string, ...t: string[]) => ` P MS ${fbs} ${t.slice(0, 5).map(maskNum).join(' ')} ${t[5]} `);
  }
  return l;
}

function isAlnum(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}

/** The map file used by `map(...)` converters. */
export const HOSTS_MAP = 'example.com backend-ex\na other-a\nhello world-map\n10.1.2.3 ten\n';
