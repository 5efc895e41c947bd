/*
 * Value parsers shared by keyword parsers: HAProxy time values (`10s`, `500ms`, `1m`, `2h`, `1d`, `100us`, default
 * unit ms), integers, sizes (`16k`), addresses (`host:port`, `:port`, `ipv4@`, `ipv6@`, `unix@/path`, `/path`).
 * Pure functions; errors are returned as values (negative numbers / error strings). Hot path: no.
 */

export const TIME_MAX_MS = 2147483647;

/** C atoi(): leading blanks, an optional sign, the leading digits (32-bit wrap); 0 when there are none. */
export function cAtoi(w: string): number {
  const m = /^\s*([+-]?[0-9]+)/.exec(w);
  return m === null ? 0 : Number(m[1]) | 0;
}

/** Where parseTime reports a value with characters after its unit (the loader's warnings while it parses). */
let timeWarnSink: ((text: string) => void) | null = null;
export function setTimeWarnSink(fn: ((text: string) => void) | null): void { timeWarnSink = fn; }

/** Result of a time parse: `ms` >= 0, or `err` naming the problem ('' when ok). */
export interface TimeResult { ms: number; err: string; badChar: string }

/** Parses a HAProxy time value with optional unit; returns ms (fractions of a ms rounded up, as HAProxy). */
export function parseTime(s: string): TimeResult {
  let i = 0;
  let v = 0;
  while (i < s.length && s.charCodeAt(i) >= 0x30 && s.charCodeAt(i) <= 0x39) { v = v * 10 + (s.charCodeAt(i) - 0x30); i++; }
  if (i === 0) return { ms: -1, err: 'empty', badChar: s.length > 0 ? s[0] : '' };
  let mul = 1;
  let div = 1;
  // the unit: its first letter decides (ms and us take two); anything after it is only 2.6's warning ("15min")
  let u = i;
  switch (s[i]) {
    case undefined: break;
    case 'u': if (s[i + 1] !== 's') return { ms: -1, err: 'char', badChar: 'u' }; div = 1000; u = i + 2; break;
    case 'm': if (s[i + 1] === 's') u = i + 2; else { mul = 60000; u = i + 1; } break;
    case 's': mul = 1000; u = i + 1; break;
    case 'h': mul = 3600000; u = i + 1; break;
    case 'd': mul = 86400000; u = i + 1; break;
    default: return { ms: -1, err: 'char', badChar: s[i] };
  }
  if (u < s.length && timeWarnSink !== null) {
    timeWarnSink(`unexpected character '${s[u]}' after the timer value '${s}', only (us=microseconds,ms=milliseconds,s=seconds,m=minutes,h=hours,d=days) are supported. This will be reported as an error in next versions.`);
  }
  const ms = div > 1 ? Math.ceil(v / div) : v * mul;
  if (ms > TIME_MAX_MS) return { ms: -1, err: 'overflow', badChar: '' };
  return { ms, err: '', badChar: '' };
}

/** Strict non-negative decimal integer; -1 when `s` is not one. */
export function parseUint(s: string): number {
  if (s.length === 0 || s.length > 15) return -1;
  let v = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return -1;
    v = v * 10 + (c - 0x30);
  }
  return v;
}

/** C atol() semantics used by several HAProxy keywords: optional sign, leading digits, else 0. */
export function atol(s: string): number {
  let i = 0;
  let neg = false;
  if (s[0] === '-') { neg = true; i = 1; } else if (s[0] === '+') i = 1;
  let v = 0;
  while (i < s.length && s.charCodeAt(i) >= 0x30 && s.charCodeAt(i) <= 0x39) { v = v * 10 + (s.charCodeAt(i) - 0x30); i++; }
  return neg ? -v : v;
}

/** Size with optional k/m/g suffix (base 1024); -1 when invalid. */
export function parseSize(s: string): number {
  const last = s[s.length - 1];
  let mul = 1;
  let body = s;
  if (last === 'k' || last === 'K') mul = 1024;
  else if (last === 'm' || last === 'M') mul = 1024 * 1024;
  else if (last === 'g' || last === 'G') mul = 1024 * 1024 * 1024;
  if (mul !== 1) body = s.slice(0, -1);
  const v = parseUint(body);
  return v < 0 ? -1 : v * mul;
}

/** A parsed listening/connecting address. `family` 0 = any (host name or unspecified), 4, 6, or 'unix' as -1. */
export interface AddrSpec {
  host: string;       // '' = all addresses (bind) / unset
  port: number;       // first port, 0 for unix
  portEnd: number;    // last port of a range (= port when no range)
  path: string;       // unix socket path
  family: number;     // 0 unspecified, 4, 6, -1 unix
  err: string;        // '' when ok
}

/** The leading decimal digits of `s` as C's atoi() reads them (0 when there are none). */
function atoiPrefix(s: string): number {
  let v = 0;
  for (let i = 0; i < s.length && i < 12; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x30 || c > 0x39) break;
    v = v * 10 + c - 0x30;
  }
  return v;
}

/**
 * Environment variables in an address, as 2.6 expands them there (outside quotes too): `$NAME` and `${NAME}`, an
 * unset one is empty; there is no `${NAME-default}` form in addresses (the '-default}' stays as text).
 */
export function envExpand(spec: string, env: NodeJS.ProcessEnv = process.env): string {
  if (!spec.includes('$')) return spec;
  let out = '';
  let i = 0;
  while (i < spec.length) {
    if (spec.charCodeAt(i) !== 0x24) { out += spec[i++]; continue; }
    const brace = spec.charCodeAt(i + 1) === 0x7b;
    const j = brace ? i + 2 : i + 1;
    let k = j;
    while (k < spec.length && /[A-Za-z0-9_]/.test(spec[k])) k++;
    const name = spec.slice(j, k);
    out += name !== '' ? env[name] ?? '' : '';
    i = brace && spec.charCodeAt(k) === 0x7d ? k + 1 : k;
  }
  return out;
}

/**
 * Parses `ipv4@1.2.3.4:80`, `ipv6@::1:80`, `[::1]:80`, `unix@/p`, `/p`, `host:port`, `:port`, `host:80-85`.
 * `needPort`: a TCP address without a port is an error ("missing port specification").
 */
export function parseAddr(spec: string, needPort: boolean): AddrSpec {
  const r: AddrSpec = { host: '', port: 0, portEnd: 0, path: '', family: 0, err: '' };
  let s = envExpand(spec);
  if (s.startsWith('unix@')) { r.path = s.slice(5); r.family = -1; if (r.path === '') r.err = `missing path in '${spec}'`; return r; }
  if (s.startsWith('/') || s.startsWith('abns@')) { r.path = s; r.family = -1; return r; }
  if (s.startsWith('ipv4@')) { r.family = 4; s = s.slice(5); }
  else if (s.startsWith('ipv6@')) { r.family = 6; s = s.slice(5); }
  else if (s.startsWith('quic4@') || s.startsWith('quic6@')) {
    // 2.6.12 as Debian builds it: no QUIC
    r.err = `unsupported stream protocol for datagram family ${s[4] === '4' ? 2 : 10} address '${spec}'; QUIC is not compiled in if this is what you were looking for.`;
    return r;
  } else if (s.startsWith('udp@') || s.startsWith('udp4@') || s.startsWith('udp6@') || s.startsWith('uxdg@')) {
    r.err = `dgram-type address not acceptable in '${spec}'`; return r;
  } else if (s.startsWith('fd@') || s.startsWith('sockpair@')) {
    r.err = `address family '${s.slice(0, s.indexOf('@') + 1)}' not supported by sluice yet in '${spec}'`; return r;
  }
  let hostPart: string;
  let portPart: string | null;
  if (s.startsWith('[')) {
    const close = s.indexOf(']');
    if (close < 0) { r.err = `invalid address: '${spec}'`; return r; }
    hostPart = s.slice(1, close);
    portPart = s[close + 1] === ':' ? s.slice(close + 2) : null;
    if (r.family === 0) r.family = 6;
  } else {
    const colon = s.lastIndexOf(':');
    const colons = s.split(':').length - 1;
    if (colons > 1 && r.family !== 6 && !s.includes('.')) {
      // bare IPv6 needs ipv6@ or brackets unless the last group is the port (HAProxy reads the last ':' as the port)
      hostPart = s.slice(0, colon); portPart = s.slice(colon + 1);
    } else if (colon < 0) { hostPart = s; portPart = null; }
    else { hostPart = s.slice(0, colon); portPart = s.slice(colon + 1); }
    if (colons > 1) r.family = 6;
  }
  r.host = hostPart === '*' || hostPart === '0.0.0.0' && r.family === 0 ? (hostPart === '*' ? '' : hostPart) : hostPart;
  if (portPart === null || (needPort && portPart === '')) {
    if (needPort) r.err = `missing port specification in '${spec}'`;
    return r;
  }
  if (needPort) {
    // a listening address, in 2.6.12's words: no port offsets, and the port is read as atoi() reads it ("8a" is 8)
    const c0 = portPart.charCodeAt(0);
    if (c0 === 0x2b || c0 === 0x2d) { r.err = `port offset not permitted here in '${spec}'`; return r; }
    if (c0 < 0x30 || c0 > 0x39) { r.err = `invalid character '${portPart[0]}' in port number '${portPart}' in '${spec}'`; return r; }
    const d = portPart.indexOf('-');
    const a = atoiPrefix(d >= 0 ? portPart.slice(0, d) : portPart), b = d >= 0 ? atoiPrefix(portPart.slice(d + 1)) : a;
    if (a < 1 || a > 65535) { r.err = `invalid port '${d >= 0 ? portPart.slice(0, d) : portPart}'`; return r; }
    if (b < 1 || b > 65535) { r.err = `invalid port '${portPart.slice(d + 1)}'`; return r; }
    if (a > b) { r.err = `invalid port range '${a}-${b}'`; return r; }
    r.port = a; r.portEnd = b;
    return r;
  }
  const dash = portPart.indexOf('-');
  const p1s = dash >= 0 ? portPart.slice(0, dash) : portPart;
  const p2s = dash >= 0 ? portPart.slice(dash + 1) : portPart;
  const p1 = parseUint(p1s);
  const p2 = parseUint(p2s);
  if (p1 < 1 || p1 > 65535) { r.err = `invalid port '${p1s}'`; return r; }
  if (p2 < 1 || p2 > 65535 || p2 < p1) { r.err = `invalid port '${p2s}'`; return r; }
  r.port = p1; r.portEnd = p2;
  return r;
}
