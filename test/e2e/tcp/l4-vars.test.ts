/*
 * `tcp-request connection|session set-var|set-var-fmt|unset-var`: sess variables reach the session rules and the
 * stream's content rules, txn ones are dropped (no stream yet), as HAProxy 2.6.12 on the same config
 * (fixtures/proxy/tcp-l4-vars, ports remapped); a sess variable of such rules in a mode http proxy is refused.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { freePort, startSluice, stopSluice } from '../proxy-util.ts';
import { loadConfig } from '../../../proxy/config/loader.ts';
import { buildRegistry } from '../../../proxy/modules.ts';

const fx = (f: string) => readFileSync(new URL('../../../fixtures/proxy/tcp-l4-vars/' + f, import.meta.url), 'latin1');

/** Bytes received until the proxy closes (bounded). */
function readAll(port: number): Promise<string> {
  return new Promise((resolve) => {
    const c = connect(port, '127.0.0.1');
    let got = '';
    const t = setTimeout(() => c.destroy(), 3000);
    c.on('data', (d) => { got += d.toString('latin1'); });
    c.on('error', () => { /* a reset counts as nothing received */ });
    c.on('close', () => { clearTimeout(t); resolve(got); });
  });
}

test('connection/session set-var: same client outcomes as HAProxy 2.6', async () => {
  const srv = createServer((s) => s.end('hello\n'));
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const names = ['txn_dropped', 'sess_kept', 'unset', 'session_sees', 'fmt'];
  const ports = await Promise.all(names.map(() => freePort()));
  let cfg = fx('l4-vars.cfg').replace('127.0.0.1:18839', `127.0.0.1:${(srv.address() as { port: number }).port}`);
  names.forEach((_, i) => { cfg = cfg.replace(`127.0.0.1:1883${i + 1}`, `127.0.0.1:${ports[i]}`); });
  const rt = await startSluice(cfg);
  after(async () => { await stopSluice(rt); srv.close(); });
  const got: Record<string, string> = {};
  for (let i = 0; i < names.length; i++) got[names[i]] = await readAll(ports[i]);
  assert.deepEqual(got, JSON.parse(fx('golden-clients.json')));
});

test("a sess variable set by tcp-request connection rules in a mode http proxy is refused, proc/txn ones load", () => {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-l4vars-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const f = join(dir, 'h.cfg');
  const head = 'defaults\n  mode http\n  timeout client 1s\n  timeout server 1s\n  timeout connect 1s\nfrontend fe\n  bind 127.0.0.1:1\n';
  writeFileSync(f, `${head}  tcp-request connection set-var(sess.a) src\n  default_backend be\nbackend be\n  server s 127.0.0.1:1\n`);
  const alerts = loadConfig([f], buildRegistry()).messages.filter((m) => m.level === 0).map((m) => m.text);
  assert.equal(alerts.length, 1);
  assert.match(alerts[0], /^frontend 'fe' : 'tcp-request connection set-var\(sess\.a\)' with a 'sess\.' variable in 'mode http' is not supported by sluice yet/);
  writeFileSync(f, `${head}  tcp-request connection set-var(proc.a) src\n  tcp-request session set-var(txn.b) int(1)\n  default_backend be\nbackend be\n  server s 127.0.0.1:1\n`);
  assert.deepEqual(loadConfig([f], buildRegistry()).messages.filter((m) => m.level === 0), []);
});
