/*
 * server-template and resolvers end to end, with a DNS server on loopback (test/proxy/dns/dns-server.ts): template
 * servers balance; addresses come from DNS records, the servers left without one stay in maintenance, and a record
 * changed mid-test moves the server (2.6's "changed its IP ... by mydns/ns1." and "No IP for server " messages).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSluice, stopSluice, freePort, waitFor } from '../proxy-util.ts';
import type { Runtime } from '../../../proxy/runtime.ts';
import { EDGE_DEFAULTS, recorder, rawExchange } from './edge-util.ts';
import type { Recorder } from './edge-util.ts';
import { startDnsServer } from '../../proxy/dns/dns-server.ts';
import type { DnsServer } from '../../proxy/dns/dns-server.ts';
import { addEventSink, removeEventSink } from '../../../proxy/events.ts';
import { SRV_ADMF_RMAINT } from '../../../proxy/model/types.ts';
import { connect } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';

function cli(cmd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const c = connect(sockPath);
    let out = '';
    const t = setTimeout(() => { c.destroy(); reject(new Error('cli timeout')); }, 3000);
    c.on('data', (d) => { out += d.toString(); });
    c.on('error', reject);
    c.on('close', () => { clearTimeout(t); resolve(out); });
    c.end(cmd + '\n');
  });
}

let rt: Runtime;
let dns: DnsServer;
let app: Recorder, app2: Recorder, app3: Recorder;
let pTpl = 0, pDns = 0;
let sockPath = '';
const events: string[] = [];
function capture(_l: number, t: string): void { events.push(t); }

before(async () => {
  app = await recorder('app');
  // the same port on 127.0.0.2 and .3: DNS moves servers between loopback addresses
  app2 = await recorder('app2', '127.0.0.2', app.port);
  app3 = await recorder('app3', '127.0.0.3', app.port);
  dns = await startDnsServer({ 'app.test': ['127.0.0.1', '127.0.0.2'], 'gone.test': ['127.0.0.1'], 'empty.test': ['127.0.0.1'], 'moved.test': ['127.0.0.3'], 'bad.test': ['127.0.0.1'] });
  dns.garbage.add('bad.test');
  [pTpl, pDns] = await Promise.all([freePort(), freePort()]);
  addEventSink(capture);
  sockPath = join(mkdtempSync(join(tmpdir(), 'sluice-edge-')), 'stats.sock');
  rt = await startSluice(`
global
  stats socket ${sockPath} level admin
resolvers mydns
  nameserver ns1 127.0.0.1:${dns.port}
  hold valid 100ms
  hold nx 300ms
  hold other 300ms
  timeout resolve 100ms
  timeout retry 200ms
  resolve_retries 2
${EDGE_DEFAULTS}frontend fe
  bind 127.0.0.1:${pTpl}
  default_backend tpl
frontend fed
  bind 127.0.0.1:${pDns}
  default_backend dyn
backend tpl
  balance roundrobin
  http-response set-header x-srv %s
  server-template web 2-4 127.0.0.1:${app.port}
backend dyn
  balance roundrobin
  http-response set-header x-srv %s
  server-template srv 3 app.test:${app.port} resolvers mydns init-addr none
backend mv
  server m1 app.test:${app.port} resolvers mydns init-addr none resolve-prefer ipv4
  server m2 127.0.0.1:${app.port}
backend errs
  server n1 gone.test:${app.port} resolvers mydns init-addr none resolve-prefer ipv4
  server e1 empty.test:${app.port} resolvers mydns init-addr none resolve-prefer ipv4
backend bad
  server b1 bad.test:${app.port} resolvers mydns init-addr none resolve-prefer ipv4
`);
});

after(async () => {
  removeEventSink(capture);
  await stopSluice(rt);
  dns.sock.close();
  for (const a of [app, app2, app3]) a.server.close();
});

function backend(name: string) { return rt.cfg.proxies.find((p) => p.name === name)!; }
const REQ = 'GET / HTTP/1.1\r\nhost: a\r\n\r\n';

test('server-template 2-4 declares web2..web4 on the address, balanced round robin', async () => {
  const be = backend('tpl');
  assert.deepEqual(be.servers.map((s) => `${s.name}=${s.host}:${s.port}`), [2, 3, 4].map((i) => `web${i}=127.0.0.1:${app.port}`));
  const seen: string[] = [];
  for (let i = 0; i < 6; i++) {
    const r = await rawExchange(pTpl, REQ);
    seen.push(/x-srv: (\S+)/.exec(r.data)?.[1] ?? '?');
  }
  assert.deepEqual(seen, ['web2', 'web3', 'web4', 'web2', 'web3', 'web4']);
});

test('DNS records fill the template servers in 2.6\'s order, the one left over stays in maintenance', async () => {
  const be = backend('dyn');
  await waitFor(() => be.servers.filter((s) => s.host !== '').length === 2, 3000);
  // 2.6 walks an answer by XXH32 of the addresses: 127.0.0.2 comes before 127.0.0.1 (haproxy 2.6.12: srv1=.2, srv2=.1)
  assert.deepEqual(be.servers.map((s) => s.host), ['127.0.0.2', '127.0.0.1', '']);
  assert.notEqual(be.servers[2].adminState & SRV_ADMF_RMAINT, 0);
  assert.equal(be.servers[0].adminState & SRV_ADMF_RMAINT, 0);
  assert.ok(events.includes('dyn/srv1 changed its IP from (none) to 127.0.0.2 by mydns/ns1.'), events.join('\n'));
  assert.ok(events.includes('dyn/srv2 changed its IP from (none) to 127.0.0.1 by DNS cache.'), events.join('\n'));
  assert.ok(events.includes("Server dyn/srv1 ('app.test') is UP/READY (resolves again)."));
  assert.ok(events.includes('Server dyn/srv1 administratively READY thanks to valid DNS answer.'));
  // both resolved servers take traffic (127.0.0.2 reaches the loopback recorder too)
  const seen = new Set<string>();
  for (let i = 0; i < 4; i++) seen.add(/x-srv: (\S+)/.exec((await rawExchange(pDns, REQ)).data)?.[1] ?? '?');
  assert.deepEqual([...seen].sort(), ['srv1', 'srv2']);
});

test('a record changed mid-test moves its server; a record gone puts its server in maintenance', async () => {
  const be = backend('dyn');
  const [s1, s2, s3] = be.servers;
  dns.records.set('app.test', ['127.0.0.1', '127.0.0.3']);
  await waitFor(() => s1.host === '127.0.0.3', 3000);
  assert.equal(s2.host, '127.0.0.1');
  assert.equal(s3.host, '');
  assert.ok(events.includes('dyn/srv1 changed its IP from 127.0.0.2 to 127.0.0.3 by mydns/ns1.'), events.join('\n'));
  dns.records.set('app.test', ['127.0.0.3']);
  await waitFor(() => (s2.adminState & SRV_ADMF_RMAINT) !== 0, 3000);
  assert.ok(events.some((e) => e.startsWith('Server dyn/srv2 is going DOWN for maintenance (No IP for server ). ')), events.join('\n'));
  const r = await rawExchange(pDns, REQ);
  assert.match(r.data, /x-srv: srv1/);
});

test('show resolvers prints the section and its nameserver counters in 2.6 layout', async () => {
  const out = await cli('show resolvers mydns');
  const lines = out.split('\n');
  assert.equal(lines[0], 'Resolvers section mydns');
  assert.equal(lines[1], ' nameserver ns1:');
  assert.deepEqual(lines.slice(2, 17).map((l) => l.slice(0, 15)), ['  sent:        ', '  snd_error:   ', '  valid:       ', '  update:      ',
    '  cname:       ', '  cname_error: ', '  any_err:     ', '  nx:          ', '  timeout:     ', '  refused:     ', '  other:       ',
    '  invalid:     ', '  too_big:     ', '  truncated:   ', '  outdated:    ']);
  const n = (k: string) => +(lines.find((l) => l.startsWith(`  ${k}:`)) ?? '').split(':')[1];
  assert.ok(n('sent') >= n('valid') && n('valid') > 0);
  assert.ok(n('update') >= 3);
  assert.equal(await cli('show resolvers nope'), "Can't find that resolvers section\n\n");
});

test('show servers state gives resolved servers their fqdn, address-less ones "-" in maintenance (2.6 fields)', async () => {
  const out = await cli('show servers state dyn');
  const rows = out.split('\n').filter((l) => / dyn /.test(l)).map((l) => l.split(' '));
  // srv_name srv_addr srv_op_state srv_admin_state ... srv_fqdn srv_port
  assert.deepEqual(rows.map((r) => [r[3], r[5], r[6], r[17]]), [['srv1', '2', '0', 'app.test'], ['srv2', '0', '32', 'app.test'], ['srv3', '0', '32', 'app.test']].map(([n, op, adm, f]) => [n, op, adm, f]));
});

test('NXDOMAIN and empty answers put servers in maintenance once hold nx/other passed; a later answer restores them', async () => {
  const be = backend('errs');
  const [n1, e1] = be.servers;
  await waitFor(() => n1.host === '127.0.0.1' && e1.host === '127.0.0.1', 3000);
  dns.records.delete('gone.test');
  dns.records.set('empty.test', []);
  await waitFor(() => (n1.adminState & SRV_ADMF_RMAINT) !== 0 && (e1.adminState & SRV_ADMF_RMAINT) !== 0, 4000);
  assert.ok(events.some((e) => e.startsWith('Server errs/n1 is going DOWN for maintenance (DNS NX status). ')), events.join('\n'));
  assert.ok(events.some((e) => e.startsWith('Server errs/e1 is going DOWN for maintenance (unspecified DNS error). ')), events.join('\n'));
  dns.records.set('gone.test', ['127.0.0.1']);
  await waitFor(() => (n1.adminState & SRV_ADMF_RMAINT) === 0, 3000);
  assert.ok(events.includes('errs/n1 changed its IP from (none) to 127.0.0.1 by mydns/ns1.'), events.join('\n'));
});

test('set server fqdn moves a resolved server to another name (2.6 replies and errors)', async () => {
  const m1 = backend('mv').servers[0];
  await waitFor(() => m1.host !== '', 3000);
  assert.equal(await cli('set server mv/m1 fqdn moved.test'), "mv/m1 changed its FQDN from app.test to moved.test by 'stats socket command'\n\n");
  await waitFor(() => m1.host === '127.0.0.3', 3000);
  assert.ok(events.some((e) => /^mv\/m1 changed its IP from 127\.0\.0\.[12] to 127\.0\.0\.3 by mydns\/ns1\.$/.test(e)), events.join('\n'));
  assert.equal(await cli('set server mv/m2 fqdn moved.test'), 'set server <b>/<s> fqdn failed because no resolution is configured.\n\n');
  assert.equal(await cli('set server mv/m1 fqdn'), 'set server <b>/<s> fqdn requires a FQDN.\n\n');
  assert.equal(await cli('set server mv/m1 fqdn bad..name'), "could not update mv/m1 FQDN by 'stats socket command'\n\n");
});

test('a malformed DNS reply counts as invalid and leaves the server in maintenance; a later valid answer restores it', async () => {
  const b1 = backend('bad').servers[0];
  const invalid = async (): Promise<number> => +((await cli('show resolvers mydns')).split('\n').find((l) => l.startsWith('  invalid:')) ?? '').split(':')[1];
  const end = Date.now() + 3000;
  while ((await invalid()) === 0) {
    assert.ok(Date.now() < end, 'no invalid reply counted');
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.equal(b1.host, '');
  assert.ok((b1.adminState & SRV_ADMF_RMAINT) !== 0);
  dns.garbage.delete('bad.test');
  await waitFor(() => b1.host === '127.0.0.1' && (b1.adminState & SRV_ADMF_RMAINT) === 0, 3000);
});
