/*
 * Test harness for HTTP e2e tests: loads a configuration text with the project's registry (plus the HTTP keywords
 * when modules.ts does not list them yet), starts its frontends on loopback and collects log lines over UDP.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import dgram from 'node:dgram';
import net from 'node:net';
import { buildRegistry, wireRuntime } from '../../../proxy/modules.ts';
import { loadConfig } from '../../../proxy/config/loader.ts';
import { registerProxyInit } from '../../../proxy/model/factories.ts';
import type { Proxy } from '../../../proxy/model/types.ts';
import { PR_MODE_HTTP } from '../../../proxy/model/types.ts';
import { PR_CAP_FE, PR_CAP_BE } from '../../../proxy/config/types.ts';
import { startFrontend, frontendPort, stopListeners, registerSessionStarter } from '../../../proxy/frontend.ts';
import { initBackendServers } from '../../../proxy/backend/server.ts';
import { keywords as httpKeywords, httpProxyInit } from '../../../proxy/http/keywords.ts';
import { startHttpSession } from '../../../proxy/http/stream.ts';
// @ts-expect-error plain JS fixture module: the client the HAProxy goldens were captured with
import { exchange as captureExchange } from '../../../fixtures/http/capture.mjs';

export interface Running {
  port(fe: string): number;
  logs: string[];
  logPort: number;
  close(): Promise<void>;
}

/** Starts a UDP log collector; returns it with its port. */
export async function logCollector(): Promise<{ sock: dgram.Socket; port: number; lines: string[] }> {
  const sock = dgram.createSocket('udp4');
  const lines: string[] = [];
  sock.on('message', (m) => {
    const s = m.toString('latin1');
    const i = s.indexOf(']: ');
    lines.push(i >= 0 ? s.slice(i + 3).replace(/\n$/, '') : s);
  });
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
  return { sock, port: sock.address().port, lines };
}

/**
 * Loads config `file` with the project's registry and starts its frontends in this process; returns them. Wires
 * mode http itself while proxy/modules.ts does not. Throws on alerts.
 */
export async function startSluiceInProcess(file: string): Promise<Proxy[]> {
  registerProxyInit(httpProxyInit);
  const reg = buildRegistry();
  if (!reg.sections.get('frontend')?.get('http-request')) reg.register(httpKeywords);
  wireRuntime();
  registerSessionStarter(PR_MODE_HTTP, startHttpSession);
  const cfg = loadConfig([file], reg);
  if (cfg.alerts > 0) throw new Error('config alerts: ' + cfg.messages.map((m) => m.text).join('\n'));
  for (const px of cfg.proxies) if (px.cap & PR_CAP_BE) initBackendServers(px);
  const fes = cfg.proxies.filter((p) => (p.cap & PR_CAP_FE) !== 0);
  for (const fe of fes) await startFrontend(fe);
  return fes;
}

/** Loads `cfgText` (`${LOGPORT}` replaced by the collector's port) and starts every frontend. */
export async function startSluice(cfgText: string): Promise<Running> {
  const col = await logCollector();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-http-'));
  const file = path.join(dir, 'sluice.cfg');
  fs.writeFileSync(file, cfgText.replaceAll('${LOGPORT}', String(col.port)));
  const fes = await startSluiceInProcess(file);
  return {
    port: (name) => frontendPort(fes.find((f) => f.name === name) as never),
    logs: col.lines,
    logPort: col.port,
    async close() {
      for (const fe of fes) await stopListeners(fe, null);
      col.sock.close();
    },
  };
}

/** A loopback port free right now (bind lines need a real port). */
export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => { const p = (s.address() as net.AddressInfo).port; s.close(() => resolve(p)); });
  });
}

/** What keepAliveBackend() counts; `open` holds its live sockets (pooled idle ones stay open until the test ends them). */
export interface KeepAliveBackend { server: net.Server; port: number; conns: number; requests: number; open: Set<net.Socket> }

/** A keep-alive HTTP/1.1 server on loopback answering each request head (no request bodies) with `reply(path)`. */
export async function keepAliveBackend(reply: (path: string) => Buffer | string): Promise<KeepAliveBackend> {
  const be: KeepAliveBackend = { server: net.createServer(), port: 0, conns: 0, requests: 0, open: new Set() };
  be.server.on('connection', (s) => {
    be.conns++;
    be.open.add(s);
    s.on('close', () => be.open.delete(s));
    let acc = '';
    s.on('data', (d) => {
      acc += d.toString('latin1');
      let e;
      while ((e = acc.indexOf('\r\n\r\n')) >= 0) {
        const line = acc.slice(0, acc.indexOf('\r\n'));
        acc = acc.slice(e + 4);
        be.requests++;
        s.write(reply(line.split(' ')[1]));
      }
    });
    s.on('error', () => {});
  });
  await new Promise<void>((r) => be.server.listen(0, '127.0.0.1', () => r()));
  be.port = (be.server.address() as net.AddressInfo).port;
  return be;
}

/** Sends raw chunks (numbers = pauses in ms) and collects the reply until close or `idleMs` of silence. */
export async function exchange(port: number, chunks: (string | number)[], idleMs = 300, closeAfterSend = false): Promise<Buffer> {
  return (await exchangeEnd(port, chunks, idleMs, closeAfterSend)).buf;
}

/** exchange() that also says whether the proxy closed the connection (FIN or reset) before `idleMs` of silence. */
export function exchangeEnd(port: number, chunks: (string | number)[], idleMs = 300, closeAfterSend = false): Promise<{ buf: Buffer; closed: boolean }> {
  return captureExchange(port, chunks, idleMs, closeAfterSend);
}

/**
 * An httplog line with the values that must differ masked: client address and accept date become "C [D]", each timer
 * becomes its shape (-1, N or +N). Everything else (names, status, bytes, cookies, termination state, connection
 * counts, queues, captures, request) is kept.
 */
export function maskLog(l: string): string {
  return l.replace(/^[0-9.]+:[0-9]+ \[[^\]]+\]/, 'C [D]')
    .replace(/ (-?\d+\/-?\d+\/-?\d+\/-?\d+\/\+?-?\d+) /, (_m, t: string) =>
      ' ' + t.split('/').map((v) => (v === '-1' ? '-1' : v.startsWith('+') ? '+N' : 'N')).join('/') + ' ');
}

/** status + termination state + backend/server + request line of an httplog line (as fixtures/http log.txt). */
export function summarizeLog(l: string): string {
  const m = / (\S+) (\S+) (-?\d+\/-?\d+\/-?\d+\/-?\d+\/\+?-?\d+) (-?\d+) (\d+) \S+ \S+ (\S{4}) .*? "(.*?)"?$/.exec(l);
  return m ? `${m[4]} ${m[6]} ${m[2]} ${m[7]}` : `unparsed ${l}`;
}
