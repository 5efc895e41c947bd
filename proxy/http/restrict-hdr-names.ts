/*
 * `option http-restrict-req-hdr-names preserve|delete|reject` (2.6): once a proxy's http-request rules ran, request
 * headers whose names hold anything but letters, digits and '-' are kept (preserve, the default), removed (delete,
 * also those the rules added) or make the request a 403 (reject, logged PR like a deny). The frontend's setting
 * applies after its rules, the backend's after its own. http/stream.ts calls reqHdrNamesCheck() only when some
 * proxy sets delete or reject (restrictUse.on). Hot path: no (such proxies only).
 */
import type { CfgKeyword, KwCtx } from '../config/types.ts';
import { PR_CAP_FE, PR_CAP_BE, PR_CAP_DEF } from '../config/types.ts';
import type { Proxy } from '../model/types.ts';
import { PR_O_RSTRICT_DEL, PR_O_RSTRICT_REJ } from '../model/types.ts';
import type { H1Msg } from './h1-parser.ts';
import type { RuleOut } from './rules.ts';
import { H1_HDR_STRIDE } from './types.ts';

/** Whether any proxy deletes or rejects (the stream's test before calling in). */
export const restrictUse = { on: false };

function nameOk(buf: Buffer, s: number, e: number): boolean {
  for (let i = s; i < e; i++) {
    const c = buf[i] | 0x20;
    if (!((c >= 0x61 && c <= 0x7a) || (buf[i] >= 0x30 && buf[i] <= 0x39) || buf[i] === 0x2d)) return false;
  }
  return true;
}

function textNameOk(n: string): boolean {
  for (let i = 0; i < n.length; i++) {
    const c = n.charCodeAt(i) | 0x20;
    const d = n.charCodeAt(i);
    if (!((c >= 0x61 && c <= 0x7a) || (d >= 0x30 && d <= 0x39) || d === 0x2d)) return false;
  }
  return true;
}

/**
 * Applies `px`'s setting to the request head `m` in `buf` and the headers rules added (out.extra): false when the
 * request must be rejected (403), true otherwise (offending headers removed under delete).
 */
export function reqHdrNamesCheck(px: Proxy, m: H1Msg, buf: Buffer, out: RuleOut): boolean {
  const o = px.options & (PR_O_RSTRICT_DEL | PR_O_RSTRICT_REJ);
  if (o === 0) return true;
  const h = m.hdr;
  for (let x = 0; x < m.nhdr * H1_HDR_STRIDE; x += H1_HDR_STRIDE) {
    if (h[x] < 0 || nameOk(buf, h[x], h[x + 1])) continue;
    if (o === PR_O_RSTRICT_REJ) return false;
    h[x] = -1;
  }
  if (out.extra !== '') {
    const lines = out.extra.split('\r\n');
    let keep = '';
    for (let i = 1; i < lines.length; i++) {
      const c = lines[i].indexOf(':');
      if (textNameOk(c < 0 ? lines[i] : lines[i].slice(0, c))) keep += '\r\n' + lines[i];
      else if (o === PR_O_RSTRICT_REJ) return false;
    }
    out.extra = keep;
  }
  return true;
}

function parseRestrict(args: readonly string[], ctx: KwCtx): void {
  const px = ctx.proxy!;
  const v = args[2];
  const what = `option 'http-restrict-req-hdr-names' expects 'preserve', 'reject' or 'delete' option.`;
  if (v === undefined || v === '') { ctx.alert(`missing parameter. ${what}`); return; }
  if (v !== 'preserve' && v !== 'delete' && v !== 'reject') { ctx.alert(`invalid parameter '${v}'. ${what}`); return; }
  if (args.length > 3) { ctx.alert(`'option' cannot handle unexpected argument '${args[3]}'.`); return; }
  px.options &= ~(PR_O_RSTRICT_DEL | PR_O_RSTRICT_REJ);
  if (v === 'delete') px.options |= PR_O_RSTRICT_DEL;
  else if (v === 'reject') px.options |= PR_O_RSTRICT_REJ;
  if (v !== 'preserve') restrictUse.on = true;
}

export const keywords: CfgKeyword[] = [
  { section: 'listen', name: 'option http-restrict-req-hdr-names', cap: PR_CAP_FE | PR_CAP_BE | PR_CAP_DEF, parse: parseRestrict },
];
