/*
 * Table names in samples and converters (`table_<data>(<t>)`, `sc_*(..., <t>)`) stay bound to the tables of the
 * configuration that compiled them: loading another configuration with a table of the same name (a reload being
 * checked, or refused) does not redirect the running one to that new, empty table.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { freePort, startSluice, stopSluice } from '../proxy-util.ts';
import { loadConfig } from '../../../proxy/config/loader.ts';
import { buildRegistry } from '../../../proxy/modules.ts';
import type { Runtime } from '../../../proxy/runtime.ts';

const dir = mkdtempSync(join(tmpdir(), 'sluice-stk-names-'));
let rt: Runtime | null = null;
after(async () => { if (rt !== null) await stopSluice(rt); rmSync(dir, { recursive: true, force: true }); });

function get(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const q = request({ host: '127.0.0.1', port, path: '/', agent: false, timeout: 3000 }, (r) => {
      let b = '';
      r.on('data', (d) => { b += d; });
      r.on('end', () => resolve(b));
    });
    q.on('error', reject);
    q.on('timeout', () => q.destroy(new Error('timeout')));
    q.end();
  });
}

const cfg = (port: number): string => `
defaults
  mode http
  timeout connect 1s
  timeout client 1s
  timeout server 1s
backend t
  stick-table type ip size 10 expire 1m store http_req_cnt
frontend fe
  bind 127.0.0.1:${port}
  http-request track-sc0 src table t
  http-request return status 200 content-type text/plain lf-string "%[src,table_http_req_cnt(t)]"
`;

test('a second load of a table with the same name leaves the running configuration on its own table', async () => {
  const port = await freePort();
  rt = await startSluice(cfg(port));
  const first = [await get(port), await get(port)];
  const f = join(dir, 'next.cfg');
  writeFileSync(f, cfg(await freePort()));
  assert.deepEqual(loadConfig([f], buildRegistry()).messages.filter((m) => m.level === 0), []);
  const third = await get(port);
  assert.deepEqual([...first, third], ['1', '2', '3']);
});
