/*
 * roundrobin while a server ramps up with slowstart, as haproxy 2.6.12 picks (fixtures/proxy/slowstart-rr): s3
 * (weight 30, slowstart 3s) enabled again, then a burst of 24 requests in each second of its ramp; each burst's
 * servers in order must be 2.6's, the weights counted in 16ths unrounded (30 x 1/16, not show stat's 2). A burst that
 * ran past its second (a loaded machine) proves nothing and is not compared; most must be.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { freePort, startSluice, stopSluice, headServer, exchange, sleep } from '../proxy-util.ts';
import { cliCommand } from '../stats/traffic.ts';
import type { Runtime } from '../../../proxy/runtime.ts';

const fx = (f: string): string => readFileSync(new URL('../../../fixtures/proxy/slowstart-rr/' + f, import.meta.url), 'latin1');
const BURST = 24;

/** The golden's bursts: the answering servers of each, in order. */
function goldenBursts(): string[] {
  const out: string[] = [];
  let cur = '';
  for (const part of fx('replies.txt').split(/^### /m)) {
    if (part.startsWith('!body')) cur += part.split('\n')[1]!.slice(1);
    else if (part.startsWith('show stat')) { out.push(cur); cur = ''; }
  }
  return out;
}

test('roundrobin order during a slowstart ramp: 2.6.12\'s, burst by burst', async () => {
  const want = goldenBursts();
  assert.deepEqual(want.map((b) => b.length), [BURST, BURST, BURST, BURST]);
  const origins = await Promise.all(['s1', 's2', 's3'].map((n) => headServer((c) => c.end(`HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n${n}`))));
  const port = await freePort();
  const sock = join(mkdtempSync(join(tmpdir(), 'sluice-ssrr-')), 'stats.sock');
  let cfg = fx('haproxy.cfg').replace('127.0.0.1:18779', `127.0.0.1:${port}`).replace('/tmp/compat/h.sock', sock);
  origins.forEach((o, i) => { cfg = cfg.replace(`127.0.0.1:1880${i + 1}`, `127.0.0.1:${o.port}`); });
  let rt: Runtime | null = await startSluice(cfg);
  after(async () => { if (rt !== null) await stopSluice(rt); for (const o of origins) o.close(); });
  await cliCommand(sock, 'disable server l/s3');
  await sleep(200);
  await cliCommand(sock, 'enable server l/s3');
  const t0 = Date.now();
  let compared = 0;
  for (let k = 0; k < want.length; k++) {
    // each burst starts 50 ms into second k of the ramp (the weight is recomputed once a second from the enable)
    await sleep(Math.max(0, t0 + k * 1000 + 50 - Date.now()));
    let got = '';
    for (let i = 0; i < BURST; i++) {
      const r = await exchange(port, 'GET / HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n');
      got += r.slice(-1);
    }
    if (Date.now() >= t0 + (k + 1) * 1000) continue;
    assert.equal(got, want[k], `burst ${k}`);
    compared++;
  }
  assert.ok(compared >= 3, `${compared} bursts compared`);
  await stopSluice(rt);
  rt = null;
});
