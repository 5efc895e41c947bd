/*
 * http-check set-var / set-var-fmt / unset-var (check.*), read by var() in `send uri-lf`, header values (log-formats
 * in 2.6), `body-lf` and `expect string-lf`, multi-step http checks (several `http-check connect` steps, each with
 * its request and expects) and several expects for one request (in order, the first failure decides): each backend
 * of fixtures/proxy/http-check-vars/checks.cfg probed against the same origin
 * gets the verdict and reason haproxy 2.6.12 logged (haproxy-health.txt), `connect send-proxy` too. Multi-step refusals
 * are config alerts.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server as NetServer } from 'node:net';
import { readFileSync, mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { loadConfig, CFG_ALERT } from '../../../proxy/config/loader.ts';
import { buildRegistry } from '../../../proxy/modules.ts';
import type { Proxy } from '../../../proxy/model/types.ts';
import { checkVerdicts, probeBackend } from './probe-util.ts';

const fx = (f: string) => readFileSync(new URL('../../../fixtures/proxy/http-check-vars/' + f, import.meta.url), 'latin1');
const dir = mkdtempSync(join(tmpdir(), 'sluice-hchkvars-'));
let origin: NetServer;
let backends: Map<string, Proxy>;
const seen: string[] = [];

before(async () => {
  // origin.cjs's answer
  origin = createServer((s) => {
    s.on('error', () => {});
    let a = '';
    s.on('data', (d) => {
      a += d.toString('latin1');
      if (!a.includes('\r\n\r\n')) return;
      const px = a.startsWith('PROXY TCP4 127.0.0.1 127.0.0.1 ');
      if (px) a = a.slice(a.indexOf('\r\n') + 2);
      seen.push(a.slice(0, a.indexOf(' ', 4)));
      const ok = ((a.startsWith('GET /hello ') && /\r\nx-v: hello\r\n/i.test(a)) || (px && a.startsWith('GET /proxied '))) &&
        (!a.includes('content-length') || a.endsWith('b=hello'));
      s.end(ok ? 'HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\nhello' : 'HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n');
    });
  });
  await new Promise<void>((r) => origin.listen(0, '127.0.0.1', () => r()));
  const port = (origin.address() as { port: number }).port;
  writeFileSync(join(dir, 'c.cfg'), fx('checks.cfg').replaceAll('127.0.0.1:18898', `127.0.0.1:${port}`).replace('port 18898\n', `port ${port}\n`).replace(/listen l\n[^]*$/, ''));
  const c = loadConfig([join(dir, 'c.cfg')], buildRegistry());
  assert.deepEqual(c.messages.filter((m) => m.level === CFG_ALERT).map((m) => m.text), []);
  backends = c.backends;
});

after(() => { origin.close(); rmSync(dir, { recursive: true, force: true }); });

test('http-check variables, log-format header values, uri-lf/body-lf and multi-step checks: verdicts of haproxy 2.6.12', async () => {
  const { want, got } = await checkVerdicts(fx('haproxy-health.txt'), backends);
  assert.equal(want.length, 14);
  assert.deepEqual(got, want);
  // v7's second step ran on its own connection after the first passed
  seen.length = 0;
  await probeBackend(backends, 'v7');
  assert.deepEqual(seen, ['GET /hello', 'GET /other']);
});

test('http-check: a send after an expect without a connect is 2.6\'s alert; set-var after the send is refused by name, several expects load', () => {
  const f = join(dir, 'bad.cfg');
  const alerts = (lines: string): string[] => {
    writeFileSync(f, `backend b\n  option httpchk\n${lines}  server s 127.0.0.1:1 check\n`);
    return loadConfig([f], buildRegistry()).messages.filter((m) => m.level === CFG_ALERT).map((m) => m.text.replace(f, 'bad.cfg'));
  };
  assert.deepEqual(alerts('  http-check send meth GET\n  http-check expect status 200\n  http-check send meth GET uri /b\n'),
    ["parsing [bad.cfg:5] : 'http-check send' : unable to add http-check send rule at step 3 (missing connect rule).."]);
  assert.deepEqual(alerts('  http-check expect status 200\n  http-check expect string x\n'), []);
  assert.match(alerts('  http-check send meth GET\n  http-check set-var(check.x) str(a)\n')[0]!, /after the step's 'http-check send' is not supported by sluice yet/);
});
