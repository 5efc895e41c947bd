/*
 * Where a sample fetch may be used in a log-format, as haproxy 2.6 checks at load: a `log-format` runs when the
 * stream ends, after the request and response buffers are gone, so fetches of HTTP headers and buffer contents are
 * refused there ("may not be reliably used here because it needs 'HTTP request headers' ..."); `unique-id-format`
 * runs on the request, so only response fetches are refused. Rule values (`http-request set-header ...`) are not
 * checked here. Table from haproxy 2.6.12 -c on each fetch. Hot path: no (load time).
 */

/** Log-format contexts. */
export const LF_CTX_RULE = 0;        // a rule's value: evaluated while the request/response is there
export const LF_CTX_LOG = 1;         // log-format, log-format-sd: at the end of the stream
export const LF_CTX_UNIQUE_ID = 2;   // unique-id-format: on the request

const NEED_HRQ = 'HTTP request headers';
const NEED_HRS = 'HTTP response headers';
const NEED_REQ_BUF = 'request buffer';
const NEED_RES = 'HTTP response';

const REQ_HDR_FETCHES = [
  'req.hdr', 'hdr', 'req.fhdr', 'fhdr', 'req.hdr_cnt', 'hdr_cnt', 'req.fhdr_cnt', 'fhdr_cnt', 'req.hdr_val', 'hdr_val',
  'req.hdr_ip', 'hdr_ip', 'req.hdr_names', 'req.hdrs', 'req.hdrs_bin', 'path', 'pathq', 'url', 'url_ip', 'url_port',
  'url32', 'url32+src', 'base', 'base32', 'base32+src', 'query', 'url_param', 'urlp', 'urlp_val', 'req.cook', 'cook',
  'req.cook_cnt', 'cook_cnt', 'req.cook_val', 'cook_val', 'req.cook_names', 'req.ver', 'req_ver', 'req.body',
  'req.body_param', 'req.body_len', 'req.body_size', 'http_auth', 'http_auth_group', 'http_auth_pass',
  'http_auth_type', 'http_auth_user', 'http_auth_bearer',
];
const RES_HDR_FETCHES = [
  'res.hdr', 'shdr', 'res.fhdr', 'res.hdr_cnt', 'shdr_cnt', 'res.fhdr_cnt', 'res.hdr_val', 'shdr_val', 'res.hdr_ip',
  'shdr_ip', 'res.hdr_names', 'res.hdrs', 'res.cook', 'scook', 'res.cook_cnt', 'scook_cnt', 'res.cook_val',
  'scook_val', 'res.cook_names', 'res.ver', 'resp_ver', 'res.body', 'res.body_len', 'res.body_size',
];
const REQ_BUF_FETCHES = [
  'req.len', 'req_len', 'req.payload', 'req.payload_lv', 'req.ssl_sni', 'req_ssl_sni', 'req.ssl_hello_type',
  'req_ssl_hello_type', 'req.ssl_ver', 'req_ssl_ver', 'req.ssl_ec_ext', 'req.ssl_st_ext', 'req.ssl_alpn',
  'req.rdp_cookie', 'rdp_cookie', 'req.rdp_cookie_cnt', 'rdp_cookie_cnt',
];
const RES_FETCHES = ['status'];

const NEEDS = new Map<string, string>([
  ...REQ_HDR_FETCHES.map((n) => [n, NEED_HRQ] as const), ...RES_HDR_FETCHES.map((n) => [n, NEED_HRS] as const),
  ...REQ_BUF_FETCHES.map((n) => [n, NEED_REQ_BUF] as const),
]);

/**
 * What the fetch of sample expression `expr` (`req.hdr(host),lower`) needs that context `ctx` lacks, or '' when it
 * may be used there.
 */
export function sampleUnavailable(expr: string, ctx: number): string {
  if (ctx === LF_CTX_RULE) return '';
  let end = expr.length;
  for (let i = 0; i < expr.length; i++) { const c = expr[i]; if (c === '(' || c === ',') { end = i; break; } }
  const name = expr.slice(0, end).trim();
  const need = NEEDS.get(name);
  if (ctx === LF_CTX_UNIQUE_ID) return need === NEED_HRS ? need : RES_FETCHES.includes(name) ? NEED_RES : '';
  return need ?? '';
}

/**
 * Whether sample expression `expr` (`req.payload(0,4),lower`) reads the request itself (its buffer, HTTP line,
 * headers or body), which a `tcp-request content` rule only sees once it came: 2.6's fetches not valid at session
 * accept. Layer-4 and internal fetches (src, var(), str(), ssl_fc_sni, ...) do not.
 */
export function sampleReadsRequest(expr: string): boolean {
  let end = expr.length;
  for (let i = 0; i < expr.length; i++) { const c = expr[i]; if (c === '(' || c === ',') { end = i; break; } }
  const name = expr.slice(0, end).trim();
  const need = NEEDS.get(name);
  return need === NEED_HRQ || need === NEED_REQ_BUF || REQ_OLD_FETCHES.includes(name);
}
const REQ_OLD_FETCHES = ['payload', 'payload_lv', 'req.proto_http', 'req_proto_http', 'method'];

// fetches of the response or of the server side, which an http-request rule runs too early for (2.6.12 -c's words)
const RES_ONLY = new Map<string, string>([
  ...RES_HDR_FETCHES.map((n) => [n, NEED_HRS] as const),
  ...['status', 'capture.res.hdr', 'res.cache_hit', 'res.cache_name', 'res.comp', 'res.comp_algo'].map((n) => [n, NEED_RES] as const),
  ...['res.len', 'res.payload', 'res.payload_lv', 'res.ssl_hello_type', 'rep_ssl_hello_type'].map((n) => [n, 'response buffer'] as const),
  ...['bc_dst', 'bc_dst_port', 'bc_err', 'bc_err_str', 'bc_http_major', 'bc_src', 'bc_src_port'].map((n) => [n, 'server address'] as const),
  ...['srv_id', 'srv_name'].map((n) => [n, 'server'] as const),
]);

/**
 * What the fetch of sample expression `expr` needs that a request rule (http-request / tcp-request content) cannot
 * have yet: '' when it may be used there. `ssl_bc*` fetches need the server-side connection.
 */
export function sampleUnavailableInRequest(expr: string): string {
  let end = expr.length;
  for (let i = 0; i < expr.length; i++) { const c = expr[i]; if (c === '(' || c === ',') { end = i; break; } }
  const name = expr.slice(0, end).trim();
  if (name.startsWith('ssl_bc')) return 'server-side connection';
  return RES_ONLY.get(name) ?? '';
}
