import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StatsClient, replyBody } from '../../hatop/client.ts';
import type { ConnState } from '../../hatop/types.ts';

const dir = mkdtempSync(join(tmpdir(), 'hatop-client-'));
after(() => rmSync(dir, { recursive: true, force: true }));

interface FakeOpts {
  level?: string;
  /** Split every reply into 1-byte writes. */
  dribble?: boolean;
  /** Commands that never get an answer. */
  silent?: Set<string>;
}

/** A stats socket speaking 2.6's prompt mode for a few commands. */
function fakeServer(path: string | number, opts: FakeOpts = {}): { srv: net.Server; seen: string[] } {
  const seen: string[] = [];
  const srv = net.createServer((c) => {
    let prompt = false;
    let buf = '';
    c.on('error', () => {});
    c.on('data', (d) => {
      buf += d.toString();
      let nl;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const cmd = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        seen.push(cmd);
        if (opts.silent?.has(cmd)) continue;
        let out: string;
        if (cmd === 'prompt') { prompt = true; out = ''; }
        else if (cmd.startsWith('set timeout cli')) out = '';
        else if (cmd === 'show cli level') out = (opts.level ?? 'admin') + '\n';
        else if (cmd === 'show version') out = '2.6.12-1+deb12u4\n';
        else if (cmd === 'set weight bk/s1 abc') { c.write('Empty weight string empty or preceded by garbage\n> '); continue; }
        else if (cmd === 'quit') { c.end(); return; }
        else out = 'Unknown command.\n';
        const reply = out + (prompt ? '\n> ' : '\n');
        if (opts.dribble) for (const ch of reply) c.write(ch);
        else c.write(reply);
      }
    });
  });
  if (typeof path === 'number') srv.listen(path, '127.0.0.1');
  else srv.listen(path);
  return { srv, seen };
}

function waitFor(c: StatsClient, pred: (s: ConnState) => boolean, ms = 3000): Promise<ConnState> {
  return new Promise((resolve, reject) => {
    if (pred(c.conn())) return resolve(c.conn());
    const t = setTimeout(() => { off(); reject(new Error(`timeout, state ${JSON.stringify(c.conn())}`)); }, ms);
    const off = c.onConn((s) => { if (pred(s)) { clearTimeout(t); off(); resolve(s); } });
  });
}

test('replyBody strips only the prompt terminator', () => {
  assert.equal(replyBody('2.6\n\n> '), '2.6\n');
  assert.equal(replyBody('\n> '), '');
  assert.equal(replyBody('garbage\n> '), 'garbage');
});

test('the client enters prompt mode, learns its level and runs commands in order', async () => {
  const path = join(dir, 'a.sock');
  const { srv, seen } = fakeServer(path, { level: 'operator', dribble: true });
  const c = new StatsClient({ kind: 'unix', path, label: path });
  try {
    const [v, e, u] = await Promise.all([c.request('show version'), c.request('set weight bk/s1 abc'), c.request('foo')]);
    assert.deepEqual(v, { ok: true, text: '2.6.12-1+deb12u4\n' });
    assert.deepEqual(e, { ok: true, text: 'Empty weight string empty or preceded by garbage' });
    assert.equal(u.text, 'Unknown command.\n');
    assert.deepEqual(seen.slice(0, 3), ['prompt', 'set timeout cli 60', 'show cli level']);
    const st = await waitFor(c, (s) => s.phase === 'up');
    assert.equal(st.level, 'operator');
  } finally {
    c.close();
    srv.close();
  }
});

test('a refused connection reports down with the error code, then reconnects with back-off', async () => {
  const path = join(dir, 'b.sock');
  const c = new StatsClient({ kind: 'unix', path, label: path }, { backoffMinMs: 50, backoffMaxMs: 200 });
  try {
    const down = await waitFor(c, (s) => s.phase === 'down');
    assert.equal(down.error, 'ENOENT');
    const r = await c.request('show version');
    assert.equal(r.ok, false);
    assert.match(r.text, /not connected: ENOENT/);
    const later = await waitFor(c, (s) => s.phase === 'down' && s.attempt >= 3);
    assert.ok(later.retryAt > 0);
    const { srv } = fakeServer(path);
    try {
      const up = await waitFor(c, (s) => s.phase === 'up', 3000);
      assert.equal(up.attempt, 0);
      assert.equal((await c.request('show version')).text, '2.6.12-1+deb12u4\n');
    } finally {
      srv.close();
    }
  } finally {
    c.close();
  }
});

test('a command without reply times out, fails as a value and the session is reopened', async () => {
  const path = join(dir, 'c.sock');
  const { srv, seen } = fakeServer(path, { silent: new Set(['show stat']) });
  const c = new StatsClient({ kind: 'unix', path, label: path }, { timeoutMs: 200, backoffMinMs: 20 });
  try {
    await waitFor(c, (s) => s.phase === 'up');
    const r = await c.request('show stat');
    assert.equal(r.ok, false);
    assert.match(r.text, /timeout after 200 ms/);
    await waitFor(c, (s) => s.phase === 'up');
    assert.equal((await c.request('show version')).ok, true);
    assert.equal(seen.filter((x) => x === 'prompt').length, 2);
  } finally {
    c.close();
    srv.close();
  }
});

test('close sends quit and later requests fail without hanging', async () => {
  const path = join(dir, 'd.sock');
  const { srv, seen } = fakeServer(path);
  const c = new StatsClient({ kind: 'unix', path, label: path });
  await waitFor(c, (s) => s.phase === 'up');
  c.close();
  assert.equal(c.conn().phase, 'closed');
  assert.deepEqual(await c.request('show version'), { ok: false, text: 'closed' });
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(seen.at(-1), 'quit');
  srv.close();
});

test('newlines inside a command are refused', async () => {
  const c = new StatsClient({ kind: 'unix', path: join(dir, 'none.sock'), label: 'x' }, { backoffMinMs: 1000 });
  assert.deepEqual(await c.request('show info\nshow stat'), { ok: false, text: 'command contains a newline' });
  c.close();
});

test('a TCP stats socket works the same way', async () => {
  const { srv } = fakeServer(0);
  await new Promise((r) => srv.once('listening', r));
  const port = (srv.address() as net.AddressInfo).port;
  const c = new StatsClient({ kind: 'tcp', host: '127.0.0.1', port, label: `127.0.0.1:${port}` });
  try {
    assert.equal((await c.request('show version')).text, '2.6.12-1+deb12u4\n');
    assert.equal((await waitFor(c, (s) => s.phase === 'up')).level, 'admin');
  } finally {
    c.close();
    srv.close();
  }
});

test('reconnect() quits the session and opens a new one (a reloaded haproxy\'s old process)', async () => {
  const path = join(dir, 'r.sock');
  const { srv, seen } = fakeServer(path);
  const c = new StatsClient({ kind: 'unix', path, label: path }, { backoffMinMs: 20 });
  try {
    await waitFor(c, (s) => s.phase === 'up');
    c.reconnect('process stopping');
    const down = await waitFor(c, (s) => s.phase === 'down');
    assert.equal(down.error, 'process stopping');
    await waitFor(c, (s) => s.phase === 'up');
    assert.deepEqual(seen.filter((x) => x === 'prompt' || x === 'quit'), ['prompt', 'quit', 'prompt']);
  } finally {
    c.close();
    srv.close();
  }
});
