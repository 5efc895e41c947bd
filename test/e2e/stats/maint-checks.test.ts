/*
 * Maintenance and health checks as haproxy 2.6.12 showed them (same config, same CLI commands): a `disabled` server
 * is never probed and starts DOWN, a DOWN server "was DOWN and now enters maintenance", leaving maintenance is
 * UP/READY at the rise threshold until the next check, and the DOWN period of a server that came back is kept in
 * its `downtime` column (it was lost), maintenance included.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { freePort, nameServer, startSluice, stopSluice, waitFor, sleep } from '../proxy-util.ts';
import { cliCommand, parseStatCsv } from './traffic.ts';
import { addEventSink } from '../../../proxy/events.ts';
import { SRV_ST_STOPPED } from '../../../proxy/model/types.ts';

const events: string[] = [];
addEventSink((_l, t) => events.push(t));
const dir = mkdtempSync(join(tmpdir(), 'sluice-maint-'));
const sock = join(dir, 'admin.sock');
const web = await nameServer('web');
const closed = await freePort();
const rt = await startSluice(`global
  stats socket ${sock} level admin
defaults
  mode tcp
  timeout connect 300ms
  timeout client 1s
  timeout server 1s
backend bk
  server up 127.0.0.1:${web.port} check inter 100 rise 2 fall 2
  server dead 127.0.0.1:${closed} check inter 100 rise 2 fall 2
  server off 127.0.0.1:${web.port} check inter 100 disabled
backend solo
  server only 127.0.0.1:${web.port} check inter 100
backend trk
  server t1 127.0.0.1:${web.port} track bk/up
backend other
  server t2 127.0.0.1:${web.port} track bk/up
`);
after(async () => { await stopSluice(rt); web.server.close(); rmSync(dir, { recursive: true, force: true }); });
const [, dead, off] = rt.cfg.backends.get('bk')!.servers;
const cli = (c: string): Promise<string> => cliCommand(sock, c);
/* `show servers state bk` fields 5..13 (op/admin state, weights, time since change, check status/result/health/state) */
async function stateOf(name: string): Promise<string[]> {
  const line = (await cli('show servers state bk')).split('\n').find((l) => l.split(' ')[3] === name)!;
  const f = line.split(' ');
  return [f[5], f[6], f[10], f[11], f[12], f[13]] as string[];
}

test('a `disabled` server is never probed: check status INI, paused, DOWN, health 0', async () => {
  await sleep(350);
  assert.deepEqual(await stateOf('off'), ['0', '5', '1', '0', '0', '14']);
  assert.equal(off!.curState, SRV_ST_STOPPED);
});

test('a server that comes back keeps its DOWN period in downtime', async () => {
  await waitFor(() => dead!.curState === SRV_ST_STOPPED, 2000);
  await sleep(1100);
  assert.equal(await cli('set server bk/dead health up'), '\n');
  const row = parseStatCsv(await cli('show stat')).rows.get('bk/dead')!;
  assert.ok(Number(row['downtime']) >= 1, `downtime ${row['downtime']}`);
});

test('maintenance of a DOWN server, then ready: UP/READY at the rise threshold until the next check', async () => {
  await waitFor(() => dead!.curState === SRV_ST_STOPPED, 2000);
  const downSince = dead!.lastChange;
  const downBefore = dead!.downTime;
  await cli('set server bk/dead state maint');
  assert.ok(events.includes('Server bk/dead was DOWN and now enters maintenance.'), events.join('\n'));
  assert.equal(dead!.lastChange, downSince);            // still DOWN: 2.6 keeps its last change (and downtime)
  await sleep(150);
  await cli('set server bk/dead state ready');
  assert.ok(dead!.downTime - downBefore >= 150, `downtime grew by ${dead!.downTime - downBefore} ms`);
  // UP/READY (not DOWN) is printed from the state the server has then; the next failed check takes it down
  assert.ok(events.includes('Server bk/dead is UP/READY (leaving forced maintenance).'), events.join('\n'));
  await waitFor(() => dead!.curState === SRV_ST_STOPPED, 2000);
});

test('enable server on a `disabled` server: UP/READY (leaving forced maintenance), health at rise', async () => {
  await cli('enable server bk/off');
  assert.ok(events.includes('Server bk/off is UP/READY (leaving forced maintenance).'), events.join('\n'));
  const st = await stateOf('off');
  assert.deepEqual([st[0], st[1]], ['2', '4']);   // 2.6 keeps the config flag (CMAINT) after enable
  assert.ok(st[4] === '2' || st[4] === '4', `health ${st[4]}`);   // rise, or rise+fall-1 if a check ran meanwhile (load)
  // the next success jumps to rise+fall-1 (srv_check_health 4 on 2.6.12's `show servers state`, rise 2 fall 3)
  await waitFor(() => off!.check.status !== 1 && off!.check.health === 4, 2000);
});

test('maintenance of an UP server counts a DOWN transition (chkdown), on the backend too when it was the last one', async () => {
  const row = async (k: string): Promise<Record<string, string>> => parseStatCsv(await cli('show stat')).rows.get(k)!;
  assert.deepEqual([(await row('solo/only'))['chkdown'], (await row('solo/BACKEND'))['chkdown']], ['0', '0']);
  await cli('set server solo/only state maint');
  assert.deepEqual([(await row('solo/only'))['chkdown'], (await row('solo/BACKEND'))['chkdown']], ['1', '1']);
  await cli('set server solo/only state ready');
});

test('disable health shows the check as configured but not enabled (srv_check_state 2), as 2.6', async () => {
  await cli('disable health bk/up');
  assert.equal((await stateOf('up'))[5], '2');
  await cli('enable health bk/up');
  assert.equal((await stateOf('up'))[5], '6');
});

test('leaving drain adds the drained period to downtime, and the backend drained of its last server counts it too', async () => {
  const row = async (k: string): Promise<Record<string, string>> => parseStatCsv(await cli('show stat')).rows.get(k)!;
  const only = rt.cfg.backends.get('solo')!.servers[0]!;
  const before = only.downTime;
  await cli('set server solo/only state drain');
  await sleep(1100);
  await cli('set server solo/only state ready');
  assert.ok(only.downTime - before >= 1000, `downtime grew by ${only.downTime - before} ms`);
  assert.ok(Number((await row('solo/BACKEND'))['downtime']) >= 1);
  assert.equal((await row('solo/BACKEND'))['status'], 'UP');
});

test('each health check probe counts in show info CumConns, as 2.6 opens a session per check', async () => {
  const cum = async (): Promise<number> => Number(/^CumConns: (\d+)$/m.exec(await cli('show info'))![1]);
  const a = await cum();
  await sleep(500);
  const b = await cum();
  // 3 checked servers every 100 ms (one in maintenance or not): well over the 1 CLI connection in between
  assert.ok(b - a >= 6, `CumConns ${a} -> ${b}`);
});

test('set server health down counts a DOWN transition (chkdown), as 2.6', async () => {
  const chkdown = async (): Promise<number> => Number(parseStatCsv(await cli('show stat')).rows.get('bk/up')!['chkdown']);
  const before = await chkdown();
  await cli('set server bk/up health down');
  assert.equal(await chkdown(), before + 1);
});

test('servers tracking one server hear of its change newest first, as 2.6 prints them', async () => {
  const from = events.length;
  await cli('set server bk/up state maint');
  const lines = events.slice(from).filter((e) => e.includes('via bk/up'));
  assert.deepEqual(lines.map((e) => e.split(' ')[1]), ['other/t2', 'trk/t1'], lines.join('\n'));
  await cli('set server bk/up state ready');
});
