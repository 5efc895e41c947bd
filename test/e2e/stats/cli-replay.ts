/*
 * Replays a command list recorded against haproxy 2.6.12 by fixtures/proxy/cli-record.py (fixtures/proxy/dynamic-servers,
 * fixtures/proxy/acl-map-versions) on a running Sluice and compares each reply with the recorded one: CLI lines on
 * their own stats socket connection, `!curl N /p` (N GETs, statuses), `!body /p` (one GET's body, `ERR <status>`
 * otherwise), `!sleep S`. `norm` takes out what legitimately differs (times, ports, paths) on both sides.
 */
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { sleep } from '../proxy-util.ts';
import { cliCommand } from './traffic.ts';

/** One GET with `connection: close`: [status, body]. */
function get(port: number, path: string): Promise<[string, string]> {
  return new Promise((resolve) => {
    const c = connect(port, '127.0.0.1', () => c.write(`GET ${path} HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n`));
    let got = '';
    const t = setTimeout(() => c.destroy(), 3000);
    c.on('data', (d) => { got += d.toString('latin1'); });
    c.on('error', () => {});
    c.on('close', () => {
      clearTimeout(t);
      const m = /^HTTP\/1\.1 (\d+)/.exec(got);
      resolve([m === null ? '' : m[1]!, got.slice(got.indexOf('\r\n\r\n') + 4)]);
    });
  });
}

export interface ReplayOpts {
  cmds: string;               // the fixture's command list
  gold: string;               // its recorded replies
  sock: string;               // Sluice's stats socket
  port: number;               // Sluice's HTTP frontend
  /** Turns a recorded command into the one to send here (ports, paths). */
  send(line: string): string;
  norm(text: string): string;
}

export async function replayCli(o: ReplayOpts): Promise<void> {
  const gold = o.gold.split(/^### /m).filter((x) => x !== '');
  for (const line of o.cmds.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    if (line.startsWith('!sleep')) { await sleep(Number(line.split(' ')[1]) * 1000); continue; }
    const exp = gold.shift();
    assert.notEqual(exp, undefined, line);
    let got: string;
    if (line.startsWith('!curl')) {
      const [, n, p] = line.split(' ');
      const codes: string[] = [];
      for (let i = 0; i < Number(n); i++) { const [st] = await get(o.port, p!); codes.push(st === '200' ? st : 'ERR'); }
      got = line + '\n' + codes.join(' ') + '\n';
    } else if (line.startsWith('!body')) {
      const [st, body] = await get(o.port, line.split(' ')[1]!);
      got = line + '\n' + (st === '200' ? body : 'ERR ' + st) + '\n';
    } else got = line + '\n' + await cliCommand(o.sock, o.send(line));
    assert.equal(o.norm(got), o.norm(exp!), line);
  }
  assert.equal(gold.length, 0);
}
