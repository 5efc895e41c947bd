import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import * as net from 'node:net';
import { statSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { goldenSource } from './fixture-model.ts';
import { startStats, stopStats } from '../../../proxy/stats/runtime.ts';
import { statsGlobalCfg } from '../../../proxy/stats/keywords.ts';
import { ACCESS_LVL_ADMIN, ACCESS_LVL_USER } from '../../../proxy/stats/types.ts';
import { statsCliCommands } from '../../../proxy/stats/cli-commands.ts';

const dir = mkdtempSync(join(tmpdir(), 'sluice-stats-'));
const src = goldenSource();
const cfg = statsGlobalCfg(src.global);
cfg.sockets.push({ host: '', port: 0, path: join(dir, 'admin.sock'), mode: 0o600, level: ACCESS_LVL_ADMIN, exposeFd: false });
cfg.sockets.push({ host: '', port: 0, path: join(dir, 'user.sock'), mode: 0o640, level: ACCESS_LVL_USER, exposeFd: false });
cfg.sockets.push({ host: '127.0.0.1', port: 0, path: '', mode: -1, level: ACCESS_LVL_ADMIN, exposeFd: false });
const cli = await startStats(src);
const tcpPort = (cli.servers[2]!.address() as net.AddressInfo).port;
after(async () => { await stopStats(cli); rmSync(dir, { recursive: true, force: true }); });

/** Sends `data` (possibly in several writes) and collects everything until the server closes or `until` matches. */
function talk(target: string | number, writes: string[], until?: (s: string) => boolean): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = typeof target === 'number' ? net.connect(target, '127.0.0.1') : net.connect(target);
    let out = '';
    const timer = setTimeout(() => { sock.destroy(); reject(new Error('timeout, got ' + JSON.stringify(out))); }, 3000);
    sock.setEncoding('latin1');
    sock.on('data', (d: string) => {
      out += d;
      if (until !== undefined && until(out)) { clearTimeout(timer); sock.destroy(); resolve(out); }
    });
    sock.on('close', () => { clearTimeout(timer); resolve(out); });
    sock.on('error', reject);
    sock.on('connect', () => { for (const w of writes) sock.write(w); });
  });
}

test('a unix stats socket gets the configured file mode', () => {
  assert.equal(statSync(join(dir, 'admin.sock')).mode & 0o777, 0o600);
  assert.equal(statSync(join(dir, 'user.sock')).mode & 0o777, 0o640);
});

test('one command per connection, reply framed with an empty line, then the server closes', async () => {
  assert.equal(await talk(join(dir, 'admin.sock'), ['show cli level\n']), 'admin\n\n');
  assert.equal(await talk(tcpPort, ['show cli level\r\n']), 'admin\n\n');
});

test('two lines in one write both run; ;-separated commands run in order', async () => {
  assert.equal(await talk(join(dir, 'admin.sock'), ['show cli level\nshow cli level\n']), 'admin\n\nadmin\n\n');
  assert.equal(await talk(join(dir, 'admin.sock'), ['show cli level ; user; show cli level\n']), 'admin\n\n\nuser\n\n');
});

test('prompt mode keeps the connection and ends each reply with "\\n> "; quit closes', async () => {
  const out = await talk(join(dir, 'admin.sock'), ['prompt\n', 'show cli level\n', 'set weight bk/s1 abc\n', 'quit\n']);
  assert.equal(out, '\n> admin\n\n> Empty weight string empty or preceded by garbage\n> ');
});

test('set severity-output tags message replies but not dumps', async () => {
  const out = await talk(join(dir, 'admin.sock'), ['set severity-output number; get weight bk/nope; get weight bk/s1; show cli level\n']);
  assert.equal(out, '\n[3]: No such server.\n\n100 (initial 100)\n\n[6]: admin\n\n');
});

test('a user-level socket is refused every admin and operator command', async () => {
  const admin = statsCliCommands.filter((c) => c.level > ACCESS_LVL_USER);
  assert.ok(admin.length >= 20);
  const lines = admin.map((c) => c.words.join(' ') + ' bk/s1 1').join('\n') + '\n';
  const out = await talk(join(dir, 'user.sock'), [lines]);
  assert.equal(out, 'Permission denied\n\n'.repeat(admin.length));
  // and operator cannot be regained
  assert.equal(await talk(join(dir, 'user.sock'), ['operator; show cli level\n']), 'Permission denied\n\nuser\n\n');
  assert.equal(src.proxies[1]!.servers[0]!.uweight, 100);
});

test('state changes through the socket show in show stat', async () => {
  assert.equal(await talk(join(dir, 'admin.sock'), ['set server bk/s2 state drain\n']), '\n');
  const csv = await talk(join(dir, 'admin.sock'), ['show stat bk 4 2\n']);
  assert.match(csv.split('\n')[1]!, /^bk,s2,.*,DRAIN,1,1,0,/);
  assert.equal(await talk(join(dir, 'admin.sock'), ['set weight bk/s1 50%; get weight bk/s1\n']), '\n50 (initial 100)\n\n');
  assert.equal(await talk(join(dir, 'admin.sock'), ['disable frontend fe_main; show stat 2 1 -1\n']).then((s) => s.split('\n')[2]!.split(',')[17]), 'PAUSED');
});

test('set server addr: numeric addresses only, ports read as haproxy 2.6 does (replies captured from 2.6.12)', async () => {
  const say = (c: string) => talk(join(dir, 'admin.sock'), ['set server bk/s2 addr ' + c + '\n']);
  assert.equal(await say('bogus port 80'), "Invalid addr 'bogus' by 'stats socket command'\n\n");
  assert.equal(await say('localhost'), "Invalid addr 'localhost' by 'stats socket command'\n\n");
  assert.equal(await say('127.0.0.1:80'), "Invalid addr '127.0.0.1:80' by 'stats socket command'\n\n");
  assert.equal(await say('1.2.3'), "Invalid addr '1.2.3' by 'stats socket command'\n\n");
  assert.equal(await say('fe80::1%lo'), "Invalid addr 'fe80::1%lo' by 'stats socket command'\n\n");
  assert.equal(src.proxies[1]!.servers[1]!.host, '127.0.0.1');
  assert.equal(await say('[::1]'), "IP changed from '127.0.0.1' to '[::1]' by 'stats socket command'\n\n");
  assert.equal(await say('127.0.0.2 port abc'),
    "IP changed from '::1' to '127.0.0.2', problem converting port 'abc' to an int by 'stats socket command'\n\n");
  assert.equal(await say('127.0.0.2 port 12ab'), "no need to change the addr, port changed from '28082' to '12' by 'stats socket command'\n\n");
  assert.equal(await say('127.0.0.2 port 99999999999'), "no need to change the addr, port changed from '12' to '59391' by 'stats socket command'\n\n");
  assert.match(await say('127.0.0.2 port +5'), /^no need to change the addr, can't change <port> to port map because/);
  assert.equal(await say('127.0.0.1 port'), "IP changed from '127.0.0.2' to '127.0.0.1', problem converting port '' to an int by 'stats socket command'\n\n");
  assert.equal(await talk(join(dir, 'admin.sock'), ['set severity-output number; set server bk/s2 addr 127.0.0.1 port 28082\n']),
    "\n[4]: no need to change the addr, port changed from '59391' to '28082' by 'stats socket command'\n\n");
});

test('show stat reads the proxy as atoi() like 2.6: an unknown id prints the header only, 0 is a name', async () => {
  const sock = join(dir, 'admin.sock');
  const header = (await talk(sock, ['show stat\n'])).split('\n')[0]! + '\n';
  assert.equal(await talk(sock, ['show stat 99 -1 -1\n']), header + '\n');
  assert.equal(await talk(sock, ['show stat -5 -1 -1\n']), header + '\n');
  assert.equal(await talk(sock, ['show stat 0 -1 -1\n']), 'No such proxy.\n\n');
  assert.equal(await talk(sock, ['show stat 99 -1 -1 json\n']), '[]\n\n');
  const byId = await talk(sock, ['show stat 3 4 1\n']);
  assert.match(byId.split('\n')[1]!, /^bk,s1,/);
  assert.equal(await talk(sock, ['show stat 3x 4 1\n']), byId);
});

test('check-port on a server without checks: a warning without the empty line that ends other replies', async () => {
  const sock = join(dir, 'admin.sock');
  assert.equal(await talk(sock, ['set severity-output number; set server bk/s1 check-port 80; show cli level\n']),
    '\n[4]: health checks are not enabled on this server\n[6]: admin\n\n');
});

test('set timeout cli / set maxconn edge values as 2.6 (0 and > 2^31-1 s refused; maxconn -1 is unsigned)', async () => {
  const sock = join(dir, 'admin.sock');
  assert.equal(await talk(sock, ['set timeout cli 0\n']), 'Invalid timeout value.\n\n');
  assert.equal(await talk(sock, ['set timeout cli 2147483648\n']), 'Invalid timeout value.\n\n');
  assert.equal(await talk(sock, ['set timeout cli 25d\n']), '\n');
  assert.equal(await talk(sock, ['set maxconn global -1\n']), '\n');
  assert.equal(await talk(sock, ['set maxconn server bk/s2 -1\n']), '\n');
  assert.equal(src.proxies[1]!.servers[1]!.maxconn, 4294967295);
  assert.equal(await talk(sock, ['set maxconn server bk/s2 0\n']), '\n');
});

test('a NUL byte ends the command, as 2.6 reads it as a C string', async () => {
  assert.equal(await talk(join(dir, 'admin.sock'), ['show cli level\0garbage\n']), 'admin\n\n');
});

test('without stick tables or peers: the replies of a 2.6 process that has none', async () => {
  const out = await talk(join(dir, 'admin.sock'), ['set severity-output number; show table; show table t; clear table t; clear table; show peers; show peers p\n']);
  assert.equal(out, '\n\n[3]: No such table\n\n[3]: No such table\n\n' +
    '[3]: Required arguments: <table> "data.<store_data_type>" <operator> <value> or <table> key <key>\n\n\n[3]: No such peers\n\n');
});

test('a request line longer than a buffer without LF closes the session', { timeout: 3000 }, async () => {
  const c = net.connect(join(dir, 'admin.sock'));
  const closed = new Promise<void>((r) => c.on('close', () => r()));
  c.on('error', () => {});
  await new Promise<void>((r) => c.on('connect', () => r()));
  c.write('x'.repeat(20000));
  await closed;
  assert.equal(c.destroyed, true);
});

test('stats maxconn: a client beyond the limit waits until a session ends, then is served', { timeout: 5000 }, async () => {
  const lim = goldenSource();
  const lcfg = statsGlobalCfg(lim.global);
  lcfg.maxconn = 1;
  lcfg.sockets.push({ host: '', port: 0, path: join(dir, 'one.sock'), mode: -1, level: ACCESS_LVL_ADMIN, exposeFd: false });
  const one = await startStats(lim);
  try {
    const first = net.connect(join(dir, 'one.sock'));
    first.setEncoding('latin1');
    let firstOut = '';
    first.on('data', (d: string) => { firstOut += d; });
    await new Promise<void>((r) => first.on('connect', () => r()));
    first.write('prompt\n');
    while (!firstOut.endsWith('> ')) await new Promise((r) => setTimeout(r, 10));
    let second = '';
    let secondDone = false;
    const p = talk(join(dir, 'one.sock'), ['show cli level\n']).then((s) => { second = s; secondDone = true; });
    await new Promise((r) => setTimeout(r, 150));
    assert.equal(secondDone, false, 'the second client is not served while the first holds the only slot');
    first.write('quit\n');
    await p;
    assert.equal(second, 'admin\n\n');
  } finally { await stopStats(one); }
});
