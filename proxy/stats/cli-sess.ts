/*
 * `show sess [all|<ptr>]` and `shutdown session <ptr>`: lists the process's live streams (proxy/streams.ts: TCP and
 * HTTP client sessions) followed by the CLI sessions, one 2.6-shaped line each (`0x<ptr>: proto=tcpv4 src=... fe=...
 * be=... srv=... age=...`), dumps one stream in 2.6's multi-line form, and kills a stream or CLI session by pointer.
 * Pointers are stable pseudo addresses derived from the stream/session ids. Hot path: no.
 */
import type { Proxy } from '../model/types.ts';
import { SF_ERR_KILLED, PR_MODE_HTTP } from '../model/types.ts';
import type { CliCommand, CliReply, CliSession, CliEnv } from './types.ts';
import { ACCESS_LVL_OPER, ACCESS_LVL_ADMIN, LOG_ERR, CLI_RAW } from './types.ts';
import { activeStreams } from '../streams.ts';
import type { ActiveStream } from '../streams.ts';

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

function fmtAge(ms: number): string {
  let s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return s + 's';
  const m = Math.floor(s / 60); s %= 60;
  if (m < 60) return m + 'm' + s + 's';
  return Math.floor(m / 60) + 'h' + (m % 60) + 'm';
}

function cliLine(cs: CliSession, now: number): string {
  return sessPtr(cs.id) + ': proto=' + cs.proto + ' src=' + cs.peer + ' fe=GLOBAL be=<NONE> srv=<none> ts=00 epoch=0x1' +
    ' age=' + fmtAge(now - cs.acceptMs) + ' calls=1 rate=0 cpu=0 lat=0 rq[f=c08000h,i=0,an=00h,rx=,wx=,ax=]' +
    ' rp[f=80008000h,i=0,an=00h,rx=,wx=,ax=] scf=[8,200h,fd=-1] scb=[8,1h,fd=-1] exp= rc=0 c_exp=\n';
}

function proto(ip: string): string { return ip.includes(':') ? 'tcpv6' : 'tcpv4'; }

function addr(ip: string, port: number): string {
  return ip.includes(':') ? '[' + ip + ']:' + port : ip + ':' + port;
}

function streamLine(st: ActiveStream, now: number): string {
  const l = st.log;
  const srv = l.server;
  return streamPtr(st.sessId) + ': proto=' + proto(l.clientIp) + ' src=' + addr(l.clientIp, l.clientPort) + ' fe=' +
    st.fe.name + ' be=' + (l.backend !== null ? l.backend.name : '<NONE>') + ' srv=' + (srv !== null ? srv.name : '<none>') +
    ' ts=00 epoch=0x1 age=' + fmtAge(now - l.acceptMs) + ' calls=1 rate=0 cpu=0 lat=0' +
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
function streamDump(st: ActiveStream, now: number): string {
  const l = st.log;
  const be = l.backend;
  const srv = l.server;
  return streamPtr(st.sessId) + ': [' + dateUs(l.acceptMs, l.acceptUs) + '] id=' + st.sessId + ' proto=' +
    proto(l.clientIp) + ' source=' + addr(l.clientIp, l.clientPort) + '\n' +
    '  flags=0x0, conn_retries=' + l.retries + ', conn_exp=<NEVER> conn_et=0x000 srv_conn=' +
    (srv !== null ? '0x' + (STREAM_PTR_BASE + st.sessId * 0x1000 + 0x800).toString(16) : '(nil)') +
    ', pend_pos=(nil) waiting=0 epoch=0x1\n' +
    '  frontend=' + pxDesc(st.fe) + ', listener=' + (l.bindName !== '' ? l.bindName : '?') + ' (id=1) addr=' +
    addr(l.frontendIp, l.frontendPort) + '\n' +
    '  backend=' + (be !== null ? pxDesc(be) : '<NONE> (id=-1 mode=-)') +
    (be !== null && l.backendSrcIp !== '' ? ' addr=' + addr(l.backendSrcIp, l.backendSrcPort) : '') + '\n' +
    '  server=' + (srv !== null ? srv.name + ' (id=' + srv.id + ') addr=' + addr(l.serverIp, l.serverPort) : '<NONE> (id=-1)') +
    '\n  task=(nil) (state=0x00 nice=0 calls=1 rate=0 exp=<NEVER> tmask=0x1 age=' + fmtAge(now - l.acceptMs) + ')\n' +
    '  req=(nil) (f=0x848000 an=0x0 pipe=0 tofwd=-1 total=' + l.bytesIn + ')\n' +
    '  res=(nil) (f=0x80048000 an=0x0 pipe=0 tofwd=-1 total=' + l.bytesOut + ')\n';
}

function findStream(ptr: string): ActiveStream | null {
  for (const st of activeStreams) if (streamPtr(st.sessId) === ptr) return st;
  return null;
}

function raw(text: string): CliReply { return { text, severity: CLI_RAW }; }
function err(text: string): CliReply { return { text, severity: LOG_ERR }; }

export const showSess: CliCommand = {
  words: ['show', 'sess'], usage: null, level: ACCESS_LVL_OPER,
  parse(a: readonly string[], _s: CliSession, env: CliEnv): CliReply {
    const now = Date.now();
    const want = a[2];
    if (want !== undefined && want !== 'all' && want !== '') {
      const ptr = want.toLowerCase();
      const st = findStream(ptr);
      if (st !== null) return raw(streamDump(st, now));
      for (const cs of env.sessions) if (sessPtr(cs.id) === ptr) return raw(cliLine(cs, now));
      return err('Session not found.\n');
    }
    let out = '';
    const streams = [...activeStreams].sort((x, y) => x.sessId - y.sessId);
    for (const st of streams) out += streamLine(st, now);
    for (const cs of env.sessions) out += cliLine(cs, now);
    return raw(out);
  },
};

export const shutdownSession: CliCommand = {
  words: ['shutdown', 'session'], usage: null, level: ACCESS_LVL_ADMIN,
  parse(a: readonly string[], _s: CliSession, env: CliEnv): CliReply {
    const id = a[2];
    if (id === undefined || id === '') return err("Session pointer expected (use 'show sess').\n");
    const ptr = id.toLowerCase();
    const st = findStream(ptr);
    if (st !== null) { st.kill(SF_ERR_KILLED); return raw(''); }
    for (const cs of env.sessions) {
      if (sessPtr(cs.id) === ptr) { env.killSession(cs.id); return raw(''); }
    }
    return err("No such session (use 'show sess').\n");
  },
};
