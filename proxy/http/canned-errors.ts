/*
 * Prebuilt error responses, byte-identical to HAProxy 2.6's (fixtures/http/cases/canned-* and the parser-error
 * captures): the "stream" form sent for deny/return/502/503/504 (lowercase header names) and the "mux" form sent
 * for request parse errors and http-request timeouts (legacy header case). Built once at module load.
 * errorfile overrides are per proxy (HttpProxyCfg.errorFiles) and looked up by the caller. Hot path: no (read-only).
 */

/** status, reason phrase, message line: the texts HAProxy 2.6 prints (observed from /usr/sbin/haproxy). */
const MESSAGES: readonly [number, string, string][] = [
  [200, 'OK', 'Service ready.'],
  [400, 'Bad request', 'Your browser sent an invalid request.'],
  [401, 'Unauthorized', 'You need a valid user and password to access this content.'],
  [403, 'Forbidden', 'Request forbidden by administrative rules.'],
  [404, 'Not Found', 'The resource could not be found.'],
  [405, 'Method Not Allowed', 'A request was made of a resource using a request method not supported by that resource'],
  [407, 'Unauthorized', 'You need a valid user and password to access this content.'],
  [408, 'Request Time-out', "Your browser didn't send a complete request in time."],
  [410, 'Gone', 'The resource is no longer available and will not be available again.'],
  [413, 'Payload Too Large', 'The request entity exceeds the maximum allowed.'],
  [421, 'Misdirected Request', 'Request sent to a non-authoritative server.'],
  [422, 'Unprocessable Content', 'The server cannot process the contained instructions.'],
  [425, 'Too Early', 'Your browser sent early data.'],
  [429, 'Too Many Requests', 'You have sent too many requests in a given amount of time.'],
  [500, 'Internal Server Error', 'An internal server error occurred.'],
  [501, 'Not Implemented', '.The server does not support the functionality required to fulfill the request.'],
  [502, 'Bad Gateway', 'The server returned an invalid or incomplete response.'],
  [503, 'Service Unavailable', 'No server is available to handle this request.'],
  [504, 'Gateway Time-out', "The server didn't respond in time."],
];

/** Statuses `http-request deny deny_status` and `errorfile` accept in 2.6 (422 is parser-only). */
export const HTTP_ERR_CODES: readonly number[] = MESSAGES.map((m) => m[0]).filter((c) => c !== 422);

const streamReplies = new Map<number, Buffer>();
const muxReplies = new Map<number, Buffer>();
const reasons = new Map<number, string>();

for (const [code, reason, msg] of MESSAGES) {
  const body = `<html><body><h1>${code} ${reason}</h1>\n${msg}\n</body></html>\n`;
  const close = code === 400 || code === 408;
  reasons.set(code, reason);
  streamReplies.set(code, Buffer.from(`HTTP/1.1 ${code} ${reason}\r\ncontent-length: ${body.length}\r\n` +
    `cache-control: no-cache\r\ncontent-type: text/html\r\n${close ? 'connection: close\r\n' : ''}\r\n${body}`, 'latin1'));
  muxReplies.set(code, Buffer.from(`HTTP/1.1 ${code} ${reason}\r\nContent-length: ${body.length}\r\n` +
    `Cache-Control: no-cache\r\n${close ? 'Connection: close\r\n' : ''}Content-Type: text/html\r\n\r\n${body}`, 'latin1'));
}

/** The response a stream sends for `status` (deny, 502, 503, 504, ...); falls back to 500's for unknown codes. */
export function cannedReply(status: number): Buffer {
  return streamReplies.get(status) ?? (streamReplies.get(500) as Buffer);
}

/** The response sent for an unparsable request (400, 422) or an http-request timeout (408). */
export function cannedMuxReply(status: number): Buffer {
  return muxReplies.get(status) ?? (muxReplies.get(400) as Buffer);
}

/** HAProxy's reason phrase for a status it knows, '' otherwise. */
export function cannedReason(status: number): string {
  return reasons.get(status) ?? '';
}
