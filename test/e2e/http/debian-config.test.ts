/*
 * Debian 12's default /etc/haproxy/haproxy.cfg (copied unchanged in fixtures/configs/debian-default.cfg) loads with
 * `sluice -c`, and its `errorfile` lines (Debian's /etc/haproxy/errors/*.http, installed with the haproxy package as
 * in CI) answer like HAProxy 2.6: names lowercased, Connection dropped, parser errors with the built-in text.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { startSluice, stopSluice, freePort } from '../proxy-util.ts';
import type { Runtime } from '../../../proxy/runtime.ts';
import { debianErrorConfig, debianRequests } from './debian-scenario.ts';

const root = resolve(import.meta.dirname, '../../..');
const cfgFile = join(root, 'fixtures/configs/debian-default.cfg');
let rt: Runtime | null = null;
after(async () => { if (rt !== null) await stopSluice(rt); });

test('sluice -c accepts the Debian default configuration unchanged', () => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'proxy/main.ts'), '-c', '-f', cfgFile], { cwd: root, encoding: 'utf8', timeout: 20000 });
  assert.equal(r.stderr, '');
  assert.equal(r.stdout, 'Configuration file is valid\n');
  assert.equal(r.status, 0);
});

test('the Debian defaults errorfiles are re-emitted as HAProxy 2.6 does (fixtures/http/debian), parser errors keep the built-in text', async () => {
  const port = await freePort();
  rt = await startSluice(debianErrorConfig(port));
  const got = await debianRequests(port);
  for (const name of ['503-close', '503-keepalive', '400']) {
    assert.equal(got[name]!.toString('latin1'), readFileSync(join(root, 'fixtures/http/debian', name + '.bin'), 'latin1'), name);
  }
});
