// Worker-thread scans must give the same bytes as the sequential scan (and so as halog 2.6) for every
// mergeable report, including the stderr line numbers, on the real, malformed and long-line corpora;
// also with blocks spread over several takers and merged out of order.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { closeSync, fstatSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { runCase } from './run-case.ts';
import { parseHalogArgs } from '../../halog/flags.ts';
import { HalogScanner } from '../../halog/scan/scanner.ts';
import { OutBuf } from '../../halog/output.ts';
import { finishHalog } from '../../halog/run.ts';
import { blockCuts, mergeBlocks } from '../../halog/parallel.ts';
import { scanBlocks } from '../../halog/range-scan.ts';
import type { HalogOptions } from '../../halog/types.ts';

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

/* Blocks taken by several "threads" in turn (scanBlocks with maxBlocks), merged out of order. */
async function blockwise(args: string[], file: string, takes: number[]): Promise<{ out: string; err: string; merged: boolean }> {
  const parsed = parseHalogArgs(['--threads', '1', ...args]);
  assert.equal(parsed.kind, 'run');
  const o = (parsed as { opts: HalogOptions }).opts;
  const out = new OutBuf(-1); out.chunks = [];
  const err = new OutBuf(-1); err.chunks = [];
  const sc = new HalogScanner(o, out, err);
  const fd = openSync(file, 'r');
  try {
    const cuts = blockCuts(fd, fstatSync(fd).size, 9);
    const next = new Int32Array(new SharedArrayBuffer(4));
    const countOnly = args.length === 1 && args[0] === '-c';
    const results = [...takes, 99].map((n) => scanBlocks({ opts: o, fd, cuts, next, countOnly, maxBlocks: n }));
    results.reverse();
    const merged = mergeBlocks(sc, results, cuts.length - 1);
    if (merged) finishHalog(sc, o, { out, err, stdinFd: -1 });
  } finally { closeSync(fd); }
  out.flush(); err.flush();
  return { out: Buffer.concat(out.chunks!).toString('latin1'), err: Buffer.concat(err.chunks!).toString('latin1'), merged: true };
}

for (const m of [['-st'], ['-srv'], ['-pct'], ['-uc'], ['-c'], ['-ac', '2']]) {
  test(`halog ${m.join(' ')} blocks scanned by three takers and merged out of order give the sequential output`, async () => {
    const file = join(CORPUS, 'garbage.log');
    const one = await runCase(['--threads', '1', ...m], file, true);
    const split = await blockwise(m, file, [2, 3]);
    assert.equal(split.out, one.out.toString('latin1'));
    assert.equal(split.err, one.err.toString('latin1'));
    assert.ok(one.err.length > 0 || m[0] === '-c', 'the corpus gives stderr messages to renumber');
  });
}

test('a block that ends on a line of HALOG_LINE_MAX bytes or more makes the merge decline (sequential rescan)', () => {
  const parsed = parseHalogArgs(['--threads', '1', '-st']);
  const o = (parsed as { opts: HalogOptions }).opts;
  const sc = new HalogScanner(o, new OutBuf(-1), new OutBuf(-1));
  const fd = openSync(join(CORPUS, 'longline.log'), 'r');
  try {
    const cuts = blockCuts(fd, fstatSync(fd).size, 4);
    const next = new Int32Array(new SharedArrayBuffer(4));
    const r = scanBlocks({ opts: o, fd, cuts, next, countOnly: false });
    assert.equal(r.stopped, true);
    assert.equal(mergeBlocks(sc, [r], cuts.length - 1), false);
    assert.equal(sc.linenum, 0);
  } finally { closeSync(fd); }
});
