/*
 * Logging benchmarks (npm run bench:log):
 *  1. emitter throughput: lines/s formatting one StreamLog with the httplog format, Sluice's compiled emitter
 *     (runLogEmitter into a reused Buffer) vs a naive template-string formatter + Buffer.from; medians of 5 rounds.
 *  2. logStream() cost per line including syslog framing and the UDP send (µs/line), to size the proxy overhead.
 *  3. loss check: 100,000 lines/s for 2 s through logStream to a loopback collector in another process, which checks
 *     the %rt sequence; prints received/sent and gaps.
 * Loopback only, bounded duration (~25 s).
 */
import { spawn } from 'node:child_process';
import type { Proxy, StreamLog } from '../../proxy/model/types.ts';
import { PR_MODE_HTTP } from '../../proxy/model/types.ts';
import { PR_CAP_LISTEN } from '../../proxy/config/types.ts';
import { newLogCfg, newLogTarget } from '../../proxy/log/cfg.ts';
import { compileLogFormat } from '../../proxy/log/format.ts';
import { runLogEmitter, logStream } from '../../proxy/log/emit.ts';
import { LOG_FORMAT_HTTPLOG } from '../../proxy/log/presets.ts';
import { logCounters, closeLogSinks } from '../../proxy/log/sender.ts';

const fe = { name: 'fe_http', cap: PR_CAP_LISTEN, mode: PR_MODE_HTTP, options: 0, log: newLogCfg() } as unknown as Proxy;
const be = { name: 'be_app' } as unknown as Proxy;
const srv = { name: 's1', proxy: be } as unknown as StreamLog['server'];
const s: StreamLog = {
  acceptMs: Date.now(), acceptUs: 0, reqDateMs: Date.now(), tHandshake: 0, tIdle: 0, tRequest: 0, tQueue: 0,
  tConnect: 1, tResponse: 4, tData: 0, tTotal: 5, status: 200, bytesIn: 80, bytesOut: 160, errCause: 0, finishState: 0,
  cookieReq: '-', cookieRes: '-', actconn: 12, feconn: 11, beconn: 10, srvconn: 5, retries: 0, redispatched: false,
  srvQueue: 0, backendQueue: 0, clientIp: '127.0.0.1', clientPort: 55134, frontendIp: '127.0.0.1', frontendPort: 8080,
  backendSrcIp: '127.0.0.1', backendSrcPort: 40000, serverIp: '127.0.0.1', serverPort: 9000, frontend: fe, backend: be,
  server: srv, bindName: '', reqCaptures: ['www.example.com', 'curl/7.88.1'], resCaptures: ['text/plain'],
  declaredCaptures: [], method: 'GET', uri: '/api/items?id=42', httpVersion: 'HTTP/1.1',
  reqLine: 'GET /api/items?id=42 HTTP/1.1', uniqueId: '', reqCounter: 1, connCounter: 1,
};

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const p2 = (n: number): string => (n < 10 ? '0' + n : '' + n);
const p3 = (n: number): string => (n < 10 ? '00' + n : n < 100 ? '0' + n : '' + n);

/** The obvious implementation: a template string per line (date formatted per line), then a Buffer. */
function naiveHttplog(x: StreamLog): Buffer {
  const d = new Date(x.reqDateMs);
  const date = `${p2(d.getDate())}/${MONTHS[d.getMonth()]}/${d.getFullYear()}:${p2(d.getHours())}:${p2(d.getMinutes())}:${p2(d.getSeconds())}.${p3(d.getMilliseconds())}`;
  const esc = (v: string | null): string => (v ?? '').replace(/[\x00-\x1f"#{|}\x7f-\xff]/g, (c) => '#' + c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0'));
  const line = `${x.clientIp}:${x.clientPort} [${date}] ${x.frontend.name} ${x.backend?.name ?? x.frontend.name}/${x.server?.name ?? '<NOSRV>'} ` +
    `${x.tRequest}/${x.tQueue}/${x.tConnect}/${x.tResponse}/${x.tTotal - x.tHandshake - x.tIdle} ${x.status} ${x.bytesOut} - - ` +
    `${'-CSPRIDKUcsL'[x.errCause]}${'-RQCHDLT'[x.finishState]}-- ${x.actconn}/${x.feconn}/${x.beconn}/${x.srvconn}/${x.retries} ` +
    `${x.srvQueue}/${x.backendQueue} {${x.reqCaptures.map(esc).join('|')}} {${x.resCaptures.map(esc).join('|')}} "${x.reqLine.replace(/["#]/g, (c) => '#' + c.charCodeAt(0).toString(16).toUpperCase())}"`;
  return Buffer.from(line, 'latin1');
}

function median(a: number[]): number {
  const b = [...a].sort((x, y) => x - y);
  return b[b.length >> 1];
}

function rate(fn: () => void, ms: number): number {
  const end = performance.now() + ms;
  let n = 0;
  while (performance.now() < end) { for (let i = 0; i < 1000; i++) fn(); n += 1000; }
  return n / (ms / 1000);
}

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

async function main(): Promise<void> {
  const c = compileLogFormat(LOG_FORMAT_HTTPLOG);
  if (!c.ok) throw new Error(c.error);
  const em = c.emitter;
  const buf = Buffer.allocUnsafe(70000);
  const a = runLogEmitter(em, fe, s, buf, 65536);
  if (buf.toString('latin1', 0, a) !== naiveHttplog(s).toString('latin1')) throw new Error('formatters disagree');

  const sluice: number[] = [];
  const naive: number[] = [];
  let sink = 0;
  for (let r = 0; r < 5; r++) {
    sluice.push(rate(() => { s.reqCounter++; sink += runLogEmitter(em, fe, s, buf, 65536); }, 600));
    naive.push(rate(() => { s.reqCounter++; sink += naiveHttplog(s).length; }, 600));
  }
  console.log('1. httplog formatting (lines/s, median of 5)');
  console.log(`   sluice emitter : ${fmt(median(sluice))}`);
  console.log(`   naive template : ${fmt(median(naive))}`);
  console.log(`   ratio          : ${(median(sluice) / median(naive)).toFixed(2)}x  (${sink > 0 ? 'ok' : ''})`);

  // 3. loss check against a collector process (also used for 2.)
  const collector = spawn(process.execPath, ['-e', `
    const s = require('node:dgram').createSocket({ type: 'udp4', recvBufferSize: 4 << 20 });
    let n = 0, gaps = 0, last = 0;
    s.on('message', (m) => { n++; const i = m.lastIndexOf(32, m.length - 2); const v = +m.toString('latin1', i + 1, m.length - 1);
      if (v !== last + 1) gaps++; last = v; });
    s.bind(0, '127.0.0.1', () => process.stdout.write(s.address().port + '\\n'));
    process.stdin.on('data', () => process.stdout.write(JSON.stringify({ n, gaps, last }) + '\\n'));
  `], { stdio: ['pipe', 'pipe', 'inherit'] });
  const port = await new Promise<number>((res) => collector.stdout.once('data', (d: Buffer) => res(Number(d.toString()))));
  const ask = (): Promise<{ n: number; gaps: number; last: number }> => new Promise((res) => {
    collector.stdout.once('data', (d: Buffer) => res(JSON.parse(d.toString())));
    collector.stdin.write('?\n');
  });

  const t = newLogTarget('bench', 0);
  t.host = '127.0.0.1';
  t.port = port;
  fe.log.targets = [t];
  const seq = compileLogFormat(LOG_FORMAT_HTTPLOG + ' %rt');
  if (!seq.ok) throw new Error(seq.error);
  fe.log.emitter = seq.emitter;
  s.reqCounter = 0;
  logStream(fe, s); // opens the socket (connect is async): wait for it
  await new Promise((r) => setTimeout(r, 100));

  // 2. cost per logged line, unpaced, in short bursts the collector can absorb
  const costs: number[] = [];
  for (let r = 0; r < 5; r++) {
    const t0 = performance.now();
    for (let i = 0; i < 2000; i++) { s.reqCounter++; logStream(fe, s); }
    costs.push(((performance.now() - t0) * 1000) / 2000);
    await new Promise((res) => setTimeout(res, 50));
  }
  console.log('2. logStream (httplog + rfc3164 header + UDP send) µs/line, median of 5 bursts of 2000: ' +
    median(costs).toFixed(2));

  await new Promise((res) => setTimeout(res, 200));
  const before = await ask();
  const sentBefore = logCounters.sent;
  const droppedBefore = logCounters.dropped;
  const RATE = 100_000;
  const DURATION = 2000;
  const start = performance.now();
  let sent = 0;
  await new Promise<void>((done) => {
    const tick = (): void => {
      const el = performance.now() - start;
      const due = Math.min(RATE * (DURATION / 1000), Math.floor((el * RATE) / 1000));
      while (sent < due) { s.reqCounter++; logStream(fe, s); sent++; }
      if (sent >= RATE * (DURATION / 1000)) done(); else setImmediate(tick);
    };
    tick();
  });
  const took = performance.now() - start;
  await new Promise((res) => setTimeout(res, 300));
  const after = await ask();
  const got = after.n - before.n;
  console.log(`3. ${fmt(sent)} lines in ${took.toFixed(0)} ms (${fmt(sent / (took / 1000))} lines/s) to a loopback collector`);
  console.log(`   handed to kernel: ${fmt(logCounters.sent - sentBefore)}, dropped by queue: ${logCounters.dropped - droppedBefore}, ` +
    `received: ${fmt(got)}, lost: ${sent - got}, sequence gaps: ${after.gaps - before.gaps}`);
  collector.kill();
  closeLogSinks();
}

await main();
