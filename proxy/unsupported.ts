/*
 * HAProxy 2.6 keywords Sluice knows by name but does not implement yet, per family ('global', 'proxy' (incl.
 * "option x"), 'server', 'bind'). The loader consults this list only when no module registered the keyword, so an
 * operator gets "'x' is a HAProxy 2.6 keyword not supported by sluice yet" instead of "unknown keyword". Remove a
 * name when a module implements it (a registered keyword wins anyway). Hot path: no.
 */
export const UNSUPPORTED: ReadonlyArray<readonly [string, readonly string[]]> = [
  ['global', [
    'lua-load', 'lua-load-per-thread', 'lua-prepend-path', 'ssl-engine', 'ssl-mode-async', 'spread-checks',
    'max-spread-checks', 'server-state-file', 'server-state-base', 'localpeer', 'expose-experimental-directives',
    'ssl-server-verify', 'maxsslconn', 'maxconnrate', 'maxsessrate', 'maxsslrate', 'maxpipes', 'maxcomprate',
    'maxcompcpuusage', 'noepoll', 'nopoll', 'nosplice', 'nogetaddrinfo', 'noreuseport', 'insecure-fork-wanted',
    'insecure-setuid-wanted', 'busy-polling', 'set-dumpable', 'strict-limits', 'h1-case-adjust', 'h1-case-adjust-file',
    'external-check', 'issuers-chain-path', 'deviceatlas-json-file', '51degrees-data-file', 'wurfl-data-file',
    'tune.ssl.cachesize', 'tune.ssl.lifetime', 'tune.ssl.maxrecord', 'tune.ssl.capture-buffer-size', 'tune.maxaccept',
    'tune.maxpollevents', 'tune.rcvbuf.client', 'tune.rcvbuf.server', 'tune.sndbuf.client', 'tune.sndbuf.server',
    'tune.h2.max-concurrent-streams', 'tune.comp.maxlevel', 'tune.http.cookielen', 'tune.http.logurilen',
    'tune.idletimer', 'tune.pipesize', 'tune.recv_enough', 'tune.runqueue-depth', 'tune.lua.maxmem', 'ssl-load-extra-files',
    'ssl-default-bind-curves', 'ssl-skip-self-issued-ca', 'numa-cpu-mapping', 'dns-accept-family', 'httpclient.ssl.verify',
    'httpclient.resolvers.disabled', 'profiling.tasks', 'anonkey', 'cluster-secret', 'log-send-hostname',
    'unix-bind', 'stats bind-process', 'master-worker no-exit-on-failure', 'mworker-max-reloads', 'grace',
  ]],
  ['proxy', [
    'tcp-response', 'stick-table', 'stick', 'http-after-response', 'compression', 'filter',
    'errorloc', 'errorloc302', 'errorloc303', 'monitor-uri', 'monitor', 'monitor-net', 'capture cookie',
    'server-template', 'use-server', 'force-persist', 'ignore-persist', 'persist', 'dispatch', 'source',
    'email-alert', 'external-check', 'load-server-state-from-file', 'server-state-file-name', 'max-keep-alive-queue',
    'http-send-name-header', 'tcp-check', 'http-error',
    'hash-balance-factor', 'option ssl-hello-chk', 'option smtpchk', 'option mysql-check',
    'option pgsql-check', 'option redis-check', 'option ldap-check', 'option spop-check', 'option tcp-check',
    'option external-check', 'option transparent',
    'option persist', 'option prefer-last-server',
    'option http-use-proxy-header', 'option accept-invalid-http-request', 'option accept-invalid-http-response',
    'option h1-case-adjust-bogus-client', 'option h1-case-adjust-bogus-server', 'option checkcache',
    'option http-ignore-probes', 'option http-pretend-keepalive',
    'option log-health-checks', 'option disable-h2-upgrade', 'option http-restrict-req-hdr-names',
    'option originalto', 'option idle-close-on-response',
  ]],
  ['server', [
    'ssl', 'verify', 'verifyhost', 'ca-file', 'crl-file', 'crt', 'sni', 'alpn', 'npn', 'ciphers', 'ciphersuites',
    'send-proxy', 'send-proxy-v2', 'send-proxy-v2-ssl', 'send-proxy-v2-ssl-cn', 'proxy-v2-options', 'resolvers', 'resolve-prefer', 'resolve-net',
    'resolve-opts', 'init-addr', 'observe', 'error-limit', 'on-error', 'redir',
    'proto', 'check-ssl', 'check-sni', 'check-alpn', 'check-proto', 'check-send-proxy', 'check-via-socks4',
    'pool-max-conn', 'pool-purge-delay', 'pool-low-conn', 'max-reuse', 'tfo', 'source', 'namespace', 'usesrc', 'ws',
    'no-ssl', 'no-tlsv10', 'no-tlsv11', 'no-tlsv12', 'no-tlsv13', 'ssl-min-ver', 'ssl-max-ver', 'force-sslv3',
    'force-tlsv10', 'force-tlsv11', 'force-tlsv12', 'force-tlsv13', 'ssl-reuse', 'no-ssl-reuse', 'tls-tickets',
    'no-tls-tickets', 'socks4', 'non-stick', 'stick', 'shard', 'log-proto', 'set-proxy-v2-tlv-fmt', 'allow-0rtt',
    'curves', 'sigalgs', 'client-sigalgs', 'no-send-proxy', 'no-check-ssl', 'no-verifyhost',
  ]],
  ['bind', [
    'ssl', 'crt', 'crt-list', 'ca-file', 'crl-file', 'alpn', 'npn', 'accept-proxy', 'verify', 'ciphers',
    'ciphersuites', 'ssl-min-ver', 'ssl-max-ver', 'interface', 'namespace', 'curves', 'ecdhe', 'strict-sni',
    'allow-0rtt', 'proto', 'expose-fd', 'level', 'severity-output', 'uid', 'gid', 'nice', 'accept-netscaler-cip',
    'mss', 'tcp-ut', 'quic-cc-algo', 'quic-force-retry', 'generate-certificates', 'no-ca-names', 'prefer-client-ciphers',
    'no-sslv3', 'no-tlsv10', 'no-tlsv11', 'no-tlsv12', 'no-tlsv13', 'no-tls-tickets', 'force-tlsv12', 'ca-sign-file',
    'ca-verify-file', 'sigalgs', 'client-sigalgs', 'ssl-skip-self-issued-ca', 'crt-ignore-err', 'ca-ignore-err',
  ]],
];
