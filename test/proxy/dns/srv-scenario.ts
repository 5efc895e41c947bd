/*
 * The SRV record scenario run against haproxy 2.6.12 (to record fixtures/edge/srv, `node --import tsx
 * test/proxy/dns/srv-scenario.ts > fixtures/edge/srv/haproxy-2.6.12.txt`, and without additional records in the
 * answers `... srv-scenario.ts noadd > fixtures/edge/srv/haproxy-2.6.12-noadd.txt`) and against Sluice
 * (test/e2e/edge/srv.test.ts):
 * a server-template of 5 on an SRV name answered with 4 records (additional A records, weights 10, 300, 0, 65535),
 * then one record removed and one weight changed, then the name unknown (NXDOMAIN past `hold nx`: nothing changes),
 * then back with one record. Prints `show servers state` (time since last change masked) and
 * show stat's pxname,svname,status,weight,act,addr columns after each step, then the messages about backend be
 * (backend bea, A names, is there for the state of servers that left or stay in resolution maintenance).
 */
import { startDnsServer } from './dns-server.ts';
import type { DnsServer } from './dns-server.ts';

export function srvConfig(dnsPort: number, sock: string, feport: number): string {
  return `global
  stats socket ${sock} level admin
defaults
  mode http
  timeout connect 1s
  timeout client 5s
  timeout server 5s
resolvers consul
  nameserver dns1 127.0.0.1:${dnsPort}
  accepted_payload_size 8192
  hold valid 200ms
  hold nx 300ms
  hold other 300ms
  timeout resolve 200ms
frontend fe
  bind 127.0.0.1:${feport}
  default_backend be
backend be
  balance roundrobin
  server-template web 5 _web._tcp.svc.test resolvers consul resolve-prefer ipv4 init-addr none
backend bea
  server s1 a.test:80 resolvers consul resolve-prefer ipv4 init-addr none
  server s2 nope.test:80 resolvers consul resolve-prefer ipv4 init-addr none
`;
}

export function startSrvDns(): Promise<DnsServer> {
  return startDnsServer({ 'a.test': ['127.0.0.2'], 'b.test': ['127.0.0.3'], 'c.test': ['127.0.0.4'], 'd.test': ['127.0.0.5'] }, {
    '_web._tcp.svc.test': [
      { priority: 1, weight: 10, port: 8001, target: 'a.test' },
      { priority: 1, weight: 300, port: 8002, target: 'b.test' },
      { priority: 1, weight: 0, port: 8003, target: 'c.test' },
      { priority: 1, weight: 65535, port: 8004, target: 'd.test' },
    ],
  });
}

/** Second step: b.test's record disappears, a.test's weight becomes 1000. */
export function srvChange(d: DnsServer): void {
  const l = d.srv.get('_web._tcp.svc.test')!;
  l.splice(1, 1);
  l[0].weight = 1000;
}

/** Third step: the SRV name is gone (NXDOMAIN) for longer than `hold nx`. */
export function srvGone(d: DnsServer): void { d.srv.delete('_web._tcp.svc.test'); }

/** Fourth step: the name is back with a.test's record only. */
export function srvBack(d: DnsServer): void {
  d.srv.set('_web._tcp.svc.test', [{ priority: 1, weight: 10, port: 8001, target: 'a.test' }]);
}

/** The compared part of one step's output. */
export function srvDump(state: string, stat: string): string {
  const st = state.split('\n').map((l) => {
    const f = l.split(' ');
    if (f.length > 10 && !l.startsWith('#')) f[9] = 'T';
    return f.join(' ');
  });
  const cols = stat.split('\n').filter((l) => l !== '').map((l) => { const f = l.split(','); return [f[0], f[1], f[17], f[18], f[19], f[73]].join(','); });
  return st.join('\n') + cols.join('\n') + '\n';
}

export const SRV_STEP_MS = 1000;

async function recordHaproxy(): Promise<void> {
  const { spawn } = await import('node:child_process');
  const { mkdtempSync, writeFileSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { tmpdir } = await import('node:os');
  const { connect } = await import('node:net');
  const dir = mkdtempSync(join(tmpdir(), 'srv-rec-'));
  const sock = join(dir, 'h.sock');
  const d = await startSrvDns();
  d.noAdditional = process.argv[2] === 'noadd';
  writeFileSync(join(dir, 'h.cfg'), srvConfig(d.port, sock, 18413));
  const hp = spawn('haproxy', ['-f', join(dir, 'h.cfg')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  hp.stderr.on('data', (b: Buffer) => { log += b.toString(); });
  const cli = (cmd: string): Promise<string> => new Promise((res) => {
    let out = '';
    const c = connect(sock);
    c.on('data', (b) => { out += b.toString(); });
    c.on('close', () => res(out));
    c.end(cmd + '\n');
  });
  const wait = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
  await wait(SRV_STEP_MS);
  let out = srvDump(await cli('show servers state'), await cli('show stat'));
  for (const step of [srvChange, srvGone, srvBack]) {
    step(d);
    await wait(SRV_STEP_MS);
    out += srvDump(await cli('show servers state'), await cli('show stat'));
  }
  hp.kill();
  d.sock.close();
  await wait(100);
  process.stdout.write(out + log.split(/(?<=\n)/).filter((l) => l.includes(' be/')).join('').replace(/\(\d+\)/g, '()'));
}

if (process.argv[1] !== undefined && process.argv[1].endsWith('srv-scenario.ts')) await recordHaproxy();
