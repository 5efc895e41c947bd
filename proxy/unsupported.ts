/*
 * HAProxy 2.6 keywords Sluice knows by name but does not implement yet, per family ('global', 'proxy' (incl.
 * "option x"), 'server', 'bind'). The loader consults this list only when no module registered the keyword, so an
 * operator gets "'x' is a HAProxy 2.6 keyword not supported by sluice yet" instead of "unknown keyword". Remove a
 * name when a module implements it (a registered keyword wins anyway). Hot path: no.
 */
export const UNSUPPORTED: ReadonlyArray<readonly [string, readonly string[]]> = [
  ['global', [
    'lua-load', 'lua-load-per-thread', 'lua-prepend-path', 'ssl-engine', 'spread-checks',
    'max-spread-checks', 'server-state-file', 'server-state-base', 'localpeer', 'expose-experimental-directives',
    'maxconnrate', 'maxsessrate', 'maxpipes', 'maxcomprate',
    'maxcompcpuusage', 'noepoll', 'nopoll', 'nosplice', 'nogetaddrinfo', 'noreuseport', 'insecure-fork-wanted',
    'insecure-setuid-wanted', 'busy-polling', 'set-dumpable', 'strict-limits', 'h1-case-adjust', 'h1-case-adjust-file',
    'external-check', 'issuers-chain-path', 'deviceatlas-json-file', '51degrees-data-file', 'wurfl-data-file',
    'tune.maxaccept',
    'tune.maxpollevents', 'tune.rcvbuf.client', 'tune.rcvbuf.server', 'tune.sndbuf.client', 'tune.sndbuf.server',
    'tune.h2.max-concurrent-streams', 'tune.http.cookielen', 'tune.http.logurilen',
    'tune.idletimer', 'tune.pipesize', 'tune.recv_enough', 'tune.runqueue-depth', 'tune.lua.maxmem',
    'numa-cpu-mapping', 'dns-accept-family', 'httpclient.ssl.verify',
    'httpclient.resolvers.disabled', 'profiling.tasks', 'anonkey', 'cluster-secret', 'log-send-hostname',
    'unix-bind', 'stats bind-process', 'master-worker no-exit-on-failure', 'mworker-max-reloads', 'grace',
    'default-path', 'fd-hard-limit', 'h1-accept-payload-with-any-method', 'h2-workaround-bogus-websocket-clients',
    'httpclient.resolvers.id', 'httpclient.resolvers.prefer', 'httpclient.ssl.ca-file', 'maxzlibmem',
    'no-memory-trimming', 'noevports', 'nokqueue', 'pp2-never-send-local', 'set-var', 'ssl-propquery', 'ssl-provider',
    'ssl-provider-path', 'tune.buffers.limit', 'tune.buffers.reserve', 'tune.fail-alloc', 'tune.fd.edge-triggered',
    'tune.h2.header-table-size', 'tune.h2.initial-window-size', 'tune.idle-pool.shared', 'tune.lua.forced-yield',
    'tune.lua.service-timeout', 'tune.lua.session-timeout', 'tune.lua.task-timeout', 'tune.pattern.cache-size',
    'tune.peers.max-updates-at-once', 'tune.pool-high-fd-ratio', 'tune.pool-low-fd-ratio', 'tune.sched.low-latency',
    'tune.vars.global-max-size', 'tune.vars.proc-max-size', 'tune.vars.reqres-max-size',
    'tune.vars.sess-max-size', 'tune.vars.txn-max-size',
  ]],
  ['proxy', [
    'tcp-response', 'filter',
    'monitor-net', 'capture cookie',
    'use-server', 'force-persist', 'ignore-persist', 'persist', 'dispatch', 'source',
    'email-alert', 'external-check', 'load-server-state-from-file', 'server-state-file-name', 'max-keep-alive-queue',
    'tcp-check',
    'hash-balance-factor', 'option ssl-hello-chk', 'option smtpchk', 'option mysql-check',
    'option pgsql-check', 'option redis-check', 'option ldap-check', 'option spop-check', 'option tcp-check',
    'option external-check', 'option transparent',
    'option persist',
    'option http-use-proxy-header', 'option accept-invalid-http-request', 'option accept-invalid-http-response',
    'option h1-case-adjust-bogus-client', 'option h1-case-adjust-bogus-server', 'option checkcache',
    'option disable-h2-upgrade', 'option http-restrict-req-hdr-names',
    'backlog', 'clitcpka-cnt', 'clitcpka-idle', 'clitcpka-intvl', 'srvtcpka-cnt', 'srvtcpka-idle', 'srvtcpka-intvl',
    'error-log-format', 'use-fcgi-app', 'transparent',
  ]],
  ['server', [
    'send-proxy-v2-ssl', 'send-proxy-v2-ssl-cn', 'observe', 'error-limit', 'on-error', 'redir',
    'proto', 'check-proto', 'check-via-socks4',
    'pool-max-conn', 'pool-purge-delay', 'pool-low-conn', 'max-reuse', 'tfo', 'source', 'namespace', 'usesrc', 'ws',
    'socks4', 'non-stick', 'stick', 'shard', 'log-proto', 'set-proxy-v2-tlv-fmt',
    'no-send-proxy-v2-ssl', 'no-send-proxy-v2-ssl-cn', 'no-tfo', 'tcp-ut',
  ]],
  ['bind', [
    'interface', 'namespace',
    'proto', 'expose-fd', 'level', 'severity-output', 'uid', 'gid', 'nice', 'accept-netscaler-cip',
    'mss', 'tcp-ut', 'quic-cc-algo', 'quic-force-retry',
    'shards',
  ]],
];
