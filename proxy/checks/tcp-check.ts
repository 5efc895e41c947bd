/*
 * Rule-based health checks, as haproxy 2.6.12 runs them (statuses and messages checked side by side):
 * `option tcp-check` with `tcp-check connect|send|send-binary|expect|comment` rules, and the protocol checks 2.6 builds
 * from such rules: `option redis-check` and `option smtpchk`. An expect rule waits for more bytes until its pattern
 * matches, the server closes (then "TCPCHK did not match content ...") or `timeout check` ends (L7TOUT); a send starts
 * a new reply buffer. Keywords for proxy/modules.ts; runTcpCheck is called by checks/probe.ts. Hot path: no.
 */
import { connect as netConnect } from 'node:net';
import type { Socket } from 'node:net';
import type { Server } from '../model/types.ts';
import type { CfgKeyword, KwCtx } from '../config/types.ts';
import { PR_CAP_BE, PR_CAP_DEF } from '../config/types.ts';
import { parseUint } from '../config/values.ts';
import { checkProxyHeader } from '../backend/send-proxy.ts';
import type { CheckCfg, TcpCheckRule } from './types.ts';
import {
  CHK_TYPE_TCPCHK, TCPCHK_CONNECT, TCPCHK_SEND, TCPCHK_EXPECT, TCPCHK_EXP_STRING, TCPCHK_EXP_RSTRING, TCPCHK_EXP_BINARY,
  TCPCHK_EXP_RBINARY, TCPCHK_MSG_DEFAULT, TCPCHK_MSG_LINE, TCPCHK_MSG_AFTER_CODE, TCPCHK_MSG_TEXT, HCHK_STATUS_NAMES,
  HCHK_STATUS_L4OK, HCHK_STATUS_L4CON, HCHK_STATUS_L4TOUT, HCHK_STATUS_L7OK, HCHK_STATUS_L7RSP, HCHK_STATUS_L7STS,
  HCHK_STATUS_L7TOUT, HCHK_STATUS_SOCKERR,
} from './types.ts';
import type { ProbeResult } from './probe.ts';
import { errnoText } from './probe.ts';

// ---- rules ----

function rule(kind: number): TcpCheckRule {
  return {
    kind, port: 0, data: Buffer.alloc(0), match: TCPCHK_EXP_STRING, re: null, pattern: '', inverse: false, minRecv: -1,
    errorStatus: HCHK_STATUS_L7RSP, onError: TCPCHK_MSG_DEFAULT, onErrorText: '', onSuccess: TCPCHK_MSG_DEFAULT,
    onSuccessText: '', codeFromReply: false,
  };
}

function send(text: string): TcpCheckRule { const r = rule(TCPCHK_SEND); r.data = Buffer.from(text, 'latin1'); return r; }

function expectRe(re: string, errorStatus: number, onError: number, codeFromReply: boolean): TcpCheckRule {
  const r = rule(TCPCHK_EXPECT);
  r.match = TCPCHK_EXP_RSTRING; r.pattern = re; r.re = new RegExp(re); r.minRecv = 4;
  r.errorStatus = errorStatus; r.onError = onError; r.codeFromReply = codeFromReply;
  return r;
}

/** `option redis-check`: PING, and a reply that must hold "+PONG" (2.6's rule set and messages). */
function redisRules(): TcpCheckRule[] {
  const e = rule(TCPCHK_EXPECT);
  e.data = Buffer.from('+PONG'); e.pattern = '+PONG';
  e.errorStatus = HCHK_STATUS_L7STS; e.onError = TCPCHK_MSG_LINE;
  e.onSuccess = TCPCHK_MSG_TEXT; e.onSuccessText = 'Redis server is ok';
  return [send('*1\r\n$4\r\nPING\r\n'), e];
}

/** `option smtpchk [HELO|EHLO <domain>]`: a 2xx banner, a 2xx answer to the greeting, then to QUIT. */
function smtpRules(greeting: string): TcpCheckRule[] {
  const reply = (ok: string, last: boolean): TcpCheckRule[] => {
    const code = expectRe(`^2[0-9]{2}[${ok}]`, HCHK_STATUS_L7STS, TCPCHK_MSG_AFTER_CODE, true);
    if (last) code.onSuccess = TCPCHK_MSG_AFTER_CODE;
    return [expectRe(`^[0-9]{3}[${ok}]`, HCHK_STATUS_L7RSP, TCPCHK_MSG_LINE, false), code];
  };
  return [rule(TCPCHK_CONNECT), ...reply(' \\r', false), send(greeting + '\r\n'), ...reply('- \\r', false), send('QUIT\r\n'),
    ...reply('- \\r', true)];
}

// ---- keywords ----

function statusByName(name: string): number { return HCHK_STATUS_NAMES.indexOf(name); }

function parseTcpCheckRule(args: readonly string[], ctx: KwCtx): TcpCheckRule | null {
  const sub = args[1] ?? '';
  if (sub === 'send' || sub === 'send-binary') {
    const v = args[2];
    if (v === undefined) { ctx.alert(`'tcp-check ${sub}' expects a ${sub === 'send' ? 'string' : 'binary string'} as argument.`); return null; }
    const r = rule(TCPCHK_SEND);
    if (sub === 'send') r.data = Buffer.from(v, 'latin1');
    else {
      if (v.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(v)) { ctx.alert(`'tcp-check send-binary' : invalid binary string '${v}'.`); return null; }
      r.data = Buffer.from(v, 'hex');
    }
    return r;
  }
  if (sub === 'connect') {
    const r = rule(TCPCHK_CONNECT);
    for (let i = 2; i < args.length; i++) {
      const k = args[i];
      if (k === 'port') {
        const p = parseUint(args[i + 1] ?? '');
        if (p <= 0 || p > 65535) { ctx.alert(`'tcp-check connect' : invalid port '${args[i + 1] ?? ''}'.`); return null; }
        r.port = p; i++;
      } else if (k === 'default' || k === 'linger' || k === 'send-proxy') continue;
      else if (k === 'comment') i++;
      else { ctx.alert(`'tcp-check connect' : '${k}' is not supported by sluice yet (port, default, linger, send-proxy, comment are).`); return null; }
    }
    return r;
  }
  if (sub === 'expect') {
    const r = rule(TCPCHK_EXPECT);
    let i = 2;
    for (; i < args.length; i++) {
      const k = args[i];
      const v = args[i + 1];
      if (k === 'min-recv') { r.minRecv = parseUint(v ?? ''); if (r.minRecv < 0) { ctx.alert(`'tcp-check expect' : invalid min-recv '${v ?? ''}'.`); return null; } i++; }
      else if (k === 'error-status') {
        const st = statusByName(v ?? '');
        if (st < 0) { ctx.alert(`'tcp-check expect' : '${k}' expects a check status as argument.`); return null; }
        r.errorStatus = st; i++;
      } else if (k === 'on-error') { r.onError = TCPCHK_MSG_TEXT; r.onErrorText = v ?? ''; i++; }
      else if (k === 'on-success') { r.onSuccess = TCPCHK_MSG_TEXT; r.onSuccessText = v ?? ''; i++; }
      else if (k === 'comment' || k === 'ok-status' || k === 'tout-status') i++;
      else break;
    }
    if (args[i] === '!') { r.inverse = true; i++; }
    const kind = args[i];
    const pat = args[i + 1];
    if (pat === undefined || (kind !== 'string' && kind !== 'rstring' && kind !== 'binary' && kind !== 'rbinary')) {
      ctx.alert(`'tcp-check expect' expects 'string', 'rstring', 'binary' or 'rbinary' followed by a pattern.`);
      return null;
    }
    r.pattern = pat;
    if (kind === 'string') r.data = Buffer.from(pat, 'latin1');
    else if (kind === 'binary') {
      if (pat.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(pat)) { ctx.alert(`'tcp-check expect' : invalid binary string '${pat}'.`); return null; }
      r.match = TCPCHK_EXP_BINARY; r.data = Buffer.from(pat, 'hex');
    } else {
      try { r.re = new RegExp(pat); } catch { ctx.alert(`'tcp-check expect' : regex '${pat}' is invalid.`); return null; }
      r.match = kind === 'rstring' ? TCPCHK_EXP_RSTRING : TCPCHK_EXP_RBINARY;
    }
    return r;
  }
  if (sub === 'comment') return null;
  ctx.alert(sub === '' ? `'tcp-check' expects 'comment', 'connect', 'send', 'send-binary' or 'expect'.`
    : `'tcp-check ${sub}' is not supported by sluice yet (comment, connect, send, send-binary, expect are).`);
  return null;
}

function parseTcpCheck(args: readonly string[], ctx: KwCtx): void {
  const c = ctx.proxy!.httpCheck;
  const r = parseTcpCheckRule(args, ctx);
  if (r === null) return;
  if (c.tcpPreset) { c.tcpRules = []; c.tcpPreset = false; }
  c.tcpRules.push(r);
}

function setRules(c: CheckCfg, rules: TcpCheckRule[], preset: boolean): void {
  c.type = CHK_TYPE_TCPCHK;
  c.tcpPreset = preset;
  if (preset || c.tcpPreset) c.tcpRules = rules;
}

export const keywords: CfgKeyword[] = [
  { section: 'listen', name: 'tcp-check', cap: PR_CAP_BE | PR_CAP_DEF, parse: parseTcpCheck },
  {
    section: 'listen', name: 'option tcp-check', cap: PR_CAP_BE | PR_CAP_DEF,
    parse(_args, ctx) { const c = ctx.proxy!.httpCheck; if (c.tcpPreset) c.tcpRules = []; setRules(c, c.tcpRules, false); },
  },
  { section: 'listen', name: 'option redis-check', cap: PR_CAP_BE | PR_CAP_DEF, parse(_args, ctx) { setRules(ctx.proxy!.httpCheck, redisRules(), true); } },
  {
    section: 'listen', name: 'option smtpchk', cap: PR_CAP_BE | PR_CAP_DEF,
    parse(args, ctx) {
      const hello = args[2];
      const greeting = hello === 'HELO' || hello === 'EHLO' ? `${hello} ${args[3] ?? 'localhost'}` : 'HELO localhost';
      setRules(ctx.proxy!.httpCheck, smtpRules(greeting), true);
    },
  },
];

// ---- running ----

function firstLine(b: Buffer, from: number): string {
  let e = from;
  while (e < b.length && b[e] !== 0x0d && b[e] !== 0x0a) e++;
  return b.toString('latin1', from, e);
}

function afterCode(b: Buffer): string {
  let i = 4;
  while (i < b.length && b[i] === 0x20) i++;
  return firstLine(b, i);
}

function message(kind: number, text: string, reply: Buffer): string {
  return kind === TCPCHK_MSG_LINE ? firstLine(reply, 0) : kind === TCPCHK_MSG_AFTER_CODE ? afterCode(reply) : text;
}

function replyCode(r: TcpCheckRule, reply: Buffer): number {
  if (!r.codeFromReply || reply.length < 3) return 0;
  const n = parseUint(reply.toString('latin1', 0, 3));
  return n < 0 ? 0 : n;
}

/** "(binary)", "(regex)" or "'pattern'", as 2.6 names what an expect rule looked for. */
function what(r: TcpCheckRule): string {
  return r.match === TCPCHK_EXP_STRING ? `'${r.pattern}'` : r.match === TCPCHK_EXP_BINARY ? '(binary)' : '(regex)';
}

class TcpCheckRun {
  readonly start = Date.now();
  sock: Socket | null = null;
  idx = 0;
  /** 1-based number of the rule running, 0 = the implicit first connect. */
  step = 0;
  reply: Buffer[] = [];
  replyLen = 0;
  eof = false;
  waiting = false;
  finished = false;
  lastExpect: TcpCheckRule | null = null;
  lastReply: Buffer = Buffer.alloc(0);
  connected = false;
  timer: NodeJS.Timeout | null = null;

  constructor(readonly srv: Server, readonly cfg: CheckCfg, readonly connectTimeout: number, readonly readTimeout: number,
    readonly done: (r: ProbeResult) => void) {}

  run(): void {
    const first = this.cfg.tcpRules[0];
    if (first !== undefined && first.kind === TCPCHK_CONNECT) { this.idx = 1; this.step = 1; this.connect(first.port); }
    else this.connect(0);
  }

  finish(status: number, ok: boolean, code: number, info: string): void {
    if (this.finished) return;
    this.finished = true;
    if (this.timer !== null) clearTimeout(this.timer);
    if (this.sock !== null) this.sock.destroy();
    this.done({ status, ok, code, info, duration: Date.now() - this.start });
  }

  arm(ms: number, fn: () => void): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = setTimeout(fn, ms);
  }

  /** Where a connect failed, in 2.6's words (nothing for the protocol checks). */
  connectWhere(): string {
    if (this.cfg.tcpPreset) return '';
    return this.step === 0 ? ' at initial connection step of tcp-check' : ` at step ${this.step} of tcp-check (connect)`;
  }

  connect(port: number): void {
    const srv = this.srv;
    if (this.sock !== null) this.sock.destroy();
    const host = srv.check.addr !== '' ? srv.check.addr : srv.host;
    const p = port > 0 ? port : srv.check.port > 0 ? srv.check.port : srv.port;
    const s = srv.path !== '' && srv.check.addr === '' && port === 0 && srv.check.port === 0 ? netConnect({ path: srv.path }) : netConnect({ host, port: p });
    this.sock = s;
    this.reply = []; this.replyLen = 0; this.eof = false; this.connected = false;
    s.on('connect', () => {
      if (s !== this.sock) return;
      this.connected = true;
      const pp = checkProxyHeader(srv, s.localAddress ?? '', s.localPort ?? 0, s.remoteAddress ?? '', s.remotePort ?? 0);
      if (pp !== null) s.write(pp);
      this.arm(this.readTimeout, () => this.onTimeout());
      this.next();
    });
    s.on('error', (e: NodeJS.ErrnoException) => {
      if (s !== this.sock) return;
      if (!this.connected) this.finish(HCHK_STATUS_L4CON, false, 0, errnoText(e) + this.connectWhere());
      else if (this.waiting) { this.eof = true; this.resume(); }
      else this.finish(HCHK_STATUS_SOCKERR, false, 0, errnoText(e));
    });
    s.on('data', (d: Buffer) => { if (s === this.sock) { this.reply.push(d); this.replyLen += d.length; if (this.waiting) this.resume(); } });
    s.on('end', () => { if (s === this.sock) { this.eof = true; if (this.waiting) this.resume(); } });
    this.arm(this.connectTimeout, () => this.finish(HCHK_STATUS_L4TOUT, false, 0, this.cfg.tcpPreset ? '' : this.connectWhere().trimStart()));
  }

  next(): void {
    const rules = this.cfg.tcpRules;
    while (!this.finished && this.idx < rules.length) {
      const r = rules[this.idx++];
      this.step = this.idx;
      if (r.kind === TCPCHK_CONNECT) { this.connect(r.port); return; }
      if (r.kind === TCPCHK_SEND) {
        this.reply = []; this.replyLen = 0;
        (this.sock as Socket).write(r.data);
        continue;
      }
      this.waiting = true;
      if (!this.evalExpect()) return;
    }
    if (this.finished) return;
    const e = this.lastExpect;
    if (e === null) { this.finish(rules.length === 0 ? HCHK_STATUS_L4OK : HCHK_STATUS_L7OK, true, 0, rules.length === 0 ? '' : '(tcp-check)'); return; }
    const info = e.onSuccess === TCPCHK_MSG_DEFAULT ? (this.cfg.tcpPreset ? '' : '(tcp-check)') : message(e.onSuccess, e.onSuccessText, this.lastReply);
    this.finish(HCHK_STATUS_L7OK, true, replyCode(e, this.lastReply), info);
  }

  /** More bytes (or the end) while an expect rule waits: evaluate it, and run the next rules once it matched. */
  resume(): void {
    if (!this.finished && this.evalExpect()) this.next();
  }

  /** Evaluates the expect rule at idx-1 on the reply so far: true = matched (go on), false = waiting or finished. */
  evalExpect(): boolean {
    const r = this.cfg.tcpRules[this.idx - 1];
    const b = this.reply.length === 1 ? this.reply[0] : Buffer.concat(this.reply, this.replyLen);
    if (b.length === 0 && this.eof) {
      this.finish(r.errorStatus, false, 0, `TCPCHK got an empty response at step ${this.step}`);
      return false;
    }
    if (r.minRecv >= 0 && b.length < r.minRecv && !this.eof) return false;
    let hit: boolean;
    if (r.match === TCPCHK_EXP_STRING || r.match === TCPCHK_EXP_BINARY) hit = b.indexOf(r.data) >= 0;
    else if (r.match === TCPCHK_EXP_RSTRING) hit = (r.re as RegExp).test(b.toString('latin1'));
    else hit = (r.re as RegExp).test(b.toString('hex').toUpperCase());
    if (hit !== r.inverse) {
      this.waiting = false;
      this.lastExpect = r;
      this.lastReply = b;
      return true;
    }
    if (!r.inverse && !this.eof) return false;
    const text = r.inverse ? `TCPCHK matched unwanted content ${what(r)} at step ${this.step}`
      : `TCPCHK did not match content ${what(r)} at step ${this.step}`;
    this.finish(r.errorStatus, false, replyCode(r, b), r.onError === TCPCHK_MSG_DEFAULT ? text : message(r.onError, r.onErrorText, b));
    return false;
  }

  onTimeout(): void {
    if (!this.waiting) { this.finish(HCHK_STATUS_L7TOUT, false, 0, ''); return; }
    const r = this.cfg.tcpRules[this.idx - 1];
    const desc = r.match === TCPCHK_EXP_STRING ? `expect string '${r.pattern}'` : r.match === TCPCHK_EXP_BINARY
      ? `expect binary '${r.pattern}'` : r.match === TCPCHK_EXP_RSTRING ? 'expect regex' : 'expect binary regex';
    this.finish(HCHK_STATUS_L7TOUT, false, 0, this.cfg.tcpPreset ? '' : ` at step ${this.step} of tcp-check (${desc})`);
  }
}

/** Runs the tcp-check rules of `cfg` against `srv`; `done` is called exactly once. */
export function runTcpCheck(srv: Server, cfg: CheckCfg, connectTimeout: number, readTimeout: number, done: (r: ProbeResult) => void): void {
  new TcpCheckRun(srv, cfg, connectTimeout, readTimeout, done).run();
}
