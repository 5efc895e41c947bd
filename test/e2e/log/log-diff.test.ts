/*
 * Generated log-formats against haproxy 2.6.12's lines (fixtures/log/diff, made by bench/edge/log-diff.ts with the
 * generator of bench/edge/log-diff-gen.ts): every frontend of the corpus (log-format strings over all tags, flags,
 * %[fetch,converter] forms and literals; option httplog/tcplog/httpslog/clf; captures, unique ids, syslog formats,
 * len, sample, levels, log-tag, dontlognull, dontlog-normal, log-separate-errors, logasap) runs in this process with
 * the same traffic, and each datagram, masked the same way (dates, pid, ports, timer values), must equal 2.6's.
 * Differences still known are listed in fixtures/log/diff/known-gaps.txt (`<frontend>#<line>`, `<frontend> load`):
 * none may be added; one that disappeared is reported as a diagnostic.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import dgram from 'node:dgram';
import type net from 'node:net';
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSluiceInProcess, freePort } from '../http/harness.ts';
import { stopListeners } from '../../../proxy/frontend.ts';
import { flushLogs, closeLogSinks } from '../../../proxy/log/sender.ts';
import type { Proxy } from '../../../proxy/model/types.ts';
import {
  configHead, frontendText, HTTP_TRAFFIC, TCP_TRAFFIC, play, httpServer, echoServer, maskLine, type FeSpec, type RunValues,
} from '../../../bench/edge/log-diff-gen.ts';

const DIR = new URL('../../../fixtures/log/diff/', import.meta.url).pathname;
const corpus = JSON.parse(fs.readFileSync(path.join(DIR, 'corpus.json'), 'latin1')) as { seed: number; frontends: FeSpec[] };
const golden = new Map<string, string[]>();
for (const l of fs.readFileSync(path.join(DIR, 'haproxy.masked'), 'latin1').split('\n')) {
  if (l === '') continue;
  const tab = l.indexOf('\t');
  const fe = l.slice(0, tab);
  if (!golden.has(fe)) golden.set(fe, []);
  golden.get(fe)!.push(JSON.parse(l.slice(tab + 1)) as string);
}
const known = new Set(fs.readFileSync(path.join(DIR, 'known-gaps.txt'), 'latin1').split('\n')
  .filter((l) => l !== '' && !l.startsWith('#')).map((l) => l.split(' | ')[0]));
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

const values: RunValues = { pid: process.pid, ports: new Set() };
const sinks = new Map<string, string[]>();
const fePorts = new Map<string, number>();
const socks: dgram.Socket[] = [];
const servers: net.Server[] = [];
let fes: Proxy[] = [];
const run = corpus.frontends.filter((fe) => !known.has(fe.name + ' load'));

before(async () => {
  const srv = await httpServer(values.ports);
  const echo = await echoServer(values.ports);
  servers.push(srv, echo);
  const port = (s: net.Server): number => (s.address() as net.AddressInfo).port;
  let cfg = configHead(corpus.seed, port(srv), port(echo));
  for (const fe of run) {
    const lines: string[] = [];
    const sock = dgram.createSocket('udp4');
    sock.on('message', (m) => lines.push(m.toString('latin1')));
    await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
    socks.push(sock);
    sinks.set(fe.name, lines);
    const fp = await freePort();
    fePorts.set(fe.name, fp);
    values.ports.add(fp);
    cfg += frontendText(fe, fp, sock.address().port, DIR.replace(/\/$/, ''));
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-log-diff-'));
  fs.writeFileSync(path.join(dir, 'c.cfg'), cfg);
  fes = await startSluiceInProcess(path.join(dir, 'c.cfg'));
  fs.rmSync(dir, { recursive: true, force: true });
});

after(() => {
  for (const fe of fes) void stopListeners(fe, null);
  for (const s of servers) s.close();
  for (const s of socks) s.close();
  closeLogSinks();
});

test('generated log-formats, options and log targets give haproxy 2.6.12 lines', { timeout: 120000 }, async (t) => {
  const diffs: string[] = [];
  let same = 0;
  let total = 0;
  for (const fe of run) {
    const want = golden.get(fe.name) ?? [];
    const got = sinks.get(fe.name)!;
    for (const ex of fe.mode === 'http' ? HTTP_TRAFFIC : TCP_TRAFFIC) await play(fePorts.get(fe.name)!, ex, values.ports, fe.mode === 'tcp');
    for (let i = 0; i < 100 && got.length < want.length; i++) { flushLogs(0); await sleep(20); }
    flushLogs(0);
    await sleep(30);
    const mine = got.map((l) => maskLine(l, values, fe.preset));
    for (let i = 0; i < Math.max(want.length, mine.length); i++) {
      total++;
      if (want[i] === mine[i]) { same++; if (known.has(`${fe.name}#${i}`)) t.diagnostic(`${fe.name}#${i} now as haproxy: remove it from known-gaps.txt`); continue; }
      if (!known.has(`${fe.name}#${i}`)) diffs.push(`${fe.name}#${i} | haproxy ${JSON.stringify(want[i] ?? null)} | sluice ${JSON.stringify(mine[i] ?? null)}`);
    }
  }
  t.diagnostic(`${same}/${total} lines as haproxy 2.6.12 (${run.length} frontends)`);
  assert.deepEqual(diffs, []);
});
