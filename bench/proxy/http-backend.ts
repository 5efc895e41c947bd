#!/usr/bin/env node
/*
 * Fallback bench backend when nginx is not installed (own process): answers every request head with a prebuilt 1 KiB
 * response, or 1 MiB when the path starts with /m; closes after a request carrying `connection: close`. Scans Buffers
 * only (no strings), so it stays cheap next to the proxies. Prints its port. Usage: node http-backend.js
 */
import net from 'node:net';

const small = Buffer.concat([Buffer.from('HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: 1024\r\n\r\n'), Buffer.alloc(1024, 97)]);
const large = Buffer.concat([Buffer.from(`HTTP/1.1 200 OK\r\ncontent-type: application/octet-stream\r\ncontent-length: ${1 << 20}\r\n\r\n`), Buffer.alloc(1 << 20, 98)]);
const EOH = Buffer.from('\r\n\r\n');
const CLOSE = Buffer.from('onnection: close');
const kTail = Symbol('tail');
type BSock = net.Socket & { [kTail]: Buffer | null };

function onData(this: BSock, d: Buffer): void {
  const t = this[kTail] === null ? d : Buffer.concat([this[kTail] as Buffer, d]);
  let i = 0, e;
  while ((e = t.indexOf(EOH, i)) >= 0) {
    const sp = t.indexOf(32, i);
    this.write(t[sp + 2] === 0x6d ? large : small);
    const c = t.indexOf(CLOSE, i);
    if (c >= 0 && c < e) { this.end(); this[kTail] = null; return; }
    i = e + 4;
  }
  this[kTail] = i < t.length ? t.subarray(i) : null;
}
function onError(): void { /* closed by the peer */ }

const srv = net.createServer((s) => {
  const b = s as BSock;
  b[kTail] = null;
  b.setNoDelay(true);
  b.on('data', onData);
  b.on('error', onError);
});
srv.listen({ port: 0, host: '127.0.0.1', backlog: 4096 }, () => process.stdout.write(`${(srv.address() as net.AddressInfo).port}\n`));
