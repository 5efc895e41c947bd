/*
 * Builds the model of fixtures/stats/haproxy-golden.cfg directly (no config loader): fe_main (http, socket-stats),
 * bk (s1 weight 100, s2, s3 disabled), ls_tcp (tcp, leastconn, t1 maxconn 50, t2 backup), with stats counters.
 */
import type { Proxy, Server, BindCfg, GlobalSettings } from '../../../proxy/model/types.ts';
import { PR_MODE_HTTP, PR_MODE_TCP, PR_O_SOCKET_STATS, SRV_ST_RUNNING, SRV_ST_STOPPED, SRV_ADMF_FMAINT, SRV_ADMF_CMAINT } from '../../../proxy/model/types.ts';
import { PR_CAP_FE, PR_CAP_BE } from '../../../proxy/config/types.ts';
import type { StatsSource } from '../../../proxy/stats/types.ts';
import { statsProxyInit, statsServerInit } from '../../../proxy/stats/counters.ts';

function bind(host: string, port: number): BindCfg {
  return { host, port, path: '', name: '', maxconn: 0, acceptProxy: false, file: 'h.cfg', line: 1 };
}

export function mkProxy(name: string, id: number, cap: number, mode: number): Proxy {
  const px = {
    name, id, cap, mode, file: 'h.cfg', line: 1, disabled: false, options: 0,
    timeouts: { client: 10000, server: 10000, connect: 2000, httpRequest: 0, httpKeepAlive: 0, queue: 0, tunnel: 0, clientFin: 0, serverFin: 0, check: 0, tarpit: 0 },
    maxconn: 0, fullconn: 0, retries: 3, rateLimitSessions: 0, binds: [] as BindCfg[], forwardForHeader: 'x-forwarded-for',
    forwardForExcept: '', acls: [], defaultBackendName: '', defaultBackend: null, useBackend: [], servers: [] as Server[],
    balance: { algo: 'roundrobin', hashType: 0, hashFunc: 0, hashAvalanche: false, uriLen: 0, uriDepth: 0, uriWhole: false, urlParam: '', hdrName: '', hdrDomainOnly: false, randomDraws: 2, file: '', line: 0 },
    lb: null, lbState: null,
    cookie: { name: '', mode: '', indirect: false, nocache: false, postonly: false, preserve: false, httponly: false, secure: false, domain: [], maxidle: 0, maxlife: 0, dynamic: false },
    defaultServer: null, httpCheck: null, log: null, http: null, tcp: null,
    statsPage: null, feCounters: null, beCounters: null,
    feconn: 0, beconn: 0, totalQueued: 0, state: 0, srvActive: 0, srvBackup: 0, totWeightAct: 0, totWeightBck: 0,
    lastChange: Date.now(), downTime: 0, listeners: null, beQueue: null,
  } as unknown as Proxy;
  statsProxyInit(px, null);
  return px;
}

export function mkServer(px: Proxy, name: string, id: number, port: number): Server {
  const sv = {
    name, id, proxy: px, file: 'h.cfg', line: 1, host: '127.0.0.1', port, path: '', iweight: 1, uweight: 1, eweight: 1,
    backup: false, maxconn: 0, minconn: 0, maxqueue: 0, cookie: '', slowstart: 0, trackName: '', tracked: null,
    check: { enabled: false, type: 0, inter: 2000, fastinter: 0, downinter: 0, rise: 2, fall: 3, port: 0, addr: '', timeout: 0, health: 0, status: 0, code: 0, desc: '', duration: -1, lastStart: 0, paused: false, running: false, task: null },
    agent: null, curState: SRV_ST_RUNNING, adminState: 0, served: 0, queued: 0, lastChange: Date.now(), downTime: 0,
    lastSess: 0, counters: null, lbNode: null, srvQueue: null, idlePool: null,
  } as unknown as Server;
  statsServerInit(sv);
  px.servers.push(sv);
  return sv;
}

/** The golden configuration's model; `startMs` lets tests fix uptime. */
export function goldenSource(): StatsSource {
  const g = { maxconn: 1000, nbthread: 2, daemon: false, pidfile: '', node: 'vm', description: '', tuneBufsize: 16384,
    tuneMaxrewrite: 1024, tuneHttpMaxhdr: 101, statsTimeout: 120000, log: null, ext: new Map() } as unknown as GlobalSettings;
  const fe = mkProxy('fe_main', 2, PR_CAP_FE, PR_MODE_HTTP);
  fe.options |= PR_O_SOCKET_STATS;
  fe.binds.push(bind('127.0.0.1', 28080));
  const bk = mkProxy('bk', 3, PR_CAP_BE, PR_MODE_HTTP);
  fe.defaultBackend = bk;
  const s1 = mkServer(bk, 's1', 1, 28081);
  s1.iweight = s1.uweight = s1.eweight = 100;
  mkServer(bk, 's2', 2, 28082);
  const s3 = mkServer(bk, 's3', 3, 28083);
  s3.adminState = SRV_ADMF_FMAINT | SRV_ADMF_CMAINT;
  s3.curState = SRV_ST_STOPPED;
  const ls = mkProxy('ls_tcp', 4, PR_CAP_FE | PR_CAP_BE, PR_MODE_TCP);
  ls.balance.algo = 'leastconn';
  ls.binds.push(bind('127.0.0.1', 28070));
  const t1 = mkServer(ls, 't1', 1, 28084);
  t1.maxconn = 50;
  const t2 = mkServer(ls, 't2', 2, 28085);
  t2.backup = true;
  return { proxies: [fe, bk, ls], global: g, startMs: Date.now() - 7000, pid: process.pid, actconn: () => 0, idleConns: () => 0 };
}
