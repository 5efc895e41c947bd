import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { buildRegistry } from '../../../proxy/modules.ts';

const root = resolve(import.meta.dirname, '../../..');
const main = join(root, 'proxy/main.ts');

function sluiceCheck(cwd: string, file: string): { rc: number; out: string; err: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', main, '-c', '-f', file], { cwd, encoding: 'utf8', timeout: 20000 });
  return { rc: r.status ?? -1, out: r.stdout, err: r.stderr };
}

/** Alert/warning lines without the pid and NOTICE lines (continuation lines kept). */
function norm(s: string): string[] {
  return s.split('\n').filter((l) => l !== '' && !l.startsWith('[NOTICE]')).map((l) => l.replace(/^(\[\w+\]\s+)\(\d+\)/, '$1()'));
}

for (const c of ['unknown-keywords', 'quoting-env', 'tcp-request', 'unresolved-server']) {
  test(`sluice -c prints the same alerts as haproxy 2.6 -c and exits 1: ${c}`, () => {
    const dir = join(root, 'fixtures/proxy/check', c);
    const r = sluiceCheck(dir, 'haproxy.cfg');
    assert.equal(r.rc, Number(readFileSync(join(dir, 'haproxy.rc'), 'utf8')));
    assert.deepEqual(norm(r.err), norm(readFileSync(join(dir, 'haproxy.stderr'), 'utf8')));
  });
}

test('sluice -c reports every alert haproxy reports for server and section errors (in order)', () => {
  const dir = join(root, 'fixtures/proxy/check/servers-and-sections');
  const r = sluiceCheck(dir, 'haproxy.cfg');
  assert.equal(r.rc, 1);
  const ours = norm(r.err);
  let at = 0;
  for (const line of norm(readFileSync(join(dir, 'haproxy.stderr'), 'utf8'))) {
    const i = ours.indexOf(line, at);
    assert.ok(i >= 0, `missing: ${line}`);
    at = i + 1;
  }
});

test('typical real configurations are valid', () => {
  for (const f of ['tcp-lb.cfg', 'http-web.cfg']) {
    const r = sluiceCheck(join(root, 'fixtures/configs'), f);
    assert.equal(r.err, '', f);
    assert.equal(r.out, 'Configuration file is valid\n', f);
    assert.equal(r.rc, 0, f);
  }
});

test('real-world-shaped configurations (ACL web LB, TCP databases, named defaults, stats and logging) are valid as in haproxy 2.6', () => {
  const dir = join(root, 'fixtures/configs');
  const golden = new Map(readFileSync(join(dir, 'haproxy-check.txt'), 'utf8').trim().split('\n').map((l) => l.split(' ') as [string, string]));
  for (const f of ['web-lb-acl.cfg', 'tcp-db.cfg', 'named-defaults.cfg', 'stats-logging.cfg']) {
    const r = sluiceCheck(dir, f);
    assert.equal(String(r.rc), golden.get(f), f);
    assert.ok(r.out.endsWith('Configuration file is valid\n'), f);
    assert.doesNotMatch(r.err, /\[ALERT\]/, f);
  }
});

test("Debian's default haproxy.cfg loads unchanged (errorfile comes with the HTTP module)", () => {
  const r = sluiceCheck(join(root, 'fixtures/configs'), 'debian-default.cfg');
  if (buildRegistry().lookup('defaults', ['errorfile', '400', 'x'])) {
    assert.equal(r.rc, 0, r.err);
    assert.equal(r.out, 'Configuration file is valid\n');
  } else {
    assert.equal(r.rc, 1);
    const alerts = norm(r.err).filter((l) => l.startsWith('[ALERT]') && !l.includes('Error(s) found') && !l.includes('Fatal errors'));
    assert.equal(alerts.length, 7);
    for (const a of alerts) assert.match(a, /'errorfile' is a HAProxy 2.6 keyword not supported by sluice yet/);
  }
});

test('a missing configuration file is an alert and exit 1', () => {
  const dir = join(root, 'fixtures/configs');
  const r = sluiceCheck(dir, 'no-such-file.cfg');
  assert.equal(r.rc, 1);
  assert.match(r.err, /Cannot open configuration file\/directory no-such-file.cfg/);
});
