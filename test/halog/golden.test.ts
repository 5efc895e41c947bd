// Golden tests: every case of fixtures/halog/cases.txt run in-process must give the real halog 2.6's
// stdout (bytes, or SHA-256 for large outputs), stderr and exit status; a few run the compiled binary.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { spawn, spawnSync } from 'node:child_process';
import { constants as osConstants } from 'node:os';
import { join } from 'node:path';
import { runCase } from './run-case.ts';
import { SLUICE_LONG_HELP } from '../../halog/help-text.ts';

process.env.TZ = 'UTC';
const ROOT = join(import.meta.dirname, '..', '..');
const FIX = join(ROOT, 'fixtures', 'halog');

interface Case { name: string; input: string; args: string[] }
const cases: Case[] = readFileSync(join(FIX, 'cases.txt'), 'utf8').split('\n')
  .filter((l) => l && !l.startsWith('#'))
  .map((l) => { const [name, input, args] = l.split('|'); return { name, input, args: args.split(' ').filter(Boolean) }; });

function expectBytes(dir: string, stream: 'stdout' | 'stderr', got: Buffer): void {
  const plain = join(dir, stream);
  if (existsSync(plain)) {
    const want = readFileSync(plain);
    if (!got.equals(want)) assert.equal(got.toString('latin1'), want.toString('latin1'), `${stream} differs`);
    return;
  }
  const [sha, size] = readFileSync(plain + '.sha256', 'utf8').trim().split(' ');
  assert.equal(got.length, Number(size), `${stream} size`);
  assert.equal(createHash('sha256').update(got).digest('hex'), sha, `${stream} sha256`);
}

for (const c of cases) {
  test(`halog ${c.args.join(' ')} on ${c.input} matches halog 2.6 (${c.name})`, async () => {
    const dir = join(FIX, 'cases', c.name);
    const r = await runCase(c.args, join(FIX, 'corpus', c.input), c.name.endsWith('-file'));
    assert.equal(r.status, Number(readFileSync(join(dir, 'status'), 'utf8').trim()), 'exit status');
    expectBytes(dir, 'stdout', r.out);
    expectBytes(dir, 'stderr', r.err);
  });
}

const BIN = join(ROOT, 'dist', 'halog', 'main.js');
const binCases = ['st', 'srv', 'pct', 'uc', 'garbage-u', 'gz-file', 'lines-H-m', 'crash-hdr-pct', 'headers-srv'];
for (const name of binCases) {
  const c = cases.find((x) => x.name === name)!;
  test(`the compiled halog binary gives the golden output for ${name}`, () => {
    const dir = join(FIX, 'cases', c.name);
    const input = join(FIX, 'corpus', c.input);
    const asFile = c.name.endsWith('-file');
    const r = spawnSync(process.execPath, asFile ? [BIN, ...c.args, input] : [BIN, ...c.args], {
      input: asFile ? undefined : readFileSync(input), env: { ...process.env, TZ: 'UTC' }, timeout: 20000,
    });
    /* a shell reports a death by signal n as 128 + n (halog's crash: SIGSEGV, 139) */
    const status = r.status ?? 128 + osConstants.signals[r.signal!];
    assert.equal(status, Number(readFileSync(join(dir, 'status'), 'utf8').trim()));
    expectBytes(dir, 'stdout', r.stdout);
    expectBytes(dir, 'stderr', r.stderr);
  });
}

const usageCases: [string[], number][] = [[[], 1], [['-h'], 0], [['--help'], 0], [['-rt'], 1], [['-hs'], 1],
  [['-time'], 1], [['-hdr'], 1], [['-hdr', '11'], 1], [['-hdr', '0:1'], 1], [['-o'], 1], [['-o', '/x', '-st'], 1],
  [['-st', '-h'], 0], [['-m'], 1], [['-tcn'], 1]];
for (const [args, status] of usageCases) {
  test(`halog ${args.join(' ') || '(no argument)'} prints halog's usage text and exits ${status}`, async () => {
    const r = await runCase(args, '/dev/null', false);
    assert.equal(r.status, status);
    const real = spawnSync('/usr/sbin/halog', args, { input: '' });
    if (real.error) return; /* the reference is not installed: the status check above still ran */
    // `--help` adds Sluice's long options after halog's text; `-h` is halog's alone
    const extra = args[0] === '--help' ? SLUICE_LONG_HELP : '';
    assert.equal(r.out.toString('latin1'), real.stdout.toString('latin1') + extra);
    assert.equal(r.err.toString('latin1'), real.stderr.toString('latin1'));
    assert.equal(r.status, real.status);
  });
}

test('the compiled halog dies of SIGPIPE like halog when its reader goes away (halog -H | head -1)', async () => {
  const child = spawn(process.execPath, [BIN, '-H'], { stdio: ['pipe', 'pipe', 'ignore'], env: { ...process.env, TZ: 'UTC' } });
  const line = readFileSync(join(FIX, 'corpus', 'qa.log'));
  const done = new Promise<[number | null, string | null]>((resolve) => child.on('exit', (code, sig) => resolve([code, sig])));
  child.stdout.once('data', () => child.stdout.destroy());
  /* ~40 MB of lines: far more than a pipe holds, so halog is still writing when the reader is gone */
  child.stdin.on('error', () => {});
  for (let i = 0; i < 100 && child.stdin.writable; i++) child.stdin.write(line);
  child.stdin.end();
  const timer = setTimeout(() => child.kill('SIGKILL'), 20000);
  const [code, sig] = await done;
  clearTimeout(timer);
  assert.deepEqual([code, sig], [null, 'SIGPIPE']);
});

test('stdout on a full disk (/dev/full): halog ignores its failed writes, prints the summary and exits 0', () => {
  const full = openSync('/dev/full', 'w');
  try {
    const r = spawnSync(process.execPath, [BIN, '-st'], {
      input: readFileSync(join(FIX, 'corpus', 'qa.log')), stdio: ['pipe', full, 'pipe'], env: { ...process.env, TZ: 'UTC' }, timeout: 20000,
    });
    assert.equal(r.status, 0);
    assert.equal(r.stderr.toString('latin1'), readFileSync(join(FIX, 'cases', 'qa-st', 'stderr'), 'latin1'));
  } finally {
    closeSync(full);
  }
});

test('stdin that cannot be read (a directory: EISDIR) is an empty input, as for halog', () => {
  const dir = openSync(FIX, 'r');
  try {
    const r = spawnSync(process.execPath, [BIN, '-st'], { stdio: [dir, 'pipe', 'pipe'], env: { ...process.env, TZ: 'UTC' }, timeout: 20000 });
    assert.equal(r.status, 0);
    assert.equal(r.stdout.toString('latin1'), '');
    assert.equal(r.stderr.toString('latin1'), '0 lines in, 0 lines out, 0 parsing errors\n');
  } finally {
    closeSync(dir);
  }
});
