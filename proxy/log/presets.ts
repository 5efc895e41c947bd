/*
 * The log formats HAProxy 2.6 selects with `option httplog`, `option httplog clf` and `option tcplog`, as documented
 * in its configuration manual (section 8.2) and checked against haproxy 2.6.12 output (fixtures/log/).
 * Callers: log/keywords.ts. Hot path: no.
 */

export const LOG_FORMAT_HTTPLOG = '%ci:%cp [%tr] %ft %b/%s %TR/%Tw/%Tc/%Tr/%Ta %ST %B %CC %CS %tsc %ac/%fc/%bc/%sc/%rc ' +
  '%sq/%bq %hr %hs %{+Q}r';

/** `option httpslog` (2.6): httplog plus the TLS error fetches, SNI, version and cipher. */
export const LOG_FORMAT_HTTPSLOG = LOG_FORMAT_HTTPLOG + ' %[fc_err]/%[ssl_fc_err,hex]/%[ssl_c_err]/%[ssl_c_ca_err]/' +
  '%[ssl_fc_is_resumed] %[ssl_fc_sni]/%sslv/%sslc';

export const LOG_FORMAT_CLF = '%{+Q}o %{-Q}ci - - [%trg] %r %ST %B "" "" %cp %ms %ft %b %s %TR %Tw %Tc %Tr %Ta %tsc ' +
  '%ac %fc %bc %sc %rc %sq %bq %CC %CS %hrl %hsl';

export const LOG_FORMAT_TCPLOG = '%ci:%cp [%t] %ft %b/%s %Tw/%Tc/%Tt %B %ts %ac/%fc/%bc/%sc/%rc %sq/%bq';
