/*
 * Shared part of the logging e2e tests: runs Sluice in-process on fixtures/log/gen/haproxy.cfg (the config the golden
 * HAProxy 2.6.12 logs of fixtures/log/ were made with; bind ports → 0, log/server ports → this run's), replays the
 * traffic of fixtures/log/gen/gen.sh with the same request bytes curl sent, and collects every datagram per log port.
 * Also: the field masks used to compare Sluice's lines with HAProxy's.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import dgram from 'node:dgram';
import http from 'node:http';
import net from 'node:net';
import type { Proxy } from '../../../proxy/model/types.ts';
import { frontendPort, stopListeners } from '../../../proxy/frontend.ts';
import { flushLogs } from '../../../proxy/log/sender.ts';
import { startSluiceInProcess } from '../http/harness.ts';

export const FIXTURES = new URL('../../../fixtures/log/', import.meta.url).pathname;
/** Log port of each golden case in gen/haproxy.cfg. */
export const CASE_PORTS: Record<string, number> = {
  http: 44001, http5424: 44002, httpshort: 44003, clf: 44004, custom: 44005, asap: 44006, tcp: 44007, smp: 44008,
  global: 44009,
};

export function goldenLines(name: string): string[] {
  return fs.readFileSync(path.join(FIXTURES, name, 'haproxy.log'), 'latin1').split('\n').filter((l) => l !== '')
    .map((l) => l + '\n');
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The HTTP backend of gen/backend.mjs, in-process. */
export function httpBackend(): http.Server {
  return http.createServer((req, res) => {
    const url = req.url ?? '/';
    const st = /^\/status\/(\d{3})/.exec(url);
    const sl = /^\/sleep\/(\d+)/.exec(url);
    const sb = /^\/slowbody\/(\d+)/.exec(url);
    res.on('error', () => {});
    const answer = (): void => {
      if (res.destroyed) return;
      res.writeHead(st ? Number(st[1]) : 200, { 'content-type': 'text/plain', 'set-cookie': 'SRV=s1; path=/' });
      res.end(url === '/big' ? 'x'.repeat(10000) : 'ok\n');
    };
    if (sb) {
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '8' });
      res.write('half');
      setTimeout(() => { if (!res.destroyed) res.end('done'); }, Number(sb[1]));
      return;
    }
    if (sl) setTimeout(answer, Number(sl[1])); else answer();
  });
}

/** A loopback port free right now (bind lines need a real port, like HAProxy's). */
export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => { const p = (s.address() as net.AddressInfo).port; s.close(() => resolve(p)); });
  });
}

function listen(srv: net.Server): Promise<number> {
  return new Promise((r) => srv.listen(0, '127.0.0.1', () => r((srv.address() as net.AddressInfo).port)));
}

/**
 * One client exchange: sends `req`, then waits for a complete response (content-length or chunked body), the server's
 * close, or `cutMs` (the client gives up, like curl -m); `half` = shut our side down after sending (socat), `halfMs`
 * later.
 */
function exchange(port: number, req: string, cutMs = 0, half = false, halfMs = 0): Promise<void> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    let got = Buffer.alloc(0);
    let cut: NodeJS.Timeout | undefined;
    const done = (): void => { clearTimeout(cut); s.destroy(); resolve(); };
    if (cutMs > 0) cut = setTimeout(done, cutMs);
    s.on('error', done);
    s.on('close', done);
    s.on('data', (d: Buffer) => {
      got = Buffer.concat([got, d]);
      const h = got.indexOf('\r\n\r\n');
      if (h < 0) return;
      const head = got.toString('latin1', 0, h);
      const m = /\r\ncontent-length: *(\d+)/i.exec(head);
      if (m !== null ? got.length >= h + 4 + Number(m[1])
        : /\r\ntransfer-encoding: *chunked/i.test(head) && got.toString('latin1', got.length - 5) === '0\r\n\r\n') done();
    });
    s.on('connect', () => {
      s.write(req, 'latin1');
      if (half && halfMs > 0) setTimeout(() => { if (!s.destroyed) s.end(); }, halfMs);
      else if (half) s.end();
    });
  });
}

/** gen/rst-client.mjs: sends `req`, resets the connection after `ms`. */
function exchangeReset(port: number, req: string, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1', () => s.write(req, 'latin1'));
    s.on('data', () => {});
    s.on('error', () => {});
    s.on('close', () => resolve());
    setTimeout(() => s.resetAndDestroy(), ms);
  });
}

const curl = (p: string, host: string, ua = 'curl/7.88.1', extra = ''): string =>
  `GET ${p} HTTP/1.1\r\nHost: ${host}\r\nUser-Agent: ${ua}\r\nAccept: */*\r\n${extra}\r\n`;

export interface Replay {
  /** Datagrams received per case name, in arrival order. */
  got: Record<string, string[]>;
  close(): Promise<void>;
}

/** Starts backends, collectors and Sluice on the golden config and replays gen.sh's traffic. */
export async function replayGoldenTraffic(): Promise<Replay> {
  const closers: (() => void)[] = [];
  const got: Record<string, string[]> = {};
  const portMap = new Map<number, number>();
  for (const [name, gold] of Object.entries(CASE_PORTS)) {
    const sock = dgram.createSocket({ type: 'udp4', recvBufferSize: 1 << 20 });
    got[name] = [];
    sock.on('message', (m) => got[name].push(m.toString('latin1')));
    await new Promise<void>((r) => sock.bind(0, '127.0.0.1', r));
    portMap.set(gold, sock.address().port);
    closers.push(() => sock.close());
  }
  const b1 = httpBackend();
  const b2 = httpBackend();
  const echo = net.createServer((c) => { c.on('data', (d) => c.write(d)); c.on('error', () => {}); });
  portMap.set(44090, await listen(b1));
  portMap.set(44091, await listen(b2));
  portMap.set(44092, await listen(echo));
  for (let p = 44080; p <= 44086; p++) portMap.set(p, await freePort());
  closers.push(() => { b1.closeAllConnections(); b1.close(); b2.closeAllConnections(); b2.close(); echo.close(); });

  // a failure before the replay ends closes what it opened, so the test file fails instead of hanging until its timeout
  try {
    let text = fs.readFileSync(path.join(FIXTURES, 'gen/haproxy.cfg'), 'latin1');
    text = text.replace(/127\.0\.0\.1:(440\d\d)/g, (all, p: string) => {
      const to = portMap.get(Number(p));
      return to === undefined ? all : '127.0.0.1:' + to;
    });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-log-e2e-'));
    const file = path.join(dir, 'haproxy.cfg');
    fs.writeFileSync(file, text);
    const fes = await startSluiceInProcess(file);
    fs.rmSync(dir, { recursive: true, force: true });
    closers.push(() => { for (const fe of fes) void stopListeners(fe, null); });
    const portOf = (name: string): number => frontendPort(fes.find((f: Proxy) => f.name === name)!);

    const expect = (name: string): number => goldenLines(name).length;
    const waitFor = async (name: string, n: number): Promise<void> => {
      for (let i = 0; i < 300 && got[name].length < n; i++) { flushLogs(0); await sleep(20); }
    };
    const httpCases: [string, string, string][] = [['fe_http', '44080', 'http'], ['fe_clf', '44081', 'clf'],
      ['fe_custom', '44082', 'custom']];
    for (const [fe, goldPort, name] of httpCases) {
      const port = portOf(fe);
      const host = '127.0.0.1:' + goldPort;
      await exchange(port, curl('/', host));
      await exchange(port, curl('/status/404', host));
      await exchange(port, curl('/nosrv/x', host));
      await exchange(port, curl('/sleep/600', host));
      await exchange(port, curl('/sleep/250', host), 150);
      await sleep(200);
      await exchangeReset(port, curl('/slowbody/250', host), 100);
      await sleep(300);
      await exchange(port, curl('/old', host));
      await exchange(port, curl('/a%20b?q=1&y=%22z%22', 'Example.COM', 'Mozilla "x" {y}'));
      await exchange(port, 'GARBAGE\r\n\r\n', 300, true, 100);
      await waitFor(name, expect(name));
      await sleep(100);
    }
    const smp = portOf('fe_smp');
    await exchange(smp, curl('/p/a?q=1', '127.0.0.1:44086', 'Mozilla/5.0 (X11; Linux)', 'Cookie: a=1; SRV=s2x\r\nX-Req: hello-world\r\n'));
    await exchange(smp, curl('/status/404', '127.0.0.1:44086'));
    await exchange(smp, curl('/nosrv/x', '127.0.0.1:44086'));
    await exchange(smp, '', 100, true);
    await exchange(smp, 'GARBAGE\r\n\r\n', 300, true, 100);
    await exchange(portOf('fe_asap'), curl('/big', '127.0.0.1:44083'));
    await exchange(portOf('fe_asap'), '', 100, true);
    await exchange(portOf('fe_tcp'), 'hello\n', 300, true);
    await exchange(portOf('fe_tcp'), '', 100, true);
    for (const name of Object.keys(CASE_PORTS)) await waitFor(name, expect(name));
    await sleep(100);
    return { got, async close() { for (const c of closers.reverse()) c(); } };
  } catch (e) {
    for (const c of closers.reverse()) c();
    throw e;
  }
}

/**
 * Splits a log message into fields at spaces, keeping "quoted", {braced} and [bracketed] groups whole (the way the
 * httplog/clf/tcplog fields are delimited).
 */
export function logFields(msg: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < msg.length) {
    if (msg[i] === ' ') { i++; continue; }
    const close = msg[i] === '"' ? '"' : msg[i] === '{' ? '}' : msg[i] === '[' ? ']' : '';
    let j = i + 1;
    if (close !== '') { while (j < msg.length && msg[j] !== close) j++; j++; }
    while (j < msg.length && msg[j] !== ' ') j++;
    out.push(msg.slice(i, j));
    i = j;
  }
  return out;
}

/** A timer (or timer list a/b/c): each value → `-1` kept, else `N` (with its `+` prefix kept). */
export function timerShape(v: string): string {
  return v.split('/').map((t) => (t === '-1' ? '-1' : /^\+?\d+$/.test(t) ? (t[0] === '+' ? '+N' : 'N') : 'BAD:' + t))
    .join('/');
}
