/*
 * Response heads of the stats page and the Prometheus exporter as 2.6 writes them (fixtures/stats/stats-page-heads,
 * see CMD): `connection: close` for a closing client, no transfer-encoding on a stats page HEAD (the exporter keeps it).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { connect } from 'node:net';
import { freePort, spawnSluice, teardown } from './traffic.ts';

const dir = mkdtempSync(join(tmpdir(), 'sluice-stats-heads-'));
const sock = join(dir, 'admin.sock');
const D = new URL('../../../fixtures/stats/stats-page-heads/', import.meta.url);
let proc: ChildProcess | null = null;
let port = 0;

before(async () => {
  port = await freePort();
  const cfg = 'global\n    stats socket ' + sock + ' level admin\n' +
    readFileSync(new URL('haproxy.cfg', D), 'latin1').replace('127.0.0.1:19385', '127.0.0.1:' + port);
  writeFileSync(join(dir, 'sluice.cfg'), cfg);
  proc = await spawnSluice(join(dir, 'sluice.cfg'), sock);
});

after(() => teardown(proc, [], dir));

/** The response head for one raw request, lines joined with '|' like the capture. */
function head(req: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const c = connect(port, '127.0.0.1');
    let got = '';
    const t = setTimeout(() => { c.destroy(); reject(new Error('no head within 3 s: ' + got)); }, 3000);
    c.on('data', (d) => {
      got += d.toString('latin1');
      const e = got.indexOf('\r\n\r\n');
      if (e >= 0) { clearTimeout(t); c.destroy(); resolve(got.slice(0, e + 2).replace(/\r\n/g, '|') + '|'); }
    });
    c.on('error', reject);
    c.write(req.replace(/\|/g, '\r\n') + '\r\n\r\n');
  });
}

test('stats page and exporter response heads are 2.6\'s', async () => {
  const reqs = readFileSync(new URL('requests.txt', D), 'latin1').trimEnd().split('\n');
  const want = readFileSync(new URL('heads.txt', D), 'latin1').trimEnd().split('\n');
  for (const [i, r] of reqs.entries()) assert.equal(await head(r), want[i], r);
});
