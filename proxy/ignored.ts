/*
 * HAProxy 2.6 keywords Sluice accepts and ignores with a [WARNING] naming the line, per family ('global', 'proxy' (incl.
 * "option x"), 'server', 'bind'): tuning of HAProxy's own poller, buffers, pools, TCP options and engines, which has
 * no counterpart in Sluice's event loop, and limits or features whose absence leaves the traffic proxied as
 * configured otherwise. Real configurations carry them (`nosplice`, `tune.*`, `backlog`), and
 * refusing them would refuse the whole file. Keywords that change what is proxied stay in unsupported.ts (an [ALERT]).
 * Each entry: name, number of arguments it takes on a server/bind line, why it is ignored.
 * The loader consults it only when no module registered the keyword. Hot path: no.
 */

/** [name, arguments on a server/bind line (ignored for section keywords: the whole line is), reason]. */
export type IgnoredKeyword = readonly [string, number, string];

const POLLER = 'node\'s event loop does its polling';
const TUNE = 'a tuning of HAProxy\'s internals without counterpart in sluice';
const SSL_ENGINE = 'no OpenSSL engine or provider is loaded';
const TCPKA = 'TCP keep-alive probes use the system\'s timing';
const POOL = 'the idle connection pool keeps its own limits';

const TUNE_NAMES = [
  'tune.maxaccept', 'tune.maxpollevents', 'tune.rcvbuf.client', 'tune.rcvbuf.server', 'tune.sndbuf.client',
  'tune.sndbuf.server', 'tune.idletimer', 'tune.pipesize', 'tune.recv_enough', 'tune.runqueue-depth',
  'tune.buffers.limit', 'tune.buffers.reserve', 'tune.fail-alloc', 'tune.fd.edge-triggered', 'tune.idle-pool.shared',
  'tune.pattern.cache-size', 'tune.pool-high-fd-ratio', 'tune.pool-low-fd-ratio', 'tune.sched.low-latency',
'tune.lua.maxmem', 'tune.lua.forced-yield', 'tune.lua.service-timeout',
  'tune.lua.session-timeout', 'tune.lua.task-timeout', 'tune.vars.global-max-size', 'tune.vars.proc-max-size',
  'tune.vars.reqres-max-size', 'tune.vars.sess-max-size', 'tune.vars.txn-max-size', 'tune.peers.max-updates-at-once',
  'tune.h2.header-table-size', 'tune.h2.initial-window-size', 'tune.h2.max-concurrent-streams',
  'tune.ssl.maxrecord', 'tune.ssl.force-private-cache', 'tune.ssl.hard-maxrecord', 'tune.ssl.keylog',
  'tune.ssl.ssl-ctx-cache-size', 'tune.listener.multi-queue',
];

/**
 * The side 2.6 applies these proxy options to (the others apply to both): in a proxy without it they are ignored with
 * 2.6's capability warning instead of Sluice's own, as 2.6 ignores them before anything else.
 */
export const IGNORED_OPTION_SIDE: ReadonlyMap<string, 'frontend' | 'backend'> = new Map([
  ['checkcache', 'backend'], ['tcp-smart-connect', 'backend'],
  ['transparent', 'backend'], ['contstats', 'frontend'], ['tcp-smart-accept', 'frontend'],
  ['disable-h2-upgrade', 'frontend'],
]);

export const IGNORED: ReadonlyArray<readonly [string, readonly IgnoredKeyword[]]> = [
  ['global', [
    ...TUNE_NAMES.map((n): IgnoredKeyword => [n, 1, TUNE]),
    ['noepoll', 0, POLLER], ['nopoll', 0, POLLER], ['noevports', 0, POLLER], ['nokqueue', 0, POLLER],
    ['busy-polling', 0, POLLER], ['nosplice', 0, 'data is copied through user space, never spliced'],
    ['nogetaddrinfo', 0, 'names are resolved with the system resolver'], ['noreuseport', 0, TUNE],
    ['maxpipes', 1, 'data is copied through user space, never spliced'],
    ['ssl-mode-async', 0, SSL_ENGINE], ['maxsslconn', 1, 'TLS connections count in maxconn only'],
    ['maxsslrate', 1, 'TLS handshakes are not rate limited'], ['ssl-skip-self-issued-ca', 0, 'node builds the chain sent'],
    ['ssl-load-extra-files', 1, 'only the PEM files named (and <crt>.key) are read'], ['ssl-provider', 1, SSL_ENGINE],
    ['ssl-provider-path', 1, SSL_ENGINE], ['ssl-propquery', 1, SSL_ENGINE],
    ['maxcomprate', 1, 'compression is not rate limited'], ['maxcompcpuusage', 1, 'compression is not CPU limited'],
    ['maxzlibmem', 1, 'zlib memory is not capped'],
    ['insecure-setuid-wanted', 0, 'sluice changes no user id'],
    ['set-dumpable', 0, TUNE], ['strict-limits', 0, TUNE], ['no-memory-trimming', 0, TUNE],
    ['numa-cpu-mapping', 0, 'one process, one thread'], ['profiling.tasks', 1, TUNE],
    ['cluster-secret', 1, 'no QUIC'],
    ['mworker-max-reloads', 1, 'workers are never killed for their age'], ['fd-hard-limit', 1, TUNE],
    ['h2-workaround-bogus-websocket-clients', 0, 'sluice speaks HTTP/1.1 only'],
    ['pp2-never-send-local', 0, TUNE], ['cpu-map', 2, 'one process, one thread'],
    ['grace', 1, 'a stopping process closes its listeners at once'],
    ['close-spread-time', 1, 'a stopping process closes its idle connections at once'],
    ['ssl-load-extra-del-ext', 0, 'only the PEM files named (and <crt>.key) are read'],
    ...['httpclient.ssl.verify', 'httpclient.ssl.ca-file', 'httpclient.resolvers.id', 'httpclient.resolvers.prefer']
      .map((n): IgnoredKeyword => [n, 1, 'sluice has no internal HTTP client (Lua, OCSP)']),
  ]],
  ['proxy', [
    ['backlog', 1, 'listeners use the system\'s backlog'],
    ['clitcpka-cnt', 1, TCPKA], ['clitcpka-idle', 1, TCPKA], ['clitcpka-intvl', 1, TCPKA],
    ['srvtcpka-cnt', 1, TCPKA], ['srvtcpka-idle', 1, TCPKA], ['srvtcpka-intvl', 1, TCPKA],
    ['max-keep-alive-queue', 1, TUNE], ['max-session-srv-conns', 1, POOL],
    ['option checkcache', 0, 'responses are not checked for cacheability'],
    ['option disable-h2-upgrade', 0, 'sluice never upgrades to HTTP/2'],
    ['email-alert', 1, 'no mail alerts are sent'],
    ...['tcp-smart-accept', 'tcp-smart-connect', 'nolinger', 'independent-streams'].map((o): IgnoredKeyword => ['option ' + o, 0, TUNE]),
    ...['splice-auto', 'splice-request', 'splice-response'].map((o): IgnoredKeyword => ['option ' + o, 0, 'data is copied through user space, never spliced']),
    ['option contstats', 0, 'stats counters are updated at the end of each transfer'],
    ['option http-no-delay', 0, 'small writes already leave at once (TCP_NODELAY)'],
  ]],
  ['server', [
    ['pool-max-conn', 1, POOL], ['pool-purge-delay', 1, POOL], ['pool-low-conn', 1, POOL], ['max-reuse', 1, POOL],
    ['tfo', 0, TUNE], ['no-tfo', 0, TUNE], ['tcp-ut', 1, TUNE], ['shard', 1, TUNE],
    ['ws', 1, 'WebSocket goes over HTTP/1.1'],
  ]],
  ['bind', [
    ['mss', 1, TUNE], ['tcp-ut', 1, TUNE], ['nice', 1, TUNE], ['shards', 1, TUNE],
    ['interface', 1, 'the listener is not bound to that interface only'],
  ]],
];
