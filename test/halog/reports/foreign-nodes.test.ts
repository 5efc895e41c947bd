// -ic with -st/-tc/-cc/-srv/-ac: halog 2.6 walks the per-address nodes as the printed report's own and shows
// addresses (different on each run), so the goldens keep what is stable: status, stderr and stdout's line count.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCase } from '../run-case.ts';

process.env.TZ = 'UTC';
const FIX = join(import.meta.dirname, '..', '..', '..', 'fixtures', 'halog');
const rows = readFileSync(join(FIX, 'foreign', 'expected.txt'), 'utf8').split('\n').filter(Boolean);

rows.forEach((row, i) => {
  const [args, input, status, lines] = row.split('|');
  test(`halog ${args} on ${input}: halog 2.6's status, stderr and ${lines} stdout lines`, async () => {
    const r = await runCase(args.split(' '), join(FIX, 'corpus', input), false);
    assert.equal(r.status, Number(status));
    assert.equal(r.err.toString('latin1'), readFileSync(join(FIX, 'foreign', `${i + 1}.stderr`), 'latin1'));
    const got = r.out.toString('latin1');
    assert.equal(got.split('\n').length - 1, Number(lines));
    if (Number(lines) > 0) assert.ok(got.endsWith('\n'));
  });
});
