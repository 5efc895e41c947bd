/*
 * One `sluice -c` golden test per *.cfg of a fixtures folder made by its make-goldens.sh (haproxy 2.6.12 -c): the
 * same [ALERT]/[WARNING] lines (pids masked, [NOTICE] lines left out) and the same exit status. Shared by the check-golden tests.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { loadConfig } from '../../proxy/config/loader.ts';
import { buildRegistry } from '../../proxy/modules.ts';
import { reportConfig } from '../../proxy/main.ts';

/** Registers one test per `<case>.cfg` of `dir` (with its `.stderr` and `.status`); returns the case files. */
export function checkGoldenTests(dir: string): string[] {
  const cases = readdirSync(dir).filter((f) => f.endsWith('.cfg')).sort();
  for (const f of cases) {
    const c = f.slice(0, -4);
    test(`sluice -c prints what haproxy -c prints: ${c}`, () => {
      const cwd = process.cwd();
      process.chdir(dir);      // the messages name the file as given on the command line
      try {
        const want = readFileSync(c + '.stderr', 'latin1');
        const status = Number(readFileSync(c + '.status', 'latin1'));
        const cfg = loadConfig([f], buildRegistry(), { HOME: '/root' });
        let got = '';
        const rc = reportConfig(cfg, false, (s) => { got += s; });
        // the goldens drop haproxy's [NOTICE] lines (its version banner, and `.notice` directives)
        assert.equal(got.replace(/^\[NOTICE\].*\n/gm, '').replace(/^(\[[A-Z]+\] +)\(\d+\)/gm, '$1(PID)'), want);
        assert.equal(rc === 1, status === 1, `exit status: haproxy ${status}, sluice ${rc}`);
      } finally { process.chdir(cwd); }
    });
  }
  return cases;
}
