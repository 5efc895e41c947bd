/*
 * Helpers shared by the HTTP/balance golden scenarios and their capture scripts (fixtures/http/* /capture.mts,
 * fixtures/balance/hash/capture.mts): one raw request per connection, and running a scenario against the real
 * HAProxy 2.6 with a generated configuration.
 */
import net from 'node:net';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';

/**
 * Writes `raw` on a new connection to a loopback port (or to `net.connect` options: a unix socket, a source address)
 * and resolves with everything received until the peer closes; rejects after `timeoutMs`.
 */
export function rawRequest(to: number | net.NetConnectOpts, raw: string, timeoutMs = 5000): Promise<string> {
  return new Promise((resolve, reject) => {
    const c = typeof to === 'number' ? net.connect(to, '127.0.0.1') : net.connect(to);
    const out: Buffer[] = [];
    const t = setTimeout(() => { c.destroy(); reject(new Error('timeout: ' + raw.slice(0, 40))); }, timeoutMs);
    c.on('data', (d) => out.push(d));
    c.on('error', (e) => { clearTimeout(t); reject(e); });
    c.on('close', () => { clearTimeout(t); resolve(Buffer.concat(out).toString('latin1')); });
    c.on('connect', () => c.write(raw));
  });
}

/** The `defaults` section of the HTTP goldens: mode http, httplog to 127.0.0.1:logPort, 2 s/5 s timeouts. */
export function goldenDefaults(logPort: number): string {
  return `defaults
    mode http
    log 127.0.0.1:${logPort} local0
    option httplog
    timeout connect 2s
    timeout client 5s
    timeout server 5s
`;
}

/** A loopback port free right now. */
export function freeLoopbackPort(): Promise<number> {
  return new Promise((r) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => { const p = (s.address() as net.AddressInfo).port; s.close(() => r(p)); });
  });
}

/** Starts /usr/sbin/haproxy -db on `cfg` (capture scripts' `start`), waits 700 ms for it to bind; resolves with its stop. */
export async function startHaproxyCfg(cfg: string): Promise<() => void> {
  const dir = mkdtempSync(join(tmpdir(), 'hap-golden-'));
  writeFileSync(join(dir, 'h.cfg'), cfg);
  const hap = spawn('/usr/sbin/haproxy', ['-f', join(dir, 'h.cfg'), '-db'], { stdio: 'inherit' });
  await new Promise((r) => setTimeout(r, 700));
  return () => { hap.kill('SIGTERM'); };
}

/** Starts `haproxy -db` (argv[2] or /usr/sbin/haproxy) on `cfg`, runs `scenario`, stops it; returns its result. */
export async function withHaproxy<T>(cfg: string, scenario: () => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'hap-golden-'));
  writeFileSync(join(dir, 'h.cfg'), cfg);
  const hap = spawn(process.argv[2] ?? '/usr/sbin/haproxy', ['-f', join(dir, 'h.cfg'), '-db'], { stdio: 'inherit' });
  await new Promise((r) => setTimeout(r, 700));
  try { return await scenario(); } finally { hap.kill('SIGTERM'); }
}
