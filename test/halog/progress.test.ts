// Progress bar: the renderer (bar text, 200 ms redraw limit, per-file fraction, erase), the gate (TTY
// stderr and file arguments only, never with -q or --no-progress), and the compiled halog under a real pseudo-terminal
// (util-linux `script`) against the same run with stderr not a TTY.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Progress, progressLine, progressWanted } from '../../halog/progress.ts';
import { OutBuf } from '../../halog/output.ts';
import { defaultHalogOptions } from '../../halog/flags.ts';
import { FILT_COUNT_ONLY, FILT_QUIET } from '../../halog/types.ts';

function capture(): { out: OutBuf; text: () => string } {
  const out = new OutBuf(-1);
  out.chunks = [];
  return { out, text: () => { out.flush(); return Buffer.concat(out.chunks!).toString('latin1'); } };
}

test('progressLine draws a 30-column bar and a right-aligned percentage', () => {
  assert.equal(progressLine(0), '\r[' + ' '.repeat(30) + ']   0%');
  assert.equal(progressLine(0.5), '\r[' + '#'.repeat(15) + ' '.repeat(15) + ']  50%');
  assert.equal(progressLine(1), '\r[' + '#'.repeat(30) + '] 100%');
});

test('the bar is redrawn at most every 200 ms and shows the fraction of the current file', () => {
  let now = 1000;
  const c = capture();
  const p = new Progress(c.out, () => now);
  p.startFile(1000, 0);
  p.update(250);
  now += 199;
  p.update(500);
  assert.equal(c.text(), progressLine(0.25));
  now += 1;
  p.update(500);
  assert.equal(c.text(), progressLine(0.25) + progressLine(0.5));
  p.startFile(200, 1000);
  now += 200;
  p.update(1100);
  assert.equal(c.text(), progressLine(0.25) + progressLine(0.5) + progressLine(0.5));
});

test('clear erases a drawn bar and writes nothing when none was drawn', () => {
  const c = capture();
  const p = new Progress(c.out, () => 0);
  p.clear();
  p.update(10);
  assert.equal(c.text(), '', 'unknown size (total 0): nothing drawn');
  p.startFile(100, 0);
  p.update(100);
  p.clear();
  p.clear();
  assert.equal(c.text(), progressLine(1) + '\r' + ' '.repeat(37) + '\r');
});

test('the bar is wanted only for file arguments on a TTY stderr, without -q and without --no-progress', () => {
  const o = defaultHalogOptions();
  o.filter = FILT_COUNT_ONLY;
  assert.equal(progressWanted(o, true), false, 'stdin: halog\'s way, halog\'s bytes');
  o.files.push('x.log');
  assert.equal(progressWanted(o, true), true);
  assert.equal(progressWanted(o, false), false);
  assert.equal(progressWanted(o, undefined), false);
  assert.equal(progressWanted({ ...o, filter: FILT_COUNT_ONLY | FILT_QUIET }, true), false);
  assert.equal(progressWanted({ ...o, progress: false }, true), false);
});

const ROOT = join(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'dist', 'halog', 'main.js');
const CORPUS = join(ROOT, 'fixtures', 'halog', 'corpus', 'syslog.log');
const sh = (s: string): string => "'" + s.replaceAll("'", "'\\''") + "'";

test('the compiled halog draws and erases the bar on a terminal stderr, and never on a pipe', (t) => {
  assert.ok(existsSync(BIN), 'dist/halog/main.js (npm run build)');
  const dir = mkdtempSync(join(tmpdir(), 'halog-progress-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const run = (extra: string): { tty: string; out: string } => {
    const outFile = join(dir, 'out');
    const cmd = `${sh(process.execPath)} ${sh(BIN)} -c ${extra} ${sh(CORPUS)} > ${sh(outFile)}`;
    const r = spawnSync('script', ['-qec', cmd, '/dev/null'], { encoding: 'latin1', timeout: 20000 });
    assert.equal(r.status, 0, r.stderr);
    return { tty: r.stdout, out: readFileSync(outFile, 'latin1') };
  };
  const lines = readFileSync(CORPUS, 'latin1').split('\n').filter(Boolean).length;
  const withBar = run('');
  assert.equal(withBar.out, lines + '\n');
  /* the first read draws the bar at once (then at most every 200 ms), and it is erased at the end */
  assert.match(withBar.tty, /^\r\[#*( *)\] {0,2}\d{1,3}%/, JSON.stringify(withBar.tty));
  assert.ok(withBar.tty.endsWith('\r' + ' '.repeat(37) + '\r'), 'bar erased');
  const noBar = run('--no-progress');
  assert.equal(noBar.out, lines + '\n');
  assert.equal(noBar.tty, '');
  /* stdin redirected from the file, as with halog: no bar, the terminal sees halog's bytes */
  const outFile = join(dir, 'out-stdin');
  const r = spawnSync('script', ['-qec', `${sh(process.execPath)} ${sh(BIN)} -st < ${sh(CORPUS)} > ${sh(outFile)}`, '/dev/null'],
    { encoding: 'latin1', timeout: 20000 });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, readFileSync(join(ROOT, 'fixtures', 'halog', 'cases', 'st', 'stderr'), 'latin1').replaceAll('\n', '\r\n'));
  assert.equal(readFileSync(outFile, 'latin1'), readFileSync(join(ROOT, 'fixtures', 'halog', 'cases', 'st', 'stdout'), 'latin1'));
  const pipe = spawnSync(process.execPath, [BIN, '-c', CORPUS], { encoding: 'latin1', timeout: 20000 });
  assert.equal(pipe.stdout, lines + '\n');
  assert.equal(pipe.stderr, '');
});
