/*
 * Process handover with real `sluice` processes: `-sf <pid>` (a new process takes the listeners, the old one finishes
 * its established connections then exits 0) and `-W` master-worker (SIGUSR2 re-executes a worker that takes over
 * with -sf; the master stays). An established connection keeps flowing through the old process in both cases.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { freePort, nameServer, exchange, waitFor, sleep } from '../proxy-util.ts';

const root = resolve(import.meta.dirname, '../../..');
const echo = await nameServer('echo', true);
const second = await nameServer('second');
const dir = mkdtempSync(join(tmpdir(), 'sluice-mw-'));
const procs: ChildProcess[] = [];
const pids: number[] = [];
after(() => {
  for (const p of procs) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
  for (const pid of pids) { try { process.kill(pid, 'SIGKILL'); } catch { /* already gone */ } }
  echo.server.close(); second.server.close();
});

function cfg(port: number, srvPort: number): string {
  return `defaults\n  mode tcp\n  timeout connect 1s\n  timeout client 10s\n  timeout server 10s\nlisten l\n  bind 127.0.0.1:${port}\n  server s 127.0.0.1:${srvPort}\n`;
}

function start(args: string[]): { p: ChildProcess; err: string[] } {
  const p = spawn(process.execPath, ['--import', 'tsx', join(root, 'proxy/main.ts'), ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  procs.push(p);
  const err: string[] = [];
  p.stderr!.on('data', (d) => err.push(d.toString()));
  return { p, err };
}

/** Resolves once a new connection on `port` reads `want` (polls every 50 ms, 10 s bound). */
async function waitAnswer(port: number, want: string): Promise<void> {
  const end = Date.now() + 10000;
  for (;;) {
    const got = await exchange(port, 'x', 2000).catch(() => '');
    if (got.trim() === want) return;
    if (Date.now() > end) throw new Error(`no '${want}' on port ${port} (last: '${got}')`);
    await sleep(50);
  }
}

/** An established client connection with what it received so far. */
async function openConn(port: number): Promise<{ c: Socket; text: () => string }> {
  const c = connect(port, '127.0.0.1');
  const got: Buffer[] = [];
  c.on('data', (d) => got.push(d));
  c.on('error', () => {});
  await new Promise<void>((r) => c.on('connect', () => r()));
  return { c, text: () => Buffer.concat(got).toString() };
}

const exited = (p: ChildProcess) => new Promise<number | null>((r) => { if (p.exitCode !== null) r(p.exitCode); else p.on('exit', (code) => r(code)); });

test('-sf: the new process takes the port, the old one serves its established connection to the end, then exits 0', async () => {
  const port = await freePort();
  const f1 = join(dir, 'sf1.cfg');
  const f2 = join(dir, 'sf2.cfg');
  writeFileSync(f1, cfg(port, echo.port));
  writeFileSync(f2, cfg(port, second.port));
  const a = start(['-f', f1]);
  await waitAnswer(port, 'x');
  const conn = await openConn(port);
  conn.c.write('one ');
  await waitFor(() => conn.text() === 'one ');
  const b = start(['-f', f2, '-sf', String(a.p.pid)]);
  await waitAnswer(port, 'second');
  // the old process is still there for its connection, which keeps flowing both ways
  assert.equal(a.p.exitCode, null);
  conn.c.write('two');
  await waitFor(() => conn.text() === 'one two');
  conn.c.end();
  assert.equal(await exited(a.p), 0, a.err.join(''));
  assert.equal((await exchange(port, 'x')).trim(), 'second', 'the new process keeps serving');
  b.p.kill('SIGTERM');
  await exited(b.p);
});

test('-W: SIGUSR2 re-executes the worker with the new configuration; the old worker drains its connection; the master stays', async () => {
  const port = await freePort();
  const f = join(dir, 'mw.cfg');
  writeFileSync(f, cfg(port, echo.port));
  const m = start(['-W', '-f', f]);
  await waitAnswer(port, 'x');
  const workerPids = () => [...m.err.join('').matchAll(/New worker \((\d+)\) forked/g)].map((x) => Number(x[1]));
  await waitFor(() => workerPids().length === 1, 5000);
  const oldWorker = workerPids()[0];
  pids.push(oldWorker);
  const conn = await openConn(port);
  conn.c.write('one ');
  await waitFor(() => conn.text() === 'one ');
  writeFileSync(f, cfg(port, second.port));
  // new connections keep being accepted during the reload: the master shares the listening socket with both workers
  let refused = 0;
  let tries = 0;
  let hammering = true;
  const hammer = (async () => {
    while (hammering) {
      tries++;
      await exchange(port, 'x', 2000).catch((e: NodeJS.ErrnoException) => { if (e.code === 'ECONNREFUSED') refused++; });
      await sleep(5);
    }
  })();
  m.p.kill('SIGUSR2');
  await waitAnswer(port, 'second');
  hammering = false;
  await hammer;
  assert.equal(refused, 0, `${refused} of ${tries} connections refused during the reload`);
  await waitFor(() => workerPids().length === 2, 5000);
  pids.push(workerPids()[1]);
  assert.notEqual(workerPids()[1], oldWorker);
  const alive = (pid: number) => { try { process.kill(pid, 0); return true; } catch { return false; } };
  assert.ok(alive(oldWorker), 'the old worker waits for its connection');
  conn.c.write('two');
  await waitFor(() => conn.text() === 'one two');
  conn.c.end();
  await waitFor(() => !alive(oldWorker), 5000);
  assert.equal(m.p.exitCode, null, 'the master survives the old worker');
  assert.equal((await exchange(port, 'x')).trim(), 'second');
  m.p.kill('SIGTERM');
  assert.equal(await exited(m.p), 0);
  assert.ok(!alive(workerPids()[1]), 'stopping the master stops its worker');
});
