/*
 * Compression against real HAProxy 2.6 (fixtures/http/compression, see CMD): heads and decompressed bodies of each
 * case, log lines (uncompressed byte counts); plus what a golden cannot show: a big body through a slow client
 * (backpressure, the event loop kept responsive) and keep-alive after a compressed response.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { readFileSync } from 'node:fs';
import { startSluiceCfg } from './echo-golden.ts';
import { runCompression, decodeResponse } from './compression-scenario.ts';
import { startSluice, stopSluice } from '../proxy-util.ts';
import { freeLoopbackPort } from './golden-util.ts';

test('which responses are compressed, with which headers and algorithm, as HAProxy 2.6 decides', async () => {
  const golden = (f: string): string => readFileSync(new URL('../../../fixtures/http/compression/' + f, import.meta.url), 'latin1');
  const got = await runCompression(startSluiceCfg);
  const want = golden('results.txt').trimEnd().split('\n=====\n');
  for (let i = 0; i < want.length; i++) assert.equal(got.results[i], want[i], 'case ' + i);
  assert.equal(got.results.length, want.length);
  assert.deepEqual(got.logs, golden('log.txt').trimEnd().split('\n'));
});

test('an 8 MiB body is compressed for a slow reader without stalling the event loop, then the connection is reused', async () => {
  const big = Buffer.alloc(8 << 20);
  for (let i = 0; i < big.length; i++) big[i] = 97 + ((i * 7 + (i >> 9)) % 26);
  const socks = new Set<net.Socket>();
  const origin = net.createServer((c) => {
    socks.add(c);
    c.on('close', () => socks.delete(c));
    c.on('error', () => {});
    c.on('data', (d) => {
      if (d.toString('latin1').startsWith('GET /small')) { c.write('HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: 5\r\n\r\nsmall'); return; }
      c.write(`HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: ${big.length}\r\n\r\n`);
      c.write(big);
    });
  });
  await new Promise<void>((r) => origin.listen(0, '127.0.0.1', () => r()));
  const fe = await freeLoopbackPort();
  const rt = await startSluice(`defaults
    mode http
    timeout connect 1s
    timeout client 10s
    timeout server 10s
frontend fe
    bind 127.0.0.1:${fe}
    compression algo gzip
    default_backend be
backend be
    server s1 127.0.0.1:${(origin.address() as net.AddressInfo).port}
`);
  let maxLag = 0, last = Date.now();
  const lag = setInterval(() => { const n = Date.now(); if (n - last - 10 > maxLag) maxLag = n - last - 10; last = n; }, 10);
  try {
    const c = net.connect(fe, '127.0.0.1');
    const parts: Buffer[] = [];
    let total = 0;
    let tail = Buffer.alloc(0);
    const first = await new Promise<Buffer>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('timeout after ' + total)), 20000);
      c.on('error', reject);
      c.on('data', (d) => {
        parts.push(d); total += d.length;
        // a slow reader: pauses 20 ms every 64 KiB
        if (total % 65536 < d.length) { c.pause(); setTimeout(() => c.resume(), 20); }
        // the end check looks at the last bytes only: a whole-body concat per read made the test's own loop lag
        tail = Buffer.concat([tail, d]).subarray(-5);
        if (tail.toString('latin1') === '0\r\n\r\n') { clearTimeout(t); c.removeAllListeners('data'); resolve(Buffer.concat(parts)); }
      });
      c.on('connect', () => c.write('GET /big HTTP/1.1\r\nhost: x\r\naccept-encoding: gzip\r\n\r\n'));
    });
    const r = decodeResponse(first);
    assert.match(r.head, /\r\ncontent-encoding: gzip/);
    assert.ok(first.length < big.length / 4, 'compressed ' + first.length);
    assert.ok(r.body.equals(big), 'decompressed body differs');
    const second = await new Promise<string>((resolve) => {
      let s = '';
      c.on('data', (d) => { s += d.toString('latin1'); if (s.endsWith('0\r\n\r\n')) resolve(s); });
      c.write('GET /small HTTP/1.1\r\nhost: x\r\naccept-encoding: gzip\r\n\r\n');
    });
    assert.equal(decodeResponse(Buffer.from(second, 'latin1')).body.toString(), 'small');
    c.destroy();
    // comp_in / comp_out / comp_rsp on the frontend and the backend (2.6 counts both)
    const fc = rt.cfg.frontends.get('fe')!.feCounters, bc = rt.cfg.backends.get('be')!.beCounters;
    assert.deepEqual([fc.compIn, fc.compRsp, bc.compIn, bc.compRsp], [big.length + 5, 2, big.length + 5, 2]);
    assert.ok(fc.compOut > 0 && fc.compOut === bc.compOut && fc.compOut < first.length, 'comp_out ' + fc.compOut);
    assert.ok(maxLag < 250, 'event loop lag ' + maxLag + ' ms');
  } finally {
    clearInterval(lag);
    await stopSluice(rt);
    for (const s of socks) s.destroy();
    origin.close();
  }
});
