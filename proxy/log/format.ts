/*
 * Log-format compiler: a `log-format` / `unique-id-format` / `log-format-sd` string (tokenized by format-tokens.ts)
 * becomes a LogEmitter, a flat Int32Array program of (op, options, arg) triples plus literal Buffers and sample
 * functions, run by log/emit.ts. Validates variables, flags and `%[...]` samples; errors come back as values.
 * Callers: log/keywords.ts at config load. Hot path: no (load time only).
 */
import type { LogEmitter } from './types.ts';
import {
  LW_INIT, LW_CLIP, LW_SVIP, LW_SVID, LW_REQ, LW_RESP, LW_BYTES, LW_REQHDR, LW_RSPHDR, LW_BCKIP, LW_FRTIP, LW_XPRT,
} from './types.ts';
import type { StreamLog } from '../model/types.ts';
import { tokenizeLogFormat } from './format-tokens.ts';
import { compileLogSample } from './sample.ts';
import { sampleUnavailable, LF_CTX_RULE } from './sample-avail.ts';

/** Op codes. Each op occupies 3 ints in LogEmitter.ops: code, options (LF_FLAG_* after %o), argument. */
export const LF_OP_SEP = 0;
export const LF_OP_LIT = 1;        // arg = index in lits
export const LF_OP_SAMPLE = 2;     // arg = index in samples
export const LF_OP_CI = 3;
export const LF_OP_CP = 4;
export const LF_OP_FI = 5;
export const LF_OP_FP = 6;
export const LF_OP_BI = 7;
export const LF_OP_BP = 8;
export const LF_OP_SI = 9;
export const LF_OP_SP = 10;
export const LF_OP_T = 11;         // %t  accept date, local, with ms
export const LF_OP_TR = 12;        // %tr request date, local, with ms
export const LF_OP_TRG = 13;       // %trg request date, GMT, "+0000"
export const LF_OP_TRL = 14;       // %trl request date, local, with zone
export const LF_OP_TG = 15;        // %T   accept date, GMT
export const LF_OP_TL = 16;        // %Tl  accept date, local, with zone
export const LF_OP_TS = 17;        // %Ts  accept date, unix seconds
export const LF_OP_MS = 18;        // %ms  accept date milliseconds
export const LF_OP_FT = 19;
export const LF_OP_F = 20;
export const LF_OP_B = 21;
export const LF_OP_S = 22;
export const LF_OP_TREQ = 23;      // %TR
export const LF_OP_TW = 24;
export const LF_OP_TC = 25;
export const LF_OP_TRES = 26;      // %Tr
export const LF_OP_TA = 27;
export const LF_OP_TH = 28;
export const LF_OP_TI = 29;
export const LF_OP_TQ = 30;
export const LF_OP_TT = 31;
export const LF_OP_TD = 32;
export const LF_OP_TU = 33;
export const LF_OP_ST = 34;
export const LF_OP_BYTES = 35;     // %B
export const LF_OP_UBYTES = 36;    // %U
export const LF_OP_CC = 37;
export const LF_OP_CS = 38;
export const LF_OP_TSC = 39;
export const LF_OP_TSS = 40;       // %ts
export const LF_OP_AC = 41;
export const LF_OP_FC = 42;
export const LF_OP_BC = 43;
export const LF_OP_SC = 44;
export const LF_OP_RC = 45;
export const LF_OP_RT = 46;
export const LF_OP_SQ = 47;
export const LF_OP_BQ = 48;
export const LF_OP_HR = 49;
export const LF_OP_HRL = 50;
export const LF_OP_HS = 51;
export const LF_OP_HSL = 52;
export const LF_OP_R = 53;
export const LF_OP_HM = 54;
export const LF_OP_HU = 55;
export const LF_OP_HP = 56;
export const LF_OP_HPO = 57;
export const LF_OP_HQ = 58;
export const LF_OP_HV = 59;
export const LF_OP_ID = 60;
export const LF_OP_PID = 61;
export const LF_OP_H = 62;
export const LF_OP_LC = 63;
export const LF_OP_SSL = 64;       // %sslc: the client connection's TLS cipher ('-' when plain)
export const LF_OP_SSLV = 65;      // %sslv: its TLS version
export const LF_OP_COUNT = 66;

const OP_BY_NAME: ReadonlyMap<string, number> = new Map([
  ['ci', LF_OP_CI], ['cp', LF_OP_CP], ['fi', LF_OP_FI], ['fp', LF_OP_FP], ['bi', LF_OP_BI], ['bp', LF_OP_BP],
  ['si', LF_OP_SI], ['sp', LF_OP_SP], ['t', LF_OP_T], ['tr', LF_OP_TR], ['trg', LF_OP_TRG], ['trl', LF_OP_TRL],
  ['T', LF_OP_TG], ['Tl', LF_OP_TL], ['Ts', LF_OP_TS], ['ms', LF_OP_MS], ['ft', LF_OP_FT], ['f', LF_OP_F],
  ['b', LF_OP_B], ['s', LF_OP_S], ['TR', LF_OP_TREQ], ['Tw', LF_OP_TW], ['Tc', LF_OP_TC], ['Tr', LF_OP_TRES],
  ['Ta', LF_OP_TA], ['Th', LF_OP_TH], ['Ti', LF_OP_TI], ['Tq', LF_OP_TQ], ['Tt', LF_OP_TT], ['Td', LF_OP_TD],
  ['Tu', LF_OP_TU], ['ST', LF_OP_ST], ['B', LF_OP_BYTES], ['U', LF_OP_UBYTES], ['CC', LF_OP_CC], ['CS', LF_OP_CS],
  ['tsc', LF_OP_TSC], ['ts', LF_OP_TSS], ['ac', LF_OP_AC], ['fc', LF_OP_FC], ['bc', LF_OP_BC], ['sc', LF_OP_SC],
  ['rc', LF_OP_RC], ['rt', LF_OP_RT], ['sq', LF_OP_SQ], ['bq', LF_OP_BQ], ['hr', LF_OP_HR], ['hrl', LF_OP_HRL],
  ['hs', LF_OP_HS], ['hsl', LF_OP_HSL], ['r', LF_OP_R], ['HM', LF_OP_HM], ['HU', LF_OP_HU], ['HP', LF_OP_HP],
  ['HPO', LF_OP_HPO], ['HQ', LF_OP_HQ], ['HV', LF_OP_HV], ['ID', LF_OP_ID], ['pid', LF_OP_PID], ['H', LF_OP_H],
  ['lc', LF_OP_LC], ['sslc', LF_OP_SSL], ['sslv', LF_OP_SSLV],
]);

/** What each tag needs (LW_* of log/types.ts), as 2.6 declares it per format variable. */
const LW_BY_NAME: ReadonlyMap<string, number> = new Map([
  ['B', LW_BYTES], ['CC', LW_REQHDR], ['CS', LW_RSPHDR], ['H', LW_INIT], ['ID', LW_BYTES], ['ST', LW_RESP],
  ['T', LW_INIT], ['Ta', LW_BYTES], ['Tc', LW_BYTES], ['Th', LW_BYTES], ['Ti', LW_BYTES], ['Tl', LW_INIT],
  ['Tq', LW_BYTES], ['Tr', LW_BYTES], ['TR', LW_BYTES], ['Td', LW_BYTES], ['Ts', LW_INIT], ['Tt', LW_BYTES],
  ['Tu', LW_BYTES], ['Tw', LW_BYTES], ['U', LW_BYTES], ['ac', LW_BYTES], ['b', LW_INIT], ['bc', LW_BYTES],
  ['bi', LW_BCKIP], ['bp', LW_BCKIP], ['bq', LW_BYTES], ['ci', LW_CLIP | LW_XPRT], ['cp', LW_CLIP | LW_XPRT],
  ['f', LW_INIT], ['fc', LW_BYTES], ['fi', LW_FRTIP | LW_XPRT], ['fp', LW_FRTIP | LW_XPRT], ['ft', LW_INIT],
  ['hr', LW_REQHDR], ['hrl', LW_REQHDR], ['hs', LW_RSPHDR], ['hsl', LW_RSPHDR], ['HM', LW_REQ], ['HP', LW_REQ],
  ['HPO', LW_REQ], ['HQ', LW_REQ], ['HU', LW_REQ], ['HV', LW_REQ], ['lc', LW_INIT], ['ms', LW_INIT], ['pid', LW_INIT],
  ['r', LW_REQ], ['rc', LW_BYTES], ['rt', LW_REQ], ['s', LW_SVID], ['sc', LW_BYTES], ['si', LW_SVIP],
  ['sp', LW_SVIP], ['sq', LW_BYTES], ['sslc', LW_XPRT], ['sslv', LW_XPRT], ['t', LW_INIT], ['tr', LW_INIT],
  ['trg', LW_INIT], ['trl', LW_INIT], ['ts', LW_BYTES], ['tsc', LW_INIT],
]);

export type CompileResult =
  | { readonly ok: true; readonly emitter: LogEmitter }
  | { readonly ok: false; readonly error: string; readonly partial?: boolean };

/**
 * Compiles `fmt` (already unescaped by the config tokenizer) for context `where` (LF_CTX_*: a log-format refuses the
 * fetches haproxy 2.6 refuses there, see sample-avail.ts). Never throws. Allocates the emitter once; it is reused for every line.
 */
export function compileLogFormat(fmt: string, where = LF_CTX_RULE): CompileResult {
  const tok = tokenizeLogFormat(fmt);
  // partial: something was parsed before the error (2.6.12 then still has a format: "log format ignored ..." applies)
  if (!tok.ok) return { ok: false, error: tok.error, partial: tok.pos > 0 };
  const ops: number[] = [];
  const lits: Buffer[] = [];
  const samples: ((s: StreamLog) => string | number | null)[] = [];
  let opts = 0;
  let lw = LW_INIT;
  for (const it of tok.items) {
    switch (it.kind) {
      case 'sep':
        ops.push(LF_OP_SEP, 0, 0);
        break;
      case 'text':
        ops.push(LF_OP_LIT, 0, lits.length);
        lits.push(Buffer.from(it.text, 'latin1'));
        break;
      case 'options':
        opts = (opts | it.add) & ~it.remove;
        break;
      case 'sample': {
        const fn = it.expr === '' || it.expr.charCodeAt(0) <= 0x20 ? 'missing fetch method' : compileLogSample(it.expr.trimEnd(), it.rest);
        if (typeof fn === 'string') return { ok: false, error: 'failed to parse sample expression <' + it.rest + '> : ' + fn, partial: ops.length > 0 };
        const need = sampleUnavailable(it.expr, where);
        if (need !== '') {
          return { ok: false, error: 'sample fetch <' + it.rest + "> may not be reliably used here because it needs '" + need + "' which is not available here" };
        }
        lw |= LW_XPRT;           // 2.6 sets it for every sample expression
        ops.push(LF_OP_SAMPLE, (opts | it.add) & ~it.remove, samples.length);
        samples.push(fn);
        break;
      }
      case 'var': {
        const op = OP_BY_NAME.get(it.name);
        if (op === undefined) return { ok: false, error: "format variable '" + it.name + "' is not supported" };
        lw |= LW_BY_NAME.get(it.name) ?? 0;
        ops.push(op, (opts | it.add) & ~it.remove, 0);
        break;
      }
    }
  }
  return { ok: true, emitter: { ops: Int32Array.from(ops), lits, samples, src: fmt, lw } };
}
