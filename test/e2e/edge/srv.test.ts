/*
 * DNS SRV records (`server-template ... _web._tcp.svc.test resolvers ...`) against haproxy 2.6.12's golden
 * (fixtures/edge/srv, recorded by test/proxy/dns/srv-scenario.ts): which server takes which record, addresses from
 * the targets, SRV ports, weights (w + 255) / 256, servers without a record in resolution maintenance, a record gone
 * frees its server, a failed SRV query (NXDOMAIN past hold nx) changes nothing; show servers state, show stat and
 * the messages. Then traffic and health checks reach the
 * records' targets and ports, and leave a server whose record is gone.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, mkdtempSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { connect } from 'node:net';
import { startSluice, stopSluice, freePort, waitFor } from '../proxy-util.ts';
import { EDGE_DEFAULTS, recorder, rawExchange } from './edge-util.ts';
import { startDnsServer } from '../../proxy/dns/dns-server.ts';
import { SRV_ST_STOPPED } from '../../../proxy/model/types.ts';
import { HCHK_STATUS_UNKNOWN } from '../../../proxy/checks/types.ts';
import { addEventSink, removeEventSink } from '../../../proxy/events.ts';
import { srvConfig, startSrvDns, srvChange, srvGone, srvBack, srvDump, SRV_STEP_MS } from '../../proxy/dns/srv-scenario.ts';

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

for (const noAdd of [false, true]) {
  test(`SRV records${noAdd ? ' without additional records' : ''}: servers, addresses, ports, weights and states as haproxy 2.6.12`, async () => {
    const golden = readFileSync(join(root, `fixtures/edge/srv/haproxy-2.6.12${noAdd ? '-noadd' : ''}.txt`), 'utf8');
    const d = await startSrvDns();
    d.noAdditional = noAdd;
    const sock = join(mkdtempSync(join(tmpdir(), 'sluice-srv-')), 'stats.sock');
    const events: string[] = [];
    const sink = (_l: number, t: string): void => { if (/(^| )be\//.test(t)) events.push(`[WARNING]  () : ${t}\n`); };
    addEventSink(sink);
    const rt = await startSluice(srvConfig(d.port, sock, await freePort()));
    try {
      await wait(SRV_STEP_MS);
      let out = srvDump(await cli(sock, 'show servers state'), await cli(sock, 'show stat'));
      for (const step of [srvChange, srvGone, srvBack]) {
        step(d);
        await wait(SRV_STEP_MS);
        out += srvDump(await cli(sock, 'show servers state'), await cli(sock, 'show stat'));
      }
      // the targets' own resolutions run on their own timers: their messages are compared in any order
      const cut = golden.indexOf('[WARNING]');
      assert.equal(out, golden.slice(0, cut));
      const msgs = (t: string): string[] => (noAdd ? t.split(/(?<=\n)/).sort() : [t]);
      assert.deepEqual(msgs(events.join('')), msgs(golden.slice(cut)));
    } finally {
      removeEventSink(sink);
      await stopSluice(rt);
      d.sock.close();
    }
  });
}

test('SRV records: requests and checks go to each target at its SRV port; a record gone takes its server out', async () => {
  const a = await recorder('app-a', '127.0.0.2');
  const b = await recorder('app-b', '127.0.0.3');
  const d = await startDnsServer({ 'a.test': ['127.0.0.2'], 'b.test': ['127.0.0.3'] }, {
    '_http._tcp.svc.test': [
      { priority: 1, weight: 256, port: a.port, target: 'a.test' },
      { priority: 1, weight: 256, port: b.port, target: 'b.test' },
    ],
  });
  const fe = await freePort();
  const rt = await startSluice(`
resolvers r
  nameserver n 127.0.0.1:${d.port}
  hold valid 100ms
  timeout resolve 100ms
${EDGE_DEFAULTS}frontend fe
  bind 127.0.0.1:${fe}
  default_backend be
backend be
  balance roundrobin
  http-response set-header x-srv %s
  option httpchk GET /chk
  server-template web 3 _http._tcp.svc.test resolvers r init-addr none check inter 100ms
`);
  const REQ = 'GET / HTTP/1.1\r\nhost: x\r\n\r\n';
  const servedBy = async (): Promise<string> => {
    const r = await rawExchange(fe, REQ);
    return (/x-srv: (\S+)/.exec(r.data)?.[1] ?? '?') + '=' + r.data.slice(r.data.indexOf('\r\n\r\n') + 4);
  };
  try {
    const be = rt.cfg.proxies.find((p) => p.name === 'be')!;
    await waitFor(() => be.servers.filter((s) => s.host !== '').length === 2, 3000);
    // the checks (to the SRV port) keep both servers up
    const chk = (r: { got: Buffer[] }): boolean => r.got.some((g) => g.toString('latin1').startsWith('GET /chk'));
    await waitFor(() => chk(a) && chk(b), 3000);
    assert.ok(be.servers.slice(0, 2).every((s) => s.check.status !== HCHK_STATUS_UNKNOWN && s.curState !== SRV_ST_STOPPED), 'checked servers up');
    const seen = new Set<string>();
    for (let i = 0; i < 4; i++) seen.add(await servedBy());
    // web1/web2 in 2.6's record order (XXH32 of the target): whichever took which, each reaches its own target
    assert.equal(seen.size, 2, [...seen].join(' '));
    const byName = new Map([...seen].map((x) => x.split('=') as [string, string]));
    const web1 = be.servers[0], web2 = be.servers[1];
    assert.equal(byName.get('web1'), web1.host === '127.0.0.2' ? 'app-a' : 'app-b');
    assert.equal(byName.get('web2'), web2.host === '127.0.0.2' ? 'app-a' : 'app-b');
    assert.equal(web1.port, web1.host === '127.0.0.2' ? a.port : b.port);
    d.srv.get('_http._tcp.svc.test')!.splice(1, 1);
    await waitFor(() => be.servers.filter((s) => s.host !== '').length === 1, 3000);
    for (let i = 0; i < 3; i++) assert.equal((await servedBy()).split('=')[1], 'app-a');
  } finally {
    await stopSluice(rt);
    d.sock.close();
    a.server.close();
    b.server.close();
  }
});
