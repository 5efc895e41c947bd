/*
 * Global `set-var proc.<name> <expr>` and `set-var-fmt proc.<name> <fmt>` (2.6): process-wide variables set once,
 * when the global section is parsed, from expressions that need no stream (int(), str(), env(), hostname, converters,
 * var(proc.x) of an earlier line, ...); rules and log formats read them with var(proc.<name>) (http/vars.ts keeps
 * them). An expression reading a stream is refused with 2.6's message. Hot path: no (load time).
 */
import type { CfgKeyword, KwCtx } from './config/types.ts';
import type { Proxy, StreamLog } from './model/types.ts';
import { PR_CAP_DEF } from './config/types.ts';
import { compileRuleFormat } from './http/rule-format.ts';
import { varSet } from './http/vars.ts';
import { runLogEmitter } from './log/emit.ts';
import { sampleLive } from './log/sample.ts';
import type { SampleCtx } from './acl/types.ts';
import type { RuleFmt } from './http/types.ts';
import { newProxy, newStreamLog } from './model/factories.ts';

/** Sample fetches that need no stream, usable in the global section. */
const STATIC_FETCHES = new Set([
  'int', 'sint', 'str', 'bool', 'bin', 'ipv4', 'ipv6', 'meth', 'env', 'date', 'date_us', 'hostname', 'uuid', 'rand',
  'var', 'nbproc', 'nbthread', 'pid', 'proc', 'thread', 'stopping', 'uptime', 'always_true', 'always_false', 'cpu_calls',
]);

/** Request header fetches, named as 2.6 names their origin in the error above. */
const HDR_FETCHES = new Set(['req.hdr', 'hdr', 'req.fhdr', 'req.hdr_cnt', 'hdr_cnt', 'req.cook', 'cook', 'req.hdrs', 'req.hdr_names']);

const procVars = new Map<string, string | number>();   // only a write target: varSet routes proc.* to http/vars.ts
const NO_STREAM: SampleCtx = {
  buf: null, l0s: 0, l0e: 0, l1s: 0, l1e: 0, l2s: 0, l2e: 0, hdr: new Int32Array(0), nhdr: 0, srcIp: '', srcIp4: -1, vars: new Map(),
};
let scratch: { fe: Proxy; log: StreamLog } | null = null;
const fmtBuf = Buffer.allocUnsafe(16384);

function ctxOf(ctx: KwCtx): { fe: Proxy; log: StreamLog } {
  if (scratch === null) { const fe = newProxy('', PR_CAP_DEF, ctx.file, ctx.line, null); scratch = { fe, log: newStreamLog(fe) }; }
  return scratch;
}

function parseSetVar(args: readonly string[], ctx: KwCtx): void {
  const fmt = args[0] === 'set-var-fmt';
  const name = (args[1] ?? '').toLowerCase();
  const val = args[2];
  if (name === '' || val === undefined) {
    ctx.alert(`'${args[0]}' requires a process-wide variable name ('proc.<name>') and a ${fmt ? 'format string' : 'sample expression'}.`);
    return;
  }
  if (!name.startsWith('proc.') || name.length === 5) {
    ctx.alert(`'${args[0]}': cannot set variable '${args[1]}', only scope 'proc' is permitted in the global section.`);
    return;
  }
  if (!fmt) {
    const head = /^[a-z0-9_.]+/.exec(val)?.[0] ?? '';
    if (!STATIC_FETCHES.has(head)) {
      const what = HDR_FETCHES.has(head) ? 'HTTP request headers' : head;
      ctx.alert(`fetch method '${args[0]}(${args[1]})' extracts information from '${what}', none of which is available here`);
      return;
    }
  }
  const f = compileRuleFormat(fmt ? val : '%[' + val + ']');
  if (typeof f === 'string') { ctx.alert(`'${args[0]}' : ${f}`); return; }
  const { fe, log } = ctxOf(ctx);
  // var(proc.x) reads through the live request context: a stream-less one while the global section evaluates
  const saved = sampleLive.req;
  sampleLive.req = NO_STREAM;
  try {
    const v = evaluate(f, fmt, fe, log);
    if (v !== null) varSet(procVars, name, v);      // a sample that finds nothing leaves the variable unset
  } finally { sampleLive.req = saved; }
}

/** The value of a compiled set-var expression (null: no sample) or set-var-fmt format. */
function evaluate(f: RuleFmt, fmt: boolean, fe: Proxy, log: StreamLog): string | number | null {
  if (!fmt) {
    const fn = f.fns[0];
    return fn === null || fn === undefined ? null : fn(log);
  }
  let s = '';
  for (let i = 0; i < f.ems.length; i++) {
    const em = f.ems[i];
    if (em !== null) { const n = runLogEmitter(em, fe, log, fmtBuf, fmtBuf.length); s += fmtBuf.toString('latin1', 0, n); continue; }
    const fn = f.fns[i];
    if (fn === null) { s += ' '; continue; }
    const v = fn(log);
    if (v !== null) s += v;
  }
  return s;
}

export const keywords: CfgKeyword[] = [
  { section: 'global', name: 'set-var', parse: parseSetVar },
  { section: 'global', name: 'set-var-fmt', parse: parseSetVar },
];
