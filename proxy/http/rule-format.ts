/*
 * Rule values written as log-format strings (`http-request set-header X %[src]`, `use_backend be_%[req.hdr(host)]`):
 * compiles one into a RuleFmt, the compiled format cut at its samples and separators so that rules.ts can join the
 * pieces per request. Callers: http/keywords.ts, acl/keywords.ts (dynamic use_backend). Hot path: no (load time).
 */
import type { RuleFmt } from './types.ts';
import type { LogEmitter } from '../log/types.ts';
import type { StreamLog } from '../model/types.ts';
import { compileLogFormat, LF_OP_SAMPLE, LF_OP_SEP } from '../log/format.ts';

/** Cuts a compiled log-format at its samples and separators (see RuleFmt). */
function splitRuleFormat(em: LogEmitter): RuleFmt {
  const f: RuleFmt = { ems: [], fns: [] };
  const ops = em.ops;
  let from = -1;
  const flush = (to: number): void => {
    if (from < 0) return;
    f.ems.push({ ops: ops.slice(from, to), lits: em.lits, samples: em.samples, src: em.src });
    f.fns.push(null);
    from = -1;
  };
  for (let pc = 0; pc < ops.length; pc += 3) {
    if (ops[pc] === LF_OP_SAMPLE) { flush(pc); f.ems.push(null); f.fns.push(em.samples[ops[pc + 2]]); }
    else if (ops[pc] === LF_OP_SEP) { flush(pc); f.ems.push(null); f.fns.push(null); }
    else if (from < 0) from = pc;
  }
  flush(ops.length);
  return f;
}

/** The sample of a format made of one `%[expr]` alone, or null for any other format (or a compile error). */
export function ruleFormatSample(f: RuleFmt | string): ((s: StreamLog) => string | number | null) | null {
  return typeof f !== 'string' && f.fns.length === 1 && f.ems[0] === null ? f.fns[0] : null;
}

/** `v` compiled as a rule value, or the log-format compiler's error text. */
export function compileRuleFormat(v: string): RuleFmt | string {
  const r = compileLogFormat(v);
  return r.ok ? splitRuleFormat(r.emitter) : r.error;
}
