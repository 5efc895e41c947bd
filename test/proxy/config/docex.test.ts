import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compareGoldens } from '../../../bench/edge/doc-examples.ts';

// fixtures/configs/docex: every example and keyword usage line of HAProxy 2.6's configuration.txt, wrapped into a
// configuration, with haproxy 2.6.12's `-c` verdict (see CMD). Sluice must give the same verdict (ok / warnings /
// errors, the line named) on each, except the cases listed in KNOWN: that list must be exact, so a fix shrinks it
// (`node --import tsx bench/edge/doc-examples.ts --known` rewrites it) and a regression fails here.
const dir = join(import.meta.dirname, '../../../fixtures/configs/docex');

test('sluice -c gives haproxy -c\'s verdict on the documentation\'s examples, except the known differences', async () => {
  const { total, diffs } = await compareGoldens(dir);
  assert.ok(total >= 1000, `${total} cases`);
  const known = new Map(readFileSync(join(dir, 'KNOWN'), 'latin1').split('\n').filter((l) => l !== '')
    .map((l) => [l.slice(0, l.indexOf(' ')), l.slice(l.indexOf(' ') + 1)] as const));
  const news = [...diffs].filter(([c, d]) => known.get(c) !== d).map(([c, d]) => `${c}: ${d}`);
  const fixed = [...known.keys()].filter((c) => !diffs.has(c));
  assert.deepEqual(news, [], 'new differences (haproxy->sluice)');
  assert.deepEqual(fixed, [], 'cases that agree now: remove them from KNOWN');
});
