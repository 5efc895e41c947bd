/*
 * `server <name> <addr>[:port] [params]` and `default-server [params]`, plus the core server-line parameters
 * (weight, backup, maxconn, maxqueue, minconn, disabled, enabled, cookie, id, slowstart). Parameters of other modules
 * (check, inter, rise, ... in checks/) come from the registry's server keyword table. Errors use HAProxy's
 * `[file:line] : 'server bk/s1' : ...` form. Hot path: no.
 */
import type { CfgKeyword, KwCtx, SrvKeyword } from '../config/types.ts';
import { PR_CAP_BE, PR_CAP_DEF } from '../config/types.ts';
import type { Proxy, Server } from '../model/types.ts';
import { SRV_ADMF_CMAINT, SRV_ONDOWN_SHUTDOWN_SESSIONS, SRV_ONUP_SHUTDOWN_BACKUP_SESSIONS } from '../model/types.ts';
import { newServer } from '../model/factories.ts';
import { parseAddr, parseTime, atol, envExpand } from '../config/values.ts';
import type { KeywordRegistry } from '../config/registry.ts';
import { bestMatch } from '../config/registry.ts';
import { SRV_UWGHT_MAX, srvAddTracker } from './server.ts';
import { srvAlert, srvWarn } from '../config/server-alert.ts';

function srvErr(ctx: KwCtx, srvName: string, msg: string): void {
  ctx.alertRaw(`[${ctx.file}:${ctx.line}] : '${srvName}' : ${msg}`);
}

function needArg(srv: Server, args: readonly string[], i: number, ctx: KwCtx, tmpl: boolean, what: string): string | null {
  const v = args[i + 1];
  if (v === undefined) { srvAlert(ctx, srv, tmpl, `'${args[i]}' expects ${what} as argument..`); return null; }
  return v;
}

/** A parameter taking an integer, read like HAProxy 2.6 does: C atol() into an int (no error on "abc" or "12x"). */
function intKw(name: string, set: (s: Server, v: number) => string): SrvKeyword {
  return {
    name,
    defaultOk: true,
    parse(srv, args, i, ctx, tmpl) {
      const err = set(srv, atol(args[i + 1] ?? '') | 0); // a missing value is atol("") = 0 in 2.6, without a message
      if (err !== '') { srvAlert(ctx, srv, tmpl, err); return -1; }
      return 2;
    },
  };
}

function flagKw(name: string, set: (s: Server) => void): SrvKeyword {
  return { name, defaultOk: true, parse(srv) { set(srv); return 1; } };
}

/** Servers whose id was set with `id` (2.6's SRV_F_FORCED_ID, `show servers state` srv_f_forced_id). */
const idForced = new WeakSet<Server>();
/** An address error with the address quoted at its end, as 2.6 words it (some of parseAddr's texts quote it already). */
function addrErrIn(err: string, addr: string | undefined): string {
  return err.includes(` in '`) || err.endsWith('looking for.') ? err : `${err} in '${addr}'`;
}

export function srvIdForced(s: Server): boolean { return idForced.has(s); }

export const serverKeywords: SrvKeyword[] = [
  intKw('weight', (s, v) => {
    if (v < 0 || v > SRV_UWGHT_MAX) return `weight of server ${s.name} is not within 0 and 256 (${v})..`;
    s.iweight = v; s.uweight = v; s.eweight = v; return '';
  }),
  intKw('maxconn', (s, v) => { s.maxconn = v > 0 ? v : 0; return ''; }),
  intKw('minconn', (s, v) => { s.minconn = v > 0 ? v : 0; return ''; }),
  intKw('maxqueue', (s, v) => { s.maxqueue = v > 0 ? v : 0; return ''; }),
  intKw('id', (s, v) => {
    if (v <= 0) return `'id' : custom id has to be > 0.`;
    for (const o of s.proxy.servers) if (o !== s && o.id === v) return `'id' : custom id ${v} already used at ${o.file}:${o.line} ('server ${o.name}').`;
    s.id = v; idForced.add(s); return '';
  }),
  flagKw('backup', (s) => { s.backup = true; }),
  flagKw('no-backup', (s) => { s.backup = false; }),
  flagKw('disabled', (s) => { s.adminState |= SRV_ADMF_CMAINT; }),
  flagKw('enabled', (s) => { s.adminState &= ~SRV_ADMF_CMAINT; }),
  {
    name: 'cookie',
    defaultOk: false,
    parse(srv, args, i, ctx, tmpl) {
      const v = needArg(srv, args, i, ctx, tmpl, '<value>');
      if (v === null) return -1;
      srv.cookie = v;
      return 2;
    },
  },
  {
    name: 'slowstart',
    defaultOk: true,
    parse(srv, args, i, ctx, tmpl) {
      const v = needArg(srv, args, i, ctx, tmpl, 'a time');
      if (v === null) return -1;
      const t = parseTime(v);
      if (t.err === 'overflow') {
        srvAlert(ctx, srv, tmpl, `overflow in argument <${v}> to <slowstart> of server ${srv.name}, maximum value is 2147483647 ms (~24.8 days)..`);
        return -1;
      }
      if (t.err !== '') { srvAlert(ctx, srv, tmpl, `unexpected character '${t.badChar}' in 'slowstart' argument of server ${srv.name}..`); return -1; }
      srv.slowstart = t.ms;
      return 2;
    },
  },
  {
    name: 'on-marked-down',
    defaultOk: true,
    parse(srv, args, i, ctx, tmpl) {
      if (args[i + 1] !== 'shutdown-sessions') { srvAlert(ctx, srv, tmpl, `'on-marked-down' expects 'shutdown-sessions' but got '${args[i + 1] ?? ''}'.`); return -1; }
      srv.onMarkedDown = SRV_ONDOWN_SHUTDOWN_SESSIONS;
      return 2;
    },
  },
  {
    name: 'on-marked-up',
    defaultOk: true,
    parse(srv, args, i, ctx, tmpl) {
      if (args[i + 1] !== 'shutdown-backup-sessions') { srvAlert(ctx, srv, tmpl, `'on-marked-up' expects 'shutdown-backup-sessions' but got '${args[i + 1] ?? ''}'.`); return -1; }
      srv.onMarkedUp = SRV_ONUP_SHUTDOWN_BACKUP_SESSIONS;
      return 2;
    },
  },
  {
    name: 'track',
    defaultOk: false,
    parse(srv, args, i, ctx, tmpl) {
      const v = args[i + 1];
      if (v === undefined || v === '') { srvAlert(ctx, srv, tmpl, `'track' expects [<proxy>/]<server> as argument..`); return -1; }
      srv.trackName = v;
      const file = ctx.file, line = ctx.line;
      ctx.postParse(() => {
        const slash = v.indexOf('/');
        const pxName = slash >= 0 ? v.slice(0, slash) : srv.proxy.name;
        const sName = slash >= 0 ? v.slice(slash + 1) : v;
        const err = (m: string) => ctx.alertRaw(`[${file}:${line}] : 'server ${srv.proxy.name}/${srv.name}' : ${m}`);
        const px = ctx.proxies.get(pxName);
        if (px === undefined || (px.cap & PR_CAP_BE) === 0) { err(`unable to find required proxy '${pxName}' for tracking.`); return; }
        const t = px.servers.find((x) => x.name === sName);
        if (t === undefined) { err(`unable to find required server '${sName}' for tracking.`); return; }
        if (!t.check.enabled && (t.agent === null || !t.agent.enabled) && t.trackName === '') {
          err(`unable to use ${px.name}/${t.name} for tracking as it does not have any check nor agent enabled.`);
          return;
        }
        for (let r: Server | null = t, n = 0; r !== null; r = r.tracked, n++) {
          if (r === srv || n > 16) { err(`unable to track ${px.name}/${t.name}: loop detected.`); return; }
        }
        srv.tracked = t;
        srvAddTracker(t, srv);
      });
      return 2;
    },
  },
];

/** End-of-line checks of a `server` line across modules' parameters (as HAProxy's post-parse of the line). */
function checkServerLine(srv: Server, ctx: KwCtx): void {
  const name = `server ${srv.proxy.name}/${srv.name}`;
  if (srv.check.enabled && srv.trackName !== '') srvErr(ctx, name, 'unable to enable checks and tracking at the same time!');
  const a = srv.agent;
  if (a !== null && a.enabled && a.port === 0) {
    srvErr(ctx, name, `server ${srv.name} does not have agent port. Agent check has been disabled.`);
    a.enabled = false;
  }
}

/**
 * A server address's port read as 2.6 reads it (no range; leading digits, so `80x` is 80; a first character that is
 * no digit is "invalid character 'h' in port number 'http'", its message ending in a newline as 2.6's does). Relative
 * ports (`+N`, `-N`) are refused as not supported; port 0 is the request's destination port (backend/connect.ts).
 * Returns the address with the port normalised, or the message.
 */
function serverPortSpec(orig: string): { addr: string; err: string } {
  const spec = envExpand(orig);     // "${HOST}:${PORT}" outside quotes too, as 2.6 expands addresses
  if (spec.startsWith('/') || spec.includes('@') && !spec.startsWith('ipv4@') && !spec.startsWith('ipv6@')) return { addr: spec, err: '' };
  const close = spec.lastIndexOf(']');
  const colon = spec.lastIndexOf(':');
  if (colon < 0 || colon < close || (close < 0 && spec.indexOf(':') !== colon && !spec.includes('.'))) return { addr: spec, err: '' };
  const pt = spec.slice(colon + 1);
  if (pt === '') return { addr: spec.slice(0, colon), err: '' };
  const c = pt.charCodeAt(0);
  if (c === 0x2b || c === 0x2d) return { addr: spec, err: `relative port '${pt}' (a port mapped from the client's) is not supported by sluice yet in '${orig}'` };
  if (c < 0x30 || c > 0x39) return { addr: spec, err: `invalid character '${pt[0]}' in port number '${pt}' in '${orig}'\n` };
  if (pt.includes('-')) return { addr: spec, err: `port range not permitted here in '${orig}'` };
  let n = 0;
  for (let i = 0; i < pt.length; i++) {
    const d = pt.charCodeAt(i) - 0x30;
    if (d < 0 || d > 9) break;
    n = n * 10 + d;
    if (n > 65535) return { addr: spec, err: `invalid port '${pt}'` };
  }
  if (n === 0) return { addr: spec.slice(0, colon), err: '' };     // as no port: the destination's (connect.ts)
  return { addr: spec.slice(0, colon + 1) + n, err: '' };
}

/** The server keywords 2.6 accepts on `add server` (its management guide's list). */
const DYN_KWS_26 = new Set([
  'agent-addr', 'agent-check', 'agent-inter', 'agent-port', 'agent-send', 'allow-0rtt', 'alpn', 'addr', 'backup',
  'ca-file', 'check', 'check-alpn', 'check-proto', 'check-send-proxy', 'check-sni', 'check-ssl', 'check-via-socks4',
  'ciphers', 'ciphersuites', 'crl-file', 'crt', 'disabled', 'downinter', 'enabled', 'error-limit', 'fall', 'fastinter',
  'force-sslv3', 'force-tlsv10', 'force-tlsv11', 'force-tlsv12', 'force-tlsv13', 'id', 'inter', 'maxconn', 'maxqueue',
  'minconn', 'no-ssl-reuse', 'no-sslv3', 'no-tlsv10', 'no-tlsv11', 'no-tlsv12', 'no-tlsv13', 'no-tls-tickets', 'npn',
  'observe', 'on-error', 'on-marked-down', 'on-marked-up', 'pool-low-conn', 'pool-max-conn', 'pool-purge-delay', 'port',
  'proto', 'proxy-v2-options', 'rise', 'send-proxy', 'send-proxy-v2', 'send-proxy-v2-ssl', 'send-proxy-v2-ssl-cn',
  'slowstart', 'sni', 'source', 'ssl', 'ssl-max-ver', 'ssl-min-ver', 'tfo', 'tls-tickets', 'track', 'usesrc', 'verify',
  'verifyhost', 'weight', 'ws',
]);
/** Those Sluice sets up on a server added at runtime; the others (proto, ws, tfo, pool-*, ...) are refused by name. */
const DYN_KWS = new Set([
  'addr', 'backup', 'check', 'check-send-proxy', 'disabled', 'downinter', 'enabled', 'fall', 'fastinter', 'id', 'inter',
  'maxconn', 'maxqueue', 'minconn', 'on-marked-down', 'on-marked-up', 'port', 'proxy-v2-options', 'rise', 'send-proxy',
  'send-proxy-v2', 'slowstart', 'source', 'track', 'weight', 'agent-addr', 'agent-check', 'agent-inter', 'agent-port',
  'agent-send', 'observe', 'error-limit', 'on-error',
  // TLS: the server's context is built when it is added (ssl/keywords.ts finalizeServerSsl)
  'allow-0rtt', 'alpn', 'ca-file', 'check-alpn', 'check-sni', 'check-ssl', 'ciphers', 'ciphersuites', 'crl-file', 'crt',
  'force-sslv3', 'force-tlsv10', 'force-tlsv11', 'force-tlsv12', 'force-tlsv13', 'no-ssl-reuse', 'no-sslv3', 'no-tlsv10',
  'no-tlsv11', 'no-tlsv12', 'no-tlsv13', 'no-tls-tickets', 'npn', 'send-proxy-v2-ssl', 'send-proxy-v2-ssl-cn', 'sni', 'ssl',
  'ssl-max-ver', 'ssl-min-ver', 'tls-tickets', 'verify', 'verifyhost',
]);

/**
 * `add server` (backend/dynamic-server.ts): the server of `args` = [name, addr, params...] for backend `px`, parsed
 * with the keyword tables of the registry built last (2.6's dynamic subset), or null after one ctx alert (2.6's
 * words, without the file:line prefix). Post-parse checks the parameters registered (track) are run by the caller.
 */
export let dynParse: (px: Proxy, args: readonly string[], ctx: KwCtx) => Server | null = () => null;

/**
 * The parsers need the registry (for other modules' parameters); modules.ts binds it once with makeServerKeywords.
 */
export function makeServerKeywords(reg: KeywordRegistry): CfgKeyword[] {
  function parseParams(srv: Server, args: readonly string[], start: number, ctx: KwCtx, tmpl: boolean, dyn = false): void {
    let i = start;
    while (i < args.length) {
      const w = args[i];
      const kw = reg.serverKws.get(w);
      if (dyn && (kw !== undefined || reg.isUnsupported('server', w))) {
        if (!DYN_KWS_26.has(w)) { ctx.alertRaw(`'${w}' option is not accepted for dynamic server`); return; }
        if (!DYN_KWS.has(w)) { ctx.alertRaw(`'${w}' is a HAProxy 2.6 keyword of dynamic servers not supported by sluice yet.`); return; }
      }
      if (!kw) {
        const ign = reg.ignoredKw('server', w);
        if (ign !== undefined) {
          srvWarn(ctx, srv, tmpl, `'${w}' is ignored by sluice (${ign[1]}).`);
          i += 1 + ign[0];
          continue;
        }
        if (reg.isUnsupported('server', w)) {
          srvAlert(ctx, srv, tmpl, `'${w}' is a HAProxy 2.6 server keyword not supported by sluice yet.`);
          return;
        }
        const hint = bestMatch(w, [...reg.serverKws.keys(), ...reg.unsupportedNames('server')]);
        srvAlert(ctx, srv, tmpl, `unknown keyword '${w}'${hint !== '' ? `; did you mean '${hint}' maybe ?` : '.'}${tmpl ? ' Hint: no address was expected for this server.' : ''}`);
        return;
      }
      if (tmpl && !kw.defaultOk) {
        srvAlert(ctx, srv, tmpl, `'${w}' is not supported in default-server.`);
        return;
      }
      const n = kw.parse(srv, args, i, ctx, tmpl);
      if (n < 0) return;
      i += n;
    }
  }

  function parseServer(args: readonly string[], ctx: KwCtx): void {
    const px = ctx.proxy!;
    if (args.length < 3) {
      ctx.alertRaw(`[${ctx.file}:${ctx.line}] : '${args[0]}' expects <name> and <addr>[:<port>] as arguments.`);
      return;
    }
    const name = args[1];
    for (const o of px.servers) {
      if (o.name === name) {
        // a post-parse check in 2.6 (only reported when parsing succeeded, and without "Error(s) found in ...")
        const msg = `parsing [${ctx.file}:${ctx.line}] : backend '${px.name}', another server named '${name}' was already defined at line ${o.line}, please use distinct names.`;
        ctx.postParse(() => ctx.alertRaw(msg));
        return;
      }
    }
    if ((px.cap & PR_CAP_DEF) !== 0) { ctx.alertRaw(`[${ctx.file}:${ctx.line}] : '${args[0]}' not allowed in 'defaults' section.`); return; }
    const srv = newServer(name, px, ctx.file, ctx.line, px.defaultServer);
    const spec = serverPortSpec(args[2]);
    if (spec.err !== '') { srvErr(ctx, `server ${px.name}/${name}`, spec.err); return; }
    const a = parseAddr(spec.addr, false);
    if (a.err !== '') {
      srvErr(ctx, `server ${px.name}/${name}`, addrErrIn(a.err, args[2]));
      return;
    }
    if (a.path !== '') srv.path = a.path;
    else {
      srv.host = a.host;
      srv.port = a.port;
      if (a.host === '') srv.host = '127.0.0.1';
    }
    px.servers.push(srv);
    parseParams(srv, args, 3, ctx, false);
    checkServerLine(srv, ctx);
  }

  function parseDefaultServer(args: readonly string[], ctx: KwCtx): void {
    const px = ctx.proxy!;
    if (px.defaultServer === null) px.defaultServer = newServer('default-server', px, ctx.file, ctx.line, null);
    parseParams(px.defaultServer, args, 1, ctx, true);
  }

  dynParse = (px, args, ctx) => {
    const name = args[1] ?? '';
    const srv = newServer(name, px, ctx.file, ctx.line, null);
    const spec = serverPortSpec(args[2] ?? '');
    if (spec.err !== '') { ctx.alertRaw(spec.err); return null; }
    const a = parseAddr(spec.addr, false);
    if (a.err !== '') { ctx.alertRaw(addrErrIn(a.err, args[2])); return null; }
    if (a.path !== '') srv.path = a.path;
    else { srv.host = a.host === '' ? '127.0.0.1' : a.host; srv.port = a.port; }
    parseParams(srv, args, 3, ctx, false, true);
    return srv;
  };
  return [
    { section: 'listen', name: 'server', cap: PR_CAP_BE, parse: parseServer },
    { section: 'listen', name: 'default-server', cap: PR_CAP_BE | PR_CAP_DEF, parse: parseDefaultServer },
  ];
}

