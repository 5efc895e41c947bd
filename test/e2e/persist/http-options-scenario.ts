/*
 * The traffic of the HTTP options golden (fixtures/persist/http-options/, captured from HAProxy 2.6 by capture.mts):
 * requests and responses the strict parser refuses, through a proxy with and without `option
 * accept-invalid-http-request|response`; `option http-restrict-req-hdr-names delete|reject` (frontend and backend);
 * `option http-use-proxy-header` (no effect in 2.6.12). The origin echoes the request head it received.
 */
import { rawRequest, goldenDefaults } from '../http/golden-util.ts';
import { headServer } from '../proxy-util.ts';

export interface HoPorts { strict: number; relaxed: number; del: number; rej: number; uph: number; fe: number; srv: number; log: number }

export function hoConfig(p: HoPorts): string {
  return goldenDefaults(p.log) + `
listen strict
    bind 127.0.0.1:${p.strict}
    server s1 127.0.0.1:${p.srv}

listen relaxed
    bind 127.0.0.1:${p.relaxed}
    option accept-invalid-http-request
    option accept-invalid-http-response
    server s1 127.0.0.1:${p.srv}

listen del
    bind 127.0.0.1:${p.del}
    option http-restrict-req-hdr-names delete
    http-request set-header x_rule 1
    server s1 127.0.0.1:${p.srv}

listen rej
    bind 127.0.0.1:${p.rej}
    option http-restrict-req-hdr-names reject
    server s1 127.0.0.1:${p.srv}

listen uph
    bind 127.0.0.1:${p.uph}
    option http-use-proxy-header
    server s1 127.0.0.1:${p.srv}

frontend fe
    bind 127.0.0.1:${p.fe}
    option http-restrict-req-hdr-names reject
    default_backend bpres

backend bpres
    option http-restrict-req-hdr-names preserve
    server s1 127.0.0.1:${p.srv}
`;
}

/** Echoes the request head; /badrsp* answer with a header name or a version the strict parser refuses. */
const BAD_RSP: Record<string, string> = {
  '/badrsp': 'HTTP/1.1 200 OK\r\nx(y: 1\r\ncontent-length: 2\r\n\r\nok',
  '/badrsp-space': 'HTTP/1.1 200 OK\r\nx y: 1\r\nx\x01z\x7f: 2\r\ncontent-length: 2\r\n\r\nok',
  '/badrsp-ver': 'HTTP/1.10 200 OK\r\ncontent-length: 2\r\n\r\nok',
  '/badrsp-ver-short': 'HTTP/1. 200 OK\r\ncontent-length: 2\r\n\r\nok',
};
export function hoOrigin(): Promise<{ port: number; close(): void }> {
  return headServer((c, head) => {
    const bad = BAD_RSP[head.split(' ')[1] ?? ''];
    c.write(bad ?? 'HTTP/1.1 200 OK\r\ncontent-length: ' + head.length + '\r\n\r\n' + head);
  });
}

const C = 'connection: close\r\n\r\n';
export const HO_CASES: [keyof HoPorts, string][] = [
  ...(['strict', 'relaxed'] as const).flatMap((l): [keyof HoPorts, string][] => [
    [l, 'GET /a HTTP/1.1\r\nhost: x\r\nx(y: 1\r\n' + C],
    [l, 'GET /a\x80b HTTP/1.1\r\nhost: x\r\n' + C],
    [l, 'GET /a#frag HTTP/1.1\r\nhost: x\r\n' + C],
    [l, 'GET /a HTTP/1.1\r\nhost: x\r\nx\x80y: 1\r\nx@y: 2\r\n' + C],
    [l, 'GET /a HTTP/1.10\r\nhost: x\r\n' + C],
    [l, 'GET /a HTTP/1.1\r\nhost: x\r\ncontent-length: 1\r\ncontent-length: 2\r\n' + C],
    [l, 'GET /badrsp HTTP/1.1\r\nhost: x\r\n' + C],
  ]),
  ['del', 'GET /a HTTP/1.1\r\nhost: x\r\nx_y: 1\r\nx-ok: 2\r\nx.z: 3\r\n' + C],
  ['rej', 'GET /a HTTP/1.1\r\nhost: x\r\nx_y: 1\r\n' + C],
  ['rej', 'GET /a HTTP/1.1\r\nhost: x\r\nx-y: 1\r\n' + C],
  ['fe', 'GET /a HTTP/1.1\r\nhost: x\r\nx_y: 1\r\n' + C],
  ['uph', 'GET http://x/a HTTP/1.1\r\nhost: x\r\nproxy-connection: close\r\n\r\nGET http://x/b HTTP/1.1\r\nhost: x\r\n' + C],
  ['uph', 'GET http://x/a HTTP/1.0\r\nhost: x\r\nproxy-connection: keep-alive\r\n\r\n'],
  // session 11: 2.6.12's lenient names take any byte but ':' (space, CTL, DEL), its lenient versions any
  // "HTTP/1.", "XXXX/1.1" (read as 1.1, sent as HTTP/1.1), "HTTP/1.1.1" made of version bytes, both ways
  ...(['strict', 'relaxed'] as const).flatMap((l): [keyof HoPorts, string][] => [
    [l, 'GET /a HTTP/1.1\r\nhost: x\r\nx y: 1\r\nx\x01z\x7f: 2\r\nx\t: 3\r\n' + C],
    [l, 'GET /a HTTP/1.\r\nhost: x\r\n' + C],
    [l, 'GET /a XXXX/1.1\r\nhost: x\r\n' + C],
    [l, 'GET /a HTTP/1.1.1\r\nhost: x\r\n' + C],
    [l, 'GET /badrsp-space HTTP/1.1\r\nhost: x\r\n' + C],
    [l, 'GET /badrsp-ver HTTP/1.1\r\nhost: x\r\n' + C],
    [l, 'GET /badrsp-ver-short HTTP/1.1\r\nhost: x\r\n' + C],
  ]),
];

/** Runs the cases; returns "<listen> <request> -> <raw response>" entries. */
export async function runHo(p: HoPorts): Promise<string[]> {
  const out: string[] = [];
  for (const [l, r] of HO_CASES) out.push(l + ' ' + JSON.stringify(r) + ' -> ' + JSON.stringify(await rawRequest(p[l], r)));
  return out;
}
