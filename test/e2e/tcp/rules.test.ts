/*
 * tcp-request connection/session/content rules, inspect-delay, WAIT_END and SNI routing with use_backend in mode tcp:
 * the same scenario as the real HAProxy 2.6 (fixtures/proxy/tcp-request): same log lines (masked), same client
 * outcomes (reset vs clean close, data, waiting for the inspect delay) and same show stat counters (dcon, dses, dreq).
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { freePort, startSluice, stopSluice, waitFor } from '../proxy-util.ts';
import { logCollector, maskTcplog } from './tcplog-scenario.ts';
import { rulesConfig, rulesServers, rulesClients, STAT_COLS } from './rules-scenario.ts';
import { cliCommand, parseStatCsv } from '../stats/traffic.ts';
import { setTcpLogSink } from '../../../proxy/tcp/forward.ts';
import { logStream } from '../../../proxy/log/emit.ts';

const fx = (f: string) => readFileSync(new URL('../../../fixtures/proxy/tcp-request/' + f, import.meta.url), 'latin1');

test('tcp-request rules behave, log and count like HAProxy 2.6 on the same traffic', async () => {
  const srv = await rulesServers();
  const log = await logCollector();
  const p = { conn: await freePort(), sess: await freePort(), cont: await freePort(), wait: await freePort(), route: await freePort(), echo: srv.echo, a: srv.a, b: srv.b, log: log.port };
  const sock = join(mkdtempSync(join(tmpdir(), 'sluice-tcpreq-')), 'stats.sock');
  const rt = await startSluice(rulesConfig(p, sock));
  setTcpLogSink(logStream);
  after(async () => { await stopSluice(rt); for (const s of srv.servers) s.close(); log.sock.close(); });
  const res = await rulesClients(p);
  const golden = fx('golden-log.txt').trimEnd().split('\n');
  await waitFor(() => log.lines.length >= golden.length, 3000);
  const zero = { withfmt: 0, nofmt: 0, nosrv: 0, nobe: 0, srv: 0, log: 0 };
  assert.deepEqual(res, JSON.parse(fx('golden-clients.json')));
  assert.deepEqual(log.lines.map((l) => maskTcplog(l, zero)), golden);
  const rows = parseStatCsv(await cliCommand(sock, 'show stat')).rows;
  const stats: Record<string, Record<string, string>> = {};
  for (const [k, row] of rows) stats[k] = Object.fromEntries(STAT_COLS.map((c) => [c, row[c]]));
  assert.deepEqual(stats, JSON.parse(fx('golden-stat.json')));
});
