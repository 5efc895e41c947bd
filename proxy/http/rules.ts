/*
 * http-request / http-response rules and `redirect`: compiled HttpRule objects (types.ts) built by http/keywords.ts,
 * and httpRulesRun() which evaluates them in order on a request or response head: allow, deny, set-header,
 * add-header, del-header, set-path, redirect, return. Header changes mark entries of the H1 header index removed and
 * collect added lines in RuleOut.extra; replies are built like HAProxy 2.6's (fixtures/http/cases/redirect-*,
 * return-*). Values are static strings (no log-format expressions yet). Hot path: yes (per request when rules exist).
 */
import type { SampleCtx } from '../acl/types.ts';
import type { HttpRule, RedirectRule } from './types.ts';
import {
  HTTP_ACT_ALLOW, HTTP_ACT_DENY, HTTP_ACT_SET_HDR, HTTP_ACT_ADD_HDR, HTTP_ACT_DEL_HDR, HTTP_ACT_REDIRECT,
  HTTP_ACT_RETURN, HTTP_ACT_SET_PATH, REDIR_LOCATION, REDIR_PREFIX, H1_HDR_STRIDE,
} from './types.ts';
import { aclCondExec } from '../acl/compile.ts';

export const RULES_CONTINUE = 0;
export const RULES_DENY = 1;
export const RULES_REPLY = 2;

/** What the rules decided, reused per transaction. */
export interface RuleOut {
  status: number;
  reply: Buffer | null;
  /** New request-target after set-path, null = unchanged. */
  uri: string | null;
  /** Added header lines, each "\r\nname: value". */
  extra: string;
  closeAfter: boolean;
  reset(): void;
}

export function newRuleOut(): RuleOut {
  return {
    status: 0, reply: null, uri: null, extra: '', closeAfter: false,
    reset() { this.status = 0; this.reply = null; this.uri = null; this.extra = ''; this.closeAfter = false; },
  };
}

const REASONS: Record<number, string> = {
  200: 'OK', 201: 'Created', 202: 'Accepted', 204: 'No Content', 301: 'Moved Permanently', 302: 'Found',
  303: 'See Other', 304: 'Not Modified', 307: 'Temporary Redirect', 308: 'Permanent Redirect', 400: 'Bad Request',
  401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed', 408: 'Request Timeout',
  409: 'Conflict', 410: 'Gone', 413: 'Payload Too Large', 418: "I'm a teapot", 421: 'Misdirected Request',
  425: 'Too Early', 429: 'Too Many Requests', 500: 'Internal Server Error', 501: 'Not Implemented',
  502: 'Bad Gateway', 503: 'Service Unavailable', 504: 'Gateway Timeout',
};

export function httpReason(status: number): string { return REASONS[status] ?? 'Unknown'; }

/** The bytes of `http-request return`: status line, content-length, optional content-type, body. */
export function buildReturnReply(status: number, contentType: string, body: string): Buffer {
  const ct = contentType !== '' ? `content-type: ${contentType}\r\n` : '';
  return Buffer.from(`HTTP/1.1 ${status} ${httpReason(status)}\r\ncontent-length: ${Buffer.byteLength(body, 'latin1')}\r\n${ct}\r\n${body}`, 'latin1');
}

/** A redirect response; 301 and 308 are cacheable, the others carry cache-control: no-cache (as 2.6 does). */
export function buildRedirectReply(code: number, location: string): Buffer {
  const cc = code === 301 || code === 308 ? '' : 'cache-control: no-cache\r\n';
  return Buffer.from(`HTTP/1.1 ${code} ${httpReason(code)}\r\ncontent-length: 0\r\nlocation: ${location}\r\n${cc}\r\n`, 'latin1');
}

function findHost(ctx: SampleCtx): string {
  const b = ctx.buf as Buffer;
  const h = ctx.hdr;
  for (let x = 0; x < ctx.nhdr * H1_HDR_STRIDE; x += H1_HDR_STRIDE) {
    if (h[x] >= 0 && h[x + 1] - h[x] === 4 && b.toString('latin1', h[x], h[x + 1]) === 'host') return b.toString('latin1', h[x + 2], h[x + 3]);
  }
  return '';
}

function redirectLocation(r: RedirectRule, ctx: SampleCtx, out: RuleOut): string {
  if (r.type === REDIR_LOCATION) return r.value;
  const b = ctx.buf as Buffer;
  let uri = out.uri ?? b.toString('latin1', ctx.l1s, ctx.l1e);
  if (r.dropQuery) { const q = uri.indexOf('?'); if (q >= 0) uri = uri.slice(0, q); }
  if (r.appendSlash && !uri.endsWith('/')) uri += '/';
  if (r.type === REDIR_PREFIX) return r.value === '/' ? uri : r.value + uri;
  // REDIR_SCHEME
  return `${r.value}://${findHost(ctx)}${uri}`;
}

/** Marks every header named `name` (lowercase bytes) removed in the index. */
function delHeader(ctx: SampleCtx, name: Buffer): void {
  const b = ctx.buf as Buffer;
  const h = ctx.hdr;
  const n = name.length;
  for (let x = 0; x < ctx.nhdr * H1_HDR_STRIDE; x += H1_HDR_STRIDE) {
    const s = h[x];
    if (s >= 0 && h[x + 1] - s === n && b.compare(name, 0, n, s, s + n) === 0) h[x] = -1;
  }
}

/** Evaluates `rules` in order; stops at allow (RULES_CONTINUE), deny (RULES_DENY) or a reply (RULES_REPLY). */
export function httpRulesRun(rules: readonly HttpRule[], ctx: SampleCtx, out: RuleOut): number {
  for (let i = 0; i < rules.length; i++) {
    const r = rules[i];
    if (r.cond !== null && !aclCondExec(r.cond, ctx)) continue;
    switch (r.action) {
      case HTTP_ACT_ALLOW: return RULES_CONTINUE;
      case HTTP_ACT_DENY: out.status = r.status; return RULES_DENY;
      case HTTP_ACT_SET_HDR: delHeader(ctx, r.nameBuf); out.extra += '\r\n' + r.name + ': ' + r.value; break;
      case HTTP_ACT_ADD_HDR: out.extra += '\r\n' + r.name + ': ' + r.value; break;
      case HTTP_ACT_DEL_HDR: delHeader(ctx, r.nameBuf); break;
      case HTTP_ACT_SET_PATH: {
        const b = ctx.buf as Buffer;
        const uri = out.uri ?? b.toString('latin1', ctx.l1s, ctx.l1e);
        const q = uri.indexOf('?');
        out.uri = q >= 0 ? r.value + uri.slice(q) : r.value;
        break;
      }
      case HTTP_ACT_REDIRECT: {
        const rd = r.redirect as RedirectRule;
        out.status = rd.code;
        out.reply = buildRedirectReply(rd.code, redirectLocation(rd, ctx, out));
        return RULES_REPLY;
      }
      case HTTP_ACT_RETURN:
        out.status = r.status;
        out.reply = r.reply;
        return RULES_REPLY;
      default: break;
    }
  }
  return RULES_CONTINUE;
}

