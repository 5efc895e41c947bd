/*
 * `sluice -c` on the edge keywords against `haproxy -c` goldens (fixtures/edge/check/<case>, CMD): resolvers section
 * errors, server/bind/proxy keyword errors (init-addr, resolve-*, proxy-v2-options, server-template, expect-proxy,
 * originalto, http-send-name-header), and a valid configuration using all of them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../../..');
const main = join(root, 'proxy/main.ts');

/** Alert/warning lines without the pid and NOTICE lines. */
function norm(s: string): string[] {
  return s.split('\n').filter((l) => !l.startsWith('[NOTICE]')).map((l) => l.replace(/^(\[\w+\]\s+)\(\d+\)/, '$1()'));
}

for (const c of ['resolvers-errors', 'server-errors', 'valid', 'srv']) {
  test(`sluice -c prints what haproxy 2.6 -c prints: ${c}`, () => {
    const dir = join(root, 'fixtures/edge/check', c);
    const r = spawnSync(process.execPath, ['--import', 'tsx', main, '-c', '-f', 'haproxy.cfg'], { cwd: dir, encoding: 'utf8', timeout: 20000 });
    assert.equal(r.status, Number(readFileSync(join(dir, 'haproxy.rc'), 'utf8')));
    assert.deepEqual(norm(r.stderr), norm(readFileSync(join(dir, 'haproxy.stderr'), 'utf8')));
    assert.equal(r.stdout, readFileSync(join(dir, 'haproxy.stdout'), 'utf8'));
  });
}
