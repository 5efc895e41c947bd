/*
 * Header name case adjustment of 2.6's H1 layer: `h1-case-adjust <from> <to>` and `h1-case-adjust-file <file>` (global)
 * map a lowercase name to the case it goes out with; `option h1-case-adjust-bogus-client` (frontends: what is sent
 * to clients) and `option h1-case-adjust-bogus-server` (backends: what is sent to servers) turn it on. Measured on
 * 2.6.12: every header line the H1 layer writes is adjusted (forwarded, added by rules, its own connection /
 * transfer-encoding, 1xx heads, trailers, local replies, redirects), never the parser's own 400/408/422 texts.
 * Called by http/stream.ts on heads it built (in place: same length). Hot path: no (only with an option set).
 */
import fs from 'node:fs';
import type { CfgKeyword, KwCtx } from '../config/types.ts';
import { PR_CAP_FE, PR_CAP_BE, PR_CAP_DEF } from '../config/types.ts';
import { PR_O_H1_ADJ_CLI, PR_O_H1_ADJ_SRV } from '../model/types.ts';
import { optionBit } from './lenient-options.ts';

/** Lowercase name -> the bytes it goes out as (same length). */
const caseMap = new Map<string, Buffer>();

/** Adds one mapping; an error text (2.6.12's words) or ''. */
function addMapping(from: string, to: string): string {
  if (from.toLowerCase() !== to.toLowerCase()) return '<from> and <to> must not differ execpt the case';
  caseMap.set(from.toLowerCase(), Buffer.from(to, 'latin1'));
  return '';
}

function parseCaseAdjust(args: readonly string[], ctx: KwCtx): void {
  if (args.length < 3 || args[1] === '' || args[2] === '') { ctx.alert(`'${args[0]}' expects <from> and <to> as argument.`); return; }
  if (args.length > 3) { ctx.alert(`'${args[0]}' cannot handle unexpected argument '${args[3]}'.`); return; }
  const err = addMapping(args[1], args[2]);
  if (err !== '') ctx.alert(err);
}

function parseCaseAdjustFile(args: readonly string[], ctx: KwCtx): void {
  if (args.length < 2 || args[1] === '') { ctx.alert(`'${args[0]}' expects <file> as argument.`); return; }
  const file = args[1];
  // read once the configuration is parsed, as 2.6 does (its messages name no configuration line)
  const read = (): void => {
    let text: string;
    try { text = fs.readFileSync(file, 'latin1'); } catch { ctx.alertRaw(`h1-headers-case-adjust-file '${file}': failed to open file.`); return; }
    const lines = text.split('\n');
    for (let n = 0; n < lines.length; n++) {
      const w = lines[n].trim().split(/[ \t]+/);
      if (w[0] === '' || w[0].startsWith('#')) continue;
      if (w.length < 2) { ctx.alertRaw(`h1-headers-case-adjust-file '${file}' : expect <to> at line ${n + 1}.`); return; }
      const err = addMapping(w[0], w[1]);
      if (err !== '') { ctx.alertRaw(`h1-headers-case-adjust-file '${file}' : ${err} at line ${n + 1}.`); return; }
    }
  };
  ctx.postParse(read);
}

export const keywords: CfgKeyword[] = [
  { section: 'global', name: 'h1-case-adjust', parse: parseCaseAdjust },
  { section: 'global', name: 'h1-case-adjust-file', parse: parseCaseAdjustFile },
  { section: 'listen', name: 'option h1-case-adjust-bogus-client', cap: PR_CAP_FE | PR_CAP_DEF, allowNo: true, parse: optionBit(PR_O_H1_ADJ_CLI) },
  { section: 'listen', name: 'option h1-case-adjust-bogus-server', cap: PR_CAP_BE | PR_CAP_DEF, allowNo: true, parse: optionBit(PR_O_H1_ADJ_SRV) },
];

/**
 * Rewrites in place the names of the header lines of `buf` found in the map, from offset `from` (the first header
 * line; 0 for a trailer block) to the empty line or the end. Lines are "name: value\r\n". Allocates a string per
 * header name only.
 */
export function h1CaseAdjust(buf: Buffer, from: number): void {
  if (caseMap.size === 0) return;
  let p = from;
  while (p < buf.length) {
    const le = buf.indexOf(10, p);
    const end = le < 0 ? buf.length : le;
    if (end - p <= 1) return;                                     // "\r\n": the end of the head
    const colon = buf.indexOf(58, p);
    if (colon > p && colon < end) {
      const to = caseMap.get(buf.toString('latin1', p, colon).toLowerCase());
      if (to !== undefined && to.length === colon - p) to.copy(buf, p);
    }
    p = end + 1;
  }
}

/** h1CaseAdjust on a whole message head (start line skipped). */
export function h1CaseAdjustHead(buf: Buffer): void {
  const sl = buf.indexOf(10);
  if (sl >= 0) h1CaseAdjust(buf, sl + 1);
}

/** A copy of the head (and whatever follows it) `buf`, adjusted: for shared prebuilt replies. */
export function h1CaseAdjustCopy(buf: Buffer): Buffer {
  if (caseMap.size === 0) return buf;
  const c = Buffer.from(buf);
  h1CaseAdjustHead(c);
  return c;
}
