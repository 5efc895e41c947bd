/*
 * Compression golden (fixtures/http/compression, captured from HAProxy 2.6 by capture.mts there): which responses are
 * compressed (status, HEAD, HTTP/1.0, Content-Encoding, no-transform, types with parameters, no type), the algorithm
 * picked from Accept-Encoding (q-values, `*`, ties), the header changes (Content-Length out, chunked, Vary,
 * Content-Encoding, weak ETag), offload, a server closing after its response, an HTTP/1.0 response, a response
 * without length, and the log's
 * byte counts. Bodies are compared decompressed (HAProxy's libslz
 * and zlib differ byte for byte). Shared with test/e2e/http/compression.test.ts.
 */
import net from 'node:net';
import zlib from 'node:zlib';
import crypto from 'node:crypto';
import { countersLogs } from './counters-scenario.ts';
import { freeLoopbackPort } from './golden-util.ts';
import { headServer } from '../proxy-util.ts';

export const COMP_BODY = 'hello world '.repeat(250);

export function compressionConfig(p: { fe: number; srv: number; log: number }): string {
  return `defaults
    mode http
    log 127.0.0.1:${p.log} local0
    log-format "%ST %B %b %{+Q}r"
    timeout connect 1s
    timeout client 5s
    timeout server 5s

frontend fe
    bind 127.0.0.1:${p.fe}
    compression algo gzip
    compression type text/plain text/html
    use_backend multi if { path_beg /m/ }
    use_backend offload if { path_beg /o/ }
    default_backend be

backend be
    server s1 127.0.0.1:${p.srv}

backend multi
    compression algo deflate gzip raw-deflate
    server s1 127.0.0.1:${p.srv}

backend offload
    compression algo raw-deflate
    compression offload
    server s1 127.0.0.1:${p.srv}
`;
}

/** The origin: the response shape is chosen by the path's last part; /echo answers with the request head. */
export function compressionOrigin(): Promise<{ port: number; close(): void }> {
  return headServer((c, head) => {
    const path = head.slice(head.indexOf(' ') + 1, head.indexOf(' ', head.indexOf(' ') + 1));
    const k = path.slice(path.lastIndexOf('/') + 1);
    let st = '200 OK', ct = 'content-type: text/plain\r\n', extra = '', b = COMP_BODY;
    if (k === 'echo') { b = head; ct = 'content-type: text/html\r\n'; }
    if (k === 'ch') { c.write(`HTTP/1.1 200 OK\r\n${ct}transfer-encoding: chunked\r\n\r\n${b.length.toString(16)}\r\n${b}\r\n0\r\n\r\n`); return; }
    if (k === 'small') b = 'tiny body.';
    if (k === 'json') ct = 'content-type: application/json\r\n';
    if (k === 'enc') extra = 'content-encoding: br\r\n';
    if (k === 'nt') extra = 'cache-control: no-transform\r\n';
    if (k === '404') st = '404 Not Found';
    if (k === '201') st = '201 Created';
    if (k === '206') st = '206 Partial Content';
    if (k === 'vary') extra = 'vary: user-agent\r\n';
    if (k === 'etag') extra = 'etag: "abc"\r\n';
    if (k === 'wetag') extra = 'etag: W/"abc"\r\n';
    if (k === 'ctp') ct = 'content-type: text/plain; charset=utf-8\r\n';
    if (k === 'noct') ct = '';
    if (k === 'etagnq') extra = 'etag: abc\r\n';
    if (k === 'etag2') extra = 'etag: "a"\r\netag: "b"\r\n';
    if (k === 'etaglw') extra = 'etag: w/"a"\r\n';
    if (k === 'etagcut') extra = 'etag: "a\r\n';
    if (k === 'etagsp') extra = 'etag: "a b" \r\n';
    if (k === 'trl') { c.write(`HTTP/1.1 200 OK\r\n${ct}transfer-encoding: chunked\r\n\r\n${b.length.toString(16)}\r\n${b}\r\n0\r\nx-t: 1\r\n\r\n`); return; }
    if (k === 'split') {
      // the body in three reads: one chunk each (the last one with the end of the compressed stream), as 2.6
      c.write(`HTTP/1.1 200 OK\r\n${ct}content-length: ${b.length * 3}\r\n\r\n${b}`);
      setTimeout(() => c.write(b), 80);
      setTimeout(() => c.write(b), 160);
      return;
    }
    if (k === 'close') { c.end(`HTTP/1.1 200 OK\r\n${ct}connection: close\r\ncontent-length: ${b.length}\r\n\r\n${b}`); return; }
    if (k === 'nolen') { c.end(`HTTP/1.1 200 OK\r\n${ct}\r\n${b}`); return; }
    if (k === 'old') { c.end(`HTTP/1.0 200 OK\r\n${ct}content-length: ${b.length}\r\n\r\n${b}`); return; }
    c.write(`HTTP/1.1 ${st}\r\n${ct}${extra}content-length: ${b.length}\r\n\r\n${b}`);
  });
}

/**
 * Decodes a response: its head, its body de-chunked and decompressed, and for a chunked one its framing: the number of
 * data chunks, the size lines as written when one holds a lowercase hex digit (2.6 writes uppercase), what follows
 * the last chunk's size line (trailers and the final CRLF).
 */
export function decodeResponse(o: Buffer): { head: string; body: Buffer; framing: string } {
  const e = o.indexOf('\r\n\r\n');
  const head = o.subarray(0, e).toString('latin1');
  let body = o.subarray(e + 4);
  let framing = '';
  if (/\r\ntransfer-encoding: chunked/i.test(head)) {
    const parts: Buffer[] = [];
    let p = 0;
    let lower = '';
    for (;;) {
      const le = body.indexOf('\r\n', p);
      if (le < 0) break;
      const line = body.subarray(p, le).toString('latin1');
      const n = parseInt(line, 16);
      if (/[a-f]/.test(line)) lower += ' ' + line;
      if (!(n > 0)) { framing = JSON.stringify(body.subarray(le + 2).toString('latin1')); break; }
      parts.push(body.subarray(le + 2, le + 2 + n));
      p = le + 2 + n + 2;
    }
    framing = ` | chunks ${parts.length}${lower !== '' ? ' lowercase' + lower : ''} then ${framing}`;
    body = Buffer.concat(parts);
  }
  const ce = /\r\ncontent-encoding: (\S+)/i.exec(head);
  if (ce !== null && ce[1] === 'gzip') body = zlib.gunzipSync(body);
  else if (ce !== null && ce[1] === 'deflate') {
    try { body = zlib.inflateSync(body); } catch { body = zlib.inflateRawSync(body); }
  }
  return { head, body, framing };
}

/** [request line, extra header lines] of each case, one connection each. */
export const COMP_CASES: [string, string][] = [
  ['GET /cl HTTP/1.1', 'accept-encoding: gzip'], ['GET /ch HTTP/1.1', 'accept-encoding: gzip'],
  ['GET /small HTTP/1.1', 'accept-encoding: gzip'], ['GET /json HTTP/1.1', 'accept-encoding: gzip'],
  ['GET /enc HTTP/1.1', 'accept-encoding: gzip'], ['GET /nt HTTP/1.1', 'accept-encoding: gzip'],
  ['GET /404 HTTP/1.1', 'accept-encoding: gzip'], ['GET /201 HTTP/1.1', 'accept-encoding: gzip'],
  ['GET /206 HTTP/1.1', 'accept-encoding: gzip'], ['GET /vary HTTP/1.1', 'accept-encoding: gzip'],
  ['GET /etag HTTP/1.1', 'accept-encoding: gzip'], ['GET /wetag HTTP/1.1', 'accept-encoding: gzip'],
  ['GET /ctp HTTP/1.1', 'accept-encoding: gzip'], ['GET /noct HTTP/1.1', 'accept-encoding: gzip'],
  ['GET /cl HTTP/1.0', 'accept-encoding: gzip'], ['HEAD /cl HTTP/1.1', 'accept-encoding: gzip'],
  ['GET /cl HTTP/1.1', ''], ['GET /cl HTTP/1.1', 'accept-encoding: br'],
  ['GET /cl HTTP/1.1', 'accept-encoding: gzip;q=0'],
  ['GET /m/cl HTTP/1.1', 'accept-encoding: gzip;q=0.1, deflate;q=0.5'], ['GET /m/cl HTTP/1.1', 'accept-encoding: gzip, deflate'],
  ['GET /m/cl HTTP/1.1', 'accept-encoding: deflate, gzip'], ['GET /m/cl HTTP/1.1', 'accept-encoding: *'],
  ['GET /m/noct HTTP/1.1', 'accept-encoding: identity, gzip'], ['GET /o/echo HTTP/1.1', 'accept-encoding: deflate'],
  ['GET /o/ch HTTP/1.1', 'accept-encoding: gzip, deflate'], ['GET /close HTTP/1.1', 'accept-encoding: gzip'],
  ['GET /old HTTP/1.1', 'accept-encoding: gzip'], ['GET /nolen HTTP/1.1', 'accept-encoding: gzip'],
  // session 11 (issue #2): ETags that keep a response uncompressed, trailers, one chunk per read of the body
  ['GET /etagnq HTTP/1.1', 'accept-encoding: gzip'], ['GET /etag2 HTTP/1.1', 'accept-encoding: gzip'],
  ['GET /etaglw HTTP/1.1', 'accept-encoding: gzip'], ['GET /etagcut HTTP/1.1', 'accept-encoding: gzip'],
  ['GET /etagsp HTTP/1.1', 'accept-encoding: gzip'], ['GET /trl HTTP/1.1', 'accept-encoding: gzip'],
  ['GET /split HTTP/1.1', 'accept-encoding: gzip'], ['GET /split HTTP/1.1', ''],
];

function fetchRaw(port: number, raw: string): Promise<Buffer> {
  return new Promise((resolve) => {
    const c = net.connect(port, '127.0.0.1');
    let b = Buffer.alloc(0);
    const done = (): void => { clearTimeout(t); c.destroy(); resolve(b); };
    const t = setTimeout(done, 2000);
    c.on('data', (d) => {
      b = Buffer.concat([b, d]);
      const { head } = decodeHead(b);
      if (head !== null && responseEnded(b, head, raw.startsWith('HEAD'))) done();
    });
    c.on('close', done);
    c.on('error', () => {});
    c.on('connect', () => c.write(raw));
  });
}

function decodeHead(b: Buffer): { head: string | null } {
  const e = b.indexOf('\r\n\r\n');
  return { head: e < 0 ? null : b.subarray(0, e).toString('latin1').toLowerCase() };
}

function responseEnded(b: Buffer, head: string, isHead: boolean): boolean {
  const bodyLen = b.length - head.length - 4;
  if (isHead) return true;
  const cl = /\r\ncontent-length: *(\d+)/.exec(head);
  if (cl !== null) return bodyLen >= Number(cl[1]);
  if (head.includes('\r\ntransfer-encoding: chunked')) {
    const t = b.subarray(head.length + 2).toString('latin1');
    return t.endsWith('\r\n\r\n') && (t.lastIndexOf('\r\n0\r\n') >= 0);     // the last chunk, trailers or not
  }
  return false;
}

/** Runs the cases against the proxy `start` launches; one text block per case (head + decoded body digest), logs. */
export async function runCompression(start: (cfg: string) => Promise<() => Promise<void> | void>): Promise<{ results: string[]; logs: string[] }> {
  const o = await compressionOrigin();
  const logs = await countersLogs();
  const fe = await freeLoopbackPort();
  const stop = await start(compressionConfig({ fe, srv: o.port, log: logs.port }));
  const results: string[] = [];
  for (const [line, hdr] of COMP_CASES) {
    const raw = line + '\r\nhost: comp\r\n' + (hdr !== '' ? hdr + '\r\n' : '') + '\r\n';
    const { head, body, framing } = decodeResponse(await fetchRaw(fe, raw));
    results.push(line + ' | ' + hdr + '\n' + head + '\n-- body ' + body.length + ' ' + crypto.createHash('sha1').update(body).digest('hex') + framing);
  }
  const end = Date.now() + 3000;
  while (logs.lines.length < COMP_CASES.length && Date.now() < end) await new Promise((w) => setTimeout(w, 20));
  await stop();
  o.close();
  logs.sock.close();
  return { results, logs: logs.lines };
}
