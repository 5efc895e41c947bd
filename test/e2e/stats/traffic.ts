/*
 * Helpers of the stats e2e tests and of the golden capture script (real HAProxy): loopback reply servers, one-shot
 * requests and CLI commands, `show stat` parsing, and the deterministic scenario of fixtures/stats/traffic-tcp/.
 */
import { createServer, connect } from 'node:net';
import type { Server as NetServer, Socket } from 'node:net';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Backend { server: NetServer; port: number; hits: number }

export function freePort(): Promise<number> {
  return new Promise((r) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => { const p = (s.address() as { port: number }).port; s.close(() => r(p)); });
  });
}

/** A backend counting request heads (`hits`); `answer(sock, head)` replies to each head received on a connection. */
export function headBackend(answer: (s: Socket, head: string) => void): Promise<Backend> {
  const b: Backend = { server: createServer(), port: 0, hits: 0 };
  b.server.on('connection', (s) => {
    s.on('error', () => {});
    let buf = '';
    s.on('data', (d) => {
      buf += d.toString('latin1');
      if (!buf.includes('\r\n\r\n')) return;
      b.hits++;
      const head = buf;
      buf = '';
      answer(s, head);
    });
  });
  return new Promise((r) => b.server.listen(0, '127.0.0.1', () => { b.port = (b.server.address() as { port: number }).port; r(b); }));
}

/**
 * Answers the first request head of each connection with a fixed-size response naming the server, then closes;
 * a request for `/e404...` gets a 404 instead of a 200.
 */
export function replyServer(name: string): Promise<Backend> {
  return headBackend((s, head) => {
    const st = head.startsWith('GET /e404') ? '404 Not Found' : '200 OK';
    s.end('HTTP/1.1 ' + st + '\r\ncontent-length: ' + (name.length + 1) + '\r\nconnection: close\r\n\r\n' + name + '\n');
  });
}

/** One request on a new connection to `port`; resolves with the body once the proxy closes. */
export function oneRequest(port: number, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const c = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const t = setTimeout(() => { c.destroy(); reject(new Error('request timeout')); }, 3000);
    c.on('data', (d) => chunks.push(d));
    c.on('error', (e) => { clearTimeout(t); reject(e); });
    c.on('close', () => { clearTimeout(t); const s = Buffer.concat(chunks).toString('latin1'); resolve(s.slice(s.indexOf('\r\n\r\n') + 4)); });
    c.on('connect', () => c.write('GET ' + path + ' HTTP/1.1\r\nhost: golden\r\nconnection: close\r\n\r\n'));
  });
}

/** One CLI command on a unix socket; resolves with the whole reply. */
export function cliCommand(sock: string, line: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const c = connect(sock);
    const chunks: Buffer[] = [];
    const t = setTimeout(() => { c.destroy(); reject(new Error('cli timeout')); }, 3000);
    c.on('data', (d) => chunks.push(d));
    c.on('error', (e) => { clearTimeout(t); reject(e); });
    c.on('close', () => { clearTimeout(t); resolve(Buffer.concat(chunks).toString('latin1')); });
    c.on('connect', () => c.write(line + '\n'));
  });
}

/** `show stat` CSV as its header line and rows keyed by `pxname/svname`, values by column name. */
export function parseStatCsv(text: string): { header: string; rows: Map<string, Record<string, string>> } {
  const lines = text.split('\n').filter((l) => l !== '');
  const cols = lines[0]!.slice(2).split(',');
  const rows = new Map<string, Record<string, string>>();
  for (const l of lines.slice(1)) {
    const v = l.split(',');
    const row: Record<string, string> = {};
    cols.forEach((c, i) => { row[c] = v[i] ?? ''; });
    rows.set(v[0] + '/' + v[1], row);
  }
  return { header: lines[0]!, rows };
}

export interface Ports { fe: number; ls: number; s1: number; s2: number; s3: number }

export function renderConfig(template: string, sock: string, p: Ports): string {
  return template.replace('@SOCK@', sock).replace('@FE@', String(p.fe)).replace('@LS@', String(p.ls))
    .replaceAll('@S1@', String(p.s1)).replace('@S2@', String(p.s2)).replace('@S3@', String(p.s3));
}

/** The configuration template of a golden case (`traffic-tcp`, `traffic-http`). */
export function readTemplate(kase = 'traffic-tcp'): string {
  return readFileSync(new URL('../../../fixtures/stats/' + kase + '/haproxy.cfg.in', import.meta.url), 'latin1');
}

/** Sends raw bytes on a new connection and resolves with everything received until the proxy closes. */
export function rawExchange(port: number, data: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const c = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const t = setTimeout(() => { c.destroy(); reject(new Error('exchange timeout')); }, 3000);
    c.on('data', (d) => chunks.push(d));
    c.on('error', (e) => { clearTimeout(t); reject(e); });
    c.on('close', () => { clearTimeout(t); resolve(Buffer.concat(chunks).toString('latin1')); });
    c.on('connect', () => c.write(data));
  });
}

/**
 * The scenario: 6 requests through the frontend (round robin s1/s2 weight 1/2; the 4th, which HAProxy's and
 * Sluice's cycles both send to s2, asks for a 404), `disable server bk/s2`, 3 more, 2 through ls; with `http`, also
 * a malformed request and a `/stats;csv` page view on the frontend. Returns the replies of `show stat`, `show servers
 * state` and `show info` taken at the end.
 */
export async function runScenario(sock: string, p: Ports, http = false): Promise<{ stat: string; state: string; info: string; bodies: string[] }> {
  const bodies: string[] = [];
  for (let i = 0; i < 6; i++) bodies.push(await oneRequest(p.fe, i === 3 ? '/e404' : '/r' + i));
  bodies.push('cli:' + await cliCommand(sock, 'disable server bk/s2'));
  for (let i = 0; i < 3; i++) bodies.push(await oneRequest(p.fe, '/d' + i));
  for (let i = 0; i < 2; i++) bodies.push(await oneRequest(p.ls, '/l' + i));
  if (http) {
    const bad = await rawExchange(p.fe, 'GARBAGE\r\n\r\n');
    bodies.push('bad:' + bad.slice(0, bad.indexOf('\r\n')));
    const page = await oneRequest(p.fe, '/stats;csv');
    bodies.push('page:' + (page.includes('# pxname,svname,') ? 'csv' : page.slice(0, 40)));
  }
  await new Promise((r) => setTimeout(r, 100));
  const stat = await cliCommand(sock, 'show stat');
  const state = await cliCommand(sock, 'show servers state');
  return { stat, state, info: await cliCommand(sock, 'show info'), bodies };
}

/**
 * Spawns the real `sluice -f cfgPath` (node --import tsx proxy/main.ts) and resolves once its admin stats socket
 * `sock` answers (15 s bound; rejects with the process's stderr if it exits or never answers).
 */
export async function spawnSluice(cfgPath: string, sock: string): Promise<ChildProcess> {
  const root = fileURLToPath(new URL('../../../', import.meta.url));
  const p = spawn(process.execPath, ['--import', 'tsx', join(root, 'proxy/main.ts'), '-f', cfgPath], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
  const err: string[] = [];
  p.stderr!.on('data', (d) => err.push(String(d)));
  const end = Date.now() + 15000;
  for (;;) {
    if (await cliCommand(sock, 'show cli level').then(() => true, () => false)) return p;
    if (Date.now() > end || p.exitCode !== null) { p.kill('SIGKILL'); throw new Error('sluice did not start: ' + err.join('')); }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A `defaults` section for `mode`, with short loopback timeouts. */
export function defaultsSection(mode: 'tcp' | 'http'): string {
  return `defaults\n  mode ${mode}\n  timeout connect 1s\n  timeout client 5s\n  timeout server 5s\n`;
}

/** `backend bk`, round robin over the reply servers, named s1, s2, ... */
export function roundRobinBackend(servers: readonly Backend[]): string {
  return 'backend bk\n  balance roundrobin\n' + servers.map((b, i) => `  server s${i + 1} 127.0.0.1:${b.port}\n`).join('');
}

/** Test teardown: kills the sluice process, closes the reply servers, removes the temporary directory. */
export function teardown(proc: ChildProcess | null, servers: readonly Backend[], dir: string): void {
  if (proc !== null && proc.exitCode === null) proc.kill('SIGKILL');
  for (const b of servers) b.server.close();
  rmSync(dir, { recursive: true, force: true });
}

// `show stat` columns whose values depend on time, rates or the ports chosen
const GOLDEN_MASKED = new Set(['lastchg', 'downtime', 'lastsess', 'rate', 'rate_max', 'conn_rate', 'conn_rate_max',
  'req_rate', 'req_rate_max', 'qtime', 'ctime', 'rtime', 'ttime', 'qtime_max', 'ctime_max', 'rtime_max', 'ttime_max',
  'addr', 'check_duration']);

/**
 * `show stat` lines with time/rate/port columns masked, and on FRONTEND rows `smax` (it depends on how fast the
 * previous sequential connection was released: HAProxy showed 2) plus `feMasked`.
 */
export function maskStat(text: string, feMasked: readonly string[] = []): string[] {
  const lines = text.split('\n');
  const cols = lines[0]!.slice(2).split(',');
  const masked = (row: string[], i: number): boolean => GOLDEN_MASKED.has(cols[i]!) ||
    (row[1] === 'FRONTEND' && (cols[i] === 'smax' || feMasked.includes(cols[i]!)));
  return lines.map((l, n) => {
    if (n === 0 || l === '') return l;
    const row = l.split(',');
    return row.map((v, i) => (masked(row, i) ? '*' : v)).join(',');
  });
}

/** `show servers state` lines with srv_time_since_last_change and srv_port masked. */
export function maskState(text: string): string[] {
  return text.split('\n').map((l) => {
    if (l.startsWith('#') || !l.includes(' ')) return l;
    const f = l.split(' ');
    f[9] = '*';
    f[18] = '*';
    return f.join(' ');
  });
}

/**
 * Runs golden case `kase` against the real sluice in `dir`: same config template, traffic and CLI commands as the
 * capture. Returns actual and expected (golden) replies; `procs`/`servers` collect what teardown() must stop.
 */
export async function runGoldenCase(kase: string, http: boolean, dir: string, procs: ChildProcess[], servers: Backend[]):
  Promise<{ actual: { stat: string; state: string; info: string; bodies: string[] }; golden: (f: string) => string }> {
  const s1 = await replyServer('s1');
  const s2 = await replyServer('s2');
  servers.push(s1, s2);
  const sock = join(dir, kase + '.sock');
  const ports = { fe: await freePort(), ls: await freePort(), s1: s1.port, s2: s2.port, s3: await freePort() };
  const cfg = join(dir, kase + '.cfg');
  writeFileSync(cfg, renderConfig(readTemplate(kase), sock, ports));
  procs.push(await spawnSluice(cfg, sock));
  const actual = await runScenario(sock, ports, http);
  const golden = (f: string): string => readFileSync(new URL('../../../fixtures/stats/' + kase + '/' + f, import.meta.url), 'latin1');
  return { actual, golden };
}

// `show info` fields that depend on the build, the host, time, memory or scheduling
const INFO_MASKED = new Set(['Version', 'Release_date', 'Nbthread', 'Pid', 'Uptime', 'Uptime_sec', 'Memmax_MB',
  'PoolAlloc_MB', 'PoolUsed_MB', 'ConnRate', 'MaxConnRate', 'SessRate', 'MaxSessRate', 'Tasks', 'Run_queue', 'Idle_pct',
  'TotalBytesOut', 'BytesOutRate', 'Build info', 'PoolAlloc_bytes', 'PoolUsed_bytes', 'Start_time_sec', 'node']);

/** `show info` lines with build/host/time/memory fields masked. */
export function maskInfo(text: string): string[] {
  return text.split('\n').map((l) => {
    const c = l.indexOf(': ');
    return c > 0 && INFO_MASKED.has(l.slice(0, c)) ? l.slice(0, c) + ': *' : l;
  });
}
