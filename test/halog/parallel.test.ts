// Worker-thread scans must give the same bytes as the sequential scan (and so as halog 2.6) for every
// mergeable report, including the stderr line numbers, on the real, malformed and long-line corpora.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { runCase } from './run-case.ts';

const CORPUS = join(import.meta.dirname, '..', '..', 'fixtures', 'halog', 'corpus');
const modes = [['-st'], ['-srv'], ['-tc'], ['-pct'], ['-gt'], ['-uc'], ['-ic'], ['-c'], ['-e', '-c'], ['-ac', '2']];
for (const file of ['garbage.log', 'longline.log']) {
  for (const m of file === 'longline.log' ? [['-c'], ['-st']] : modes) {
    test(`halog ${m.join(' ')} on ${file} gives the same output with 3 worker threads as with one`, async () => {
      const one = await runCase(['--threads', '1', ...m], join(CORPUS, file), true);
      const three = await runCase(['--threads', '3', ...m], join(CORPUS, file), true);
      assert.equal(three.status, one.status);
      assert.equal(three.out.toString('latin1'), one.out.toString('latin1'));
      assert.equal(three.err.toString('latin1'), one.err.toString('latin1'));
    });
  }
}
