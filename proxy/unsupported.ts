/*
 * HAProxy 2.6 keywords Sluice knows by name but does not implement yet, per family ('global', 'proxy' (incl.
 * "option x"), 'server', 'bind'). The loader consults this list only when no module registered the keyword, so an
 * operator gets "'x' is a HAProxy 2.6 keyword not supported by sluice yet" instead of "unknown keyword". Remove a
 * name when a module implements it (a registered keyword wins anyway). Hot path: no.
 */
export const UNSUPPORTED: ReadonlyArray<readonly [string, readonly string[]]> = [
  ['global', [
    'lua-load', 'lua-load-per-thread', 'lua-prepend-path', 'issuers-chain-path',
    'deviceatlas-json-file', '51degrees-data-file', 'wurfl-data-file', 'tune.http.cookielen',
    'dns-accept-family', 'h1-accept-payload-with-any-method',
  ]],
  ['proxy', [
    'monitor-net', 'option spop-check',
    'option transparent', 'error-log-format', 'use-fcgi-app', 'transparent',
  ]],
  ['server', [
    'proto', 'check-proto', 'check-via-socks4', 'namespace', 'usesrc', 'socks4', 'log-proto', 'set-proxy-v2-tlv-fmt',
  ]],
  ['bind', [
    'namespace', 'proto', 'expose-fd', 'level', 'severity-output', 'accept-netscaler-cip', 'quic-cc-algo',
    'quic-force-retry',
  ]],
];
