#!/usr/bin/env node
/*
 * Bench backend (own process, so wrk's spawnSync in the bench does not stall it): answers every request head with a
 * prebuilt 1 KiB response, or 1 MiB when the path starts with /m. Prints its port. Usage: node http-backend.js
 */
import net from 'node:net';

const small = Buffer.concat([Buffer.from('HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: 1024\r\n\r\n'), Buffer.alloc(1024, 97)]);
const large = Buffer.concat([Buffer.from(`HTTP/1.1 200 OK\r\ncontent-type: application/octet-stream\r\ncontent-length: ${1 << 20}\r\n\r\n`), Buffer.alloc(1 << 20, 98)]);
const srv = net.createServer((s) => {
  s.setNoDelay(true);
  let tail = '';
  s.on('data', (d) => {
    const t = tail + d.toString('latin1');
    let i = 0, e;
    while ((e = t.indexOf('\r\n\r\n', i)) >= 0) {
      const big = t.charCodeAt(t.indexOf(' ', i) + 2) === 0x6d;
      s.write(big ? large : small);
      if (/\r\nconnection: close/i.test(t.slice(i, e))) s.end();
      i = e + 4;
    }
    tail = t.slice(i);
  });
  s.on('error', () => {});
});
srv.listen(0, '127.0.0.1', () => process.stdout.write(`${(srv.address() as net.AddressInfo).port}\n`));
