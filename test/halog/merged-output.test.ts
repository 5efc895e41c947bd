// stdout and stderr sent to one file interleave exactly as with halog 2.6 (C stdio: stdout in
// st_blksize blocks, stderr unbuffered): the compiled binary against fixtures/halog/merged/*/out, and
// OutBuf's buffering modes on their own.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OUT_LINE, OutBuf } from '../../halog/output.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'dist', 'halog', 'main.js');
const MERGED = join(ROOT, 'fixtures', 'halog', 'merged');

for (const name of readdirSync(MERGED).sort()) {
  const cmd = readFileSync(join(MERGED, name, 'CMD'), 'utf8').trim();
  const [, flag, input] = /^halog (\S+) < \.\.\/\.\.\/corpus\/(\S+) > out 2>&1/.exec(cmd)!;
  test(`halog ${flag} < ${input} > file 2>&1 gives halog 2.6's interleaving (${name})`, (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'halog-merged-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const outFd = openSync(join(dir, 'out'), 'w');
    const inFd = openSync(join(ROOT, 'fixtures', 'halog', 'corpus', input), 'r');
    try {
      const r = spawnSync(process.execPath, [BIN, flag], { stdio: [inFd, outFd, outFd], env: { ...process.env, TZ: 'UTC' }, timeout: 20000 });
      assert.equal(r.status, 0);
    } finally { closeSync(outFd); closeSync(inFd); }
    assert.equal(readFileSync(join(dir, 'out'), 'latin1'), readFileSync(join(MERGED, name, 'out'), 'latin1'));
  });
}

function writes(mode: number, feed: (o: OutBuf) => void): string[] {
  const o = new OutBuf(-1, mode);
  o.chunks = [];
  feed(o);
  const before = o.chunks.map((c) => c.toString('latin1'));
  o.flush();
  return [...before, '|', ...o.chunks.slice(before.length).map((c) => c.toString('latin1'))];
}

test('exact-block mode writes only full blocks until the final flush', () => {
  assert.deepEqual(writes(4, (o) => { o.str('ab'); o.bytes(Buffer.from('cdefghij'), 0, 7); o.byte(0x78); o.str('yz'); }),
    ['abcd', 'efgh', 'ixyz', '|']);
  assert.deepEqual(writes(4, (o) => { o.str('abcdef'); o.str('g'); }), ['abcd', '|', 'efg']);
});

test('line mode writes at each newline, whatever call ends the line', () => {
  assert.deepEqual(writes(OUT_LINE, (o) => { o.str('a'); o.str('b\n'); o.bytes(Buffer.from('cd'), 0, 2); o.byte(10); o.str('e'); }),
    ['ab\n', 'cd\n', '|', 'e']);
});
