import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFixture } from './fake-source.ts';

const dir = mkdtempSync(join(tmpdir(), 'hatop-main-'));
const MAIN = new URL('../../hatop/main.ts', import.meta.url).pathname;

/** A unix stats socket replaying recorded replies in prompt mode. */
function replay(path: string): net.Server {
  const replies: Record<string, string> = {
    'show info': readFixture('show-info.txt'),
    'show stat': readFixture('show-stat.txt'),
    'show cli level': 'admin\n\n',
  };
  const srv = net.createServer((c) => {
    let buf = '';
    c.on('error', () => {});
    c.on('data', (d) => {
      buf += d.toString();
      let nl;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const cmd = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        if (cmd === 'quit') return void c.end();
        // Recorded replies end with the non-interactive "\n"; prompt mode ends with "\n> ".
        const r = replies[cmd] ?? '\n';
        c.write(r.slice(0, -1) + '\n> ');
      }
    });
  });
  srv.listen(path);
  return srv;
}

const srv = replay(join(dir, 'stats.sock'));
after(() => {
  srv.close();
  rmSync(dir, { recursive: true, force: true });
});

function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', MAIN, ...args], { timeout: 20_000 }, (e, out, err) =>
      resolve({ code: e ? ((e as { code?: number }).code ?? 1) : 0, out, err }),
    );
  });
}

test('--once prints one frame of the chosen view and exits 0', async () => {
  const r = await run(['-s', join(dir, 'stats.sock'), '--once', '--width', '120', '-m', '4']);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /HAProxy 2\.6\.12-1\+deb12u4/);
  assert.match(r.out, /ECONN/);
  assert.match(r.out, /^s3 +1 DOWN +L4CON/m);
  assert.ok(!r.out.includes('\x1b['), 'no escape codes when stdout is not a terminal');
  assert.ok(r.out.split('\n').every((l) => l.length <= 120));
});

test('--once against a missing socket reports the error and exits 1', async () => {
  const r = await run(['-s', join(dir, 'absent.sock'), '--once', '--timeout', '300']);
  assert.equal(r.code, 1);
  assert.match(r.err, /absent\.sock: .*ENOENT/);
});

test('bad flags are refused with a message', async () => {
  const r = await run(['-t', 'nohost', '--once']);
  assert.notEqual(r.code, 0);
  assert.match(r.err, /expected host:port/);
  const r2 = await run(['-s', join(dir, 'stats.sock'), '-i', '99', '--once']);
  assert.match(r2.err, /interval must be 0\.5-30 seconds/);
});
