/*
 * Writes fixtures/ssl/logs/haproxy.log: the log lines haproxy 2.6 (/usr/sbin/haproxy) prints for log-scenario.ts,
 * raw and masked. Run from the repository root: node --import tsx test/e2e/ssl/gen-golden.ts
 * Not a test: log.test.ts compares Sluice's lines with the committed output.
 */
import dgram from 'node:dgram';
import net from 'node:net';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { sslLogConfig, runSslLogScenario, maskSslLog, SSL_FIXTURES } from './log-scenario.ts';
import type { LogPorts } from './log-scenario.ts';

async function port(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const p = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return p;
}

const lines: string[] = [];
const udp = dgram.createSocket('udp4');
udp.on('message', (m) => lines.push(m.toString('latin1').replace(/\n$/, '')));
await new Promise<void>((r) => udp.bind(0, '127.0.0.1', r));
const be = net.createServer((s) => { s.on('error', () => {}); s.end('tcp-backend\n'); });
await new Promise<void>((r) => be.listen(0, '127.0.0.1', r));
const ports: LogPorts = {
  log: udp.address().port, https: await port(), fmt: await port(), tcp: await port(), plain: await port(),
  quiet: await port(), slow: await port(), mtls: await port(), pp: await port(),
  backend: (be.address() as net.AddressInfo).port,
};
const dir = mkdtempSync(join(tmpdir(), 'ssl-golden-'));
writeFileSync(join(dir, 'h.cfg'), sslLogConfig(ports));
const hp = spawn('/usr/sbin/haproxy', ['-f', join(dir, 'h.cfg')], { stdio: 'inherit' });
try {
  await new Promise((r) => setTimeout(r, 700));
  await runSslLogScenario(ports);
  await new Promise((r) => setTimeout(r, 500));
} finally { hp.kill('SIGTERM'); }
udp.close();
be.close();
mkdirSync(join(SSL_FIXTURES, 'logs'), { recursive: true });
writeFileSync(join(SSL_FIXTURES, 'logs', 'haproxy.raw.log'), lines.join('\n') + '\n');
writeFileSync(join(SSL_FIXTURES, 'logs', 'haproxy.log'), lines.map(maskSslLog).join('\n') + '\n');
console.log(lines.map(maskSslLog).join('\n'));
