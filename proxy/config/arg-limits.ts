/*
 * How many words HAProxy 2.6 wants after the keywords that take a fixed number of them, measured with haproxy 2.6.12
 * -c: one word more is refused with "'<keyword>' cannot handle unexpected argument '<word>'.", a missing value with the
 * keyword's own alert. The config loader asks here before a keyword's own parser runs, for implemented keywords and for
 * those Sluice accepts and ignores alike, so the refusal does not depend on how much of the keyword Sluice implements.
 * Hot path: no (load time).
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
  ['tune.http.logurilen', [1]],
  ['tune.idle-pool.shared', [1]], ['tune.idletimer', [1]], ['tune.maxaccept', [1]], ['tune.maxpollevents', [1]],
  ['tune.maxrewrite', [1]], ['tune.peers.max-updates-at-once', [1]], ['tune.pipesize', [1]],
  ['tune.pool-high-fd-ratio', [1]], ['tune.pool-low-fd-ratio', [1]], ['tune.rcvbuf.client', [1]],
  ['tune.rcvbuf.server', [1]], ['tune.recv_enough', [1]], ['tune.runqueue-depth', [1]],
  ['tune.sched.low-latency', [1]], ['tune.sndbuf.client', [1]], ['tune.sndbuf.server', [1]],
  ['tune.ssl.cachesize', [1]], ['tune.ssl.capture-buffer-size', [1]],
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

/** keyword → [fewest words after it (an empty word counts as missing), 2.6's alert when they are not there]. */
type Minimum = readonly [number, string];

const GLOBAL_MINIMA: ReadonlyMap<string, Minimum> = new Map<string, Minimum>([
  ['ulimit-n', [1, "'ulimit-n' expects an integer argument."]],
  ['localpeer', [1, "'localpeer' expects a name as an argument."]],
  ['ssl-default-bind-options', [1, "global statement 'ssl-default-bind-options' expects an option as an argument."]],
  ['ssl-default-server-options', [1,
    "global statement 'ssl-default-server-options' expects an option as an" +
    " argument."]],
  ['tune.maxaccept', [1, "'tune.maxaccept' expects an integer argument."]],
  ['tune.maxpollevents', [1, "'tune.maxpollevents' expects an integer argument."]],
  ['tune.rcvbuf.client', [1, "'tune.rcvbuf.client' expects an integer argument."]],
  ['tune.rcvbuf.server', [1, "'tune.rcvbuf.server' expects an integer argument."]],
  ['tune.sndbuf.client', [1, "'tune.sndbuf.client' expects an integer argument."]],
  ['tune.sndbuf.server', [1, "'tune.sndbuf.server' expects an integer argument."]],
  ['tune.idletimer', [1, "'tune.idletimer' expects a timer value between 0 and 65535 ms."]],
  ['tune.pipesize', [1, "'tune.pipesize' expects an integer argument."]],
  ['tune.recv_enough', [1, "'tune.recv_enough' expects an integer argument."]],
  ['tune.runqueue-depth', [1, "'tune.runqueue-depth' expects an integer argument."]],
  ['tune.buffers.limit', [1, "'tune.buffers.limit' expects an integer argument."]],
  ['tune.buffers.reserve', [1, "'tune.buffers.reserve' expects an integer argument."]],
  ['tune.idle-pool.shared', [1, "'tune.idle-pool.shared' expects either 'on' or 'off' but got ''."]],
  ['tune.pattern.cache-size', [1, "'tune.pattern.cache-size' expects a positive numeric value"]],
  ['tune.pool-high-fd-ratio', [1, "'tune.pool-high-fd-ratio' expects an integer argument between 0 and 100."]],
  ['tune.pool-low-fd-ratio', [1, "'tune.pool-low-fd-ratio' expects an integer argument between 0 and 100."]],
  ['tune.sched.low-latency', [1, "'tune.sched.low-latency' expects either 'on' or 'off' but got ''."]],
  ['tune.lua.service-timeout', [1, "tune.lua.service-timeout: invalid timeout"]],
  ['tune.lua.session-timeout', [1, "tune.lua.session-timeout: invalid timeout"]],
  ['tune.lua.task-timeout', [1, "tune.lua.task-timeout: invalid timeout"]],
  ['tune.peers.max-updates-at-once', [1,
    "'tune.peers.max-updates-at-once' expects an integer argument greater than" +
    " 0."]],
  ['tune.ssl.maxrecord', [1, "'tune.ssl.maxrecord' expects an integer argument."]],
  ['tune.ssl.capture-buffer-size', [1, "'tune.ssl.capture-buffer-size' expects an integer argument."]],
  ['tune.ssl.hard-maxrecord', [1, "'tune.ssl.hard-maxrecord' expects an integer argument."]],
  ['tune.ssl.keylog', [1, "'tune.ssl.keylog' expects either 'on' or 'off' but got ''."]],
  ['tune.ssl.ssl-ctx-cache-size', [1, "'tune.ssl.ssl-ctx-cache-size' expects an integer argument."]],
  ['maxpipes', [1, "'maxpipes' expects an integer argument."]],
  ['maxsslconn', [1, "'maxsslconn' expects an integer argument."]],
  ['maxsslrate', [1, "'maxsslrate' expects an integer argument."]],
  ['ssl-load-extra-files', [1,
    "'ssl-load-extra-files' expects one or multiple arguments (none, all, bundle, sctl, ocsp," +
    " issuer)."]],
  ['ssl-provider', [1, "global statement 'ssl-provider' expects a valid engine provider name as an argument."]],
  ['ssl-provider-path', [1, "global statement 'ssl-provider-path' expects a directory path as an argument."]],
  ['ssl-propquery', [1, "global statement 'ssl-propquery' expects a property string as an argument."]],
  ['maxcomprate', [1, "'maxcomprate' expects an integer argument in kb/s."]],
  ['maxcompcpuusage', [1, "'maxcompcpuusage' expects an integer argument between 0 and 100."]],
  ['maxzlibmem', [1, "'maxzlibmem' expects an integer argument."]],
  ['profiling.tasks', [1, "'profiling.tasks' expects either 'on', 'auto', or 'off' but got ''."]],
  ['cluster-secret', [1, "expects an ASCII string argument."]],
  ['fd-hard-limit', [1, "'fd-hard-limit' expects an integer argument."]],
  ['h1-case-adjust', [2, "'h1-case-adjust' expects <from> and <to> as argument."]],
  ['h1-case-adjust-file', [1, "'h1-case-adjust-file' expects <file> as argument."]],
  ['cpu-map', [1,
    "cpu-map expects a process number  ('all', 'odd', 'even', a number from 1 to 64 or a range), " +
    " followed by a list of CPU ranges with numbers from 0 to 63."]],
  ['grace', [1, "'grace' expects <time> as argument.\n"]],
]);

const PROXY_MINIMA: ReadonlyMap<string, Minimum> = new Map<string, Minimum>([
  ['backlog', [1, "'backlog' expects an integer argument."]],
  ['clitcpka-cnt', [1, "'clitcpka-cnt' expects an integer value"]],
  ['clitcpka-idle', [1, "'clitcpka-idle' expects an integer value"]],
  ['clitcpka-intvl', [1, "'clitcpka-intvl' expects an integer value"]],
  ['srvtcpka-cnt', [1, "'srvtcpka-cnt' expects an integer value"]],
  ['srvtcpka-idle', [1, "'srvtcpka-idle' expects an integer value"]],
  ['srvtcpka-intvl', [1, "'srvtcpka-intvl' expects an integer value"]],
  ['max-keep-alive-queue', [1, "'max-keep-alive-queue' expects expects an integer value (or -1 to disable)"]],
  ['email-alert', [1, "missing argument after 'email-alert'."]],
]);

/**
 * 2.6's refusal of the first word past the limit of the keyword starting at `args[from]` (two-word phrases such as
 * `option httplog` first), or null when the line is within its limit or the keyword has no fixed limit.
 */
function unexpectedArgument(family: 'global' | 'proxy', args: readonly string[], from: number): string | null {
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

/** 2.6's alert when the keyword at `args[from]` lacks a value it needs, or null. */
function missingArgument(family: 'global' | 'proxy', args: readonly string[], from: number): string | null {
  const min = (family === 'global' ? GLOBAL_MINIMA : PROXY_MINIMA).get(args[from]);
  if (min === undefined) return null;
  for (let i = from + 1; i <= from + min[0]; i++) if (i >= args.length || args[i] === '') return min[1];
  return null;
}

/** The alert 2.6 gives for a keyword line with too few or too many words, or null when their number is right. */
export function argumentCountAlert(family: 'global' | 'proxy', args: readonly string[], from: number): string | null {
  return missingArgument(family, args, from) ?? unexpectedArgument(family, args, from);
}
