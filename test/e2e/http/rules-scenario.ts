/*
 * The traffic of the rules golden (fixtures/http/rules/, captured from HAProxy 2.6 by capture.mts there): http-request
 * rules with log-format values (%[src], %[req.hdr(host)], %[path], %[url_param(..)], %ci), set-query/-uri/-method/
 * -path, replace-header/-value/-path/-uri, capture into %hr, tarpit, a redirect whose location is a log-format, and
 * http-response set-header with an expression. The echo origin (cookie-scenario.ts) answers with the head it got.
 * Shared by the capture script (real HAProxy) and test/e2e/http/rules.test.ts (Sluice).
 */
import { rawRequest } from './golden-util.ts';

export interface RulesPorts { fe: number; srv: number; log: number }

export function rulesConfig(p: RulesPorts): string {
  return `defaults
    mode http
    log 127.0.0.1:${p.log} local0
    timeout connect 2s
    timeout client 5s
    timeout server 5s
    timeout tarpit 200ms

frontend fe
    bind 127.0.0.1:${p.fe}
    log-format "%ci %ST %b/%s %tsc %hr %{+Q}r"
    http-request capture req.hdr(user-agent) len 8
    http-request set-header x-src %[src] if { path_beg /lf }
    http-request set-header x-host "h=%[req.hdr(host)] p=%[path] q=%[url_param(q)]" if { path_beg /lf }
    http-request add-header x-ci "%ci" if { path_beg /lf }
    http-request set-query "a=1&q=%[url_param(q)]" if { path_beg /setq }
    http-request set-uri /rewritten%[path] if { path_beg /seturi }
    http-request set-method POST if { path_beg /setm }
    http-request set-path /new/path if { path_beg /setp }
    http-request replace-header x-rh '^(\\w+)-(\\w+)$' '\\2-\\1' if { path_beg /rh }
    http-request replace-value x-rv "^a(.*)" "A\\1" if { path_beg /rh }
    http-request replace-path "/rp/(.*)" "/replaced/\\1" if { path_beg /rp }
    http-request replace-uri "^/ru/([^?]*)\\?(.*)" "/uri/\\1?x&\\2" if { path_beg /ru }
    http-request tarpit if { path_beg /tarpit }
    http-request redirect location "https://%[req.hdr(host)]%[path]?r=1" code 301 if { path_beg /redir }
    http-response set-header x-served-by "%s on %b" if { status 200 }
    http-response set-status 203 if { res.hdr(content-length) -m str 35 }
    http-response set-status 299 reason "Custom Thing" if { res.hdr(content-length) -m str 41 }
    http-response add-header x-len "len=%[res.hdr(content-length)] ct=%[res.hdr(x-none)]" if { status 500 } || { res.hdr(content-length) -m len 3 }
    default_backend bk

backend bk
    server s1 127.0.0.1:${p.srv}
`;
}

/** Raw requests, each on its own connection (Connection: close). */
export const RULES_CASES: string[] = [
  'GET /lf/a?q=42&z=1 HTTP/1.1\r\nhost: Example.org\r\nuser-agent: curl/7.88.1-long\r\n',
  'GET /lf/missing HTTP/1.1\r\nhost: h\r\n',
  'GET /setq/x?q=abc HTTP/1.1\r\nhost: h\r\n',
  'GET /setq/noquery HTTP/1.1\r\nhost: h\r\n',
  'GET /seturi/y?k=v HTTP/1.1\r\nhost: h\r\n',
  'GET /setm HTTP/1.1\r\nhost: h\r\n',
  'GET /setp/old?keep=1 HTTP/1.1\r\nhost: h\r\n',
  'GET /rh HTTP/1.1\r\nhost: h\r\nx-rh: left-right\r\nx-other: 1\r\nx-rv: abc, def, axe\r\n',
  'GET /rp/deep/file.txt?v=1 HTTP/1.1\r\nhost: h\r\n',
  'GET /ru/p?a=b HTTP/1.1\r\nhost: h\r\n',
  'GET /tarpit HTTP/1.1\r\nhost: h\r\n',
  'GET /redir/x?y=1 HTTP/1.1\r\nhost: www.example.com\r\n',
];

/** Runs every case; returns the raw responses. */
export async function runRulesScenario(port: number): Promise<string[]> {
  const out: string[] = [];
  for (const h of RULES_CASES) out.push(await rawRequest(port, h + 'connection: close\r\n\r\n'));
  return out;
}
