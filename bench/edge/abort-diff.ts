/*
 * Live abort/timeout differential run: Sluice (DIST/proxy/main.js, built from a worktree) and HAProxy 2.6
 * (/usr/sbin/haproxy) with the same generated configuration (one frontend+backend+scripted server per scenario,
 * httplog/tcplog to a UDP sink, timeouts client 1s / server 2s / connect 1s / http-request 1s / keep-alive 1s /
 * queue 1s). Each scenario scripts the client(s) and the server (write, sleep, FIN, RST, stall); compared: the log
 * lines (timers by shape, Ta/Tt in 0.5 s steps), how and when (0.5 s steps) each client and server connection ended.
 * Not a test: prints one block per difference. Loopback only, bounded (~5 s per batch of scenarios).
 * Run: DIST=/tmp/aborts-wt/dist node --import tsx bench/edge/abort-diff.ts   env: ONLY=name,... HAPROXY=/usr/sbin/haproxy
 * A first frontend (PROBE) takes the readiness probe. After the scenarios, `show stat` of both sides: the counters
 * hatop shows (STAT_COLS) compared per scenario. SAVE=<file> runs HAProxy alone and writes its outcomes as JSON (the
 * goldens of test/e2e/aborts).
 * A server step 'freeze' stops the proxy (SIGSTOP) until the server's FIN is out: what the server sends meanwhile
 * (data and FIN) is in the proxy's socket all at once when it wakes up. A step 'close' closes a socket for good
 * (close(): the next bytes it gets draw a RST). Also compared: what each server connection received.
 */
import net from 'node:net';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { spawn, type ChildProcess } from 'node:child_process';
import { waitPort, syslogSink } from '../_util/proxy-bench.ts';

export type Step = { w: string | Buffer } | { sleep: number } | { until: string } | 'end' | 'rst' | 'close' | 'head' | 'freeze';
export interface Scenario {
  name: string; mode?: 'http' | 'tcp'; fe?: string; be?: string; srv?: string; bind?: string;
  clients: { delay?: number; steps: Step[] }[];
  server: Step[] | null;               // null: no server listening (connect refused)
  addr?: string;                        // server address instead of the scripted one
  more?: { server: Step[] | null; srv?: string }[];   // servers s2, s3, ... after s1
  exact?: boolean;                      // compare counters (but actconn) and every timer in 0.5 s steps
}
interface End { how: string; at: number }

export const OUT = process.env.OUT ?? fs.mkdtempSync(path.join(os.tmpdir(), 'abort-diff-'));
fs.mkdirSync(OUT, { recursive: true });
const DIST = process.env.DIST ?? '/tmp/aborts-wt/dist';
const ONLY = process.env.ONLY ? new Set(process.env.ONLY.split(',')) : null;

const GET = 'GET / HTTP/1.1\r\nHost: a\r\n\r\n';
const POST = (n: number): string => `POST / HTTP/1.1\r\nHost: a\r\nContent-Length: ${n}\r\n\r\n`;
const OK = 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok';
const OKC = 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok';
const CL100 = 'HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789';
const CHUNK = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\na\r\n0123456789\r\n';
const PCH = 'POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n';
const CDELIM = 'HTTP/1.1 200 OK\r\n\r\n0123456789';
const SLOW = 'HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n0123456789';
const FREEZE_MS = 20;
const R413 = 'HTTP/1.1 413 Payload Too Large\r\nContent-Length: 2\r\n\r\nno';
const R413C = 'HTTP/1.1 413 Payload Too Large\r\nContent-Length: 2\r\nConnection: close\r\n\r\nno';
const B90 = '0123456789'.repeat(9);
const CONNECT = 'CONNECT a.example:443 HTTP/1.1\r\nHost: a.example:443\r\n\r\n';
const TUNNEL: Step[] = ['head', { w: 'HTTP/1.1 200 Connection established\r\n\r\n' }, { until: 'hi' }, { w: 'yo' }, 'end'];

export const ABORT_SCENARIOS: Scenario[] = [
  { name: 'base', clients: [{ steps: [{ w: GET }, 'head', { sleep: 100 }, 'end'] }], server: ['head', { w: OK }] },
  // client, before/while sending the head
  { name: 'c-empty-fin', clients: [{ steps: ['end'] }], server: ['head', { w: OK }] },
  { name: 'c-empty-rst', clients: [{ steps: [{ sleep: 100 }, 'rst'] }], server: ['head', { w: OK }] },
  { name: 'c-empty-stall', clients: [{ steps: [] }], server: ['head', { w: OK }] },
  { name: 'c-empty-rst-dontlognull', fe: 'option dontlognull', clients: [{ steps: [{ sleep: 100 }, 'rst'] }], server: ['head', { w: OK }] },
  { name: 'c-empty-fin-dontlognull', fe: 'option dontlognull', clients: [{ steps: ['end'] }], server: ['head', { w: OK }] },
  { name: 'c-head-rst-dontlognull', fe: 'option dontlognull', clients: [{ steps: [{ w: 'GET / HTTP/1.1\r\nHost: a\r\n' }, { sleep: 100 }, 'rst'] }], server: ['head', { w: OK }] },
  { name: 'c-empty-rst-probes', fe: 'option http-ignore-probes', clients: [{ steps: [{ sleep: 100 }, 'rst'] }], server: ['head', { w: OK }] },
  { name: 'c-ka-partial-rst', clients: [{ steps: [{ w: GET }, { until: 'ok' }, { sleep: 200 }, { w: 'GET / HT' }, { sleep: 100 }, 'rst'] }], server: ['head', { w: OK }] },
  { name: 'c-head-fin', clients: [{ steps: [{ w: 'GET / HTTP/1.1\r\nHost: a\r\n' }, 'end'] }], server: ['head', { w: OK }] },
  { name: 'c-head-rst', clients: [{ steps: [{ w: 'GET / HTTP/1.1\r\nHost: a\r\n' }, { sleep: 100 }, 'rst'] }], server: ['head', { w: OK }] },
  { name: 'c-head-stall', clients: [{ steps: [{ w: 'GET / HTTP/1.1\r\nHost: a\r\n' }] }], server: ['head', { w: OK }] },
  // client, during the request body
  { name: 'c-body-fin', clients: [{ steps: [{ w: POST(100) + '0123456789' }, { sleep: 200 }, 'end'] }], server: ['head'] },
  { name: 'c-body-rst', clients: [{ steps: [{ w: POST(100) + '0123456789' }, { sleep: 200 }, 'rst'] }], server: ['head'] },
  { name: 'c-body-stall', clients: [{ steps: [{ w: POST(100) + '0123456789' }] }], server: ['head'] },
  { name: 'c-body-stall-srvok', clients: [{ steps: [{ w: POST(100) + '0123456789' }] }], server: ['head', { sleep: 1500 }, { w: OK }] },
  // client, while waiting for the response
  { name: 'c-wait-fin', clients: [{ steps: [{ w: GET }, { sleep: 200 }, 'end'] }], server: ['head', { sleep: 1000 }, { w: OK }] },
  { name: 'c-wait-rst', clients: [{ steps: [{ w: GET }, { sleep: 200 }, 'rst'] }], server: ['head', { sleep: 1000 }, { w: OK }] },
  { name: 'c-wait-fin-aoc', be: 'option abortonclose', clients: [{ steps: [{ w: GET }, { sleep: 200 }, 'end'] }], server: ['head', { sleep: 1000 }, { w: OK }] },
  { name: 'c-wait-rst-aoc', be: 'option abortonclose', clients: [{ steps: [{ w: GET }, { sleep: 200 }, 'rst'] }], server: ['head', { sleep: 1000 }, { w: OK }] },
  { name: 'c-wait-long', clients: [{ steps: [{ w: GET }] }], server: ['head', { sleep: 1500 }, { w: OK }] },
  // client, during the response body
  { name: 'c-resp-fin', clients: [{ steps: [{ w: GET }, { until: '0123456789' }, 'end'] }], server: ['head', { w: SLOW }, { sleep: 1000 }, 'end'] },
  { name: 'c-resp-rst', clients: [{ steps: [{ w: GET }, { until: '0123456789' }, 'rst'] }], server: ['head', { w: SLOW }, { sleep: 1000 }, 'end'] },
  { name: 'c-resp-rst-logasap', fe: 'option logasap', clients: [{ steps: [{ w: GET }, { until: '0123456789' }, 'rst'] }], server: ['head', { w: SLOW }, { sleep: 1000 }, 'end'] },
  // client, keep-alive between requests
  { name: 'c-ka-idle', clients: [{ steps: [{ w: GET }, { until: 'ok' }] }], server: ['head', { w: OK }] },
  { name: 'c-ka-fin', clients: [{ steps: [{ w: GET }, { until: 'ok' }, { sleep: 200 }, 'end'] }], server: ['head', { w: OK }] },
  { name: 'c-ka-rst', clients: [{ steps: [{ w: GET }, { until: 'ok' }, { sleep: 200 }, 'rst'] }], server: ['head', { w: OK }] },
  { name: 'c-ka-partial', clients: [{ steps: [{ w: GET }, { until: 'ok' }, { sleep: 200 }, { w: 'GET / HT' }] }], server: ['head', { w: OK }] },
  { name: 'c-ka-partial-fin', clients: [{ steps: [{ w: GET }, { until: 'ok' }, { sleep: 200 }, { w: 'GET / HT' }, 'end'] }], server: ['head', { w: OK }] },
  // server
  { name: 's-fin-before-head', clients: [{ steps: [{ w: GET }] }], server: ['head', 'end'] },
  { name: 's-rst-before-head', clients: [{ steps: [{ w: GET }] }], server: ['head', 'rst'] },
  { name: 's-fin-mid-head', clients: [{ steps: [{ w: GET }] }], server: ['head', { w: 'HTTP/1.1 200 OK\r\nConte' }, 'end'] },
  { name: 's-rst-mid-head', clients: [{ steps: [{ w: GET }] }], server: ['head', { w: 'HTTP/1.1 200 OK\r\nConte' }, { sleep: 100 }, 'rst'] },
  { name: 's-stall-mid-head', clients: [{ steps: [{ w: GET }] }], server: ['head', { w: 'HTTP/1.1 200 OK\r\nConte' }] },
  { name: 's-never', clients: [{ steps: [{ w: GET }] }], server: ['head'] },
  { name: 's-cl-fin', clients: [{ steps: [{ w: GET }] }], server: ['head', { w: CL100 }, { sleep: 100 }, 'end'] },
  { name: 's-cl-rst', clients: [{ steps: [{ w: GET }] }], server: ['head', { w: CL100 }, { sleep: 100 }, 'rst'] },
  { name: 's-cl-stall', clients: [{ steps: [{ w: GET }] }], server: ['head', { w: CL100 }] },
  { name: 's-chunked-fin', clients: [{ steps: [{ w: GET }] }], server: ['head', { w: CHUNK }, { sleep: 100 }, 'end'] },
  { name: 's-chunked-rst', clients: [{ steps: [{ w: GET }] }], server: ['head', { w: CHUNK }, { sleep: 100 }, 'rst'] },
  { name: 's-chunked-stall', clients: [{ steps: [{ w: GET }] }], server: ['head', { w: CHUNK }] },
  { name: 's-cdelim-fin', clients: [{ steps: [{ w: GET }] }], server: ['head', { w: CDELIM }, { sleep: 100 }, 'end'] },
  { name: 's-cdelim-rst', clients: [{ steps: [{ w: GET }] }], server: ['head', { w: CDELIM }, { sleep: 100 }, 'rst'] },
  { name: 's-cdelim-stall', clients: [{ steps: [{ w: GET }] }], server: ['head', { w: CDELIM }] },
  { name: 's-cl-fin-logasap', fe: 'option logasap', clients: [{ steps: [{ w: GET }] }], server: ['head', { w: CL100 }, { sleep: 100 }, 'end'] },
  { name: 's-ka-close-after', clients: [{ steps: [{ w: GET }, { until: 'ok' }, { sleep: 300 }, { w: GET }] }], server: ['head', { w: OK }, { sleep: 100 }, 'end'] },
  // options
  { name: 'o-httpclose', fe: 'option httpclose', clients: [{ steps: [{ w: GET }] }], server: ['head', { w: OK }] },
  { name: 'o-server-close', fe: 'option http-server-close', clients: [{ steps: [{ w: GET }, { until: 'ok' }] }], server: ['head', { w: OK }] },
  { name: 'o-queue', srv: 'maxconn 1', clients: [{ steps: [{ w: GET }] }, { delay: 100, steps: [{ w: GET }] }], server: ['head', { sleep: 1800 }, { w: OK }] },
  { name: 'o-queue-rst', srv: 'maxconn 1', clients: [{ steps: [{ w: GET }] }, { delay: 100, steps: [{ w: GET }, { sleep: 300 }, 'rst'] }], server: ['head', { sleep: 1800 }, { w: OK }] },
  { name: 'o-queue-rst-aoc', srv: 'maxconn 1', be: 'option abortonclose', clients: [{ steps: [{ w: GET }] }, { delay: 100, steps: [{ w: GET }, { sleep: 300 }, 'rst'] }], server: ['head', { sleep: 1800 }, { w: OK }] },
  { name: 'o-queue-fin', srv: 'maxconn 1', clients: [{ steps: [{ w: GET }] }, { delay: 100, steps: [{ w: GET }, { sleep: 300 }, 'end'] }], server: ['head', { sleep: 1800 }, { w: OK }] },
  { name: 'o-queue-fin-aoc', srv: 'maxconn 1', be: 'option abortonclose', clients: [{ steps: [{ w: GET }] }, { delay: 100, steps: [{ w: GET }, { sleep: 300 }, 'end'] }], server: ['head', { sleep: 1800 }, { w: OK }] },
  { name: 'o-queue-timeout', srv: 'maxconn 1', clients: [{ steps: [{ w: GET }] }, { delay: 100, steps: [{ w: GET }] }], server: ['head', { sleep: 1800 }, { w: OK }] },
  { name: 'o-server-close-srvfin', fe: 'option http-server-close', clients: [{ steps: [{ w: GET }, { until: 'ok' }, { sleep: 200 }, { w: GET }] }], server: ['head', { w: OK }, 'end'] },
  { name: 'c-wait-fin-srvfail', clients: [{ steps: [{ w: GET }, { sleep: 200 }, 'end'] }], server: ['head', { sleep: 600 }, 'end'] },
  { name: 'c-wait-rst-srvfail', clients: [{ steps: [{ w: GET }, { sleep: 200 }, 'rst'] }], server: ['head', { sleep: 600 }, 'end'] },
  { name: 'c-wait-rst-never', clients: [{ steps: [{ w: GET }, { sleep: 200 }, 'rst'] }], server: ['head'] },
  { name: 'c-body-fin-srvok', clients: [{ steps: [{ w: POST(100) + '0123456789' }, { sleep: 200 }, 'end'] }], server: ['head', { sleep: 600 }, { w: OK }] },
  { name: 'c-chunked-body-rst', clients: [{ steps: [{ w: 'POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\na\r\n0123456789\r\n' }, { sleep: 200 }, 'rst'] }], server: ['head'] },
  { name: 'c-chunked-body-fin', clients: [{ steps: [{ w: 'POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\na\r\n0123456789\r\n' }, { sleep: 200 }, 'end'] }], server: ['head'] },
  { name: 'c-chunked-body-stall', clients: [{ steps: [{ w: 'POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\na\r\n0123456789\r\n' }] }], server: ['head'] },
  { name: 'c-pipelined-rst', clients: [{ steps: [{ w: GET + GET }, { sleep: 100 }, 'rst'] }], server: ['head', { sleep: 600 }, { w: OK }] },
  { name: 's-100-then-fin', clients: [{ steps: [{ w: POST(10) }] }], server: ['head', { w: 'HTTP/1.1 100 Continue\r\n\r\n' }, { sleep: 100 }, 'end'] },
  { name: 's-204-then-rst', clients: [{ steps: [{ w: GET }] }], server: ['head', { w: 'HTTP/1.1 204 No Content\r\n\r\n' }, { sleep: 100 }, 'rst'] },
  { name: 's-ka-rst-after', clients: [{ steps: [{ w: GET }, { until: 'ok' }, { sleep: 300 }, { w: GET }] }], server: ['head', { w: OK }, { sleep: 100 }, 'rst'] },
  { name: 's-cl-fin-logasap-keep', fe: 'option logasap', clients: [{ steps: [{ w: GET }] }], server: ['head', { w: CL100 }] },
  { name: 'c-resp-stall-read', clients: [{ steps: [{ w: 'GET /big HTTP/1.1\r\nHost: a\r\n\r\n' }] }], server: ['head', { w: 'HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n' + 'x'.repeat(100) }] },
  { name: 's-fin-before-head-logasap', fe: 'option logasap', clients: [{ steps: [{ w: GET }] }], server: ['head', 'end'] },
  { name: 's-never-logasap', fe: 'option logasap', clients: [{ steps: [{ w: GET }] }], server: ['head'] },
  { name: 'c-http10-fin', clients: [{ steps: [{ w: 'GET / HTTP/1.0\r\n\r\n' }, 'end'] }], server: ['head', { sleep: 300 }, { w: OK }] },
  { name: 'c-connclose-srvka', clients: [{ steps: [{ w: 'GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n' }] }], server: ['head', { w: OK }] },
  { name: 's-cl-stall-logasap', fe: 'option logasap', clients: [{ steps: [{ w: GET }] }], server: ['head', { w: CL100 }] },
  { name: 'c-body-rst-aoc', be: 'option abortonclose', clients: [{ steps: [{ w: POST(100) + '0123456789' }, { sleep: 200 }, 'rst'] }], server: ['head'] },
  { name: 's-chunked-stall-hsc', fe: 'option http-server-close', clients: [{ steps: [{ w: GET }] }], server: ['head', { w: CHUNK }] },
  { name: 'o-refused', be: 'retries 2', clients: [{ steps: [{ w: GET }] }], server: null },
  { name: 'o-refused-redisp', be: 'retries 2\n  option redispatch', clients: [{ steps: [{ w: GET }] }], server: null },
  // a client abort during the request body: the server's state decides D, L or R (session 8)
  { name: 'c-body-rst-srvclose', clients: [{ steps: [{ w: POST(100) + '0123456789' }, { sleep: 300 }, 'rst'] }], server: ['head', { w: OKC }, 'end'] },
  { name: 'c-body-fin-srvclose', clients: [{ steps: [{ w: POST(100) + '0123456789' }, { sleep: 300 }, 'end'] }], server: ['head', { w: OKC }, 'end'] },
  { name: 'c-body-stall-srvclose', clients: [{ steps: [{ w: POST(100) + '0123456789' }] }], server: ['head', { w: OKC }, 'end'] },
  { name: 'c-body-done-srvclose', clients: [{ steps: [{ w: POST(100) + '0123456789' }, { sleep: 300 }, { w: '0123456789'.repeat(9) }] }], server: ['head', { w: OKC }, 'end'] },
  { name: 'c-body-more-srvclose', clients: [{ steps: [{ w: POST(100) + '0123456789' }, { sleep: 300 }, { w: '0123456789' }, { sleep: 300 }, 'rst'] }], server: ['head', { w: OKC }, 'end'] },
  { name: 'c-body-rst-srvclose-late', clients: [{ steps: [{ w: POST(100) + '0123456789' }, { sleep: 700 }, 'rst'] }], server: ['head', { sleep: 300 }, { w: OKC }, 'end'] },
  { name: 'c-body-fin-queued', srv: 'maxconn 1', exact: true, clients: [{ steps: [{ w: GET }] }, { delay: 100, steps: [{ w: POST(100) + '0123456789' }, { sleep: 300 }, 'end'] }], server: ['head', { sleep: 800 }, { w: OK }] },
  { name: 'c-pipelined-fin', clients: [{ steps: [{ w: GET + GET }, 'end'] }], server: ['head', { sleep: 300 }, { w: OK }, 'head', { w: OK }] },
  { name: 'c-pipelined-3-fin', clients: [{ steps: [{ w: GET + GET + GET }, 'end'] }], server: ['head', { w: OK }, 'head', { w: OK }, 'head', { w: OK }] },
  { name: 'c-pipelined-rst-late', clients: [{ steps: [{ w: GET + GET }, { sleep: 400 }, 'rst'] }], server: ['head', { sleep: 200 }, { w: OK }, 'head', { sleep: 600 }, { w: OK }] },
  { name: 'c-body-rst-srvka', clients: [{ steps: [{ w: POST(100) + '0123456789' }, { sleep: 300 }, 'rst'] }], server: ['head', { w: OK }] },
  { name: 'c-body-fin-srvka', clients: [{ steps: [{ w: POST(100) + '0123456789' }, { sleep: 300 }, 'end'] }], server: ['head', { w: OK }] },
  { name: 'c-body-rst-srvfin', clients: [{ steps: [{ w: POST(100) + '0123456789' }, { sleep: 300 }, 'rst'] }], server: ['head', { w: OK }, 'end'] },
  { name: 'c-body-rst-buffered', be: 'option http-buffer-request', clients: [{ steps: [{ w: POST(100) + '0123456789' }, { sleep: 200 }, 'rst'] }], server: ['head', { w: OK }] },
  { name: 'c-body-fin-buffered', be: 'option http-buffer-request', clients: [{ steps: [{ w: POST(100) + '0123456789' }, { sleep: 200 }, 'end'] }], server: ['head', { w: OK }] },
  { name: 'c-body-rst-now', clients: [{ steps: [{ w: POST(100) + '0123456789' }, 'rst'] }], server: ['head', { w: OK }] },
  { name: 'c-body-rst-queued', srv: 'maxconn 1', exact: true, clients: [{ steps: [{ w: GET }] }, { delay: 100, steps: [{ w: POST(100) + '0123456789' }, { sleep: 300 }, 'rst'] }], server: ['head', { sleep: 800 }, { w: OK }] },
  { name: 'c-body-rst-srv100', clients: [{ steps: [{ w: POST(100) + '0123456789' }, { sleep: 300 }, 'rst'] }], server: ['head', { w: 'HTTP/1.1 100 Continue\r\n\r\n' }] },
  { name: 'c-body-rst-srvcl', clients: [{ steps: [{ w: POST(100) + '0123456789' }, { sleep: 300 }, 'rst'] }], server: ['head', { w: SLOW }] },
  // queues (exact counters and timers)
  { name: 'q-two-wait', srv: 'maxconn 1', be: 'timeout queue 3s', exact: true, clients: [{ steps: [{ w: GET }] }, { delay: 100, steps: [{ w: GET }] }, { delay: 200, steps: [{ w: GET }] }], server: ['head', { sleep: 600 }, { w: OKC }, 'end'] },
  { name: 'q-two-timeout', srv: 'maxconn 1', exact: true, clients: [{ steps: [{ w: GET }] }, { delay: 100, steps: [{ w: GET }] }, { delay: 450, steps: [{ w: GET }] }], server: ['head', { sleep: 1800 }, { w: OKC }, 'end'] },
  { name: 'q-order', srv: 'maxconn 1', be: 'timeout queue 5s', exact: true, clients: [0, 100, 200, 300].map((d) => ({ delay: d, steps: [{ w: GET }] })), server: ['head', { sleep: 500 }, { w: OKC }, 'end'] },
  { name: 'q-ka', srv: 'maxconn 1', be: 'timeout queue 3s', exact: true, clients: [{ steps: [{ w: GET }, { until: 'ok' }, { sleep: 100 }, { w: GET }] }, { delay: 100, steps: [{ w: GET }] }], server: ['head', { sleep: 600 }, { w: OK }, 'head', { w: OK }] },
  { name: 'q-backend-maxconn', be: 'fullconn 10\n  timeout queue 3s', srv: 'maxconn 1', exact: true, more: [{ server: ['head', { sleep: 600 }, { w: OKC }, 'end'], srv: 'maxconn 1' }], clients: [0, 100, 200].map((d) => ({ delay: d, steps: [{ w: GET }] })), server: ['head', { sleep: 600 }, { w: OKC }, 'end'] },
  // retries and redispatch
  { name: 'r-redisp-2srv', be: 'retries 2\n  option redispatch\n  balance roundrobin', exact: true, more: [{ server: ['head', { w: OKC }, 'end'] }], clients: [{ steps: [{ w: GET }] }], server: null },
  { name: 'r-redisp-2refused', be: 'retries 2\n  option redispatch\n  balance roundrobin', exact: true, more: [{ server: null }], clients: [{ steps: [{ w: GET }] }], server: null },
  { name: 'r-redisp-3', be: 'retries 3\n  option redispatch 1\n  balance roundrobin', exact: true, more: [{ server: ['head', { w: OKC }, 'end'] }], clients: [{ steps: [{ w: GET }] }], server: null },
  { name: 'r-refused-3', be: 'retries 3', exact: true, clients: [{ steps: [{ w: GET }] }], server: null },
  { name: 'r-refused-exact', be: 'retries 2\n  option redispatch', exact: true, clients: [{ steps: [{ w: GET }] }], server: null },
  { name: 't-refused-exact', mode: 'tcp', be: 'retries 2', exact: true, clients: [{ steps: [{ w: 'hi' }] }], server: null },
  { name: 't-refused-3', mode: 'tcp', be: 'retries 3', exact: true, clients: [{ steps: [{ w: 'hi' }] }], server: null },
  { name: 't-refused-redisp', mode: 'tcp', be: 'retries 2\n  option redispatch\n  balance roundrobin', exact: true, more: [{ server: [{ until: 'hi' }, { w: 'yo' }, 'end'] }], clients: [{ steps: [{ w: 'hi' }] }], server: null },
  { name: 't-queue', mode: 'tcp', srv: 'maxconn 1', exact: true, clients: [{ steps: [{ w: 'hi' }, { until: 'yo' }, 'end'] }, { delay: 100, steps: [{ w: 'hi' }, { until: 'yo' }, 'end'] }, { delay: 200, steps: [{ w: 'hi' }, { until: 'yo' }, 'end'] }], server: [{ until: 'hi' }, { sleep: 500 }, { w: 'yo' }, 'end'] },
  { name: 't-queue-fin-hold', mode: 'tcp', srv: 'maxconn 1', exact: true, clients: [{ steps: ['end'] }, { delay: 200, steps: [{ w: 'hi' }, { until: 'yo' }, 'end'] }], server: [{ until: 'hi' }, { w: 'yo' }, 'end'] },
  { name: 't-queue-timeout', mode: 'tcp', srv: 'maxconn 1', exact: true, clients: [{ steps: [{ w: 'hi' }, { until: 'yo' }, 'end'] }, { delay: 100, steps: [{ w: 'hi' }] }], server: [{ until: 'hi' }, { sleep: 1600 }, { w: 'yo' }, 'end'] },
  // mode tcp
  { name: 't-base', mode: 'tcp', clients: [{ steps: [{ w: 'hi' }, { until: 'yo' }, 'end'] }], server: [{ until: 'hi' }, { w: 'yo' }] },
  { name: 't-c-fin', mode: 'tcp', clients: [{ steps: [{ w: 'hi' }, 'end'] }], server: [{ until: 'hi' }] },
  { name: 't-c-rst', mode: 'tcp', clients: [{ steps: [{ w: 'hi' }, { sleep: 200 }, 'rst'] }], server: [{ until: 'hi' }] },
  { name: 't-s-fin', mode: 'tcp', clients: [{ steps: [{ w: 'hi' }] }], server: [{ until: 'hi' }, { w: 'yo' }, 'end'] },
  { name: 't-s-rst', mode: 'tcp', clients: [{ steps: [{ w: 'hi' }] }], server: [{ until: 'hi' }, { w: 'yo' }, { sleep: 100 }, 'rst'] },
  { name: 't-s-first-fin', mode: 'tcp', clients: [{ steps: [] }], server: [{ w: 'banner' }, 'end'] },
  { name: 't-idle', mode: 'tcp', clients: [{ steps: [{ w: 'hi' }] }], server: [{ until: 'hi' }] },
  { name: 't-refused', mode: 'tcp', be: 'retries 2', clients: [{ steps: [{ w: 'hi' }] }], server: null },
  { name: 't-c-fin-empty', mode: 'tcp', clients: [{ steps: ['end'] }], server: [] },
  { name: 't-c-rst-empty', mode: 'tcp', clients: [{ steps: [{ sleep: 100 }, 'rst'] }], server: [] },
  // how the server connection ends when the server's FIN came with the end of its response (2.6 sees it in the same
  // wake-up and closes with a FIN), or later (a RST, unless the connection is pooled meanwhile) (session 9)
  { name: 'f-hsc-fin-with', fe: 'option http-server-close', clients: [{ steps: [{ w: GET }, { until: 'ok' }] }], server: ['head', { sleep: 50 }, 'freeze', { w: OK }, 'end'] },
  { name: 'f-hsc-fin-late', fe: 'option http-server-close', clients: [{ steps: [{ w: GET }, { until: 'ok' }] }], server: ['head', { w: OK }, { sleep: 200 }, 'end'] },
  { name: 'f-hsc-close-fin-with', fe: 'option http-server-close', clients: [{ steps: [{ w: GET }, { until: 'ok' }] }], server: ['head', { sleep: 50 }, 'freeze', { w: OKC }, 'end'] },
  { name: 'f-close-fin-with', clients: [{ steps: [{ w: GET }, { until: 'ok' }] }], server: ['head', { sleep: 50 }, 'freeze', { w: OKC }, 'end'] },
  { name: 'f-close-fin-late', clients: [{ steps: [{ w: GET }, { until: 'ok' }] }], server: ['head', { w: OKC }, { sleep: 200 }, 'end'] },
  { name: 'f-ka-fin-with', clients: [{ steps: [{ w: GET }, { until: 'ok' }] }], server: ['head', { sleep: 50 }, 'freeze', { w: OK }, 'end'] },
  // a client whose request and RST come at once (the proxy frozen meanwhile), or its request's body end and RST
  { name: 'f-get-rst-with', clients: [{ steps: [{ sleep: 50 }, 'freeze', { w: GET }, 'rst'] }], server: ['head', { w: OK }] },
  { name: 'f-body-rst-with', clients: [{ steps: [{ sleep: 50 }, 'freeze', { w: POST(100) + '0123456789' }, 'rst'] }], server: ['head', { w: OK }] },
  { name: 'f-fullbody-rst-with', clients: [{ steps: [{ sleep: 50 }, 'freeze', { w: POST(10) + '0123456789' }, 'rst'] }], server: ['head', { w: OK }] },
  { name: 'f-head-rst-with', clients: [{ steps: [{ sleep: 50 }, 'freeze', { w: 'GET / HTTP/1.1\r\nHost: a\r\n' }, 'rst'] }], server: ['head', { w: OK }] },
  { name: 'f-get-rst-srvslow', clients: [{ steps: [{ sleep: 50 }, 'freeze', { w: GET }, 'rst'] }], server: ['head', { sleep: 300 }, { w: OK }] },
  // an early answer (413 or 200) while the request body is still coming: 2.6 forwards the rest of the body to a server
  // that only shut its side (FIN) or said Connection: close, then closes it with a FIN; to a server gone for good
  // (close(), a RST on the next bytes) nothing more. Logged ---- once the body is in, cD-- at `timeout client` (session 11)
  { name: 'e-413c-fin-rest-fin', clients: [{ steps: [{ w: POST(100) + '0123456789' }, { until: 'no' }, { sleep: 300 }, { w: B90 }, 'end'] }], server: ['head', { w: R413C }, 'end'] },
  { name: 'e-413c-fin-rest', clients: [{ steps: [{ w: POST(100) + '0123456789' }, { until: 'no' }, { sleep: 300 }, { w: B90 }] }], server: ['head', { w: R413C }, 'end'] },
  { name: 'e-200c-fin-rest-fin', clients: [{ steps: [{ w: POST(100) + '0123456789' }, { until: 'ok' }, { sleep: 300 }, { w: B90 }, 'end'] }], server: ['head', { w: OKC }, 'end'] },
  { name: 'e-413c-fin-chunked-rest-fin', clients: [{ steps: [{ w: 'POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\na\r\n0123456789\r\n' }, { until: 'no' }, { sleep: 300 }, { w: 'a\r\n0123456789\r\n0\r\n\r\n' }, 'end'] }], server: ['head', { w: R413C }, 'end'] },
  { name: 'e-413c-rest', clients: [{ steps: [{ w: POST(100) + '0123456789' }, { until: 'no' }, { sleep: 300 }, { w: B90 }] }], server: ['head', { w: R413C }] },
  { name: 'e-413c-rest-fin', clients: [{ steps: [{ w: POST(100) + '0123456789' }, { until: 'no' }, { sleep: 300 }, { w: B90 }, 'end'] }], server: ['head', { w: R413C }] },
  { name: 'e-413c-fin-part-stall', clients: [{ steps: [{ w: POST(100) + '0123456789' }, { until: 'no' }, { sleep: 300 }, { w: '0123456789' }] }], server: ['head', { w: R413C }, 'end'] },
  { name: 'e-413-fin-rest-ka', clients: [{ steps: [{ w: POST(100) + '0123456789' }, { until: 'no' }, { sleep: 300 }, { w: B90 }, { sleep: 100 }, { w: GET }] }], server: ['head', { w: R413 }, 'end'] },
  { name: 'e-413-rest-fin', clients: [{ steps: [{ w: POST(100) + '0123456789' }, { until: 'no' }, { sleep: 100 }, { w: B90 }, 'end'] }], server: ['head', { w: R413 }] },
  { name: 'e-413c-close-rest-fin', clients: [{ steps: [{ w: POST(100) + '0123456789' }, { until: 'no' }, { sleep: 300 }, { w: B90 }, 'end'] }], server: ['head', { w: R413C }, 'close'] },
  { name: 'e-413c-close-part-stall', clients: [{ steps: [{ w: POST(100) + '0123456789' }, { until: 'no' }, { sleep: 300 }, { w: '0123456789' }] }], server: ['head', { w: R413C }, 'close'] },
  // request rewrites: set-uri on a CONNECT (2.6.12 writes the whole new URI into Host, then into the URI's authority),
  // and which server `balance hdr(host)` / `balance uri` pick after a rewrite (the rewritten value) (session 11)
  ...['/x', 'http://b.example/x?q=1', 'b.example:8443', 'b.example:8443/p', 'http://u@b.example/x', 'http:///x', '*']
    .map((u, i): Scenario => ({ name: `w-connect-seturi-${i}`, fe: `http-request set-uri ${u}`, clients: [{ steps: [{ w: CONNECT }, { sleep: 300 }, { w: 'hi' }, { sleep: 200 }, 'end'] }], server: TUNNEL })),
  { name: 'w-connect-seturi-nohost', fe: 'http-request set-uri http://b.example/x', clients: [{ steps: [{ w: 'CONNECT a.example:443 HTTP/1.1\r\n\r\n' }, { sleep: 300 }, { w: 'hi' }, { sleep: 200 }, 'end'] }], server: TUNNEL },
  { name: 'w-connect-sethost', fe: 'http-request set-header Host b.example:443', clients: [{ steps: [{ w: CONNECT }, { sleep: 300 }, { w: 'hi' }, { sleep: 200 }, 'end'] }], server: TUNNEL },
  { name: 'w-connect-replace-uri', fe: 'http-request replace-uri ^(.*)$ http://c.example/z', clients: [{ steps: [{ w: CONNECT }, { sleep: 300 }, { w: 'hi' }, { sleep: 200 }, 'end'] }], server: TUNNEL },
  ...([['plain', 'balance hdr(host)'], ['sethdr', 'balance hdr(host)\n  http-request set-header Host %[req.hdr(host)]zz'],
    ['seturi', 'balance hdr(host)\n  http-request set-uri http://%[req.hdr(host)]q/x'],
    ['dom', 'balance hdr(host) use_domain_only\n  http-request set-header Host www.%[req.hdr(host)]%[req.hdr(host)].com'],
    ['uri', 'balance uri\n  http-request set-uri /%[req.hdr(host)]%[req.hdr(host)]/p'],
    ['sethdr-fe', 'balance hdr(host)', 'http-request set-header Host %[req.hdr(host)]zz'],
    ['urlparam-setq', 'balance url_param y\n  http-request set-query y=%[req.hdr(host)]q'],
    ['hdr-replace', 'balance hdr(host)\n  http-request replace-header Host (.*) \\1\\1z'],
    ['hdr-del', 'balance hdr(host)\n  http-request del-header Host'],
    ['hdr-add', 'balance hdr(x-k)\n  http-request add-header x-k %[req.hdr(host)]w'],
    ['uri-setpath', 'balance uri\n  http-request set-path /%[req.hdr(host)]%[req.hdr(host)]'],
    ['uri-whole-setq', 'balance uri whole\n  http-request set-query k=%[req.hdr(host)]'],
    ['hdr-fe-be', 'balance hdr(x-k)\n  http-request set-header x-k %[req.hdr(x-k)]b', 'http-request set-header x-k %[req.hdr(host)]f']] as const)
    .map(([n, be, fe]: readonly string[]): Scenario => ({ name: `w-lb-${n}`, be, fe, more: [{ server: ['head', { w: OK }] }, { server: ['head', { w: OK }] }], server: ['head', { w: OK }],
      clients: ['a', 'bb', 'ccc', 'dd', 'e'].map((h, i) => ({ delay: i * 150, steps: [{ w: `GET /p?x=${h}&y=${h}${h} HTTP/1.1\r\nHost: ${h}\r\n\r\n` }, { until: 'ok' }, 'end'] })) })),
  { name: 'f-httpclose-fin-with', fe: 'option httpclose', clients: [{ steps: [{ w: GET }, { until: 'ok' }] }], server: ['head', { sleep: 50 }, 'freeze', { w: OK }, 'end'] },
  // session 11 (issue #2): a bad chunk (size, missing CRLF) once the head went out, request side and response side
  { name: 'k-req-bad-size', clients: [{ steps: [{ w: PCH }, { sleep: 100 }, { w: 'zz\r\nhello\r\n0\r\n\r\n' }] }], server: ['head'] },
  { name: 'k-req-bad-size-second', clients: [{ steps: [{ w: PCH + '5\r\nhello\r\n' }, { sleep: 100 }, { w: 'zz\r\n' }] }], server: ['head'] },
  { name: 'k-req-no-crlf', clients: [{ steps: [{ w: PCH }, { sleep: 100 }, { w: '5\r\nhelloXX0\r\n\r\n' }] }], server: ['head'] },
  { name: 'k-req-bad-size-srvka', clients: [{ steps: [{ w: PCH }, { sleep: 100 }, { w: 'zz\r\n' }] }], server: ['head', { w: OK }] },
  { name: 'k-rsp-bad-size', clients: [{ steps: [{ w: GET }] }], server: ['head', { w: CHUNK }, { sleep: 100 }, { w: 'zz\r\n' }] },
  { name: 'k-rsp-no-crlf', clients: [{ steps: [{ w: GET }] }], server: ['head', { w: 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n' }, { sleep: 100 }, { w: '2\r\nokXX' }] },
  { name: 'k-rsp-bad-size-fin', clients: [{ steps: [{ w: GET }] }], server: ['head', { w: CHUNK }, { sleep: 100 }, { w: 'zz\r\n' }, 'end'] },
  { name: 'k-rsp-bad-first', clients: [{ steps: [{ w: GET }] }], server: ['head', { w: 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n' }, { sleep: 100 }, { w: 'zz\r\n' }] },
];

/** First in every configuration: the harness's readiness probe connects to the first frontend (not compared). */
export const PROBE: Scenario = { name: 'probe', mode: 'tcp', clients: [], server: [] };

/** A free port, its socket held open (in `held`) until all of a side's ports are chosen, so none is given twice. */
function freePort(held: net.Server[]): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer();
    held.push(s);
    s.listen(0, '127.0.0.1', () => resolve((s.address() as net.AddressInfo).port));
  });
}
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const bucket = (ms: number): string => (Math.round(ms / 500) / 2).toFixed(1);

/**
 * Stops `proxy` until `sock`'s FIN is out (its 'finish', then FREEZE_MS for the segment to land; at most 1 s when it
 * never ends): overlapping freezes (scenarios run in batches) are counted, and the proxy goes on after the last
 * (another scenario's thaw between a write and its FIN would split them).
 */
const frozen = new Map<ChildProcess, number>();
function freeze(proxy: ChildProcess, sock: net.Socket): void {
  if (proxy.pid === undefined) return;
  const n = frozen.get(proxy) ?? 0;
  frozen.set(proxy, n + 1);
  if (n === 0) process.kill(proxy.pid, 'SIGSTOP');
  let done = false;
  const thaw = (): void => {
    if (done) return;
    done = true;
    clearTimeout(limit);
    const left = (frozen.get(proxy) ?? 1) - 1;
    frozen.set(proxy, left);
    if (left === 0 && proxy.pid !== undefined) process.kill(proxy.pid, 'SIGCONT');
  };
  const limit = setTimeout(thaw, 1000);
  sock.once('finish', () => setTimeout(thaw, FREEZE_MS));
  sock.once('close', thaw);
}

/** Runs steps on a socket; resolves when the steps are done (the socket may still be open). */
async function play(sock: net.Socket, steps: Step[], got: () => string, proxy: ChildProcess | null = null): Promise<void> {
  for (const s of steps) {
    if (sock.destroyed) return;
    if (s === 'freeze') {
      if (proxy !== null) freeze(proxy, sock);
    } else if (s === 'end') sock.end();
    else if (s === 'rst') { sock.resetAndDestroy(); return; }
    else if (s === 'close') { sock.destroy(); return; }
    else if (s === 'head') { for (let i = 0; i < 100 && !got().includes('\r\n\r\n') && !sock.destroyed; i++) await sleep(30); }
    else if ('w' in s) sock.write(s.w);
    else if ('sleep' in s) await sleep(s.sleep);
    else if ('until' in s) { for (let i = 0; i < 100 && !got().includes(s.until) && !sock.destroyed; i++) await sleep(30); }
  }
}

/** Watches a socket's end: FIN (peer ended), RST (error), or still open; times from t0. */
function watch(sock: net.Socket, t0: number, ends: End[]): { got: () => string } {
  let buf = '';
  let seen = false;
  sock.on('data', (d) => { buf += d.toString('latin1'); });
  sock.on('end', () => { if (!seen) { seen = true; ends.push({ how: 'FIN', at: Date.now() - t0 }); } });
  sock.on('error', (e: NodeJS.ErrnoException) => { if (!seen) { seen = true; ends.push({ how: e.code === 'ECONNRESET' ? 'RST' : e.code ?? 'ERR', at: Date.now() - t0 }); } });
  return { got: () => buf };
}

export interface Side { name: string; child: ChildProcess; logs: string[]; fe: Map<string, number>; srv: Map<string, net.Server>; srvEnds: Map<string, End[]>; srvGot: Map<string, (() => string)[]>; t0: Map<string, number>; sock: { close(): void } | null }

export async function startSide(name: string, argv: string[], scen: Scenario[]): Promise<Side> {
  // raw lines go to OUT/<name>.log, for the timers
  const sink = await syslogSink((s) => fs.appendFileSync(path.join(OUT, `${name}.log`), s.endsWith('\n') ? s : s + '\n'));
  const logs = sink.lines;
  const side: Side = { name, child: null as unknown as ChildProcess, logs, fe: new Map(), srv: new Map(), srvEnds: new Map(), srvGot: new Map(), t0: new Map(), sock: sink.sock };
  let cfg = `global\n  log 127.0.0.1:${sink.port} local0\n  maxconn 1000\n  stats socket ${path.join(OUT, name + '.sock')} level admin\ndefaults\n  log global\n  timeout client 1s\n  timeout server 2s\n  timeout connect 1s\n  timeout http-request 1s\n  timeout http-keep-alive 1s\n  timeout queue 1s\n`;
  const held: net.Server[] = [];
  for (const s of scen) {
    const fp = await freePort(held);
    side.fe.set(s.name, fp);
    const mode = s.mode ?? 'http';
    cfg += `frontend f_${s.name}\n  mode ${mode}\n  option ${mode === 'http' ? 'httplog' : 'tcplog'}\n  bind 127.0.0.1:${fp}${s.bind ? ' ' + s.bind : ''}\n  default_backend b_${s.name}\n${s.fe ? '  ' + s.fe + '\n' : ''}`;
    cfg += `backend b_${s.name}\n  mode ${mode}\n${s.be ? '  ' + s.be + '\n' : ''}`;
    const all = [{ server: s.server, srv: s.srv }, ...(s.more ?? [])];
    for (let k = 0; k < all.length; k++) {
      let sp = await freePort(held);
      const steps = all[k].server;
      const key = k === 0 ? s.name : `${s.name}#s${k + 1}`;
      if (steps !== null) {
        const ends: End[] = [];
        side.srvEnds.set(key, ends);
        const got: (() => string)[] = [];
        side.srvGot.set(key, got);
        const srv = net.createServer({ allowHalfOpen: true }, (c) => {
          const w = watch(c, side.t0.get(s.name) ?? Date.now(), ends);
          got.push(w.got);
          void play(c, steps, w.got, side.child);
        });
        await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
        sp = (srv.address() as net.AddressInfo).port;
        side.srv.set(key, srv);
      }
      // a refused server is on 127.0.0.3: a port freed on 127.0.0.1 may be taken meanwhile by the other side's listeners
      const host = steps === null ? '127.0.0.3:' : '127.0.0.1:';
      cfg += `  server s${k + 1} ${k === 0 && s.addr ? s.addr : host + sp}${all[k].srv ? ' ' + all[k].srv : ''}\n`;
    }
  }
  await Promise.all(held.map((h) => new Promise((r) => h.close(r))));
  const file = path.join(OUT, `${name}.cfg`);
  fs.writeFileSync(file, cfg);
  side.child = spawn(argv[0], [...argv.slice(1), '-db', '-f', file], { stdio: ['ignore', 'ignore', 'pipe'] });
  side.child.stderr!.on('data', (d) => fs.appendFileSync(path.join(OUT, `${name}.stderr`), d));
  const first = side.fe.values().next().value as number;
  await waitPort(first, 30000);
  await sleep(300);
  logs.length = 0;
  return side;
}

/** A log line with address, date, connection counters and queue masked; timers by shape, the total in 0.5 s steps. */
function maskLog(l: string, exact = false): { shape: string; total: string } {
  let total = '';
  if (exact) {
    const shape = l.replace(/^[0-9.]+:[0-9]+ \[[^\]]+\] /, '')
      .replace(/ (-?\d+(?:\/\+?-?\d+){2,4}) /, (_m, t: string) => ' ' + t.split('/').map((x) => (x === '-1' ? x : (x.startsWith('+') ? '+' : '') + bucket(Math.abs(Number(x))))).join('/') + ' ')
      .replace(/ \d+\/(\d+\/\d+\/\d+\/\+?\d+ \d+\/\d+)/, ' a/$1');
    return { shape, total };
  }
  const shape = l.replace(/^[0-9.]+:[0-9]+ \[[^\]]+\] /, '')
    .replace(/ (-?\d+(?:\/\+?-?\d+){2,4}) /, (_m, t: string) => {
      const v = t.split('/');
      total = bucket(Math.abs(Number(v[v.length - 1])));
      return ' ' + v.map((x, i) => (x === '-1' ? '-1' : (x.startsWith('+') ? '+' : '') + (i === v.length - 1 ? 'T' : 'N'))).join('/') + ' ';
    })
    .replace(/ \d+\/\d+\/\d+\/\d+\/(\+?\d+) (\d+\/\d+)/, (_m, r: string, q: string) => ` a/f/b/s/${r} ${process.env.KEEPQ ? q : 'q/q'}`);
  return { shape, total };
}

export interface Outcome { clients: string[]; server: string; log: string[]; times: string[]; raw: string[]; srvGot: string }

/** Plays scenario `s` on one side: its clients' outcomes, its servers' ends, its log lines (masked, and raw). */
export async function runOne(side: Side, s: Scenario): Promise<Outcome> {
  const t0 = Date.now();
  side.t0.set(s.name, t0);
  const out: string[] = [];
  await Promise.all(s.clients.map(async (cl, k) => {
    if (cl.delay) await sleep(cl.delay);
    const ends: End[] = [];
    const sock = net.connect(side.fe.get(s.name)!, '127.0.0.1');
    const w = watch(sock, t0, ends);
    await new Promise<void>((r) => { sock.on('connect', () => r()); sock.on('error', () => r()); });
    await play(sock, cl.steps, w.got, side.child);
    for (let i = 0; i < Number(process.env.WAIT ?? 90) && ends.length === 0 && !sock.destroyed; i++) await sleep(50);
    const rsp = w.got();
    const status = rsp.slice(0, 12);
    const e = ends[0];
    out[k] = `${status || '-'} ${rsp.length}B ${e ? e.how + '@' + bucket(e.at) : sock.destroyed ? 'self' : 'open'}`;
    sock.destroy();
  }));
  const mineN = (): number => side.logs.filter((l) => l.includes(` f_${s.name} `)).length;
  for (let i = 0; i < 60 && mineN() < s.clients.length; i++) await sleep(50);
  await sleep(300);
  const srvs: string[] = [];
  for (let k = 0; k <= (s.more?.length ?? 0); k++) {
    const se = side.srvEnds.get(k === 0 ? s.name : `${s.name}#s${k + 1}`) ?? [];
    const steps = k === 0 ? s.server : s.more![k - 1].server;
    srvs.push(se.map((e) => e.how + '@' + bucket(e.at)).join(' ') || (steps === null ? 'none' : '-'));
  }
  const raw = side.logs.filter((l) => l.includes(` f_${s.name} `));
  const mine = raw.map((l) => maskLog(l, s.exact));
  return {
    clients: out, server: srvs.join(' / '),
    log: mine.map((m) => m.shape), times: mine.map((m) => m.total), raw, srvGot: srvBytes(side, s),
  };
}

/** What each server connection of scenario `s` received, up to 200 bytes as a string, else its length: `s1:["GET / ...",70000] s2:[]`. */
export function srvBytes(side: Side, s: Scenario): string {
  const parts: string[] = [];
  for (let k = 0; k <= (s.more?.length ?? 0); k++) {
    const got = side.srvGot.get(k === 0 ? s.name : `${s.name}#s${k + 1}`) ?? [];
    parts.push(`s${k + 1}:[${got.map((g) => { const d = g(); return d.length > 200 ? String(d.length) : JSON.stringify(d); }).join(',')}]`);
  }
  return parts.join(' ');
}

/** `show stat` over a side's stats socket: rows by `pxname/svname`, each a map of column -> value. */
export function showStat(sock: string): Promise<Map<string, Map<string, string>>> {
  return new Promise((resolve) => {
    let txt = '';
    const c = net.connect(sock, () => c.write('show stat\n'));
    c.on('data', (d) => { txt += d.toString('latin1'); });
    let failed = false;
    c.on('error', () => { failed = true; resolve(new Map()); });
    c.on('close', () => {
      if (failed) return;
      fs.writeFileSync(sock.replace(/\.sock$/, '.stat'), txt);
      const lines = txt.split('\n').filter((l) => l !== '');
      const head = (lines.shift() ?? '').replace(/^# /, '').split(',');
      const rows = new Map<string, Map<string, string>>();
      for (const l of lines) {
        const v = l.split(',');
        rows.set(`${v[0]}/${v[1]}`, new Map(head.map((h, i) => [h, v[i] ?? ''])));
      }
      resolve(rows);
    });
  });
}
export const STAT_COLS = (process.env.STAT_COLS ?? 'ereq,econ,eresp,wretr,wredis,cli_abrt,srv_abrt,qcur,qmax,dreq,dresp,hrsp_4xx,hrsp_5xx').split(',');

/** The counters of a scenario's frontend, backend and servers that differ between the two sides. */
function statDiff(a: Map<string, Map<string, string>>, b: Map<string, Map<string, string>>, name: string): string[] {
  const out: string[] = [];
  for (const [key, ra] of a) {
    if (key !== `f_${name}/FRONTEND` && !key.startsWith(`b_${name}/`)) continue;
    const rb = b.get(key);
    for (const c of STAT_COLS) {
      const va = ra.get(c) ?? '';
      const vb = rb?.get(c) ?? '(none)';
      if (va !== vb) out.push(`${key} ${c} ${va}/${vb}`);
    }
  }
  return out;
}

async function main(): Promise<void> {
  const S = ABORT_SCENARIOS;
  const scen = ONLY ? S.filter((s) => ONLY.has(s.name)) : S;
  const hp = await startSide('haproxy', [process.env.HAPROXY ?? '/usr/sbin/haproxy'], [PROBE, ...scen]);
  if (process.env.SAVE) { await saveGolden(hp, scen, process.env.SAVE); return; }
  const sl = await startSide('sluice', [process.execPath, path.join(DIST, 'proxy/main.js')], [PROBE, ...scen]);
  process.on('exit', () => { hp.child.kill('SIGTERM'); sl.child.kill('SIGTERM'); });
  let diffs = 0;
  const BATCH = Number(process.env.BATCH ?? 8);
  for (let i = 0; i < scen.length; i += BATCH) {
    const batch = scen.slice(i, i + BATCH);
    const res = await Promise.all(batch.map((s) => Promise.all([runOne(hp, s), runOne(sl, s)])));
    for (let j = 0; j < batch.length; j++) {
      const [a, b] = res[j];
      const what: string[] = [];
      if (a.clients.join('|') !== b.clients.join('|')) what.push('client');
      if (a.server !== b.server) what.push('server');
      if (a.srvGot !== b.srvGot) what.push('srvdata');
      if (a.log.join('\n') !== b.log.join('\n')) what.push('log');
      if (a.times.join(' ') !== b.times.join(' ')) what.push('time');
      const line = `  haproxy: ${a.clients.join(' | ')} ; srv ${a.server} ${a.srvGot} ; ${a.log.join(' || ')} ; T ${a.times.join(' ')}\n  sluice : ${b.clients.join(' | ')} ; srv ${b.server} ${b.srvGot} ; ${b.log.join(' || ')} ; T ${b.times.join(' ')}\n`;
      fs.appendFileSync(path.join(OUT, 'all.txt'), `${batch[j].name} [${what.join(',')}]\n${line}`);
      if (what.length === 0) continue;
      diffs++;
      process.stdout.write(`DIFF ${batch[j].name} [${what.join(',')}]\n${line}`);
    }
  }
  // counters once every scenario is over (each has its own frontend and backend): haproxy/sluice
  const [sa, sb] = await Promise.all([showStat(path.join(OUT, 'haproxy.sock')), showStat(path.join(OUT, 'sluice.sock'))]);
  let sdiffs = 0;
  for (const s of scen) {
    const d = statDiff(sa, sb, s.name);
    if (d.length === 0) continue;
    sdiffs++;
    process.stdout.write(`STAT ${s.name} (haproxy/sluice): ${d.join(' ; ')}\n`);
  }
  process.stdout.write(`${scen.length} scenarios, ${diffs} with differences, ${sdiffs} with different counters (all in ${OUT}/all.txt)\n`);
  for (const s of [hp, sl]) { s.child.kill('SIGTERM'); for (const v of s.srv.values()) v.close(); }
  process.exit(0);
}

/** The counters (STAT_COLS) of scenario `name`'s frontend, backend and servers, by `pxname/svname`. */
export function statRows(rows: Map<string, Map<string, string>>, name: string): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  for (const [key, r] of rows) {
    if (key !== `f_${name}/FRONTEND` && !key.startsWith(`b_${name}/`)) continue;
    out[key] = Object.fromEntries(STAT_COLS.map((c) => [c, r.get(c) ?? '']));
  }
  return out;
}

/** SAVE=<file>: HAProxy's outcomes alone (clients, raw log lines, counters) as a JSON golden for test/e2e/aborts. */
async function saveGolden(side: Side, scen: Scenario[], file: string): Promise<void> {
  const BATCH = Number(process.env.BATCH ?? 8);
  const res: Record<string, Outcome> = {};
  for (let i = 0; i < scen.length; i += BATCH) {
    const batch = scen.slice(i, i + BATCH);
    const r = await Promise.all(batch.map((s) => runOne(side, s)));
    for (let j = 0; j < batch.length; j++) res[batch[j].name] = r[j];
  }
  const rows = await showStat(path.join(OUT, side.name + '.sock'));
  const golden: Record<string, { clients: string[]; server: string; srvGot: string; raw: string[]; stat: Record<string, Record<string, string>> }> = {};
  for (const s of scen) golden[s.name] = { clients: res[s.name].clients, server: res[s.name].server, srvGot: res[s.name].srvGot, raw: res[s.name].raw, stat: statRows(rows, s.name) };
  fs.writeFileSync(file, JSON.stringify(golden, null, 1) + '\n');
  side.child.kill('SIGTERM');
  for (const v of side.srv.values()) v.close();
  process.exit(0);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) main().catch((e) => { console.error(e); process.exit(1); });
