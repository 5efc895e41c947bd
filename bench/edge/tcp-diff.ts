/*
 * Live `mode tcp` differential run in the shapes users deploy: TLS passthrough routed by SNI (a real ClientHello from
 * node:tls, the same bytes to both sides), protocol detection on layer-4 payload, tcp-request connection/content
 * rules with stick tables and rate limits, balance algorithms, PROXY protocol both ways, half-close and the fin
 * timeouts. Sluice (DIST/proxy/main.js) and HAProxy 2.6 run the same generated configuration (abort-diff.ts's
 * harness: one frontend+backend+scripted servers per scenario, tcplog to a UDP sink); compared: what each client
 * received and how its connection ended, what each server received (PROXY ports masked) and how it ended, the log
 * lines (client address kept, ports/date masked, timers by shape) and the `show stat` counters below.
 * Not a test: prints one block per difference. Loopback only, bounded (~6 s per batch).
 * Run: DIST=/tmp/wt/dist node --import tsx bench/edge/tcp-diff.ts   env: ONLY=name,... HAPROXY=/usr/sbin/haproxy
 * SAVE=<file> runs HAProxy alone and writes its outcomes as JSON (the golden of test/e2e/tcp/tcp-diff.test.ts).
 */
import net from 'node:net';
import tls from 'node:tls';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { startSide, runOne, showStat, OUT, PROBE, type Scenario, type Side, type Step } from './abort-diff.ts';

/** A ClientHello as node:tls sends it for SNI `sni` (captured by a plain listener; its first segment). */
async function clientHello(sni: string, alpn?: string[]): Promise<Buffer> {
  return new Promise((resolve) => {
    const srv = net.createServer((c) => c.once('data', (d: Buffer) => { resolve(d); c.destroy(); srv.close(); }));
    srv.listen(0, '127.0.0.1', () => {
      const t = tls.connect({ port: (srv.address() as net.AddressInfo).port, host: '127.0.0.1', servername: sni, rejectUnauthorized: false, ALPNProtocols: alpn });
      t.on('error', () => {});
    });
  });
}

const HELLO = await clientHello('Example.COM');
const HELLO_OTHER = await clientHello('other.org');
const HELLO_H2 = await clientHello('example.com', ['h2', 'http/1.1']);
const MAP = path.join(OUT, 'sni.map');
fs.writeFileSync(MAP, 'example.com s2\nother.org s1\n');

/**
 * An SSLv2-compatible ClientHello (SSL 2.0 record header, TLS 1.0 in its version field; `v2` 0x0002 for SSLv2
 * itself): 3 cipher specs, no session id, a 16-byte challenge.
 */
function v2Hello(v: number): Buffer {
  const body = Buffer.concat([Buffer.from([0x01, v >> 8, v & 0xff, 0x00, 0x09, 0x00, 0x00, 0x00, 0x10]),
    Buffer.from('00003900003500000a', 'hex'), Buffer.alloc(16, 0x5a)]);
  return Buffer.concat([Buffer.from([0x80 | (body.length >> 8), body.length & 0xff]), body]);
}
const V2HELLO = v2Hello(0x0301);
const V2HELLO2 = v2Hello(0x0002);
const V2SRV: Scenario['server'] = [{ sleep: 50 }, { w: 'one' }, 'end'];
const V2VAR = 'tcp-request inspect-delay 500ms\n  tcp-request content set-var(sess.v) req.ssl_ver\n  tcp-request content accept if { req.ssl_ver ge 0.0 }\n  log-format "%ci %ft %b/%s %ts %B v=%[var(sess.v)]"';
const INSPECT = 'tcp-request inspect-delay 5s\n  tcp-request content accept if { req.ssl_hello_type 1 }';
const TWO = { server: [{ until: '\x16' }, { w: 'two' }, 'end'] as Scenario['server'] };
const ONE: Scenario['server'] = [{ until: '\x16' }, { w: 'one' }, 'end'];
const ECHO: Scenario['server'] = [{ until: 'hi' }, { w: 'yo' }, 'end'];
const TRACK = 'stick-table type ip size 1k expire 30s store conn_rate(10s),conn_cur\n  tcp-request connection track-sc0 src';
const seq = (n: number, gap: number, steps: Scenario['clients'][0]['steps']): Scenario['clients'] => Array.from({ length: n }, (_v, i) => ({ delay: i * gap, steps }));

export const TCP_SCENARIOS: Scenario[] = [
  // SNI routing (use-server: one frontend and backend per scenario)
  { name: 'sni-route', mode: 'tcp', fe: INSPECT, be: 'use-server s2 if { req.ssl_sni -i example.com }', more: [TWO], clients: [{ steps: [{ w: HELLO }, { until: 'two' }, 'end'] }], server: ONE },
  { name: 'sni-other', mode: 'tcp', fe: INSPECT, be: 'use-server s2 if { req.ssl_sni -i example.com }', more: [TWO], clients: [{ steps: [{ w: HELLO_OTHER }, { until: 'one' }, 'end'] }], server: ONE },
  { name: 'sni-old', mode: 'tcp', fe: 'tcp-request inspect-delay 5s\n  tcp-request content accept if { req_ssl_hello_type 1 }', be: 'use-server s2 if { req_ssl_sni -i example.com }', more: [TWO], clients: [{ steps: [{ w: HELLO }, { until: 'two' }, 'end'] }], server: ONE },
  { name: 'sni-map', mode: 'tcp', fe: INSPECT, be: `use-server s2 if { req.ssl_sni,lower,map(${MAP}) -m str s2 }`, more: [TWO], clients: [{ steps: [{ w: HELLO }, { until: 'two' }, 'end'] }], server: ONE },
  { name: 'sni-ver', mode: 'tcp', fe: INSPECT, be: 'use-server s2 if { req.ssl_ver ge 3.1 }', more: [TWO], clients: [{ steps: [{ w: HELLO }, { until: 'two' }, 'end'] }], server: ONE },
  { name: 'sni-ver-eq', mode: 'tcp', fe: INSPECT, be: 'use-server s2 if { req_ssl_ver 3.3 }', more: [TWO], clients: [{ steps: [{ w: HELLO }, { until: 'two' }, 'end'] }], server: ONE },
  { name: 'sni-ver-range', mode: 'tcp', fe: INSPECT, be: 'use-server s2 if { req.ssl_ver 3.0:3.2 }', more: [TWO], clients: [{ steps: [{ w: HELLO }, { until: 'one' }, 'end'] }], server: ONE },
  { name: 'sni-ver-wait', mode: 'tcp', fe: 'tcp-request inspect-delay 2s\n  tcp-request content accept if { req.ssl_ver gt 3.0 }', clients: [{ steps: [{ w: HELLO.subarray(0, 30) }, { sleep: 100 }, { w: HELLO.subarray(30) }, { until: 'one' }, 'end'] }], server: ONE },
  { name: 'sni-setvar-log', mode: 'tcp', fe: 'tcp-request inspect-delay 5s\n  tcp-request content set-var(sess.sni) req.ssl_sni,lower\n  tcp-request content accept if { req.ssl_hello_type 1 }\n  log-format "%ci %ft %b/%s %ts %B %U sni=%[var(sess.sni)]"', clients: [{ steps: [{ w: HELLO }, { until: 'one' }, 'end'] }], server: ONE },
  { name: 'sni-setvar-nolower', mode: 'tcp', fe: 'tcp-request inspect-delay 5s\n  tcp-request content set-var(sess.sni) req.ssl_sni\n  tcp-request content accept if { req.ssl_hello_type 1 }\n  log-format "%ci %ft %b/%s %ts %B %U sni=%[var(sess.sni)]"', clients: [{ steps: [{ w: HELLO }, { until: 'one' }, 'end'] }], server: ONE },
  { name: 'sni-setvar-after', mode: 'tcp', fe: 'tcp-request inspect-delay 5s\n  tcp-request content accept if { req.ssl_hello_type 1 } { req.ssl_sni,lower,set-var(sess.sni) -m found }\n  log-format "%ci %ft %b/%s %ts %B %U sni=%[var(sess.sni)]"', clients: [{ steps: [{ w: HELLO }, { until: 'one' }, 'end'] }], server: ONE },
  { name: 'sni-conv-route', mode: 'tcp', fe: INSPECT + '\n  log-format "%ci %ft %b/%s %ts x=%[var(txn.x)]"', be: 'use-server s2 if { req.ssl_sni,lower,set-var(txn.x) -m str example.com }', more: [TWO], clients: [{ steps: [{ w: HELLO }, { until: 'two' }, 'end'] }], server: ONE },
  { name: 'sni-setvar-fe-only', mode: 'tcp', fe: 'tcp-request inspect-delay 5s\n  tcp-request content accept if { req.ssl_sni,lower,set-var(sess.sni) -m found }\n  log-format "%ci %ft %b/%s %ts sni=%[var(sess.sni)]"', clients: [{ steps: [{ w: HELLO }, { until: 'one' }, 'end'] }], server: ONE },
  { name: 'sni-setvar-fe-str', mode: 'tcp', fe: 'tcp-request inspect-delay 5s\n  tcp-request content accept if { req.ssl_sni,lower,set-var(sess.sni) -m str example.com }\n  log-format "%ci %ft %b/%s %ts sni=%[var(sess.sni)]"', clients: [{ steps: [{ w: HELLO }, { until: 'one' }, 'end'] }], server: ONE },
  { name: 'sni-setvar-txn', mode: 'tcp', fe: 'tcp-request inspect-delay 5s\n  tcp-request content set-var(txn.sni) req.ssl_sni\n  tcp-request content accept if { req.ssl_hello_type 1 }\n  log-format "%ci %ft %b/%s %ts %B %U sni=%[var(txn.sni)]"', clients: [{ steps: [{ w: HELLO }, { until: 'one' }, 'end'] }], server: ONE },
  { name: 'sni-setvar-plain', mode: 'tcp', fe: 'tcp-request inspect-delay 5s\n  tcp-request content set-var(sess.sni) req.len\n  tcp-request content accept if { req.len gt 0 }\n  log-format "%ci %ft %b/%s %ts %B %U sni=%[var(sess.sni)]"', clients: [{ steps: [{ w: 'hi' }, { until: 'yo' }, 'end'] }], server: ECHO },
  { name: 'sni-end', mode: 'tcp', fe: INSPECT, be: 'use-server s2 if { req.ssl_sni -m end .com }', more: [TWO], clients: [{ steps: [{ w: HELLO }, { until: 'two' }, 'end'] }], server: ONE },
  { name: 'sni-none-plain', mode: 'tcp', fe: 'tcp-request inspect-delay 1s\n  tcp-request content accept if { req.len gt 0 }', be: 'use-server s2 if { req.ssl_sni -m found }', more: [TWO], clients: [{ steps: [{ w: 'hi' }, { until: 'yo' }, 'end'] }], server: ECHO },
  { name: 'sni-alpn', mode: 'tcp', fe: INSPECT, be: 'use-server s2 if { req.ssl_alpn h2 }', more: [TWO], clients: [{ steps: [{ w: HELLO_H2 }, { until: 'two' }, 'end'] }], server: ONE },
  { name: 'sni-alpn-none', mode: 'tcp', fe: INSPECT, be: 'use-server s2 if { req.ssl_alpn h2 }', more: [TWO], clients: [{ steps: [{ w: HELLO }, { until: 'one' }, 'end'] }], server: ONE },
  { name: 'sni-ec-ext', mode: 'tcp', fe: INSPECT, be: 'use-server s2 if { req.ssl_ec_ext }', more: [TWO], clients: [{ steps: [{ w: HELLO }, { until: 'two' }, 'end'] }], server: ONE },
  { name: 'wait-end', mode: 'tcp', fe: 'tcp-request inspect-delay 300ms\n  tcp-request content accept if WAIT_END', clients: [{ steps: [{ w: 'hi' }, { until: 'yo' }, 'end'] }], server: ECHO },
  { name: 'sni-split', mode: 'tcp', fe: INSPECT, be: 'use-server s2 if { req.ssl_sni -i example.com }', more: [TWO], clients: [{ steps: [{ w: HELLO.subarray(0, 20) }, { sleep: 200 }, { w: HELLO.subarray(20) }, { until: 'two' }, 'end'] }], server: ONE },
  { name: 'sni-plain-reject', mode: 'tcp', fe: INSPECT + '\n  tcp-request content reject', clients: [{ steps: [{ w: 'hi there\r\n' }] }], server: ECHO },
  { name: 'sni-delay-expire', mode: 'tcp', fe: 'tcp-request inspect-delay 500ms\n  tcp-request content accept if { req.ssl_hello_type 1 }\n  tcp-request content reject', clients: [{ steps: [{ w: HELLO.subarray(0, 3) }] }], server: ONE },
  { name: 'sni-delay-accept', mode: 'tcp', fe: 'tcp-request inspect-delay 500ms\n  tcp-request content accept if { req.ssl_hello_type 1 }', clients: [{ steps: [{ w: 'hi' }, { until: 'yo' }, 'end'] }], server: ECHO },
  { name: 'sni-part-expire', mode: 'tcp', fe: 'tcp-request inspect-delay 500ms\n  tcp-request content accept if { req.ssl_hello_type 1 }\n  tcp-request content reject', clients: [{ steps: [{ w: HELLO.subarray(0, 20) }] }], server: ONE },
  { name: 'sni-short1-expire', mode: 'tcp', fe: 'tcp-request inspect-delay 500ms\n  tcp-request content accept if { req.ssl_hello_type 1 }\n  tcp-request content reject', clients: [{ steps: [{ w: HELLO.subarray(0, HELLO.length - 1) }] }], server: ONE },
  { name: 'sni-fin-early', mode: 'tcp', fe: INSPECT + '\n  tcp-request content reject', clients: [{ steps: [{ w: HELLO.subarray(0, 3) }, 'end'] }], server: ONE },
  // protocol detection
  { name: 'proto-http', mode: 'tcp', fe: 'tcp-request inspect-delay 2s\n  tcp-request content accept if HTTP', be: 'use-server s2 if { req.proto_http }', more: [{ server: [{ until: '\r\n\r\n' }, { w: 'two' }, 'end'] }], clients: [{ steps: [{ w: 'GET / HTTP/1.1\r\nHost: a\r\n\r\n' }, { until: 'two' }, 'end'] }], server: ONE },
  { name: 'proto-payload', mode: 'tcp', fe: 'tcp-request inspect-delay 2s\n  tcp-request content accept if { req.len ge 4 }', be: 'use-server s2 if { req.payload(0,4) -m bin 50494e47 }', more: [{ server: [{ until: 'PING' }, { w: '+PONG' }, 'end'] }], clients: [{ steps: [{ w: 'PING\r\n' }, { until: 'PONG' }, 'end'] }], server: ONE },
  { name: 'proto-conv-wait', mode: 'tcp', fe: 'tcp-request inspect-delay 2s\n  tcp-request content accept if { req.payload(0,4),lower -m str ping }\n  tcp-request content reject', clients: [{ steps: [{ w: 'PI' }, { sleep: 100 }, { w: 'NG\r\n' }, { until: 'yo' }, 'end'] }], server: [{ until: 'NG' }, { w: 'yo' }, 'end'] },
  { name: 'proto-len-wait', mode: 'tcp', fe: 'tcp-request inspect-delay 2s\n  tcp-request content accept if { req.len ge 4 }', clients: [{ steps: [{ w: 'h' }, { sleep: 300 }, { w: 'i..' }, { until: 'yo' }, 'end'] }], server: ECHO },
  { name: 'proto-payload-lv', mode: 'tcp', fe: 'tcp-request inspect-delay 2s\n  tcp-request content reject if { req.payload_lv(0,1) -m str bad }\n  tcp-request content accept', clients: [{ steps: [{ w: '\x03bad' }] }], server: ECHO },
  // connection rules, stick tables, rate limits
  { name: 'rl-conn-rate', mode: 'tcp', fe: TRACK + '\n  tcp-request connection reject if { sc_conn_rate(0) gt 2 }', clients: seq(4, 150, [{ w: 'hi' }, { until: 'yo' }, 'end']), server: ECHO },
  { name: 'rl-src-conn-rate', mode: 'tcp', fe: TRACK + '\n  tcp-request connection reject if { src_conn_rate gt 1 }', clients: seq(3, 150, [{ w: 'hi' }, { until: 'yo' }, 'end']), server: ECHO },
  { name: 'rl-conn-cur', mode: 'tcp', fe: TRACK + '\n  tcp-request connection reject if { sc_conn_cur(0) gt 1 }', clients: [{ steps: [{ w: 'hi' }, { sleep: 500 }, 'end'] }, { delay: 150, steps: [{ w: 'hi' }] }], server: [{ until: 'hi' }, { w: 'yo' }] },
  { name: 'rl-content-track', mode: 'tcp', fe: 'stick-table type ip size 1k expire 30s store conn_cnt\n  tcp-request content track-sc1 src\n  tcp-request content reject if { sc1_conn_cnt gt 1 }', clients: seq(3, 150, [{ sleep: 100 }, { w: 'hi' }, { until: 'yo' }, 'end']), server: ECHO },
  { name: 'conn-accept', mode: 'tcp', fe: 'tcp-request connection accept if { src 127.0.0.1 }\n  tcp-request connection reject', clients: [{ steps: [{ w: 'hi' }, { until: 'yo' }, 'end'] }], server: ECHO },
  { name: 'conn-reject', mode: 'tcp', fe: 'tcp-request connection reject', clients: [{ steps: [{ w: 'hi' }] }], server: ECHO },
  { name: 'content-reject', mode: 'tcp', fe: 'tcp-request content reject', clients: [{ steps: [{ w: 'hi' }] }], server: ECHO },
  { name: 'content-reject-be', mode: 'tcp', be: 'tcp-request content reject', clients: [{ steps: [{ w: 'hi' }] }], server: ECHO },
  // silent-drop in each rule kind (fixtures/proxy/tcp-diff/silent-drop*.json, test/e2e/tcp/silent-drop.test.ts)
  { name: 'drop-conn', mode: 'tcp', fe: 'tcp-request connection silent-drop', clients: [{ steps: [{ w: 'hi' }] }], server: ECHO },
  { name: 'drop-session', mode: 'tcp', fe: 'tcp-request session silent-drop', clients: [{ steps: [{ w: 'hi' }] }], server: ECHO },
  { name: 'drop-content', mode: 'tcp', fe: 'tcp-request content silent-drop', clients: [{ steps: [{ w: 'hi' }] }], server: ECHO },
  { name: 'drop-content-be', mode: 'tcp', be: 'tcp-request content silent-drop', clients: [{ steps: [{ w: 'hi' }] }], server: ECHO },
  { name: 'drop-http-content', fe: 'tcp-request content silent-drop', clients: [{ steps: [{ w: 'GET / HTTP/1.1\r\nHost: a\r\n\r\n' }] }], server: ['head', { w: 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok' }] },
  { name: 'drop-http-content-be', be: 'tcp-request content silent-drop', clients: [{ steps: [{ w: 'GET / HTTP/1.1\r\nHost: a\r\n\r\n' }] }], server: ['head', { w: 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok' }] },
  { name: 'drop-res', mode: 'tcp', be: 'tcp-response content silent-drop', clients: [{ steps: [{ w: 'hi' }] }], server: ECHO },
  { name: 'drop-res-data', mode: 'tcp', be: 'tcp-response inspect-delay 1s\n  tcp-response content silent-drop if { res.len gt 0 }', clients: [{ steps: [{ w: 'hi' }] }], server: ECHO },
  { name: 'drop-http-res', be: 'tcp-response content silent-drop', clients: [{ steps: [{ w: 'GET / HTTP/1.1\r\nHost: a\r\n\r\n' }] }], server: ['head', { w: 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok' }] },
  { name: 'drop-http-res-head', be: 'tcp-response inspect-delay 1s\n  tcp-response content silent-drop', clients: [{ steps: [{ w: 'GET / HTTP/1.1\r\nHost: a\r\n\r\n' }] }], server: ['head', { w: 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok' }] },
  { name: 'drop-http-req', fe: 'http-request silent-drop', clients: [{ steps: [{ w: 'GET / HTTP/1.1\r\nHost: a\r\n\r\n' }] }], server: ['head', { w: 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok' }] },
  { name: 'drop-http-req-be', be: 'http-request silent-drop', clients: [{ steps: [{ w: 'GET / HTTP/1.1\r\nHost: a\r\n\r\n' }] }], server: ['head', { w: 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok' }] },
  { name: 'drop-http-rsp', be: 'http-response silent-drop', clients: [{ steps: [{ w: 'GET / HTTP/1.1\r\nHost: a\r\n\r\n' }] }], server: ['head', { w: 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok' }] },
  { name: 'session-reject', mode: 'tcp', fe: 'tcp-request session reject', clients: [{ steps: [{ w: 'hi' }] }], server: ECHO },
  { name: 'session-reject-silent', mode: 'tcp', fe: 'tcp-request session reject', clients: [{ steps: [{ sleep: 300 }, { w: 'hi' }] }], server: ECHO },
  // played by frozenClient(): the client connects and writes while the proxy is stopped
  { name: 'session-reject-frozen', mode: 'tcp', fe: 'tcp-request session reject', clients: [], server: ECHO },
  // balance (which server each connection reaches shows in the servers' ends)
  { name: 'bal-rr', mode: 'tcp', be: 'balance roundrobin', more: [{ server: ECHO }], clients: seq(3, 150, [{ w: 'hi' }, { until: 'yo' }, 'end']), server: ECHO },
  { name: 'bal-source', mode: 'tcp', be: 'balance source', more: [{ server: ECHO }], clients: seq(3, 150, [{ w: 'hi' }, { until: 'yo' }, 'end']), server: ECHO },
  { name: 'bal-source-consistent', mode: 'tcp', be: 'balance source\n  hash-type consistent', more: [{ server: ECHO }], clients: seq(2, 150, [{ w: 'hi' }, { until: 'yo' }, 'end']), server: ECHO },
  { name: 'bal-leastconn', mode: 'tcp', be: 'balance leastconn', more: [{ server: [{ until: 'hi' }, { w: 'yo' }, 'end'] }], clients: [{ steps: [{ w: 'hi' }, { sleep: 600 }, 'end'] }, { delay: 150, steps: [{ w: 'hi' }, { until: 'yo' }, 'end'] }, { delay: 300, steps: [{ w: 'hi' }, { until: 'yo' }, 'end'] }], server: [{ until: 'hi' }, { w: 'yo' }] },
  // accepted options
  { name: 'opt-splice-tcpka', mode: 'tcp', fe: 'option splice-auto\n  option tcpka\n  option splice-request\n  option splice-response', be: 'option tcpka\n  option srvtcpka', clients: [{ steps: [{ w: 'hi' }, { until: 'yo' }, 'end'] }], server: ECHO },
  // PROXY protocol
  { name: 'pp-send-v1', mode: 'tcp', srv: 'send-proxy', clients: [{ steps: [{ w: 'hi' }, { until: 'yo' }, 'end'] }], server: ECHO },
  { name: 'pp-send-v2', mode: 'tcp', srv: 'send-proxy-v2', clients: [{ steps: [{ w: 'hi' }, { until: 'yo' }, 'end'] }], server: ECHO },
  { name: 'pp-accept', mode: 'tcp', bind: 'accept-proxy', clients: [{ steps: [{ w: 'PROXY TCP4 10.1.2.3 10.9.8.7 4242 443\r\nhi' }, { until: 'yo' }, 'end'] }], server: ECHO },
  { name: 'pp-accept-chain', mode: 'tcp', bind: 'accept-proxy', srv: 'send-proxy', clients: [{ steps: [{ w: 'PROXY TCP4 10.1.2.3 10.9.8.7 4242 443\r\nhi' }, { until: 'yo' }, 'end'] }], server: ECHO },
  { name: 'pp-accept-split', mode: 'tcp', bind: 'accept-proxy', clients: [{ steps: [{ w: 'PROXY TCP4 10.1' }, { sleep: 600 }, { w: '.2.3 10.9.8.7 4242 443\r\nhi' }, { until: 'yo' }, 'end'] }], server: ECHO },
  { name: 'pp-accept-short', mode: 'tcp', bind: 'accept-proxy', clients: [{ steps: [{ w: 'hi' }] }], server: ECHO },
  { name: 'pp-accept-bad-v1', mode: 'tcp', bind: 'accept-proxy', clients: [{ steps: [{ w: 'PROXY TCP9 x\r\nhi' }] }], server: ECHO },
  { name: 'pp-accept-bad', mode: 'tcp', bind: 'accept-proxy', clients: [{ steps: [{ w: 'hi there\r\n' }] }], server: ECHO },
  // half-close both ways, fin timeouts, tunnel
  { name: 'hc-client-first', mode: 'tcp', clients: [{ steps: [{ w: 'hi' }, 'end', { until: 'yo' }] }], server: [{ until: 'hi' }, { sleep: 300 }, { w: 'yo' }, 'end'] },
  { name: 'hc-server-first', mode: 'tcp', clients: [{ steps: [{ until: 'ban' }, { sleep: 300 }, { w: 'hi' }, 'end'] }], server: [{ w: 'banner' }, 'end', { until: 'hi' }] },
  { name: 'fin-client', mode: 'tcp', fe: 'timeout client-fin 300ms', clients: [{ steps: [{ w: 'hi' }, { until: 'yo' }] }], server: [{ until: 'hi' }, { w: 'yo' }, 'end'] },
  { name: 'fin-server', mode: 'tcp', be: 'timeout server-fin 300ms', clients: [{ steps: [{ w: 'hi' }, 'end'] }], server: [{ until: 'hi' }] },
  { name: 'tunnel', mode: 'tcp', be: 'timeout tunnel 3s', clients: [{ steps: [{ w: 'hi' }, { until: 'yo' }, { sleep: 1500 }, { w: 'hi' }, 'end'] }], server: [{ until: 'hi' }, { w: 'yo' }] },
  { name: 'tunnel-nofin', mode: 'tcp', be: 'timeout tunnel 3s', clients: [{ steps: [{ w: 'hi' }, { until: 'yo' }, { sleep: 1500 }, { w: 'hi' }] }], server: [{ until: 'hi' }, { w: 'yo' }] },
  { name: 'tunnel-fin-later', mode: 'tcp', be: 'timeout tunnel 3s', clients: [{ steps: [{ w: 'hi' }, { until: 'yo' }, { sleep: 1500 }, { w: 'hi' }, { sleep: 500 }, 'end'] }], server: [{ until: 'hi' }, { w: 'yo' }] },
  { name: 'tunnel-fin-only', mode: 'tcp', be: 'timeout tunnel 3s', clients: [{ steps: [{ w: 'hi' }, { until: 'yo' }, { sleep: 1500 }, 'end'] }], server: [{ until: 'hi' }, { w: 'yo' }] },
  { name: 'idle-fin-only', mode: 'tcp', be: 'timeout server 3s', clients: [{ steps: [{ w: 'hi' }, { until: 'yo' }, { sleep: 500 }, 'end'] }], server: [{ until: 'hi' }, { w: 'yo' }] },
  { name: 'tunnel-idle', mode: 'tcp', be: 'timeout tunnel 1500ms', clients: [{ steps: [{ w: 'hi' }, { until: 'yo' }] }], server: [{ until: 'hi' }, { w: 'yo' }] },
  // which timer ends an idle or one-way tunnel: timeout tunnel against the client's (1 s) and server's (2 s) (session 11)
  { name: 'tun-short', mode: 'tcp', be: 'timeout tunnel 500ms', clients: [{ steps: [{ w: 'hi' }, { until: 'yo' }] }], server: [{ until: 'hi' }, { w: 'yo' }] },
  { name: 'tun-eq-client', mode: 'tcp', be: 'timeout tunnel 1s', clients: [{ steps: [{ w: 'hi' }, { until: 'yo' }] }], server: [{ until: 'hi' }, { w: 'yo' }] },
  { name: 'tun-long-client', mode: 'tcp', fe: 'timeout client 3s', be: 'timeout tunnel 1s', clients: [{ steps: [{ w: 'hi' }, { until: 'yo' }] }], server: [{ until: 'hi' }, { w: 'yo' }] },
  { name: 'tun-oneway-cli', mode: 'tcp', be: 'timeout tunnel 1s', clients: [{ steps: [{ w: 'hi' }, { until: 'yo' }, ...Array.from({ length: 8 }, () => [{ sleep: 300 }, { w: 'x' }]).flat() as Scenario['clients'][0]['steps']] }], server: [{ until: 'hi' }, { w: 'yo' }] },
  { name: 'tun-oneway-srv', mode: 'tcp', be: 'timeout tunnel 1s', clients: [{ steps: [{ w: 'hi' }, { until: 'yo' }] }], server: [{ until: 'hi' }, { w: 'yo' }, ...Array.from({ length: 8 }, () => [{ sleep: 300 }, { w: 'y' }]).flat() as Step[]] },
  { name: 'oneway-cli', mode: 'tcp', clients: [{ steps: [{ w: 'hi' }, { until: 'yo' }, ...Array.from({ length: 10 }, () => [{ sleep: 300 }, { w: 'x' }]).flat() as Scenario['clients'][0]['steps']] }], server: [{ until: 'hi' }, { w: 'yo' }] },
  { name: 'oneway-srv', mode: 'tcp', clients: [{ steps: [{ w: 'hi' }, { until: 'yo' }] }], server: [{ until: 'hi' }, { w: 'yo' }, ...Array.from({ length: 4 }, () => [{ sleep: 300 }, { w: 'y' }]).flat() as Step[]] },
  { name: 'srv-shorter', mode: 'tcp', fe: 'timeout client 3s', be: 'timeout server 1s', clients: [{ steps: [{ w: 'hi' }, { until: 'yo' }] }], server: [{ until: 'hi' }, { w: 'yo' }] },
  // tcp-request content rules without tcp-request inspect-delay: evaluated once, at once, on what is there (session 11)
  { name: 'nodelay-len-late', mode: 'tcp', fe: 'tcp-request content accept if { req.len gt 0 }\n  tcp-request content reject', clients: [{ steps: [{ sleep: 200 }, { w: 'hi' }, { until: 'yo' }, 'end'] }], server: ECHO },
  { name: 'nodelay-len-eq0', mode: 'tcp', fe: 'tcp-request content reject if { req.len eq 0 }', clients: [{ steps: [{ sleep: 200 }, { w: 'hi' }, { until: 'yo' }, 'end'] }], server: ECHO },
  { name: 'nodelay-payload', mode: 'tcp', fe: 'tcp-request content reject if { req.payload(0,2) -m str hi }', clients: [{ steps: [{ sleep: 200 }, { w: 'hi' }, { until: 'yo' }, 'end'] }], server: ECHO },
  { name: 'nodelay-payload-not', mode: 'tcp', fe: 'tcp-request content reject if ! { req.payload(0,2) -m str hi }', clients: [{ steps: [{ sleep: 200 }, { w: 'hi' }, { until: 'yo' }, 'end'] }], server: ECHO },
  { name: 'nodelay-hello-late', mode: 'tcp', fe: 'tcp-request content accept if { req.ssl_hello_type 1 }\n  tcp-request content reject', clients: [{ steps: [{ sleep: 200 }, { w: HELLO }, { until: 'one' }, 'end'] }], server: ONE },
  { name: 'nodelay-sni-late', mode: 'tcp', be: 'use-server s2 if { req.ssl_sni -i example.com }', more: [TWO], clients: [{ steps: [{ sleep: 200 }, { w: HELLO }, { until: 'o' }, 'end'] }], server: ONE },
  { name: 'nodelay-be-len', mode: 'tcp', be: 'tcp-request content reject if { req.len eq 0 }', clients: [{ steps: [{ sleep: 200 }, { w: 'hi' }, { until: 'yo' }, 'end'] }], server: ECHO },
  { name: 'nodelay-track', mode: 'tcp', fe: 'stick-table type binary len 2 size 1k store conn_cnt\n  tcp-request content track-sc0 req.payload(0,2)\n  tcp-request content reject if { sc0_conn_cnt gt 0 }', clients: [{ steps: [{ sleep: 200 }, { w: 'hi' }, { until: 'yo' }, 'end'] }], server: ECHO },
  { name: 'nodelay-setvar', mode: 'tcp', fe: 'tcp-request content set-var(sess.n) req.len\n  log-format "%ci %ft %b/%s %ts n=%[var(sess.n)]"', clients: [{ steps: [{ sleep: 200 }, { w: 'hi' }, { until: 'yo' }, 'end'] }], server: ECHO },
  // an SSLv2-compatible ClientHello (old clients' first record): req.ssl_ver reads its version, no hello type, no SNI (session 11)
  { name: 'v2-ver', mode: 'tcp', fe: 'tcp-request inspect-delay 2s\n  tcp-request content accept if { req.ssl_ver 3.1 }\n  tcp-request content reject', clients: [{ steps: [{ w: V2HELLO }, { until: 'one' }, 'end'] }], server: V2SRV },
  { name: 'v2-ver-ge', mode: 'tcp', fe: 'tcp-request inspect-delay 2s\n  tcp-request content accept if { req.ssl_ver ge 3.0 }\n  tcp-request content reject', clients: [{ steps: [{ w: V2HELLO }, { until: 'one' }, 'end'] }], server: V2SRV },
  { name: 'v2-ver-var', mode: 'tcp', fe: 'tcp-request inspect-delay 2s\n  tcp-request content set-var(sess.v) req.ssl_ver\n  tcp-request content set-var(sess.o) req_ssl_ver\n  tcp-request content accept if { req.len gt 0 }\n  log-format "%ci %ft %b/%s %ts v=%[var(sess.v)] o=%[var(sess.o)]"', clients: [{ steps: [{ w: V2HELLO }, { until: 'one' }, 'end'] }], server: V2SRV },
  { name: 'v2-ver2-var', mode: 'tcp', fe: 'tcp-request inspect-delay 2s\n  tcp-request content set-var(sess.v) req.ssl_ver\n  tcp-request content accept if { req.len gt 0 }\n  log-format "%ci %ft %b/%s %ts v=%[var(sess.v)]"', clients: [{ steps: [{ w: V2HELLO2 }, { until: 'one' }, 'end'] }], server: V2SRV },
  { name: 'v2-hello-type', mode: 'tcp', fe: 'tcp-request inspect-delay 500ms\n  tcp-request content set-var(sess.t) req.ssl_hello_type\n  tcp-request content accept if { req.ssl_hello_type 1 }\n  log-format "%ci %ft %b/%s %ts t=%[var(sess.t)]"', clients: [{ steps: [{ w: V2HELLO }, { until: 'one' }, 'end'] }], server: V2SRV },
  { name: 'v2-sni', mode: 'tcp', fe: 'tcp-request inspect-delay 500ms\n  tcp-request content accept if { req.len gt 0 }', be: 'use-server s2 if { req_ssl_sni -m found }', more: [{ server: [{ sleep: 50 }, { w: 'two' }, 'end'] }], clients: [{ steps: [{ w: V2HELLO }, { until: 'o' }, 'end'] }], server: V2SRV },
  { name: 'v2-split', mode: 'tcp', fe: 'tcp-request inspect-delay 2s\n  tcp-request content accept if { req.ssl_ver 3.1 }\n  tcp-request content reject', clients: [{ steps: [{ w: V2HELLO.subarray(0, 7) }, { sleep: 200 }, { w: V2HELLO.subarray(7) }, { until: 'one' }, 'end'] }], server: V2SRV },
  { name: 'v2-bad-sum', mode: 'tcp', fe: V2VAR, clients: [{ steps: [{ w: Buffer.concat([Buffer.from([0x80, V2HELLO[1] + 4]), V2HELLO.subarray(2), Buffer.alloc(4)]) }, { until: 'one' }, 'end'] }], server: V2SRV },
  { name: 'v2-part-expire', mode: 'tcp', fe: V2VAR, clients: [{ steps: [{ w: V2HELLO.subarray(0, V2HELLO.length - 1) }, { until: 'one' }, 'end'] }], server: V2SRV },
  { name: 'ver-plain-short', mode: 'tcp', fe: V2VAR, clients: [{ steps: [{ w: 'hi' }, { until: 'one' }, 'end'] }], server: V2SRV },
  { name: 'big-both', mode: 'tcp', clients: [{ steps: [{ w: 'hi' + 'x'.repeat(200000) }, 'end', { until: 'yo' }] }], server: [{ until: 'hi' }, { sleep: 200 }, { w: 'yo' + 'y'.repeat(300000) }, 'end'] },
];

export const COLS = ['scur', 'stot', 'bin', 'bout', 'dreq', 'dresp', 'ereq', 'econ', 'eresp', 'cli_abrt', 'srv_abrt', 'dcon', 'dses', 'wretr', 'wredis', 'conn_tot', 'req_tot'];

/** What a server got: PROXY v1 ports and v2 port bytes masked, TLS hellos and bytes past 0x7f shown as their length. */
export function srvData(side: Side, s: Scenario): string {
  const parts: string[] = [];
  for (let k = 0; k <= (s.more?.length ?? 0); k++) {
    const got = side.srvGot.get(k === 0 ? s.name : `${s.name}#s${k + 1}`) ?? [];
    parts.push(`s${k + 1}:[` + got.map((g) => {
      let d = g();
      let pre = '';
      if (d.startsWith('\r\n\r\n\0\r\nQUIT\n')) { const b = Buffer.from(d, 'latin1'); const n = 16 + b.readUInt16BE(14); pre = `v2(${b.subarray(12, 24).toString('hex')}..${n}B)`; d = d.slice(n); }
      d = d.replace(/^(PROXY TCP4 \S+ \S+) \d+ \d+\r\n/, '$1 P P\r\n');
      return pre + (d.includes('\x16\x03') ? `hello${d.length}B` : d.length > 64 ? `${d.length}B` : /[\x80-\xff]/.test(d) ? `bin${d.length}B` : JSON.stringify(d));
    }).join(',') + ']');
  }
  return parts.join(' ');
}

/** Log line: the client address kept, its port and the date masked, timers by shape (0/N/-1), Tt in 0.5 s steps. */
export function maskRaw(l: string): string {
  return l.replace(/^.*?\]: /, '').replace(/^([0-9.]+):\d+ \[[^\]]+\] /, '$1:P ')
    .replace(/ (-?\d+(?:\/\+?-?\d+){2,4}) /, (_m, t: string) => ' ' + t.split('/').map((x, i, a) => (x === '-1' ? x : i === a.length - 1 ? `~${(Math.round(Number(x) / 500) / 2).toFixed(1)}` : 'N')).join('/') + ' ')
    .replace(/ \d+\/(\d+\/\d+\/\d+\/\+?\d+ \d+\/\d+)$/, ' a/$1');
}

/**
 * How a client that connected and wrote while the proxy was stopped (SIGSTOP, 100 ms) ends: its bytes are waiting
 * in the socket when the proxy accepts it. `FIN`, `RST` or `open` (nothing within 2 s).
 */
export async function frozenClient(side: Side, name: string): Promise<string> {
  const pid = side.child.pid!;
  process.kill(pid, 'SIGSTOP');
  let how = 'open';
  const sock = net.connect(side.fe.get(name)!, '127.0.0.1');
  sock.on('data', () => {});
  sock.on('end', () => { if (how === 'open') how = 'FIN'; });
  sock.on('error', (e: NodeJS.ErrnoException) => { if (how === 'open') how = e.code === 'ECONNRESET' ? 'RST' : e.code ?? 'ERR'; });
  await new Promise<void>((r) => { sock.on('connect', () => r()); sock.on('error', () => r()); });
  sock.write('hi');
  await new Promise((r) => setTimeout(r, 100));
  process.kill(pid, 'SIGCONT');
  for (let i = 0; i < 40 && how === 'open'; i++) await new Promise((r) => setTimeout(r, 50));
  sock.destroy();
  return how;
}

export { PROBE };

/** One scenario's comparable outcome: clients (without times when `timeless`), servers' data, masked log lines. */
export async function outcome(side: Side, s: Scenario, timeless = false): Promise<{ clients: string[]; srv: string; log: string[] }> {
  const o = await runOne(side, s);
  return { clients: timeless ? o.clients.map((c) => c.replace(/@\d+\.\d$/, '')) : o.clients, srv: srvData(side, s), log: o.raw.map(maskRaw).sort() };
}

/** The COLS counters of scenario `name`'s frontend, backend and servers. */
export function stats(rows: Map<string, Map<string, string>>, name: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, r] of rows) if (key === `f_${name}/FRONTEND` || key.startsWith(`b_${name}/`)) out[key] = COLS.map((c) => `${c}=${r.get(c) ?? ''}`).join(' ');
  return out;
}

/** SAVE=<file>: HAProxy's outcomes alone as the JSON golden of test/e2e/tcp/tcp-diff.test.ts. */
async function save(scen: Scenario[], file: string): Promise<void> {
  const hp = await startSide('haproxy', [process.env.HAPROXY ?? '/usr/sbin/haproxy'], [PROBE, ...scen]);
  const res = await Promise.all(scen.map((s) => outcome(hp, s, true)));
  for (let i = 0; i < scen.length; i++) if (scen[i].clients.length === 0) res[i].clients = [await frozenClient(hp, scen[i].name)];
  const rows = await showStat(path.join(OUT, 'haproxy.sock'));
  const golden: Record<string, unknown> = {};
  scen.forEach((s, i) => { golden[s.name] = { ...res[i], stat: stats(rows, s.name) }; });
  fs.writeFileSync(file, JSON.stringify(golden, null, 1) + '\n');
  hp.child.kill('SIGTERM');
  for (const v of hp.srv.values()) v.close();
  process.exit(0);
}

async function main(): Promise<void> {
  const ONLY = process.env.ONLY ? new Set(process.env.ONLY.split(',')) : null;
  const scen = ONLY ? TCP_SCENARIOS.filter((s) => ONLY.has(s.name)) : TCP_SCENARIOS;
  if (process.env.SAVE) return save(scen, process.env.SAVE);
  const DIST = process.env.DIST ?? 'dist';
  const hp = await startSide('haproxy', [process.env.HAPROXY ?? '/usr/sbin/haproxy'], [PROBE, ...scen]);
  const sl = await startSide('sluice', [process.execPath, path.join(DIST, 'proxy/main.js')], [PROBE, ...scen]);
  process.on('exit', () => { hp.child.kill('SIGTERM'); sl.child.kill('SIGTERM'); });
  let diffs = 0;
  const BATCH = Number(process.env.BATCH ?? 6);
  for (let i = 0; i < scen.length; i += BATCH) {
    const batch = scen.slice(i, i + BATCH);
    const res = await Promise.all(batch.map((s) => Promise.all([runOne(hp, s), runOne(sl, s)])));
    for (let j = 0; j < batch.length; j++) {
      if (batch[j].clients.length === 0) for (let k = 0; k < 2; k++) res[j][k].clients = [await frozenClient(k === 0 ? hp : sl, batch[j].name)];
    }
    for (let j = 0; j < batch.length; j++) {
      const s = batch[j];
      const [a, b] = res[j];
      const la = a.raw.map(maskRaw).sort();
      const lb = b.raw.map(maskRaw).sort();
      const da = srvData(hp, s);
      const db = srvData(sl, s);
      const what: string[] = [];
      if (a.clients.join('|') !== b.clients.join('|')) what.push('client');
      if (a.server !== b.server) what.push('server');
      if (da !== db) what.push('srvdata');
      if (la.join('\n') !== lb.join('\n')) what.push('log');
      const line = `  haproxy: ${a.clients.join(' | ')} ; srv ${a.server} ; ${da}\n    ${la.join('\n    ')}\n  sluice : ${b.clients.join(' | ')} ; srv ${b.server} ; ${db}\n    ${lb.join('\n    ')}\n`;
      fs.appendFileSync(path.join(OUT, 'all.txt'), `${s.name} [${what.join(',')}]\n${line}`);
      if (what.length === 0) continue;
      diffs++;
      process.stdout.write(`DIFF ${s.name} [${what.join(',')}]\n${line}`);
    }
  }
  const [sa, sb] = await Promise.all([showStat(path.join(OUT, 'haproxy.sock')), showStat(path.join(OUT, 'sluice.sock'))]);
  let sdiffs = 0;
  for (const s of scen) {
    const d: string[] = [];
    for (const [key, ra] of sa) {
      if (key !== `f_${s.name}/FRONTEND` && !key.startsWith(`b_${s.name}/`)) continue;
      for (const c of COLS) if ((ra.get(c) ?? '') !== (sb.get(key)?.get(c) ?? '(none)')) d.push(`${key} ${c} ${ra.get(c)}/${sb.get(key)?.get(c) ?? '(none)'}`);
    }
    if (d.length === 0) continue;
    sdiffs++;
    process.stdout.write(`STAT ${s.name} (haproxy/sluice): ${d.join(' ; ')}\n`);
  }
  process.stdout.write(`${scen.length} scenarios, ${diffs} with differences, ${sdiffs} with different counters (all in ${OUT}/all.txt)\n`);
  for (const s of [hp, sl]) { s.child.kill('SIGTERM'); for (const v of s.srv.values()) v.close(); }
  process.exit(0);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) main().catch((e) => { console.error(e); process.exit(1); });
