/*
 * `show sess [all|<ptr>]` and `shutdown session <ptr>`: lists the process's live streams (proxy/streams.ts: TCP and
 * HTTP client sessions) and CLI sessions in the order they started, one 2.6-shaped line each (`0x<ptr>: proto=tcpv4
 * src=... fe=... be=... srv=... epoch=... age=...`), or 2.6's multi-line dump of one (`<ptr>`) or each (`all`), and
 * kills a stream or CLI session by pointer. Pointers are stable pseudo addresses derived from the stream/session ids.
 * Epochs as 2.6: each `show sess` starts a new one, an entry shows the epoch it was first listed in (the asking
 * session the current one). Hot path: no.
 */
import type { Proxy } from '../model/types.ts';
import { SF_ERR_KILLED, PR_MODE_HTTP } from '../model/types.ts';
import type { CliCommand, CliReply, CliSession, CliEnv } from './types.ts';
import { ACCESS_LVL_OPER, ACCESS_LVL_ADMIN, LOG_ERR, CLI_RAW } from './types.ts';
import { activeStreamList } from '../streams.ts';
import type { ActiveStream } from '../streams.ts';
import { cliStrtoul } from './cli-lookup.ts';

const CLI_PTR_BASE = 0x55d000000000;
const STREAM_PTR_BASE = 0x7f3000000000;

/** Pseudo pointer printed for a CLI session in `show sess` (stable per session). */
export function sessPtr(id: number): string {
  return '0x' + (CLI_PTR_BASE + id * 0x1000).toString(16);
}

/** Pseudo pointer of a data stream. */
export function streamPtr(id: number): string {
  return '0x' + (STREAM_PTR_BASE + id * 0x1000).toString(16);
}

let sessEpoch = 0;
const firstEpoch = new WeakMap<object, number>();

/** The epoch `x` belongs to: the one current when a `show sess` first saw it. */
function epochOf(x: object): number {
  let e = firstEpoch.get(x);
  if (e === undefined) { e = sessEpoch; firstEpoch.set(x, e); }
  return e;
}

/** 2.6 prints epochs with %#x: `0`, `0x1`, ... */
function fmtEpoch(e: number): string { return e === 0 ? '0' : '0x' + e.toString(16); }

/** Pseudo address `off` bytes into the object at `ptr` (0x...). */
function sub(ptr: string, off: number): string { return '0x' + (parseInt(ptr.slice(2), 16) + off).toString(16); }

function fmtAge(ms: number): string {
  let s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return s + 's';
  const m = Math.floor(s / 60); s %= 60;
  if (m < 60) return m + 'm' + s + 's';
  return Math.floor(m / 60) + 'h' + (m % 60) + 'm';
}

function cliLine(cs: CliSession, now: number, epoch: number): string {
  return sessPtr(cs.id) + ': proto=' + cs.proto + ' src=' + cs.peer + ' fe=GLOBAL be=<NONE> srv=<none> ts=00 epoch=' +
    fmtEpoch(epoch) + ' age=' + fmtAge(now - cs.acceptMs) + ' calls=1 rate=0 cpu=0 lat=0 rq[f=c08000h,i=0,an=00h,rx=,wx=,ax=]' +
    ' rp[f=80008000h,i=0,an=00h,rx=,wx=,ax=] scf=[8,200h,fd=-1] scb=[8,1h,fd=-1] exp= rc=0 c_exp=\n';
}

/**
 * The channel part of a multi-line dump (request and response buffers); `htx` adds 2.6's `htx=` line under each
 * buffer of an HTTP stream.
 */
function channels(ptr: string, rqf: string, rpf: string, tin: number, tout: number, size: number, htx = false): string {
  const data = (o: number): string => (size > 0 ? sub(ptr, o) : '(nil)');
  const h = htx ? '      htx=' + sub(ptr, 0xa00) + ' flags=0x0 size=0 data=0 used=0 wrap=NO extra=0\n' : '';
  return '  req=' + sub(ptr, 0x20) + ' (f=' + rqf + ' an=0x0 pipe=0 tofwd=-1 total=' + tin + ')\n' +
    '      an_exp=<NEVER> rex=<NEVER> wex=<NEVER>\n' +
    '      buf=' + sub(ptr, 0x28) + ' data=' + data(0x4000) + ' o=0 p=0 i=0 size=' + size + '\n' + h +
    '  res=' + sub(ptr, 0x80) + ' (f=' + rpf + ' an=0x0 pipe=0 tofwd=-1 total=' + tout + ')\n' +
    '      an_exp=<NEVER> rex=<NEVER> wex=<NEVER>\n' +
    '      buf=' + sub(ptr, 0x88) + ' data=' + data(0x8000) + ' o=0 p=0 i=0 size=' + size + '\n' + h;
}

// 2.6's enum http_meth_t order (HTTP_METH_OPTIONS = 0 ... HTTP_METH_OTHER = 8)
const HTTP_METHS = ['OPTIONS', 'GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'TRACE', 'CONNECT'];

/** 2.6's `txn=` line of an HTTP stream: the method's number, the status (-1 before the response), message states. */
function txnLine(p: string, l: ActiveStream['log']): string {
  const m = HTTP_METHS.indexOf(l.method);
  return '  txn=' + sub(p, 0xb00) + ' flags=0x3000 meth=' + (m < 0 ? 8 : m) + ' status=' + (l.status > 0 ? l.status : -1) +
    ' req.st=MSG_DONE rsp.st=' + (l.status > 0 ? 'MSG_DATA' : 'MSG_RPBEFORE') + ' req.f=0x4c rsp.f=0x00\n';
}

/** The multi-line dump of a CLI session (2.6 shows the CLI applet's own stream). */
function cliDump(cs: CliSession, now: number, epoch: number): string {
  const p = sessPtr(cs.id);
  return p + ': [' + dateUs(cs.acceptMs, 0) + '] id=' + cs.id + ' proto=' + cs.proto + ' source=' + cs.peer + '\n' +
    '  flags=0x8, conn_retries=0, conn_exp=<NEVER> conn_et=0x000 srv_conn=(nil), pend_pos=(nil) waiting=0 epoch=' +
    fmtEpoch(epoch) + '\n' +
    '  frontend=GLOBAL (id=0 mode=tcp), listener=? (id=1) addr=' + cs.peer + '\n' +
    '  backend=<NONE> (id=-1 mode=-)\n  server=<NONE> (id=-1)\n' +
    '  task=' + sub(p, 0x100) + ' (state=0x00 nice=-64 calls=1 rate=0 exp=<NEVER> tmask=0x1 age=' + fmtAge(now - cs.acceptMs) + ')\n' +
    '  scf=' + sub(p, 0x200) + ' flags=0x00000200 state=EST endp=CONN,' + sub(p, 0x300) + ',0x028c0001 sub=1\n' +
    '      co0=' + sub(p, 0x400) + ' ctrl=' + cs.proto + ' xprt=RAW mux=PASS data=STRM target=LISTENER:' + sub(p, 0x500) + '\n' +
    '      flags=0x00000300 fd=-1 fd.state=21 updt=1 fd.tmask=0x1\n' +
    '  scb=' + sub(p, 0x600) + ' flags=0x00000001 state=EST endp=APPCTX,' + sub(p, 0x700) + ',0x02800002 sub=0\n' +
    '      app1=' + sub(p, 0x700) + ' st0=9 st1=0 st2=0 applet=<CLI> tmask=0x1 nice=-64 calls=1 rate=0 cpu=0 lat=0\n' +
    channels(p, '0xc08000', '0x80008000', 0, 0, 16384);
}

function proto(ip: string): string { return ip.includes(':') ? 'tcpv6' : 'tcpv4'; }

function addr(ip: string, port: number): string {
  return ip.includes(':') ? '[' + ip + ']:' + port : ip + ':' + port;
}

function streamLine(st: ActiveStream, now: number, epoch: number): string {
  const l = st.log;
  const srv = l.server;
  return streamPtr(st.sessId) + ': proto=' + proto(l.clientIp) + ' src=' + addr(l.clientIp, l.clientPort) + ' fe=' +
    st.fe.name + ' be=' + (l.backend !== null ? l.backend.name : '<NONE>') + ' srv=' + (srv !== null ? srv.name : '<none>') +
    ' ts=00 epoch=' + fmtEpoch(epoch) + ' age=' + fmtAge(now - l.acceptMs) + ' calls=1 rate=0 cpu=0 lat=0' +
    ' rq[f=848000h,i=0,an=00h,rx=,wx=,ax=] rp[f=80048000h,i=0,an=00h,rx=,wx=,ax=] scf=[8,0h,fd=-1]' +
    ' scb=[8,' + (srv !== null ? '1h' : '0h') + ',fd=-1] exp= rc=0 c_exp=\n';
}

function pxDesc(px: Proxy): string {
  return px.name + ' (id=' + px.id + ' mode=' + (px.mode === PR_MODE_HTTP ? 'http' : 'tcp') + ')';
}

function dateUs(ms: number, us: number): string {
  const d = new Date(ms);
  const M = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const p2 = (n: number): string => (n < 10 ? '0' : '') + n;
  return p2(d.getDate()) + '/' + M[d.getMonth()] + '/' + d.getFullYear() + ':' + p2(d.getHours()) + ':' +
    p2(d.getMinutes()) + ':' + p2(d.getSeconds()) + '.' + String(d.getMilliseconds() * 1000 + us).padStart(6, '0');
}

/** The multi-line dump of `show sess <ptr>` for a data stream (the fields Sluice has). */
function streamDump(st: ActiveStream, now: number, epoch: number): string {
  const l = st.log;
  const be = l.backend;
  const srv = l.server;
  const p = streamPtr(st.sessId);
  const mux = st.fe.mode === PR_MODE_HTTP ? 'H1' : 'PASS';
  return p + ': [' + dateUs(l.acceptMs, l.acceptUs) + '] id=' + st.sessId + ' proto=' +
    proto(l.clientIp) + ' source=' + addr(l.clientIp, l.clientPort) + '\n' +
    '  flags=0x0, conn_retries=' + l.retries + ', conn_exp=<NEVER> conn_et=0x000 srv_conn=' +
    (srv !== null ? sub(p, 0x900) : '(nil)') +
    ', pend_pos=(nil) waiting=0 epoch=' + fmtEpoch(epoch) + '\n' +
    '  frontend=' + pxDesc(st.fe) + ', listener=' + (l.bindName !== '' ? l.bindName : '?') + ' (id=1) addr=' +
    addr(l.frontendIp, l.frontendPort) + '\n' +
    '  backend=' + (be !== null ? pxDesc(be) : '<NONE> (id=-1 mode=-)') +
    (be !== null && l.backendSrcIp !== '' ? ' addr=' + addr(l.backendSrcIp, l.backendSrcPort) : '') + '\n' +
    '  server=' + (srv !== null ? srv.name + ' (id=' + srv.id + ') addr=' + addr(l.serverIp, l.serverPort) : '<NONE> (id=-1)') +
    '\n  task=' + sub(p, 0x100) + ' (state=0x00 nice=0 calls=1 rate=0 exp=<NEVER> tmask=0x1 age=' + fmtAge(now - l.acceptMs) + ')\n' +
    (st.fe.mode === PR_MODE_HTTP ? txnLine(p, l) : '') +
    '  scf=' + sub(p, 0x200) + ' flags=0x00000000 state=EST endp=CONN,' + sub(p, 0x300) + ',0x028c0001 sub=1\n' +
    '      co0=' + sub(p, 0x400) + ' ctrl=' + proto(l.clientIp) + ' xprt=RAW mux=' + mux + ' data=STRM target=LISTENER:' +
    sub(p, 0x500) + '\n      flags=0x80000300 fd=-1 fd.state=121 updt=0 fd.tmask=0x1\n' +
    (srv !== null
      ? '  scb=' + sub(p, 0x600) + ' flags=0x00000001 state=EST endp=CONN,' + sub(p, 0x700) + ',0x028c0001 sub=1\n' +
        '      co1=' + sub(p, 0x800) + ' ctrl=' + proto(l.serverIp) + ' xprt=RAW mux=' + mux + ' data=STRM target=SERVER:' +
        sub(p, 0x900) + '\n      flags=0x10000300 fd=-1 fd.state=10121 updt=0 fd.tmask=0x1\n'
      : '  scb=' + sub(p, 0x600) + ' flags=0x00000001 state=INI endp=CONN,0,0x01000001 sub=0\n') +
    channels(p, '0x848000', '0x80048000', l.bytesIn, l.bytesOut, 0, st.fe.mode === PR_MODE_HTTP);
}

function findStream(ptr: bigint): ActiveStream | null {
  for (const st of activeStreamList()) if (BigInt(streamPtr(st.sessId)) === ptr) return st;
  return null;
}

function raw(text: string): CliReply { return { text, severity: CLI_RAW }; }
function err(text: string): CliReply { return { text, severity: LOG_ERR }; }

export const showSess: CliCommand = {
  words: ['show', 'sess'], usage: null, level: ACCESS_LVL_OPER,
  parse(a: readonly string[], s: CliSession, env: CliEnv): CliReply {
    const now = Date.now();
    const want = a[2];
    // every entry, data streams and CLI sessions, in the order they started
    const all: { at: number; st: ActiveStream | null; cs: CliSession | null }[] = [];
    // an HTTP connection has a stream in 2.6 only from a request's complete head to the end of its response
    for (const st of activeStreamList()) if (st.fe.mode !== PR_MODE_HTTP || st.log.tRequest >= 0) all.push({ at: st.log.acceptMs, st, cs: null });
    for (const cs of env.sessions) all.push({ at: cs.acceptMs, st: null, cs });
    all.sort((x, y) => x.at - y.at || (x.st !== null ? x.st.sessId : 1e15) - (y.st !== null ? y.st.sessId : 1e15) ||
      (x.cs !== null ? x.cs.id : 0) - (y.cs !== null ? y.cs.id : 0));
    const epochs = all.map((e) => (e.cs === s ? sessEpoch : epochOf(e.st ?? e.cs!)));
    sessEpoch++;
    let out = '';
    // a word that reads as pointer 0 (`foo`, `0`) lists every session, as 2.6's strtoul() makes it
    const ptr = want !== undefined && want !== 'all' ? cliStrtoul(want) : 0n;
    if (ptr !== 0n) {
      for (let i = 0; i < all.length; i++) {
        const e = all[i]!;
        if (e.st !== null && BigInt(streamPtr(e.st.sessId)) === ptr) return raw(streamDump(e.st, now, epochs[i]!));
        if (e.cs !== null && BigInt(sessPtr(e.cs.id)) === ptr) return raw(cliDump(e.cs, now, epochs[i]!));
      }
      return raw('Session not found.\n');   // printed by 2.6's dump, with no severity
    }
    const dump = want === 'all';
    for (let i = 0; i < all.length; i++) {
      const e = all[i]!;
      if (e.st !== null) out += dump ? streamDump(e.st, now, epochs[i]!) : streamLine(e.st, now, epochs[i]!);
      else out += dump ? cliDump(e.cs!, now, epochs[i]!) : cliLine(e.cs!, now, epochs[i]!);
    }
    return raw(out);
  },
};

export const shutdownSession: CliCommand = {
  words: ['shutdown', 'session'], usage: null, level: ACCESS_LVL_ADMIN,
  parse(a: readonly string[], _s: CliSession, env: CliEnv): CliReply {
    const ptr = cliStrtoul(a[2] ?? '');
    if (ptr === 0n) return err("Session pointer expected (use 'show sess').\n");
    const st = findStream(ptr);
    if (st !== null) { st.kill(SF_ERR_KILLED); return raw(''); }
    for (const cs of env.sessions) {
      if (BigInt(sessPtr(cs.id)) === ptr) { env.killSession(cs.id); return raw(''); }
    }
    return err("No such session (use 'show sess').\n");
  },
};
