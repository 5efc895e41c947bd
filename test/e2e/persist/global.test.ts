/*
 * Global section: `set-var` / `set-var-fmt` process variables read back as HAProxy 2.6 gives them (fixtures/persist/
 * global, see CMD), and `maxconnrate`: connections past the per-second limit wait for the next second instead of
 * being refused.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { readFileSync } from 'node:fs';
import { startSluice, stopSluice, freePort } from '../proxy-util.ts';
import type { Runtime } from '../../../proxy/runtime.ts';
import { globalConfig, runGlobal } from './global-scenario.ts';
import { processRateLimits } from '../../../proxy/stats/info.ts';

const rts: Runtime[] = [];
after(async () => { for (const rt of rts) await stopSluice(rt); });

test('process variables from the global section read back as in HAProxy 2.6', async () => {
  const fe = await freePort();
  rts.push(await startSluice(globalConfig({ fe })));
  const want = readFileSync(new URL('../../../fixtures/persist/global/body.txt', import.meta.url), 'latin1');
  assert.equal(await runGlobal(fe), want);
});

test('maxconnrate: connections over the limit wait for the next second, none is refused', async () => {
  const fe = await freePort();
  const origin = net.createServer((c) => { c.on('error', () => {}); c.end('ok\n'); });
  await new Promise<void>((r) => origin.listen(0, '127.0.0.1', () => r()));
  const rt = await startSluice(`global
  maxconnrate 3
defaults
  mode tcp
  timeout connect 2s
  timeout client 5s
  timeout server 5s
listen l
  bind 127.0.0.1:${fe}
  server s1 127.0.0.1:${(origin.address() as net.AddressInfo).port}
`);
  rts.push(rt);
  after(() => { origin.close(); });
  assert.equal(processRateLimits.conn, 3);      // what show info prints as ConnRateLimit
  // start right after a second boundary so the first three fit in one second
  await new Promise((r) => setTimeout(r, 1000 - (Date.now() % 1000) + 5));
  const t0 = Date.now();
  const times = await Promise.all(Array.from({ length: 7 }, () => new Promise<number>((resolve, reject) => {
    const c = net.connect(fe, '127.0.0.1');
    let got = '';
    const t = setTimeout(() => { c.destroy(); reject(new Error('no answer in 5 s')); }, 5000);
    c.on('data', (d) => { got += d.toString(); });
    c.on('error', reject);
    c.on('close', () => { clearTimeout(t); if (got === 'ok\n') resolve(Date.now() - t0); else reject(new Error('got ' + JSON.stringify(got))); });
    c.write('x');
  })));
  times.sort((a, b) => a - b);
  assert.ok(times[2]! < 900, 'three within the first second: ' + times.join(','));
  assert.ok(times[3]! >= 900, 'the fourth waits for the next second: ' + times.join(','));
  assert.ok(times[6]! >= 1900 && times[6]! < 3500, 'the seventh for the one after: ' + times.join(','));
});
