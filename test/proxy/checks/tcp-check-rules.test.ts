/*
 * tcp-check rules as haproxy 2.6.12 runs them: comment (its own step, reported by the next rule's failure), send-lf,
 * send-binary-lf, set-var/unset-var(check.*, sess.*; txn.* dropped as 2.6) read by var(), expect options (comment, ok-status, error-status,
 * tout-status, on-error/on-success formats, status-code), expect string-lf, inverse rules waiting for more data, and
 * connect addr/port/send-proxy/linger/comment. Each backend of fixtures/proxy/tcp-check-rules/checks.cfg is probed against the
 * same servers as origin.cjs and must get the verdict and reason 2.6.12 logged (haproxy-health.txt).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server as NetServer, type Socket } from 'node:net';
import { readFileSync, mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { loadConfig, CFG_ALERT, CFG_WARNING } from '../../../proxy/config/loader.ts';
import { buildRegistry } from '../../../proxy/modules.ts';
import type { Proxy } from '../../../proxy/model/types.ts';
import { checkVerdicts } from './probe-util.ts';

const fx = (f: string) => readFileSync(new URL('../../../fixtures/proxy/tcp-check-rules/' + f, import.meta.url), 'latin1');
const dir = mkdtempSync(join(tmpdir(), 'sluice-tcprules-'));
const servers: NetServer[] = [];
const socks: Socket[] = [];
let backends: Map<string, Proxy>;

// origin.cjs's three servers
const ORIGINS: Record<string, (s: Socket) => void> = {
  18898: (s) => { s.write('+OK ready\r\n'); s.on('data', (d) => s.write('GOT ' + d.toString('latin1'))); },
  18899: (s) => s.end('+OK ready\r\n'),
  18900: (s) => s.once('data', (d) => s.end('GOT ' + d.toString('latin1'))),
};

before(async () => {
  let cfg = fx('checks.cfg').replace(/listen l\n[^]*$/, '');
  for (const [port, fn] of Object.entries(ORIGINS)) {
    const srv = createServer((s) => { socks.push(s); s.on('error', () => {}); fn(s); });
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
    servers.push(srv);
    const mine = (srv.address() as { port: number }).port;
    cfg = cfg.replaceAll(`127.0.0.1:${port}`, `127.0.0.1:${mine}`).replaceAll(`port ${port}\n`, `port ${mine}\n`);
  }
  writeFileSync(join(dir, 'c.cfg'), cfg);
  const c = loadConfig([join(dir, 'c.cfg')], buildRegistry());
  assert.deepEqual(c.messages.filter((m) => m.level === CFG_ALERT).map((m) => m.text), []);
  backends = c.backends;
});

after(() => { for (const s of socks) s.destroy(); for (const s of servers) s.close(); rmSync(dir, { recursive: true, force: true }); });

test('tcp-check rules: the verdict and reason of every backend as haproxy 2.6.12 logged them', async () => {
  const { want, got } = await checkVerdicts(fx('haproxy-health.txt'), backends, true);
  assert.equal(want.length, 29);
  assert.deepEqual(got, want);
});

test('tcp-check keyword errors in 2.6\'s words; connect options Sluice lacks are refused by name, txn variables warned about', () => {
  const f = join(dir, 'bad.cfg');
  const alerts = (line: string): string[] => {
    writeFileSync(f, `backend b\n  option tcp-check\n  tcp-check ${line}\n  server s 127.0.0.1:1 check\n`);
    return loadConfig([f], buildRegistry()).messages.filter((m) => m.level === CFG_ALERT).map((m) => m.text.replace(f, 'bad.cfg'));
  };
  assert.deepEqual(alerts('expect string x ok-status L7RSP'), ["parsing [bad.cfg:3] : 'tcp-check expect' : 'ok-status' only supports 'L4OK', 'L6OK', 'L7OK' or 'L7OKC' status (got 'L7RSP').."]);
  assert.deepEqual(alerts('expect string x error-status L7OK'), ["parsing [bad.cfg:3] : 'tcp-check expect' : 'error-status' only supports 'L4CON', 'L6RSP', 'L7RSP' or 'L7STS' status (got 'L7OK').."]);
  assert.deepEqual(alerts('expect string x tout-status X'), ["parsing [bad.cfg:3] : 'tcp-check expect' : 'tout-status' only supports 'L4TOUT', 'L6TOUT' or 'L7TOUT' status (got 'X').."]);
  assert.deepEqual(alerts('send-lf'), ["parsing [bad.cfg:3] : 'tcp-check send-lf' : 'string' expects a send-lf as argument."]);
  assert.deepEqual(alerts('expect string-lf'), ["parsing [bad.cfg:3] : 'tcp-check expect' : 'string-lf' expects a <pattern> as argument."]);
  assert.deepEqual(alerts('expect string x status-code'), ["parsing [bad.cfg:3] : 'tcp-check expect' : 'status-code' expects an expression as argument."]);
  assert.deepEqual(alerts('expect rstring x on-error'), ["parsing [bad.cfg:3] : 'tcp-check expect' : 'on-error' expects a string as argument."]);
  assert.match(alerts('connect proto h1')[0]!, /'tcp-check connect' : 'proto' is not supported by sluice yet/);
  // a txn variable in a check has no effect in 2.6 (no stream): loaded with a warning naming the line
  assert.deepEqual(alerts('set-var(txn.x) str(a)'), []);
  writeFileSync(f, `backend b\n  option tcp-check\n  tcp-check set-var(txn.x) str(a)\n  server s 127.0.0.1:1 check\n`);
  const warns = loadConfig([f], buildRegistry()).messages.filter((m) => m.level === CFG_WARNING).map((m) => m.text);
  assert.ok(warns.some((w) => /bad\.cfg:3.*'tcp-check set-var\(txn\.x\)' has no effect/.test(w)), warns.join('\n'));
  assert.match(alerts('set-var(foo) str(a)')[0]!, /invalid variable name 'foo'/);
});
