/*
 * How many words HAProxy 2.6 accepts after the keywords that take a fixed number of them, measured with haproxy 2.6.12
 * -c (one word more is refused with "'<keyword>' cannot handle unexpected argument '<word>'."). The config loader asks
 * here before a keyword's own parser runs, for implemented keywords and for those Sluice accepts and ignores alike,
 * so the refusal does not depend on how much of the keyword Sluice implements. Hot path: no (load time).
 */

/** keyword phrase → [most words after it, name in the message when not the phrase]. */
type Limit = readonly [number, string?];

const GLOBAL_LIMITS: ReadonlyMap<string, Limit> = new Map<string, Limit>([
  ['busy-polling', [0]], ['ca-base', [1]], ['chroot', [1]], ['cluster-secret', [1]], ['crt-base', [1]],
  ['external-check', [0]], ['fd-hard-limit', [1]], ['gid', [1]], ['group', [1]], ['h1-case-adjust', [2]],
  ['h1-case-adjust-file', [1]], ['h2-workaround-bogus-websocket-clients', [0]], ['httpclient.resolvers.id', [1]],
  ['httpclient.resolvers.prefer', [1]], ['httpclient.ssl.ca-file', [1]], ['httpclient.ssl.verify', [1]],
  ['insecure-fork-wanted', [0]], ['insecure-setuid-wanted', [0]], ['localpeer', [1]], ['log-tag', [1]],
  ['master-worker', [1]], ['max-spread-checks', [1]], ['maxcompcpuusage', [1]], ['maxcomprate', [1]],
  ['maxpipes', [1]], ['maxsslconn', [1]], ['maxsslrate', [1]], ['maxzlibmem', [1]], ['mworker-max-reloads', [1]],
  ['no-memory-trimming', [0]], ['node', [1]], ['noepoll', [0]], ['noevports', [0]], ['nogetaddrinfo', [0]],
  ['nokqueue', [0]], ['nopoll', [0]], ['noreuseport', [0]], ['nosplice', [0]], ['pp2-never-send-local', [0]],
  ['profiling.tasks', [1]], ['set-dumpable', [0]], ['ssl-default-bind-ciphers', [1]],
  ['ssl-default-bind-ciphersuites', [1]], ['ssl-default-bind-curves', [1]], ['ssl-default-server-ciphers', [1]],
  ['ssl-default-server-ciphersuites', [1]], ['ssl-dh-param-file', [1]], ['ssl-server-verify', [1]],
  ['strict-limits', [0]], ['tune.buffers.limit', [1]], ['tune.buffers.reserve', [1]], ['tune.bufsize', [1]],
  ['tune.comp.maxlevel', [1]], ['tune.fail-alloc', [1]], ['tune.h2.header-table-size', [1]],
  ['tune.h2.initial-window-size', [1]], ['tune.h2.max-concurrent-streams', [1]], ['tune.http.maxhdr', [1]],
  ['tune.idle-pool.shared', [1]], ['tune.idletimer', [1]], ['tune.maxaccept', [1]], ['tune.maxpollevents', [1]],
  ['tune.maxrewrite', [1]], ['tune.peers.max-updates-at-once', [1]], ['tune.pipesize', [1]],
  ['tune.pool-high-fd-ratio', [1]], ['tune.pool-low-fd-ratio', [1]], ['tune.rcvbuf.client', [1]],
  ['tune.rcvbuf.server', [1]], ['tune.recv_enough', [1]], ['tune.runqueue-depth', [1]],
  ['tune.sched.low-latency', [1]], ['tune.sndbuf.client', [1]], ['tune.sndbuf.server', [1]],
  ['tune.ssl.cachesize', [1]], ['tune.ssl.capture-buffer-size', [1]], ['tune.ssl.capture-cipherlist-size', [1]],
  ['tune.ssl.default-dh-param', [1]], ['tune.ssl.force-private-cache', [0]], ['tune.ssl.hard-maxrecord', [1]],
  ['tune.ssl.keylog', [1]], ['tune.ssl.lifetime', [1]], ['tune.ssl.maxrecord', [1]],
  ['tune.ssl.ssl-ctx-cache-size', [1]], ['uid', [1]], ['ulimit-n', [1]], ['user', [1]],
]);

const PROXY_LIMITS: ReadonlyMap<string, Limit> = new Map<string, Limit>([
  ['backlog', [1]], ['default_backend', [1]], ['external-check', [2]], ['fullconn', [1]],
  ['http-check disable-on-404', [0, 'http-check']], ['http-check send-state', [0, 'http-check']],
  ['http-reuse aggressive', [0]], ['http-reuse always', [0]], ['http-reuse never', [0]], ['http-reuse safe', [0]],
  ['id', [1]], ['maxconn', [1]], ['mode', [1]], ['monitor-uri', [1]], ['option checkcache', [0]],
  ['option contstats', [0]], ['option disable-h2-upgrade', [0]], ['option external-check', [0]],
  ['option h1-case-adjust-bogus-client', [0]], ['option h1-case-adjust-bogus-server', [0]],
  ['option http-buffer-request', [0]], ['option http-ignore-probes', [0]], ['option http-keep-alive', [0]],
  ['option http-no-delay', [0]], ['option http-pretend-keepalive', [0]],
  ['option http-restrict-req-hdr-names', [1, 'option']], ['option http-server-close', [0]],
  ['option httpclose', [0]], ['option httplog', [1]], ['option idle-close-on-response', [0]],
  ['option independent-streams', [0]], ['option ldap-check', [0]], ['option log-health-checks', [0]],
  ['option mysql-check', [3]], ['option nolinger', [0]], ['option pgsql-check', [2]],
  ['option prefer-last-server', [0]], ['option redis-check', [0]], ['option smtpchk', [2]],
  ['option splice-auto', [0]], ['option splice-request', [0]], ['option splice-response', [0]],
  ['option ssl-hello-chk', [0]], ['option tcp-check', [0]], ['option tcp-smart-accept', [0]],
  ['option tcp-smart-connect', [0]], ['retries', [1]], ['server-state-file-name', [1]],
]);

/**
 * 2.6's refusal of the first word past the limit of the keyword starting at `args[from]` (two-word phrases such as
 * `option httplog` first), or null when the line is within its limit or the keyword has no fixed limit.
 */
export function unexpectedArgument(family: 'global' | 'proxy', args: readonly string[], from: number): string | null {
  const table = family === 'global' ? GLOBAL_LIMITS : PROXY_LIMITS;
  for (let words = 2; words >= 1; words--) {
    if (from + words > args.length) continue;
    const phrase = words === 2 ? args[from] + ' ' + args[from + 1] : args[from];
    const limit = table.get(phrase);
    if (limit === undefined) continue;
    const extra = from + words + limit[0];
    return extra < args.length ? `'${limit[1] ?? phrase}' cannot handle unexpected argument '${args[extra]}'.` : null;
  }
  return null;
}
