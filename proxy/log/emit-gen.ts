/*
 * Code generation for compiled log-formats: turns a LogEmitter's op program (log/format.ts) into one straight-line
 * JS function, built once per emitter on first use, with the options, literal bytes and field choices of the format
 * written into the code (no per-field dispatch; V8 inlines the small field writers of log/fields.ts). The generated
 * source holds only numbers and fixed statements: literal text is written as byte values, never as source text.
 * Callers: log/emit.ts (runLogEmitter). Hot path: the generated function is (generation itself: load/first use).
 */
import type { Proxy, StreamLog } from '../model/types.ts';
import type { LogEmitter } from './types.ts';
import { PR_O_LOGASAP, PR_MODE_HTTP, SF_ERR_CHARS, SF_FINST_CHARS } from '../model/types.ts';
import { LF_FLAG_Q, LF_FLAG_X, LF_FLAG_E, LF_FLAG_NM } from './format-tokens.ts';
import * as op from './format.ts';
import * as F from './fields.ts';
import { putUint } from './syslog.ts';
import { putDateLocalMs, putDateGmt, putDateLocalZone, putPadded } from './dates.ts';

/**
 * A generated emitter: writes the line for `s` into `buf` from offset `at`, stopping short of offset `cap` (it may
 * write a few bytes past `cap`: callers keep 1 KiB of slack); returns the offset where the line ends.
 */
export type EmitFn = (fe: Proxy, s: StreamLog, buf: Buffer, at: number, cap: number) => number;

/** What the generated code may call, by these names. */
const HELPERS = {
  ...F, putUint, putDateLocalMs, putDateGmt, putDateLocalZone, putPadded, SF_ERR_CHARS, SF_FINST_CHARS,
  BADREQ: '<BADREQ>', PID: process.pid, HOSTNAME: '',
};
const F_Q = LF_FLAG_Q;
const F_X = LF_FLAG_X;
const F_E = LF_FLAG_E;
/** Literals up to this length are written byte by byte (a Buffer copy call costs more below ~16 bytes). */
const INLINE_LIT = 16;

/** Copies literal `lit` at `off`, cut at `cap`. */
function putLit(buf: Buffer, off: number, lit: Buffer, cap: number): number {
  const n = lit.length < cap - off ? lit.length : cap - off;
  if (n <= INLINE_LIT) { for (let i = 0; i < n; i++) buf[off + i] = lit[i]; }
  else lit.copy(buf, off, 0, n);
  return off + n;
}

/**
 * The statement writing the string (or null) that JS expression `v` gives, with options `o` and encoding map `enc`
 * ('null', 'URL_ENC'): putField, or its specialised forms for the options at hand.
 */
function fieldSrc(v: string, o: number, enc: string): string {
  if ((o & (F_Q | F_E)) === 0 && enc === 'null') return `off = putFieldPlain(buf, off, ${v}, cap);`;
  if ((o & F_E) === 0 && enc !== 'null') return `off = putFieldEnc(buf, off, ${v}, ${o}, ${enc}, cap);`;
  return `off = putField(buf, off, ${v}, ${o}, ${enc}, cap);`;
}

/** An address field (`v` its JS expression): without +Q/+E/+X it is a plain text field (putIp's other cases). */
function ipSrc(v: string, o: number): string {
  return (o & (F_Q | F_E | F_X)) === 0 ? `off = putFieldPlain(buf, off, ${v}, cap);` : `off = putIp(buf, off, ${v}, ${o}, cap);`;
}

/** The statement(s) of one op, `o` its options, `arg` its argument; '' for an op that writes nothing. */
function opSource(code: number, o: number, arg: number, lits: readonly Buffer[]): string {
  const X = (o & F_X) !== 0;
  switch (code) {
    case op.LF_OP_LIT: {
      const lit = lits[arg];
      if (lit.length === 0 || lit.length > INLINE_LIT) return `off = putLit(buf, off, L[${arg}], cap);`;
      let w = '';
      for (let i = 0; i < lit.length; i++) w += `buf[off + ${i}] = ${lit[i]}; `;
      return `if (cap - off >= ${lit.length}) { ${w}off += ${lit.length}; } else off = putLit(buf, off, L[${arg}], cap);`;
    }
    case op.LF_OP_SAMPLE: {
      // %{-M}: nothing found or empty prints nothing (haproxy 2.6.12, fixtures/proxy/actions/log-m-flag)
      const none = (o & LF_FLAG_NM) !== 0 ? `v === null || v === '') off = putEmpty(buf, off, ${o});`
        : `v === null) off = putAbsent(buf, off, ${o});`;
      return `{ const v = SM[${arg}](s); if (${none} ` +
        `else if (typeof v === 'number') off = putNumText(buf, off, v, ${o}); else off = putField(buf, off, v, ${o}, null, cap); }`;
    }
    case op.LF_OP_CI: return ipSrc('s.clientIp', o);
    case op.LF_OP_CP: return `off = putPort(buf, off, s.clientPort, s.clientIp, ${o});`;
    case op.LF_OP_FI: return ipSrc('s.frontendIp', o);
    case op.LF_OP_FP: return `off = putPort(buf, off, s.frontendPort, s.frontendIp, ${o});`;
    case op.LF_OP_BI: return ipSrc('s.backendSrcIp', o);
    case op.LF_OP_BP: return `off = putPort(buf, off, s.backendSrcPort, s.backendSrcIp, ${o});`;
    case op.LF_OP_SI: return ipSrc('s.serverIp', o);
    case op.LF_OP_SP: return `off = putPort(buf, off, s.serverPort, s.serverIp, ${o});`;
    case op.LF_OP_T: return 'off = putDateLocalMs(buf, off, s.acceptMs);';
    case op.LF_OP_TR: return 'off = putDateLocalMs(buf, off, s.reqDateMs);';
    case op.LF_OP_TRG: return 'off = putDateGmt(buf, off, s.reqDateMs);';
    case op.LF_OP_TRL: return 'off = putDateLocalZone(buf, off, s.reqDateMs);';
    case op.LF_OP_TG: return 'off = putDateGmt(buf, off, s.acceptMs);';
    case op.LF_OP_TL: return 'off = putDateLocalZone(buf, off, s.acceptMs);';
    case op.LF_OP_TS:
      return '{ const sec = Math.floor(s.acceptMs / 1000); ' +
        (X ? 'off = putHex(buf, off, sec, 8); }' : 'off = putUint(buf, off, sec); }');
    case op.LF_OP_MS:
      return '{ const ms = s.acceptMs - Math.floor(s.acceptMs / 1000) * 1000; ' +
        (X ? 'off = putHex(buf, off, ms, 0); }' : 'off = putPadded(buf, off, ms, 3); }');
    case op.LF_OP_FT: return fieldSrc(`s.tls === null ? fe.name : fe.name + '~'`, o, 'null');
    case op.LF_OP_F: return fieldSrc(`fe.name`, o, 'null');
    case op.LF_OP_B: return fieldSrc(`s.backend === null ? fe.name : s.backend.name`, o, 'null');
    case op.LF_OP_S: return fieldSrc(`s.server !== null ? s.server.name : s.applet !== '' ? s.applet : '<NOSRV>'`, o, 'null');
    case op.LF_OP_TREQ: return `off = putInt(buf, off, s.tRequest, ${o});`;
    case op.LF_OP_TW: return `off = putInt(buf, off, s.tQueue, ${o});`;
    case op.LF_OP_TC: return `off = putInt(buf, off, s.tConnect, ${o});`;
    case op.LF_OP_TRES: return `off = putInt(buf, off, s.tResponse, ${o});`;
    case op.LF_OP_TH: return `off = putInt(buf, off, s.tHandshake, ${o});`;
    case op.LF_OP_TI: return `off = putInt(buf, off, s.tIdle, ${o});`;
    case op.LF_OP_TQ: return `off = putInt(buf, off, s.tRequest < 0 ? -1 : s.tHandshake + s.tIdle + s.tRequest, ${o});`;
    case op.LF_OP_TA: return `if (plus) buf[off++] = 43; off = putInt(buf, off, s.tTotal - s.tHandshake - s.tIdle, ${o});`;
    case op.LF_OP_TT: return `if (plus) buf[off++] = 43; off = putInt(buf, off, s.tTotal, ${o});`;
    case op.LF_OP_TU: return `off = putInt(buf, off, s.tTotal - s.tIdle, ${o});`;
    case op.LF_OP_TD:
      // HTTP: from the response's first byte; TCP: from the server connection (2.6.12)
      return `off = putInt(buf, off, fe.mode !== ${PR_MODE_HTTP} ? (s.tConnect < 0 ? -1 : s.tTotal - (s.tHandshake + s.tIdle + s.tQueue + s.tConnect)) : ` +
        's.tResponse < 0 ? -1 : s.tTotal - ' +
        `(s.tHandshake + s.tIdle + s.tRequest + s.tQueue + s.tConnect + s.tResponse), ${o});`;
    case op.LF_OP_ST: return `off = putInt(buf, off, s.status, ${o & ~F_X});`;
    case op.LF_OP_BYTES: return `if (plus) buf[off++] = 43; off = putInt(buf, off, s.bytesOut, ${o});`;
    case op.LF_OP_UBYTES: return `off = putInt(buf, off, s.bytesIn, ${o});`;
    case op.LF_OP_CC: return fieldSrc(`s.cookieCapReq`, o, 'null');
    case op.LF_OP_CS: return fieldSrc(`s.cookieCapRes`, o, 'null');
    case op.LF_OP_SSL: return `off = s.tls === null ? putAbsent(buf, off, ${o}) : putField(buf, off, s.tls.cipher, ${o}, null, cap);`;
    case op.LF_OP_SSLV: return `off = s.tls === null ? putAbsent(buf, off, ${o}) : putField(buf, off, s.tls.version, ${o}, null, cap);`;
    case op.LF_OP_TSC:
    case op.LF_OP_TSS:
      return 'buf[off++] = SF_ERR_CHARS.charCodeAt(s.errCause); buf[off++] = SF_FINST_CHARS.charCodeAt(s.finishState);' +
        (code === op.LF_OP_TSC ? ' buf[off++] = s.cookieReq.length > 0 ? s.cookieReq.charCodeAt(0) : 45;' +
          ' buf[off++] = s.cookieRes.length > 0 ? s.cookieRes.charCodeAt(0) : 45;' : '');
    case op.LF_OP_AC: return `off = putInt(buf, off, s.actconn, ${o});`;
    case op.LF_OP_FC: return `off = putInt(buf, off, s.feconn, ${o});`;
    case op.LF_OP_BC: return `off = putInt(buf, off, s.beconn, ${o});`;
    case op.LF_OP_SC: return `off = putInt(buf, off, s.srvconn, ${o});`;
    case op.LF_OP_RC: return `if (s.redispatched) buf[off++] = 43; off = putInt(buf, off, s.retries, ${o});`;
    case op.LF_OP_RT: return X ? 'off = putHex(buf, off, s.reqCounter, 4);' : 'off = putUint(buf, off, s.reqCounter);';
    case op.LF_OP_SQ: return `off = putInt(buf, off, s.srvQueue, ${o});`;
    case op.LF_OP_BQ: return `off = putInt(buf, off, s.backendQueue, ${o});`;
    case op.LF_OP_HR: return `off = putCapturesBraced(buf, off, s.reqCaptures, ${o}, cap);`;
    case op.LF_OP_HS: return `off = putCapturesBraced(buf, off, s.resCaptures, ${o}, cap);`;
    case op.LF_OP_HRL: return `off = putCapturesList(buf, off, s.reqCaptures, ${o}, cap);`;
    case op.LF_OP_HSL: return `off = putCapturesList(buf, off, s.resCaptures, ${o}, cap);`;
    case op.LF_OP_R: return fieldSrc(`s.reqLine === '' ? BADREQ : s.reqLine`, o, 'URL_ENC');
    case op.LF_OP_HM: return fieldSrc(`s.method === '' ? BADREQ : s.method`, o, 'URL_ENC');
    case op.LF_OP_HV: return fieldSrc(`s.method === '' ? BADREQ : s.httpVersion`, o, 'URL_ENC');
    case op.LF_OP_HU: return fieldSrc(`s.method === '' ? BADREQ : s.uri`, o, 'URL_ENC');
    case op.LF_OP_HP:
    case op.LF_OP_HPO:
      return `if (s.method === '') off = putField(buf, off, BADREQ, ${o}, URL_ENC, cap); else { const u = s.uri; ` +
        `const qm = u.indexOf('?'); const from = ${code === op.LF_OP_HPO ? 'authorityLen(u)' : '0'}; ` +
        'const end = qm < 0 ? u.length : qm; ' +
        `off = putField(buf, off, from === 0 && end === u.length ? u : u.slice(from, end), ${o}, URL_ENC, cap); }`;
    case op.LF_OP_HQ:
      return `if (s.method === '') off = putField(buf, off, BADREQ, ${o}, URL_ENC, cap); else { ` +
        `const qm = s.uri.indexOf('?'); if (qm >= 0) off = putText(buf, off, s.uri.slice(qm), ${o}, URL_ENC, cap);` +
        ((o & F_Q) !== 0 ? ' else { buf[off++] = 34; buf[off++] = 34; } }' : ' }');
    case op.LF_OP_ID: return fieldSrc(`s.uniqueId`, o, 'null');
    case op.LF_OP_PID: return `off = putInt(buf, off, PID, ${o});`;
    case op.LF_OP_H: return fieldSrc(`HOSTNAME`, o, 'null');
    case op.LF_OP_LC: return `off = putInt(buf, off, fe.log.logCount, ${o});`;
    default: return '';
  }
}
/**
 * The source of the function body for `em`. Semantics of the op program: before each op, a line that reached `cap`
 * ends; a separator writes one space unless the previous output already ended with one (or nothing was written
 * yet); captures (%hr %hs %hrl %hsl) of a proxy or request without any leave that state unchanged, every other field
 * resets it even when it writes nothing (an empty %HQ between two separators gives two spaces, as 2.6.12).
 */
export function emitterSource(em: LogEmitter): string {
  const ops = em.ops;
  let body = `const plus = (fe.options & ${PR_O_LOGASAP}) !== 0;\nlet off = at;\nlet ls = true;\nlet st = 0;\n`;
  for (let pc = 0; pc < ops.length; pc += 3) {
    const code = ops[pc];
    body += 'if (off >= cap) return cap;\n';
    if (code === op.LF_OP_SEP) { body += 'if (!ls) { buf[off++] = 32; ls = true; }\n'; continue; }
    const stmt = opSource(code, ops[pc + 1], ops[pc + 2], em.lits);
    const caps = code === op.LF_OP_HR || code === op.LF_OP_HS || code === op.LF_OP_HRL || code === op.LF_OP_HSL;
    if (stmt !== '') body += caps ? `st = off; ${stmt} if (off !== st) ls = false;\n` : `${stmt} ls = false;\n`;
  }
  return body + 'return off < cap ? off : cap;\n';
}

/** Builds the generated function of `em` (once per emitter). */
export function buildEmitFn(em: LogEmitter, hostname: string): EmitFn {
  const h = { ...HELPERS, HOSTNAME: hostname, putLit };
  const names = Object.keys(h);
  const factory = new Function('H', 'L', 'SM',
    `const { ${names.join(', ')} } = H;\nreturn function logEmit(fe, s, buf, at, cap) {\n${emitterSource(em)}};`);
  return factory(h, em.lits, em.samples) as EmitFn;
}
