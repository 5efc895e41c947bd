/* Shared helpers for the proxy e2e tests: free loopback ports, tiny TCP/HTTP backends, a client, in-process sluice. */
import { createServer, connect } from 'node:net';
import type { Server as NetServer, Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import type { TlsOptions } from 'node:tls';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { loadConfig } from '../../proxy/config/loader.ts';
import { buildRegistry, wireRuntime } from '../../proxy/modules.ts';
import { startRuntime, stopRuntime } from '../../proxy/runtime.ts';
import type { Runtime } from '../../proxy/runtime.ts';
import { closeAllListeners } from '../../proxy/frontend.ts';
import { setEventStderr } from '../../proxy/events.ts';

export async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const p = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return p;
}

/** A TCP server answering every connection with `name\n` then closing (or echoing when echo is true). */
export async function nameServer(name: string, echo = false): Promise<{ server: NetServer; port: number; conns: number }> {
  const st = { server: createServer({ allowHalfOpen: true }), port: 0, conns: 0 };
  st.server.on('connection', (s: Socket) => {
    st.conns++;
    s.on('error', () => {});
    if (echo) { s.pipe(s); return; }
    s.end(name + '\n');
  });
  await new Promise<void>((r) => st.server.listen(0, '127.0.0.1', r));
  st.port = (st.server.address() as { port: number }).port;
  return st;
}

/** Connects, optionally writes `data` and half-closes, and resolves with everything received until close. */
export function exchange(port: number, data: string | Buffer | null = null, timeoutMs = 3000): Promise<string> {
  return new Promise((resolve, reject) => {
    const c = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const t = setTimeout(() => { c.destroy(); reject(new Error('exchange timeout')); }, timeoutMs);
    c.on('data', (d) => chunks.push(d));
    c.on('error', (e) => { clearTimeout(t); reject(e); });
    c.on('close', () => { clearTimeout(t); resolve(Buffer.concat(chunks).toString()); });
    c.on('connect', () => { if (data !== null) c.end(data); });
  });
}

let wired = false;
/** Loads `text` and starts it in this process. */
export async function startSluice(text: string): Promise<Runtime> {
  setEventStderr(false);
  if (!wired) { wireRuntime(); wired = true; }
  const dir = mkdtempSync(join(tmpdir(), 'sluice-e2e-'));
  const f = join(dir, 'sluice.cfg');
  writeFileSync(f, text);
  const cfg = loadConfig([f], buildRegistry());
  const alerts = cfg.messages.filter((m) => m.level === 0);
  if (alerts.length > 0) throw new Error(alerts.map((m) => m.text).join('\n'));
  return startRuntime(cfg);
}

export async function stopSluice(rt: Runtime): Promise<void> {
  stopRuntime(rt);
  await closeAllListeners();
  if (rt.stats !== null) await rt.stats.close();
}

export function sleep(ms: number): Promise<void> { return new Promise((r) => setTimeout(r, ms)); }

/** Polls `cond` every 20 ms until true or `timeoutMs`. */
export async function waitFor(cond: () => boolean, timeoutMs = 3000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error('waitFor timeout');
    await sleep(20);
  }
}

/**
 * A raw HTTP/1.1 origin on a free loopback port: `onHead(sock, head)` answers each request head (up to the blank line;
 * bodies are not read); over TLS with `tls` (cert and key). close() stops it and drops its connections.
 */
export function headServer(onHead: (c: Socket, head: string) => void, tls: TlsOptions | null = null): Promise<{ port: number; close(): void }> {
  const socks = new Set<Socket>();
  const onConn = (c: Socket): void => {
    socks.add(c);
    c.on('close', () => socks.delete(c));
    c.on('error', () => {});
    let acc = '';
    c.on('data', (d) => {
      acc += d.toString('latin1');
      const e = acc.indexOf('\r\n\r\n');
      if (e < 0) return;
      const head = acc.slice(0, e + 4);
      acc = '';
      onHead(c, head);
    });
  };
  const srv = tls === null ? createServer(onConn) : createTlsServer(tls, onConn).on('tlsClientError', () => {});
  return new Promise((r) => srv.listen(0, '127.0.0.1', () => r({
    port: (srv.address() as { port: number }).port,
    close: () => { srv.close(); for (const s of socks) s.destroy(); },
  })));
}
