/*
 * `option external-check` as haproxy 2.6.12: the command's exit status is the verdict (PROCOK / PROCERR with the
 * status as code, 255 when it cannot run), it gets 2.6's arguments and HAPROXY_* environment and only the configured
 * PATH (127 from a script needing one). Backends of fixtures/proxy/external-check/checks.cfg, with its scripts copied
 * to a temporary directory, must get 2.6.12's verdicts (haproxy-health.txt) and ok.sh the same input (ok.sh.out.golden).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, mkdtempSync, writeFileSync, copyFileSync, chmodSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { loadConfig, CFG_ALERT } from '../../../proxy/config/loader.ts';
import { buildRegistry } from '../../../proxy/modules.ts';
import type { Proxy } from '../../../proxy/model/types.ts';
import { checkVerdicts } from './probe-util.ts';

const fxUrl = new URL('../../../fixtures/proxy/external-check/', import.meta.url);
const fx = (f: string) => readFileSync(new URL(f, fxUrl), 'latin1');
const dir = mkdtempSync(join(tmpdir(), 'sluice-extchk-'));
let backends: Map<string, Proxy>;

before(() => {
  for (const f of ['ok.sh', 'fail.sh', 'needs-path.sh']) { copyFileSync(new URL(f, fxUrl), join(dir, f)); chmodSync(join(dir, f), 0o755); }
  writeFileSync(join(dir, 'c.cfg'), fx('checks.cfg').replaceAll('__DIR__', dir).replace(/listen l\n[^]*$/, ''));
  const c = loadConfig([join(dir, 'c.cfg')], buildRegistry());
  assert.deepEqual(c.messages.filter((m) => m.level === CFG_ALERT).map((m) => m.text), []);
  backends = c.backends;
});

after(() => rmSync(dir, { recursive: true, force: true }));

test('external checks: verdicts, codes and what the command is given, as haproxy 2.6.12', async () => {
  const { want, got } = await checkVerdicts(fx('haproxy-health.txt'), backends, true);
  assert.equal(want.length, 5);
  assert.deepEqual(got, want);
  assert.equal(readFileSync(join(dir, 'ok.sh.out'), 'latin1'), fx('ok.sh.out.golden'));
});

test('2.6\'s refusals: no global external-check, a relative command without path; its warning without insecure-fork-wanted', () => {
  const load = (text: string): string[] => {
    const f = join(dir, 'bad.cfg');
    writeFileSync(f, text);
    return loadConfig([f], buildRegistry()).messages.map((m) => m.text);
  };
  const be = 'backend b\n  option external-check\n  external-check command ./x.sh\n  server s 127.0.0.1:1 check\n';
  assert.ok(load(be).includes("Proxy 'b' : 'option external-check' unable to find required 'global.external-check'."));
  assert.ok(load('global\n  external-check\n  insecure-fork-wanted\n' + be).includes("Proxy 'b': 'external-check command' does not have a leading '/' and 'external-check path' is not set."));
  assert.ok(load('global\n  external-check\n' + be.replace('./x.sh', '/bin/true')).includes("Proxy 'b' : 'insecure-fork-wanted' not enabled in the global section, 'option external-check' will likely fail."));
});
