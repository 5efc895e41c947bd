/*
 * Keywords HAProxy removed before 2.6 that old configurations still carry (reqrep, rspadd, block, option forceclose,
 * nbproc, ...): 2.6 answers each with a precise alert saying what replaces it, and `bind-process` with a warning.
 * The loader looks a line up here before calling its keyword unknown, so a migrating operator gets 2.6's advice.
 * Texts as printed by haproxy 2.6.12 (`fixtures/configs/errors/removed-*.cfg`). Hot path: no.
 */

const V21 = 'not supported anymore since HAProxy 2.1.';

/** Proxy-section keywords: the message after `parsing [file:line] : `. */
export const REMOVED_PROXY_KEYWORDS: ReadonlyMap<string, string> = new Map([
  ['reqrep', `The 'reqrep' directive is ${V21} Use 'http-request replace-path', 'http-request replace-uri' or 'http-request replace-header' instead.`],
  ['reqirep', `The 'reqirep' directive is ${V21} Use 'http-request replace-header' instead.`],
  ['reqadd', `The 'reqadd' directive is ${V21} Use 'http-request add-header' instead.`],
  ['reqdel', `The 'reqdel' directive is ${V21} Use 'http-request del-header' instead.`],
  ['reqidel', `The 'reqidel' directive is ${V21} Use 'http-request del-header' instead.`],
  ['reqallow', `The 'reqallow' directive is ${V21} Use 'http-request allow' instead.`],
  ['reqiallow', `The 'reqiallow' directive is ${V21} Use 'http-request allow' instead.`],
  ['reqdeny', `The 'reqdeny' ${V21} Use 'http-request deny' instead.`],
  ['reqideny', `The 'reqideny' directive is ${V21} Use 'http-request deny' instead.`],
  ['reqpass', `The 'reqpass' ${V21}`],
  ['reqipass', `The 'reqipass' directive is ${V21}`],
  ['reqtarpit', `The 'reqtarpit' directive is ${V21} Use 'http-request tarpit' instead.`],
  ['reqitarpit', `The 'reqitarpit' directive is ${V21} Use 'http-request tarpit' instead.`],
  ['rspadd', `The 'rspadd' directive is ${V21} Use 'http-response add-header' instead.`],
  ['rspdel', `The 'rspdel' directive is ${V21} Use 'http-response del-header' .`],
  ['rspidel', `The 'rspidel' directive is ${V21} Use 'http-response del-header' instead.`],
  ['rsprep', `The 'rsprep' directive is ${V21} Use 'http-response replace-header' instead.`],
  ['rspirep', `The 'rspirep' directive is ${V21} Use 'http-response replace-header' instead.`],
  ['rspdeny', `The 'rspdeny' directive is ${V21} Use 'http-response deny' instead.`],
  ['rspideny', `The 'rspideny' directive is ${V21} Use 'http-response deny' instead.`],
  ['block', `The 'block' directive is ${V21} Use 'http-request deny' which uses the exact same syntax.`],
  ['redispatch', `keyword 'redispatch' directive is ${V21} Use 'option redispatch'.`],
]);

/** Removed options: the message after `parsing [file:line]: ` (no space before the colon, as 2.6). */
export const REMOVED_OPTIONS: ReadonlyMap<string, string> = new Map([
  ['forceclose', "option 'forceclose' is not supported any more since HAProxy 2.0, please just remove it, or use 'option httpclose' if absolutely needed."],
  ['http-tunnel', "option 'http-tunnel' is not supported any more since HAProxy 2.1, please just remove it, it shouldn't be needed."],
  ['http_proxy', "option 'http_proxy' is not supported any more since HAProxy 2.5. This option stopped working in HAProxy 1.9 and usually had nasty side effects. It can be more reliably implemented with combinations of 'http-request set-dst' and 'http-request set-uri', and even 'http-request do-resolve' if DNS resolution is desired."],
]);

/** Global keywords: [message, true when 2.6 prints `parsing [file:line]:` without the space]. */
export const REMOVED_GLOBAL_KEYWORDS: ReadonlyMap<string, readonly [string, boolean]> = new Map([
  ['nbproc', ['nbproc is not supported any more since HAProxy 2.5. Threads will automatically be used on multi-processor machines if available.', false]],
  ['tune.chksize', ["option 'tune.chksize' is not supported any more (tune.bufsize is used instead).", true]],
]);

/** Deprecated but accepted in 2.6: a warning (after `parsing [file:line]: `), the line is otherwise ignored. */
export const DEPRECATED_PROXY_KEYWORDS: ReadonlyMap<string, string> = new Map([
  ['bind-process', "'bind-process' has no effect, is deprecated, and will be removed in version 2.7."],
]);
