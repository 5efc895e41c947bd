/*
 * The package's commands as npm installs them: each "bin" of package.json is a symlink (node_modules/.bin, npx,
 * npm i -g) to its compiled file in dist/. Each must run through such a link. Needs `npm run build` (npm test does it).
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const bins = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).bin as Record<string, string>;
const dir = mkdtempSync(join(tmpdir(), 'sluice-bins-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const ARGS: Record<string, { args: string[]; want: RegExp }> = {
  sluice: { args: ['--help'], want: /^Usage : sluice [\s\S]*-c check mode/ },
  halog: { args: ['-h'], want: /Usage:\n {2}halog / },
  hatop: { args: ['--help'], want: /Usage: hatop / },
  'sluice-collect': { args: ['--help'], want: /Usage: sluice-collect / },
};

for (const [name, target] of Object.entries(bins)) {
  test(`the '${name}' command runs through a bin symlink`, () => {
    const file = join(root, target);
    assert.ok(existsSync(file), `${target} exists (run npm run build)`);
    const link = join(dir, name);
    symlinkSync(file, link);
    const c = ARGS[name];
    assert.ok(c !== undefined, `a check is listed for '${name}'`);
    const r = spawnSync(link, c.args, { encoding: 'utf8', timeout: 15000 });
    assert.match(r.stdout + r.stderr, c.want);
  });
}
