/*
 * DNS SRV records (`server-template ... _web._tcp.svc.test resolvers ...`) against haproxy 2.6.12's golden
 * (fixtures/edge/srv, recorded by test/proxy/dns/srv-scenario.ts): which server takes which record, addresses from
 * the targets, SRV ports, weights (w + 255) / 256, servers without a record in resolution maintenance, a record gone
 * frees its server; show servers state, show stat and the messages.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, mkdtempSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { connect } from 'node:net';
import { startSluice, stopSluice, freePort } from '../proxy-util.ts';
import { addEventSink, removeEventSink } from '../../../proxy/events.ts';
import { srvConfig, startSrvDns, srvChange, srvDump, SRV_STEP_MS } from '../../proxy/dns/srv-scenario.ts';

const root = resolve(import.meta.dirname, '../../..');

function cli(sock: string, cmd: string): Promise<string> {
  return new Promise((res, rej) => {
    let out = '';
    const c = connect(sock);
    const t = setTimeout(() => { c.destroy(); rej(new Error('cli timeout')); }, 3000);
    c.on('data', (b) => { out += b.toString(); });
    c.on('error', rej);
    c.on('close', () => { clearTimeout(t); res(out); });
    c.end(cmd + '\n');
  });
}

const wait = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

test('SRV records: servers, addresses, ports, weights and states as haproxy 2.6.12', async () => {
  const golden = readFileSync(join(root, 'fixtures/edge/srv/haproxy-2.6.12.txt'), 'utf8');
  const d = await startSrvDns();
  const sock = join(mkdtempSync(join(tmpdir(), 'sluice-srv-')), 'stats.sock');
  const events: string[] = [];
  const sink = (_l: number, t: string): void => { if (/(^| )be\//.test(t)) events.push(`[WARNING]  () : ${t}\n`); };
  addEventSink(sink);
  const rt = await startSluice(srvConfig(d.port, sock, await freePort()));
  try {
    await wait(SRV_STEP_MS);
    let out = srvDump(await cli(sock, 'show servers state'), await cli(sock, 'show stat'));
    srvChange(d);
    await wait(SRV_STEP_MS);
    out += srvDump(await cli(sock, 'show servers state'), await cli(sock, 'show stat'));
    assert.equal(out + events.join(''), golden);
  } finally {
    removeEventSink(sink);
    await stopSluice(rt);
    d.sock.close();
  }
});
