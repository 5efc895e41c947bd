/*
 * tune.http.logurilen: the request line 2.6 logs is a copy cut to that many bytes (1023 when not set), and %HU %HP %HQ
 * %HM %HV are read from the cut copy (HTTP/0.9 when the version was cut away). Lines as haproxy 2.6.12 logged them
 * for the same requests: fixtures/log/logurilen (CMD there).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import dgram from 'node:dgram';
import { freePort, startSluice, stopSluice, sleep } from '../proxy-util.ts';

const dir = join(import.meta.dirname, '../../../fixtures/log/logurilen');

async function logged(global: string, paths: string[]): Promise<string> {
  const lines: string[] = [];
  const logSock = dgram.createSocket('udp4');
  await new Promise<void>((r) => logSock.bind(0, '127.0.0.1', () => r()));
  logSock.on('message', (m) => lines.push(m.toString('latin1')));
  const port = await freePort();
  const rt = await startSluice(`global\n${global}defaults\n  mode http\n  timeout connect 1s\n  timeout client 2s\n`
    + `  timeout server 2s\nfrontend fe\n  bind 127.0.0.1:${port}\n`
    + `  log 127.0.0.1:${logSock.address().port} len 8192 format raw local0\n`
    + '  log-format "%r|%HU|%HP|%HQ|%HM|%HV"\n  http-request return status 200\n');
  try {
    for (const p of paths) {
      await new Promise<void>((resolve, reject) => {
        const req = http.get({ host: '127.0.0.1', port, path: p, agent: false }, (res) => { res.resume(); res.on('end', () => resolve()); });
        req.setTimeout(3000, () => req.destroy(new Error('no response within 3 s')));
        req.on('error', reject);
      });
    }
    for (let i = 0; i < 100 && lines.length < paths.length; i++) await sleep(20);
  } finally { await stopSluice(rt); logSock.close(); }
  return lines.join('');
}

test('tune.http.logurilen 64: the logged request line and the fields read from it are cut as 2.6 cuts them', async () => {
  const got = await logged('  tune.http.logurilen 64\n', ['/' + 'a'.repeat(1100) + '?q=1', '/' + 'b'.repeat(55) + '?q=1', '/' + 'c'.repeat(60) + '?q=1']);
  assert.equal(got, readFileSync(join(dir, 'haproxy-64.txt'), 'latin1'));
});

test('without tune.http.logurilen the logged request line keeps 1023 bytes', async () => {
  const got = await logged('', ['/' + 'a'.repeat(1100) + '?q=1', '/' + 'd'.repeat(1013) + '?q=1']);
  assert.equal(got, readFileSync(join(dir, 'haproxy-default.txt'), 'latin1'));
});
