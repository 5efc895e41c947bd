/*
 * Replays one case of fixtures/proxy/actions (made with haproxy 2.6.12 by its run.sh) against Sluice in this process:
 * the case's configuration on loopback ports, fixtures/proxy/actions/origin.mjs as the server, the case's traffic.mjs
 * as the client, then its stats socket commands (`cli`) and `show stat`. Returns the text in run.sh's format, and
 * normalizes the timers of log lines so that two runs compare (timersOf keeps them for tolerance checks).
 */
import dgram from 'node:dgram';
import net from 'node:net';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Server } from 'node:http';
import { freePort, startSluice, stopSluice, sleep } from '../proxy-util.ts';

const DIR = path.join(import.meta.dirname, '../../../fixtures/proxy/actions');

function cli(sock: string, cmd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const c = net.connect(sock);
    let got = '';
    const t = setTimeout(() => { c.destroy(); reject(new Error(`no reply to '${cmd}'`)); }, 3000);
    c.on('data', (d) => { got += d.toString('latin1'); });
    c.on('error', (e) => { clearTimeout(t); reject(e); });
    c.on('close', () => { clearTimeout(t); resolve(got); });
    c.write(cmd + '\n');
  });
}

const STAT_COLS = [0, 1, 7, 13, 14, 15, 16, 40, 43, 49, 50];   // run.sh's `cut -f1,2,8,14,15,16,17,41,44,50,51`

/** The golden of `name` made by haproxy 2.6.12. */
export function actionsGolden(name: string): string {
  return fs.readFileSync(path.join(DIR, name, 'haproxy-2.6.12.out'), 'latin1');
}

/** Runs case `name` with Sluice; `settleMs`: wait for log lines after the traffic. */
export async function actionsReplay(name: string, settleMs = 300): Promise<string> {
  const c = path.join(DIR, name);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-actions-'));
  if (fs.existsSync(path.join(c, 'files'))) fs.cpSync(path.join(c, 'files'), path.join(tmp, 'files'), { recursive: true });
  const { startOrigin } = await import(path.join(DIR, 'origin.mjs')) as { startOrigin(p: number): Promise<Server> };
  const { traffic } = await import(path.join(c, 'traffic.mjs')) as { traffic(p: number, p2: number): Promise<string[]> };
  const origin = await startOrigin(0);
  const logSock = dgram.createSocket('udp4');
  const lines: string[] = [];
  logSock.on('message', (m) => lines.push(m.toString('latin1')));
  await new Promise<void>((r) => logSock.bind(0, '127.0.0.1', () => r()));
  const fe = await freePort();
  const fe2 = await freePort();
  const be = (origin.address() as net.AddressInfo).port;
  const sock = path.join(tmp, 'stats.sock');
  const cfg = fs.readFileSync(path.join(c, 'haproxy.cfg'), 'latin1')
    .replaceAll('@FE@', String(fe)).replaceAll('@BE@', String(be)).replaceAll('@BE2@', String(fe2))
    .replaceAll('@LOG@', String(logSock.address().port)).replaceAll('@SOCK@', sock).replaceAll('@DIR@', tmp);
  const rt = await startSluice(cfg);
  let out = '';
  try {
    out += (await traffic(fe, fe2)).join('\n') + '\n';
    await sleep(settleMs);
    out += '--- log\n';
    for (const l of lines) {
      const t = l.replace(/^<\d+>[A-Z][a-z]{2} +\d+ [\d:]{8} \S+\[\d+\]: /, '').replace(/^[\d.]+:\d+ \[[^\]]+\] /, '').replace(/\n$/, '');
      if (t === '' || t.includes('BADREQ')) continue;
      out += t.replace(new RegExp(`\\b${fe}\\b`, 'g'), 'FE').replace(new RegExp(`\\b${be}\\b`, 'g'), 'BE').replace(new RegExp(`\\b${fe2}\\b`, 'g'), 'BE2') + '\n';
    }
    out += '--- cli\n';
    const cmds = fs.existsSync(path.join(c, 'cli')) ? fs.readFileSync(path.join(c, 'cli'), 'latin1').split('\n').filter((l) => l !== '') : [];
    // paths as run.sh prints them: the case's copy as @DIR@, the configuration as @DIR@/h.cfg (startSluice names its own)
    const paths = (t: string): string => t.replace(/'[^']*\/sluice-e2e-[^/']+\/sluice\.cfg'/g, "'@DIR@/h.cfg'").replaceAll(tmp, '@DIR@');
    for (const cmd of cmds) out += `> ${cmd}\n` + paths(await cli(sock, cmd.replaceAll('@DIR@', tmp)));
    for (const row of (await cli(sock, 'show stat')).split('\n')) {
      if (row === '' || row.includes('FRONTEND')) continue;
      const f = row.split(',');
      out += STAT_COLS.map((i) => f[i] ?? '').join(',') + '\n';
    }
    out += '\n';
  } finally {
    await stopSluice(rt);
    origin.closeAllConnections();
    origin.close();
    logSock.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  return out;
}

const TIMERS = /\b(-?\d+)\/(-?\d+)\/(-?\d+)\/(-?\d+)\/(\+?-?\d+) (?=-?\d{3} )/g;

/**
 * `text` with each log line's Tq/Tw/Tc/Tr/Ta replaced by which of them are set (-1 or not), and the entry addresses
 * of `show acl|map <ref>` replies by PTR.
 */
export function withoutTimers(text: string): string {
  return text.replace(/^0x[0-9a-f]+ /gm, 'PTR ').replace(TIMERS, (...m: string[]) => m.slice(1, 6).map((v) => (v.startsWith('-') ? '-1' : 'T')).join('/') + ' ');
}

/** The Ta (total time) of each log line of `text`. */
export function timersOf(text: string): number[] {
  return [...text.matchAll(TIMERS)].map((m) => Number(m[5]));
}
