/*
 * One health probe: a TCP connect (L4) and, for `option httpchk`, an HTTP request (`http-check send`) whose response
 * is matched (`http-check expect`, default 2xx/3xx). Reports one ProbeResult with HAProxy's check_status and the
 * reason text used in state-change messages. Called by checks/health.ts on each check timer. Hot path: no.
 */
import { connect as netConnect } from 'node:net';
import { sourceUse, srcBindFor } from '../backend/source.ts';
import { hostname } from 'node:os';
import type { Socket } from 'node:net';
import type { Server } from '../model/types.ts';
import { SRV_ST_STOPPED } from '../model/types.ts';
import type { CheckCfg, CheckTlsForce } from './types.ts';
import { checkProxyHeader } from '../backend/send-proxy.ts';
import { ppEncodeV1 } from '../net/proxy-protocol.ts';
import { runTcpCheck, checkVarRun } from './tcp-check.ts';
import { runExternalCheck } from './external-check.ts';
import {
  CHK_TYPE_HTTP, CHK_TYPE_TCPCHK, CHK_TYPE_EXTERNAL, HCHK_STATUS_PROCOK, HCHK_STATUS_PROCERR, HCHK_STATUS_PROCTOUT, HCHK_STATUS_L4OK, HCHK_STATUS_L4CON, HCHK_STATUS_L4TOUT, HCHK_STATUS_L7OK, HCHK_STATUS_L7STS,
  HCHK_STATUS_L7RSP, HCHK_STATUS_L7TOUT, HCHK_STATUS_L7OKD, HCHK_STATUS_L7OKC, HCHK_STATUS_SOCKERR, HCHK_EXPECT_STATUS,
  HCHK_EXPECT_RSTATUS, HCHK_EXPECT_STRING, HCHK_EXPECT_RSTRING, HCHK_STATUS_L6OK, HCHK_STATUS_L6RSP, HCHK_STATUS_L6TOUT,
  HCHK_EXPECT_HDR, HCHK_HM_BEG, HCHK_HM_END, HCHK_HM_SUB, HCHK_HM_REG,
} from './types.ts';
import type { HttpCheckExpect } from './types.ts';
import type { RuleFmt } from '../http/types.ts';
import { newStreamLog } from '../model/factories.ts';
import { runLogEmitter } from '../log/emit.ts';
import { sampleLive } from '../log/sample.ts';
import type { VarMap } from '../http/vars.ts';
import type { SampleCtx } from '../acl/types.ts';
import type { StreamLog } from '../model/types.ts';

/** Checks over TLS (proxy/ssl/checks.ts, wired by proxy/modules.ts): a TLS socket for a server checked so, else null. */
type CheckTlsConnect = (srv: Server, host: string, port: number, force: CheckTlsForce | null) => Socket | null;
let checkTls: CheckTlsConnect | null = null;
export function setCheckTlsConnector(fn: CheckTlsConnect): void { checkTls = fn; }

export interface ProbeResult {
  status: number;     // HCHK_STATUS_*
  ok: boolean;        // counts as a success for rise/fall
  code: number;       // HTTP status, 0 for L4
  info: string;       // text after `info: "..."`, '' = none
  duration: number;   // ms
}

const ERRNO_TEXT: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'Connection refused',
  ECONNRESET: 'Connection reset by peer',
  EPIPE: 'Broken pipe',
  EHOSTUNREACH: 'No route to host',
  ENETUNREACH: 'Network is unreachable',
  ETIMEDOUT: 'Connection timed out',
  EADDRNOTAVAIL: 'Cannot assign requested address',
  ENOENT: 'No such file or directory',
};

/** HAProxy's words for a socket error ("Connection refused", ...), else node's message. */
export function errnoText(e: NodeJS.ErrnoException): string { return ERRNO_TEXT[e.code ?? ''] ?? e.message; }

/** HAProxy's reason text for a result: "Layer4 connection problem, info: \"Connection refused\"", ... */
export function probeReason(r: ProbeResult): string {
  let s: string;
  switch (r.status) {
    case HCHK_STATUS_L4OK: s = 'Layer4 check passed'; break;
    case HCHK_STATUS_L4CON: s = 'Layer4 connection problem'; break;
    case HCHK_STATUS_L4TOUT: s = 'Layer4 timeout'; break;
    case HCHK_STATUS_L6OK: s = 'Layer6 check passed'; break;
    case HCHK_STATUS_L6RSP: s = 'Layer6 invalid response'; break;
    case HCHK_STATUS_L6TOUT: s = 'Layer6 timeout'; break;
    case HCHK_STATUS_L7OK: s = 'Layer7 check passed'; break;
    case HCHK_STATUS_L7OKD: case HCHK_STATUS_L7OKC: s = 'Layer7 check conditionally passed'; break;
    case HCHK_STATUS_L7STS: s = 'Layer7 wrong status'; break;
    case HCHK_STATUS_L7RSP: s = 'Layer7 invalid response'; break;
    case HCHK_STATUS_L7TOUT: s = 'Layer7 timeout'; break;
    case HCHK_STATUS_PROCOK: s = 'External check passed'; break;
    case HCHK_STATUS_PROCERR: s = 'External check error'; break;
    case HCHK_STATUS_PROCTOUT: s = 'External check timeout'; break;
    default: s = 'Socket error'; break;
  }
  // 2.6.12 gives the code of the layer-7 verdicts that have one, 0 included, and of no other (checked on its
  // log-health-checks lines and "Server ... is UP" messages: fixtures/proxy/tcp-check-rules)
  if (r.status === HCHK_STATUS_L7STS || r.status === HCHK_STATUS_L7OK || r.status === HCHK_STATUS_L7OKC || r.status === HCHK_STATUS_L7OKD ||
    r.status === HCHK_STATUS_PROCOK || r.status === HCHK_STATUS_PROCERR) s += `, code: ${r.code}`;
  if (r.info !== '') s += `, info: "${r.info}"`;
  return s + `, check duration: ${r.duration}ms`;
}

/**
 * `http-check send-state`'s header value, in 2.6.12's form (checked on the wire): `UP 1/3; address=127.0.0.1;
 * port=80; name=be/s1; node=vm; weight=7/7; scur=0/0; qcur=0` (state with health while not at an end, user weight
 * over the backend's usable weight, server over backend sessions, queue). The node name is the host name (sluice
 * does not pass a global `node` to checks).
 */
function serverStateHeader(srv: Server, host: string, port: number): string {
  const c = srv.check;
  const px = srv.proxy;
  const top = c.rise + c.fall - 1;
  let st: string;
  if (srv.curState !== SRV_ST_STOPPED) {
    const word = srv.uweight === 0 ? 'NOLB' : 'UP';
    st = c.health >= top ? word : `${word} ${c.health - c.rise + 1}/${c.fall}`;
  } else st = c.health === 0 ? 'DOWN' : `DOWN ${c.health}/${c.rise}`;
  let tot = 0;
  for (const s of px.servers) if (!s.backup && s.curState !== SRV_ST_STOPPED) tot += s.uweight;
  if (tot === 0) for (const s of px.servers) if (s.backup && s.curState !== SRV_ST_STOPPED) tot += s.uweight;
  return `${st}; address=${host}; port=${port}; name=${px.name}/${srv.name}; node=${hostname()}; weight=${srv.uweight}/${tot}; ` +
    `scur=${srv.served}/${px.beconn - px.totalQueued}; qcur=${srv.queued}`;
}

/**
 * The check request as 2.6.12 writes it (compared side by side): header names lowercased, the configured headers, then
 * x-haproxy-server-state, content-length; no Host added; `connection: close` on HTTP/1.1 and above only, and not when
 * a Connection header was configured (its close / keep-alive value is dropped).
 */
function buildRequest(c: CheckCfg, srv: Server, vars: VarMap | null): Buffer {
  let req = `${c.method} ${c.uriLf !== undefined ? checkLf(c.uriLf, srv, vars) : c.uri} ${c.version}\r\n`;
  let conn = false;
  const fmts = c.headerFmts;
  for (let i = 0; i < c.headers.length; i += 2) {
    const name = c.headers[i].toLowerCase();
    const f = fmts === undefined ? null : fmts[i] ?? null;
    const v = f === null ? c.headers[i + 1] : checkLf(f, srv, vars);
    if (name === 'connection') {
      conn = true;
      const t = v.trim().toLowerCase();
      if (t === 'close' || t === 'keep-alive') continue;
    }
    req += `${name}: ${v}\r\n`;
  }
  if (c.sendState) {
    const host = srv.check.addr !== '' ? srv.check.addr : srv.host;
    req += `x-haproxy-server-state: ${serverStateHeader(srv, host, srv.check.port > 0 ? srv.check.port : srv.port)}\r\n`;
  }
  const body = c.bodyLf !== undefined ? checkLf(c.bodyLf, srv, vars) : c.body;
  if (body !== '') req += `content-length: ${Buffer.byteLength(body, 'latin1')}\r\n`;
  const ver = /^HTTP\/(\d+)\.(\d+)$/.exec(c.version);
  const v11 = ver !== null && (Number(ver[1]) > 1 || (ver[1] === '1' && Number(ver[2]) >= 1));
  if (!conn && v11) req += 'connection: close\r\n';
  return Buffer.from(req + '\r\n' + body, 'latin1');
}

/**
 * A check connection to `srv`: over TLS when the server is checked so (proxy/ssl/checks.ts), else TCP to its check
 * address and port (`port` > 0 and `addr` override them: `tcp-check connect port|addr`), or its unix socket; `force`
 * (`tcp-check connect ssl [sni] [alpn]`) makes it TLS whatever the server line says. With `tls`, the
 * connection is up at 'secureConnect', else at 'connect'. Shared by the probes here and checks/tcp-check.ts.
 */
export function openCheckSocket(srv: Server, port: number, addr = '', force: CheckTlsForce | null = null): { sock: Socket; tls: boolean } {
  const host = addr !== '' ? addr : srv.check.addr !== '' ? srv.check.addr : srv.host;
  const p = port > 0 ? port : srv.check.port > 0 ? srv.check.port : srv.port;
  const t = checkTls !== null && srv.path === '' ? checkTls(srv, host, p, force) : null;
  if (t !== null) return { sock: t, tls: true };
  const unix = srv.path !== '' && srv.check.addr === '' && addr === '' && port === 0 && srv.check.port === 0;
  // `source` (backend/source.ts): checks leave from the same local address as the traffic (any port)
  const src = sourceUse.on && !unix ? srcBindFor(srv) : null;
  const local = src !== null && src.host !== '' ? src.host : undefined;
  return { sock: unix ? netConnect({ path: srv.path }) : netConnect({ host, port: p, localAddress: local }), tls: false };
}

class Probe {
  readonly srv: Server;
  readonly cfg: CheckCfg;
  readonly done: (r: ProbeResult) => void;
  /** When the check began (its first step's start for the next steps of a multi-step http check). */
  readonly start: number;
  readonly connectTimeout: number;
  /** `check.*` variables of the check (http-check set-var), shared by its steps. */
  vars: VarMap | null;
  readonly sock: Socket;
  chunks: Buffer[] = [];
  size = 0;
  connected = false;
  /** A TLS check: connected means handshaken; tcpUp says the TCP connect itself succeeded (L6 statuses after it). */
  readonly tls: boolean;
  tcpUp = false;
  finished = false;
  timer: NodeJS.Timeout;
  readTimeout: number;

  constructor(srv: Server, cfg: CheckCfg, connectTimeout: number, readTimeout: number, done: (r: ProbeResult) => void,
    start = Date.now(), vars: VarMap | null = null) {
    this.srv = srv; this.cfg = cfg; this.done = done; this.readTimeout = readTimeout;
    this.start = start; this.connectTimeout = connectTimeout; this.vars = vars;
    const vr = cfg.varRules;
    if (vr !== undefined) for (const r of vr) this.vars = checkVarRun(r, srv, this.vars);
    const c = openCheckSocket(srv, cfg.connectPort ?? 0, cfg.connectAddr ?? '', cfg.connectTls ?? null);
    this.tls = c.tls;
    this.sock = c.sock;
    if (c.tls) { this.sock.on('connect', () => { this.tcpUp = true; }); this.sock.on('secureConnect', () => this.onConnect()); }
    else this.sock.on('connect', () => this.onConnect());
    this.sock.on('error', (e: NodeJS.ErrnoException) => this.onError(e));
    this.sock.on('data', (d: Buffer) => this.onData(d));
    this.sock.on('end', () => this.onEnd());
    this.timer = setTimeout(() => this.onTimeout(), connectTimeout);
  }

  finish(status: number, ok: boolean, code: number, info: string): void {
    if (this.finished) return;
    this.finished = true;
    clearTimeout(this.timer);
    this.sock.destroy();
    // a multi-step http check goes on with its next `http-check connect` step after a success
    const next = this.cfg.next;
    if (ok && next !== undefined && this.cfg.type === CHK_TYPE_HTTP) {
      new Probe(this.srv, next, this.connectTimeout, this.readTimeout, this.done, this.start, this.vars);
      return;
    }
    this.done({ status, ok, code, info, duration: Date.now() - this.start });
  }

  onConnect(): void {
    this.connected = true;
    // send-proxy[-v2] / check-send-proxy (backend/send-proxy.ts): the PROXY header goes first, as 2.6's checks send it
    const so = this.sock;
    const pp = this.tls ? null : this.cfg.connectSendProxy === true
      ? ppEncodeV1(so.localAddress ?? '', so.localPort ?? 0, so.remoteAddress ?? '', so.remotePort ?? 0)
      : checkProxyHeader(this.srv, so.localAddress ?? '', so.localPort ?? 0, so.remoteAddress ?? '', so.remotePort ?? 0);
    if (pp !== null) this.sock.write(pp);
    if (this.cfg.type !== CHK_TYPE_HTTP) { this.finish(this.tls ? HCHK_STATUS_L6OK : HCHK_STATUS_L4OK, true, 0, ''); return; }
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.onTimeout(), this.readTimeout);
    if (this.cfg.noRequest !== true || this.cfg.sent === true) this.sock.write(buildRequest(this.cfg, this.srv, this.vars));
  }

  onError(e: NodeJS.ErrnoException): void {
    if (!this.connected) {
      if (this.tcpUp) { this.finish(HCHK_STATUS_L6RSP, false, 0, 'SSL handshake failure'); return; }
      // a reset (not a refusal) comes after the connection was up, which node may report as the connect's error:
      // 2.6 saw the connection established, so a connect-only check passed and an HTTP one met a socket error
      if (e.code === 'ECONNRESET' && !this.tls && this.cfg.type !== CHK_TYPE_HTTP) { this.finish(HCHK_STATUS_L4OK, true, 0, ''); return; }
      this.finish(e.code === 'ECONNRESET' && !this.tls ? HCHK_STATUS_SOCKERR : HCHK_STATUS_L4CON, false, 0, errnoText(e));
      return;
    }
    if (this.size > 0) { this.evaluate(); return; }
    this.finish(HCHK_STATUS_SOCKERR, false, 0, errnoText(e));
  }

  onTimeout(): void {
    if (!this.connected) this.finish(this.tcpUp ? HCHK_STATUS_L6TOUT : HCHK_STATUS_L4TOUT, false, 0, '');
    else if (this.size > 0) this.evaluate();
    else this.finish(HCHK_STATUS_L7TOUT, false, 0, '');
  }

  onData(d: Buffer): void {
    this.chunks.push(d);
    this.size += d.length;
    // status-only expectations can be decided on the status line, header ones on the head; body matches need the
    // whole response
    let needBody = false, needHead = false;
    for (const e of this.expects) {
      if (e.kind === HCHK_EXPECT_STRING || e.kind === HCHK_EXPECT_RSTRING) needBody = true;
      else if (e.kind === HCHK_EXPECT_HDR) needHead = true;
      // min-recv: wait for that many bytes (the server closing first ends the wait too)
      if (e.minRecv !== undefined && this.size < e.minRecv) return;
    }
    if (needBody) { if (this.size > 16384) this.evaluate(); }
    else if (needHead) { if (Buffer.concat(this.chunks).indexOf('\r\n\r\n') >= 0) this.evaluate(); }
    else if (Buffer.concat(this.chunks).indexOf(0x0a) >= 0) this.evaluate();
    else if (this.size > 16384) this.evaluate();
  }

  /** The server closed: what came decides (nothing at all is an invalid response with no info, as 2.6.12). */
  onEnd(): void {
    this.evaluate();
  }

  evaluate(): void {
    const text = Buffer.concat(this.chunks).toString('latin1');
    const eol = text.indexOf('\n');
    const line = (eol >= 0 ? text.slice(0, eol) : text).replace(/\r$/, '');
    const m = /^HTTP\/\d\.\d (\d{3})(?: (.*))?$/.exec(line);
    // no info, as 2.6.12 (checked: a "+OK ready" banner)
    if (m === null) { this.finish(HCHK_STATUS_L7RSP, false, 0, ''); return; }
    const code = +m[1];
    const reason = m[2] ?? '';
    if (this.cfg.expect === null) {
      const ok = code >= 200 && code < 400;
      if (!ok && code === 404 && this.cfg.disableOn404) { this.finish(HCHK_STATUS_L7OKD, true, code, reason); return; }
      this.finish(ok ? HCHK_STATUS_L7OK : HCHK_STATUS_L7STS, ok, code, ok ? '' : reason);
      return;
    }
    // the expect rules in order: the first one that fails decides
    for (const e of this.expects) {
      let ok: boolean;
      if (e.kind === HCHK_EXPECT_STATUS) {
        ok = false;
        for (let i = 0; i < e.statusRanges.length; i += 2) if (code >= e.statusRanges[i] && code <= e.statusRanges[i + 1]) ok = true;
      } else if (e.kind === HCHK_EXPECT_RSTATUS) ok = e.re!.test(m[1]);
      else if (e.kind === HCHK_EXPECT_HDR) ok = hdrExpectMatch(e, text);
      else {
        const hdrEnd = text.indexOf('\r\n\r\n');
        const body = hdrEnd >= 0 ? text.slice(hdrEnd + 4) : '';
        ok = e.kind === HCHK_EXPECT_STRING ? body.includes(e.lf !== undefined ? checkLf(e.lf, this.srv, this.vars) : e.text) : e.re!.test(body);
        if (e.inverse) ok = !ok;
        // a body mismatch reports no code (2.6: empty check_code, no "code:" in the reason)
        if (!ok) { this.finish(HCHK_STATUS_L7RSP, false, 0, withComment(e, e.inverse ? 'HTTP check matched unwanted content' : 'HTTP content check did not match')); return; }
        continue;
      }
      if (e.inverse) ok = !ok;
      if (!ok) { this.finish(HCHK_STATUS_L7STS, false, code, withComment(e, reason)); return; }
    }
    this.finish(HCHK_STATUS_L7OK, true, code, '');
  }

  /** The step's expect rules in order (none: any 2xx/3xx). */
  get expects(): HttpCheckExpect[] {
    const e = this.cfg.expect;
    if (e === null) return [];
    const more = this.cfg.moreExpects;
    return more === undefined ? [e] : [e, ...more];
  }
}

const lfBuf = Buffer.allocUnsafe(4096);

/**
 * A log-format evaluated for a check of `srv` (its backend and server known, no request): `string-lf`, and tcp-check's
 * send-lf, expect *-lf, on-error/on-success, status-code and set-var, where `var(check.<n>)` reads `vars`.
 */
export function checkLf(f: RuleFmt, srv: Server, vars: VarMap | null = null): string {
  const log = newStreamLog(srv.proxy);
  log.backend = srv.proxy; log.server = srv;
  const saved = sampleLive.req;
  if (vars !== null) sampleLive.req = { vars } as unknown as SampleCtx;
  try { return lfText(f, srv, log); } finally { sampleLive.req = saved; }
}

function lfText(f: RuleFmt, srv: Server, log: StreamLog): string {
  let s = '';
  for (let i = 0; i < f.fns.length; i++) {
    const em = f.ems[i];
    if (em !== null) { s += lfBuf.toString('latin1', 0, runLogEmitter(em, srv.proxy, log, lfBuf, lfBuf.length)); continue; }
    const fn = f.fns[i];
    if (fn === null) { s += ' '; continue; }
    const v = fn(log);
    if (v !== null) s += v;
  }
  return s;
}

/** A failed expect's info with its comment (2.6: "<info> comment: <text>"). */
function withComment(e: HttpCheckExpect, info: string): string {
  return e.comment === undefined ? info : (info === '' ? '' : info + ' ') + 'comment: ' + e.comment;
}

function hdrPatMatch(meth: number, pat: string, re: RegExp | null | undefined, s: string): boolean {
  if (meth === HCHK_HM_REG) return re!.test(s);
  if (meth === HCHK_HM_BEG) return s.startsWith(pat);
  if (meth === HCHK_HM_END) return s.endsWith(pat);
  if (meth === HCHK_HM_SUB) return s.includes(pat);
  return s === pat;
}

/** `http-check expect hdr|fhdr`: a response header whose name matches and, if given, one of its values (hdr: each comma-separated one). */
function hdrExpectMatch(e: HttpCheckExpect, text: string): boolean {
  const end = text.indexOf('\r\n\r\n');
  const lines = text.slice(0, end >= 0 ? end : text.length).split('\r\n');
  for (let i = 1; i < lines.length; i++) {
    const colon = lines[i].indexOf(':');
    if (colon <= 0) continue;
    const name = lines[i].slice(0, colon).toLowerCase();
    if (!hdrPatMatch(e.hdrNameMeth!, e.hdrName!, e.hdrNameRe, name)) continue;
    if (e.hdrValue === null || e.hdrValue === undefined) return true;
    const value = lines[i].slice(colon + 1).trim();
    const vals = e.fullHdr === true ? [value] : value.split(',');
    for (const v of vals) if (hdrPatMatch(e.hdrValueMeth!, e.hdrValue, e.hdrValueRe, v.trim())) return true;
  }
  return false;
}

/** Runs one probe of `srv` with the proxy-level settings `cfg`; `done` is called exactly once. */
export function runProbe(srv: Server, cfg: CheckCfg, connectTimeout: number, readTimeout: number, done: (r: ProbeResult) => void): void {
  if (cfg.type === CHK_TYPE_TCPCHK) { runTcpCheck(srv, cfg, connectTimeout, readTimeout, done); return; }
  if (cfg.type === CHK_TYPE_EXTERNAL) { runExternalCheck(srv, cfg, readTimeout, done); return; }
  new Probe(srv, cfg, connectTimeout, readTimeout, done);
}
