/*
 * Cookie persistence: the `cookie <name> [rewrite|insert|prefix] [indirect] [nocache] [postonly] [preserve]
 * [httponly] [secure] [domain <d>]* [maxidle <t>] [maxlife <t>] [dynamic]` keyword and the server lookup the HTTP
 * stream uses. Contract with the HTTP side (P2, http/stream.ts), which owns the header work:
 *   request:  read cookie `be.cookie.name` (for `prefix`: the part before '~'), call cookieServer(be, value);
 *             a non-null result goes to BackendConn.persist before connect(); with `indirect`/`insert` the cookie
 *             is removed from the request forwarded to the server (`prefix`: the "srv~" prefix is stripped).
 *   response: when the chosen server has a cookie (srv.cookie) and the request did not already carry it (or
 *             `insert` without `indirect`), `insert` adds `Set-Cookie: NAME=srv.cookie; path=/` (+ `Cache-Control:
 *             private` with `nocache`), `rewrite` replaces the value of the server's own Set-Cookie NAME, `prefix`
 *             prefixes it with "srv.cookie~". Log flags %tsc 3rd/4th chars are the stream's business.
 * Hot path: cookieServer is (once per request with a cookie).
 */
import type { Proxy, Server } from '../model/types.ts';
import type { CfgKeyword, KwCtx } from '../config/types.ts';
import { PR_CAP_BE, PR_CAP_DEF } from '../config/types.ts';
import { parseTime } from '../config/values.ts';
import { srvAcceptsPersistent } from './server.ts';

/**
 * The server whose `cookie` value equals `value` if it may still take persistent traffic (up or draining, not in
 * maintenance), else null (the stream then balances normally, like HAProxy without `option persist`).
 */
export function cookieServer(be: Proxy, value: string): Server | null {
  const list = be.servers;
  for (let i = 0; i < list.length; i++) {
    const s = list[i];
    if (s.cookie !== '' && s.cookie === value) return srvAcceptsPersistent(s) ? s : null;
  }
  return null;
}

function parseCookie(args: readonly string[], ctx: KwCtx): void {
  const c = ctx.proxy!.cookie;
  if (args.length < 2) { ctx.alert(`'${args[0]}' expects <cookie_name> as argument.`); return; }
  c.name = args[1];
  c.mode = 'rewrite';
  c.indirect = false; c.nocache = false; c.postonly = false; c.preserve = false; c.httponly = false;
  c.secure = false; c.domain = []; c.maxidle = 0; c.maxlife = 0; c.dynamic = false; c.attrs = [];
  const raw = (m: string): void => ctx.alertRaw(`parsing [${ctx.file}:${ctx.line}]: ${m}`);   // 2.6's form for these
  const modes = new Set<string>();
  for (let i = 2; i < args.length; i++) {
    const w = args[i];
    switch (w) {
      case 'rewrite': case 'insert': case 'prefix': c.mode = w; modes.add(w); break;
      case 'indirect': c.indirect = true; break;
      case 'nocache': c.nocache = true; break;
      case 'postonly': c.postonly = true; break;
      case 'preserve': c.preserve = true; break;
      case 'httponly': c.httponly = true; break;
      case 'secure': c.secure = true; break;
      case 'dynamic': c.dynamic = true; break;
      case 'domain':
        if (args[i + 1] === undefined || args[i + 1] === '') { raw("'domain' expects <domain> as argument."); return; }
        c.domain.push(args[++i]); break;
      case 'attr': {
        const v = args[i + 1];
        if (v === undefined || v === '') { raw("'attr' expects <value> as argument."); return; }
        // 2.6.12 refuses a ';' or a control character in an attribute
        for (let k = 0; k < v.length; k++) {
          const ch = v.charCodeAt(k);
          if (ch === 0x3b || ch < 0x20 || ch === 0x7f) { raw(`character '%x${ch.toString(16).toUpperCase().padStart(2, '0')}' is not permitted in attribute value.`); return; }
        }
        c.attrs.push(v);
        i++;
        break;
      }
      case 'maxidle': case 'maxlife': {
        const v = args[i + 1];
        if (v === undefined || v === '') { raw(`'${w}' expects <${w === 'maxidle' ? 'idletime' : 'lifetime'}> in seconds as argument.`); return; }
        // a bare number is seconds here (2.6 parses these with TIME_UNIT_S), a suffixed one as usual
        const t = parseTime(v);
        if (t.err !== '') { raw(`unexpected character '${t.badChar}' in argument to <${w}>.`); return; }
        const ms = /^\d+$/.test(v) ? t.ms * 1000 : t.ms;
        if (w === 'maxidle') c.maxidle = ms; else c.maxlife = ms;
        i++; break;
      }
      default:
        ctx.alert(`'${args[0]}' supports 'rewrite', 'insert', 'prefix', 'indirect', 'nocache', 'postonly', 'domain', 'maxidle', 'dynamic', 'maxlife' and 'attr' options.`);
        return;
    }
  }
  if (modes.size > 1) { ctx.alert(`cookie 'rewrite', 'insert' and 'prefix' modes are incompatible.`); return; }
  if ((c.mode === 'rewrite' || c.mode === 'prefix') && c.indirect) {
    ctx.alert(`'${args[0]}' '${c.mode}' and 'indirect' options are incompatible.`);
  }
}

/** `dynamic-cookie-key <key>`: the secret of `cookie ... dynamic` (backend/dyn-cookie.ts). */
function parseDynamicCookieKey(args: readonly string[], ctx: KwCtx): void {
  if (args.length < 2 || args[1] === '') { ctx.alert(`'${args[0]}' expects <secret_key> as argument.`); return; }
  ctx.proxy!.cookie.dynamicKey = args[1];
}

export const keywords: CfgKeyword[] = [
  { section: 'listen', name: 'cookie', cap: PR_CAP_BE | PR_CAP_DEF, parse: parseCookie },
  { section: 'listen', name: 'dynamic-cookie-key', cap: PR_CAP_BE | PR_CAP_DEF, parse: parseDynamicCookieKey },
];
