/*
 * `tcp-request connection|session set-var|set-var-fmt|unset-var`: sess variables reach the session rules and the
 * stream's content rules, txn ones are dropped (no stream yet), as HAProxy 2.6.12 on the same config
 * (fixtures/proxy/tcp-l4-vars, ports remapped); in a mode http proxy the sess ones reach every request of the connection.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { freePort, startSluice, stopSluice } from '../proxy-util.ts';

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

test('sess variables of tcp-request connection/session rules reach the HTTP stream (every request of the connection), txn ones are dropped, as HAProxy 2.6.12', async () => {
  const port = await freePort();
  const rt = await startSluice(`defaults
  mode http
  timeout client 1s
  timeout server 1s
  timeout connect 1s
frontend fe
  bind 127.0.0.1:${port}
  tcp-request connection set-var(sess.a) str(hello)
  tcp-request session set-var(sess.b) int(42)
  tcp-request connection set-var(txn.c) int(1)
  http-request return status 200 content-type text/plain lf-string "a=%[var(sess.a)] b=%[var(sess.b)] c=%[var(txn.c)]"
`);
  after(() => stopSluice(rt));
  // two requests on one connection; haproxy 2.6.12 on the same config: "a=hello b=42 c=" for both (curl, 08:33)
  const got = await new Promise<string>((resolve) => {
    const c = connect(port, '127.0.0.1', () => c.write('GET / HTTP/1.1\r\nhost: x\r\n\r\nGET /x HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n'));
    let b = '';
    const t = setTimeout(() => c.destroy(), 3000);
    c.on('data', (d) => { b += d.toString('latin1'); });
    c.on('error', () => {});
    c.on('close', () => { clearTimeout(t); resolve(b); });
  });
  assert.deepEqual(got.split('\r\n\r\n').slice(1).map((x) => x.replace(/HTTP\/1\.1[\s\S]*$/, '')), ['a=hello b=42 c=', 'a=hello b=42 c=']);
});
