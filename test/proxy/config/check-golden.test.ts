import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { loadConfig } from '../../../proxy/config/loader.ts';
import { buildRegistry } from '../../../proxy/modules.ts';
import { reportConfig } from '../../../proxy/main.ts';
import { checkGoldenTests } from '../../e2e/check-golden-util.ts';

// fixtures/configs/errors: every <case>.cfg with haproxy 2.6.12's `-c` stderr (pid masked, [NOTICE] lines dropped)
// and exit status, made by make-goldens.sh there. Sluice must print the same [ALERT]/[WARNING] lines.
const dir = join(import.meta.dirname, '../../../fixtures/configs/errors');
const cases = checkGoldenTests(dir);
process.chdir(dir); // the tests below name files relative to it

test('the golden set is there', () => {
  assert.ok(cases.length >= 90, `${cases.length} cases`);
});

test('exit 2 "no listener" for an empty file and a global section without stats socket, 0 with one', async () => {
  const main = join(import.meta.dirname, '../../../proxy/main.ts');
  const run = (f: string) => new Promise<{ code: number | null; out: string }>((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', main, '-c', '-f', f], { encoding: 'latin1', timeout: 20000 },
      (e, stdout) => resolve({ code: e === null ? 0 : (e as { code?: number }).code ?? null, out: stdout }));
  });
  const [empty, gonly, gsock] = await Promise.all([run('empty.cfg'), run('gonly.cfg'), run('gsock.cfg')]);
  const noListener = 'Configuration file has no error but will not start (no listener) => exit(2).\n';
  assert.deepEqual(empty, { code: 2, out: noListener });
  assert.deepEqual(gonly, { code: 2, out: noListener });
  assert.deepEqual(gsock, { code: 0, out: 'Configuration file is valid\n' });
});

test('several -f files and a directory: each file with errors gets its "Error(s) found" line right after it', () => {
  const multi = join(dir, '../multi');
  process.chdir(multi);
  try {
    const cfg = loadConfig(['a.cfg', 'b.cfg', 'd'], buildRegistry(), { HOME: '/root' });
    let got = '';
    assert.equal(reportConfig(cfg, false, (s) => { got += s; }), 1);
    assert.equal(got.replace(/^(\[[A-Z]+\] +)\(\d+\)/gm, '$1(PID)'), readFileSync('stderr', 'latin1'));
  } finally { process.chdir(dir); }
});

test('a missing -f path stops before any file is read, without the "Fatal errors" line (2.6)', () => {
  const cfg = loadConfig(['nosuch.cfg', 'typo-kw.cfg'], buildRegistry(), {});
  let got = '';
  assert.equal(reportConfig(cfg, false, (s) => { got += s; }), 1);
  assert.equal(got.replace(/^(\[[A-Z]+\] +)\(\d+\)/gm, '$1(PID)'),
    '[ALERT]    (PID) : config : Cannot open configuration file/directory nosuch.cfg : No such file or directory\n');
});

test('-q prints nothing at all, alerts included, and keeps the exit status (haproxy -c -q)', () => {
  let got = '';
  assert.equal(reportConfig(loadConfig(['typo-kw.cfg'], buildRegistry(), {}), true, (s) => { got += s; }), 1);
  assert.equal(reportConfig(loadConfig(['tcp-httplog.cfg'], buildRegistry(), {}), true, (s) => { got += s; }), 0);
  assert.equal(got, '');
});
