/*
 * Runtime API dynamic servers (`add server`, `del server`, with `enable server`, `enable health`, `show servers state`,
 * `show stat` and traffic in between): every reply compared with haproxy 2.6.12's on the same configuration and
 * command list (fixtures/proxy/dynamic-servers, made by fixtures/proxy/cli-record.py), byte for byte except the time since the last
 * state change and the `show stat` columns that depend on timing or connection reuse.
 */
import { test, after } from 'node:test';
import { readFileSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { freePort, startSluice, stopSluice, headServer, nameServer } from '../proxy-util.ts';
import type { Runtime } from '../../../proxy/runtime.ts';
import assert from 'node:assert/strict';
import { replayCli } from './cli-replay.ts';
import { cliCommand } from './traffic.ts';
import { parseStat } from '../../../hatop/model.ts';

const fx = (f: string): string => readFileSync(new URL('../../../fixtures/proxy/dynamic-servers/' + f, import.meta.url), 'latin1');
const RSP = 'HTTP/1.1 200 OK\r\ncontent-length: 6\r\nx-srv: a\r\n\r\nhello\n';
const STAT_COLS = ['pxname', 'svname', 'qcur', 'scur', 'slim', 'stot', 'status', 'act', 'bck', 'iid', 'sid', 'lbtot', 'hrsp_2xx', 'req_tot', 'addr', 'mode', 'uweight'];

/** A reply with the parts that depend on time or connection reuse taken out. */
function normalize(text: string): string {
  const out: string[] = [];
  let cols: string[] | null = null;
  for (const l of text.split('\n')) {
    if (l.startsWith('# pxname,')) { cols = l.slice(2).split(','); out.push(STAT_COLS.join(',')); continue; }
    if (cols !== null && l.includes(',')) {
      const v = l.split(',');
      out.push(STAT_COLS.map((c) => v[cols!.indexOf(c)]).join(','));
      continue;
    }
    const f = l.split(' ');
    // the time since the last change; an agent check in progress (0x01) is a matter of timing
    if (f.length === 25 && /^\d+$/.test(f[0]!)) { f[9] = 'T'; f[14] = String(Number(f[14]) & ~1); out.push(f.join(' ')); continue; }
    out.push(l);
  }
  return out.join('\n');
}

async function replay(cfgName: string, cmdsName: string, goldName: string, keep: string[], gone: string[]): Promise<void> {
  const origin = await headServer((c) => c.write(RSP));
  const pem = readFileSync(new URL('../../../fixtures/ssl/certs/www.pem', import.meta.url));
  const tls = await headServer((c) => c.write(RSP), { cert: pem, key: pem });      // tls-origin.cjs
  const agent = await nameServer('up 50%');      // agent.cjs
  const port = await freePort();
  const sock = join(mkdtempSync(join(tmpdir(), 'sluice-dynsrv-')), 'stats.sock');
  const cfg = fx(cfgName).replace('127.0.0.1:18779', `127.0.0.1:${port}`).replaceAll('127.0.0.1:18801', `127.0.0.1:${origin.port}`)
    .replace('/tmp/compat/h.sock', sock).replace('agent-port 18802', `agent-port ${agent.port}`);
  let rt: Runtime | null = await startSluice(cfg);
  after(async () => { if (rt !== null) { await stopSluice(rt); rt = null; } origin.close(); tls.close(); agent.server.close(); });
  const p = String(origin.port);
  const tp = String(tls.port);
  const ap = String(agent.port);
  await replayCli({
    cmds: fx(cmdsName), gold: fx(goldName), sock, port,
    send: (l) => l.replaceAll('18801', p).replaceAll('18443', tp).replaceAll('18802', ap),
    norm: (t) => normalize(t.replaceAll(p, '18801').replaceAll(tp, '18443').replaceAll(ap, '18802')),
  });
  // hatop's model (one snapshot per `show stat`) lists the servers added and no longer the deleted ones
  const snap = parseStat(await cliCommand(sock, 'show stat'), Date.now());
  assert.ok(typeof snap !== 'string');
  const keys = snap.rows.map((r) => r.key);
  for (const k of keep) assert.ok(keys.includes(k), k);
  for (const k of gone) assert.ok(!keys.includes(k), k);
  await stopSluice(rt!);
  rt = null;
}

test('add/del server: replies, server state, stats and traffic as haproxy 2.6.12', async () => {
  await replay('haproxy.cfg', 'cmds.txt', 'replies.txt', ['be/s14', 'be/s6', 'bh/s2'], ['be/s1', 'be/s2']);
});

test('add server with ssl / check-ssl: TLS to the server, 2.6\'s verify and ca-file refusals, srv_use_ssl', async () => {
  await replay('haproxy.cfg', 'cmds-tls.txt', 'replies-tls.txt', ['be/t2', 'be/t4'], ['be/t1', 'be/t5']);
});

test('agent checks: disable/enable agent, add server ... agent-check started by enable agent, agent state and port', async () => {
  await replay('haproxy-agent.cfg', 'cmds-agent.txt', 'replies-agent.txt', ['be/s1', 'be/a1'], []);
});

test('dynamic servers and tracking, use-server references, checks enabled by enable health: as haproxy 2.6.12', async () => {
  await replay('haproxy-track.cfg', 'cmds-track.txt', 'replies-track.txt', ['be/d1', 'be/d7'], ['be/s2', 'be/d5']);
});

test('add server with observe / error-limit / on-error, and ws, tfo, pool-* (accepted as 2.6 does): replies and state', async () => {
  await replay('haproxy.cfg', 'cmds-observe.txt', 'replies-observe.txt', ['be/o1', 'be/o4'], ['be/o5']);
});
