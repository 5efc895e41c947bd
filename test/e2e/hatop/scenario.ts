// The body of hatop's end-to-end test, independent of what serves the stats socket: runs hatop in
// a tmux pane against `socket`, disables then enables a server with its keys, and checks the effect
// both on screen and in `show stat` read over a separate connection. Run against HAProxy 2.6 by
// actions.test.ts; the same function takes Sluice's socket once it has one.
import net from 'node:net';
import { execFileSync, spawnSync } from 'node:child_process';
import assert from 'node:assert/strict';

const ROOT = new URL('../../../', import.meta.url).pathname;

/** One non-interactive runtime API command: send, read until the server closes. Bounded. */
export function statsQuery(socket: string, cmd: string, timeoutMs = 3000): Promise<string> {
  return new Promise((resolve, reject) => {
    const c = net.createConnection(socket);
    let out = '';
    const t = setTimeout(() => {
      c.destroy();
      reject(new Error(`no reply to '${cmd}' within ${timeoutMs} ms`));
    }, timeoutMs);
    c.on('error', (e) => {
      clearTimeout(t);
      reject(e);
    });
    c.on('connect', () => c.write(cmd + '\n'));
    c.on('data', (d) => (out += d.toString()));
    c.on('close', () => {
      clearTimeout(t);
      resolve(out);
    });
  });
}

/** `status` of pxname/svname in a fresh `show stat`, found by column name. */
export async function statusOf(socket: string, key: string): Promise<string> {
  const csv = await statsQuery(socket, 'show stat');
  const lines = csv.split('\n');
  const cols = lines[0]!.slice(2).split(',');
  const px = cols.indexOf('pxname');
  const sv = cols.indexOf('svname');
  const st = cols.indexOf('status');
  for (const l of lines.slice(1)) {
    const f = l.split(',');
    if (f[px] + '/' + f[sv] === key) return f[st]!;
  }
  throw new Error(`${key} not in show stat`);
}

export async function until<T>(what: string, fn: () => Promise<T | null> | T | null, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  let last: unknown = null;
  for (;;) {
    try {
      const v = await fn();
      if (v !== null && v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A tmux server of this test process's own: another process's last session ending never takes this one's down. */
const TMUX_SERVER = `sluice-e2e-${process.pid}`;

export function tmux(...args: string[]): string {
  return execFileSync('tmux', ['-L', TMUX_SERVER, ...args], { encoding: 'utf8', timeout: 5000 });
}

export function tmuxKill(session: string): void {
  spawnSync('tmux', ['-L', TMUX_SERVER, 'kill-session', '-t', session], { timeout: 5000 });
}

export interface TmuxHatop {
  readonly session: string;
  pane(): string;
  keys(...k: string[]): void;
  text(s: string): void;
  waitPane(what: string, pred: (p: string) => boolean, ms?: number): Promise<string>;
  kill(): void;
}

/** Starts hatop in a detached 160x50 tmux session. */
export function startHatop(args: string[]): TmuxHatop {
  const session = `hatop-e2e-${process.pid}-${Date.now() % 100000}`;
  const cmd = [process.execPath, '--import', 'tsx', 'hatop/main.ts', ...args].map((a) => `'${a}'`).join(' ');
  tmux('new-session', '-d', '-s', session, '-x', '160', '-y', '50', '-c', ROOT, cmd + '; sleep 30');
  const h: TmuxHatop = {
    session,
    pane: () => tmux('capture-pane', '-p', '-t', session),
    keys: (...k) => void tmux('send-keys', '-t', session, ...k),
    text: (s) => void tmux('send-keys', '-t', session, '-l', s),
    waitPane: (what, pred, ms = 20_000) => until(what, () => {
      const p = h.pane();
      return pred(p) ? p : null;
    }, ms),
    kill: () => tmuxKill(session),
  };
  return h;
}

/** The row of `server` in a captured STATUS pane, '' when not shown. */
export function paneRow(pane: string, server: string): string {
  return pane.split('\n').find((l) => l.startsWith(server + ' ')) ?? '';
}

/**
 * Runs `body` against hatop started on `socket` (1 s refresh), then quits it with `q`. A failure is rethrown with the
 * last pane appended; the tmux session is killed either way.
 */
async function inHatop(socket: string, body: (h: TmuxHatop) => Promise<void>): Promise<void> {
  const h = startHatop(['-s', socket, '-i', '1']);
  try {
    await body(h);
    h.keys('q');
    await h.waitPane('hatop to exit', (p) => !p.includes('1-STATUS'), 5000);
  } catch (e) {
    let pane = '';
    try {
      pane = h.pane();
    } catch {
      pane = '(no pane)';
    }
    throw new Error(`${(e as Error).message}\n--- last pane ---\n${pane}`);
  } finally {
    h.kill();
  }
}

/** Narrows the table to `key` (backend/server), so that server is the selected (first) row. */
async function selectServer(h: TmuxHatop, key: string, server: string): Promise<void> {
  h.keys('/');
  h.text(key);
  h.keys('Enter');
  await h.waitPane('the filtered row', (p) => paneRow(p, server) !== '' && p.includes('[#'));
}

/**
 * Disable then enable `backend/server` from hatop's keys, against the stats socket at `socket`.
 * Expects the server to be up (not MAINT) at the start.
 */
export async function disableEnableScenario(socket: string, backend: string, server: string): Promise<void> {
  const key = `${backend}/${server}`;
  assert.doesNotMatch(await statusOf(socket, key), /MAINT/);
  await inHatop(socket, async (h) => {
    await h.waitPane(`>>> ${backend} on screen`, (p) => p.includes(`>>> ${backend}`) && p.includes('up (admin)'));
    await selectServer(h, key, server);
    h.keys('d');
    await h.waitPane('the confirmation', (p) => p.includes(`disable server ${key}? [y/N]`));
    h.keys('y');
    await h.waitPane('the done message', (p) => p.includes(`done: disable server ${key}`));
    assert.equal(await until('MAINT in show stat', async () => ((await statusOf(socket, key)) === 'MAINT' ? 'MAINT' : null)), 'MAINT');
    await h.waitPane('MAINT on screen', (p) => / MAINT /.test(paneRow(p, server)));
    h.keys('e');
    await h.waitPane('the enable message', (p) => p.includes(`done: enable server ${key}`));
    const back = await until('the server out of MAINT in show stat', async () => {
      const s = await statusOf(socket, key);
      return s.includes('MAINT') ? null : s;
    });
    assert.match(back, /^(UP|no check|DOWN)/);
    await h.waitPane('the row out of MAINT on screen', (p) => paneRow(p, server) !== '' && !paneRow(p, server).includes('MAINT'));
  });
}

/**
 * On a user-level socket, `d` + `y` on `backend/server` must show HAProxy's refusal on screen and
 * leave the server as it was.
 */
export async function refusedActionScenario(userSocket: string, backend: string, server: string): Promise<void> {
  const key = `${backend}/${server}`;
  const before = await statusOf(userSocket, key);
  await inHatop(userSocket, async (h) => {
    await h.waitPane('the user-level session', (p) => p.includes(`>>> ${backend}`) && p.includes('up (user)'));
    await selectServer(h, key, server);
    h.keys('d');
    await h.waitPane('the confirmation', (p) => p.includes(`disable server ${key}? [y/N]`));
    h.keys('y');
    await h.waitPane("HAProxy's refusal", (p) => p.includes(`disable server ${key}: Permission denied`));
    assert.equal(await statusOf(userSocket, key), before);
  });
}
