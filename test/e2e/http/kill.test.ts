/*
 * `shutdown session` on an HTTP stream, as haproxy 2.6.12 answers it (checked side by side): a request waiting for
 * its response head gets a 502 and the log line `... 502 209 - - KH-- ...`; a response under way is cut and logged
 * `KD--` with the status and bytes so far (`200 61` for a 40-byte head and 10 body bytes, as 2.6 counts them).
 * A request waiting in a server queue is ended at once with a 503 logged `KQ--`; 2.6.12 marks it and ends it only
 * once it leaves the queue (then 502 KH): Sluice does not keep a killed request waiting for a slot.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { createServer, connect, type Server, type Socket } from 'node:net';
import dgram from 'node:dgram';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { freePort, cliCommand, spawnSluice, defaultsSection, teardown } from '../stats/traffic.ts';

const dir = mkdtempSync(join(tmpdir(), 'sluice-kill-'));
const adminSock = join(dir, 'admin.sock');
let proc: ChildProcess | null = null;
let fePort = 0;
let slow: Server;
const held: Socket[] = [];
const logSock = dgram.createSocket('udp4');
const lines: string[] = [];

before(async () => {
  // a server that reads requests and answers only `GET /half` (a head and half of the announced body)
  slow = createServer((c) => {
    held.push(c);
    c.on('error', () => {});
    c.on('data', (d) => {
      if (d.toString('latin1').startsWith('GET /half ')) c.write('HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\n0123456789');
    });
  });
  await new Promise<void>((r) => slow.listen(0, '127.0.0.1', () => r()));
  await new Promise<void>((r) => logSock.bind(0, '127.0.0.1', () => r()));
  logSock.on('message', (m) => lines.push(m.toString('latin1')));
  fePort = await freePort();
  const cfg = [
    'global', `  stats socket ${adminSock} mode 600 level admin`, `  log 127.0.0.1:${logSock.address().port} local0`, '',
    defaultsSection('http') + '  log global\n  option httplog\n',
    'frontend fe', `  bind 127.0.0.1:${fePort}`, '  default_backend bk', '',
    'backend bk', '  timeout queue 5s', `  server s1 127.0.0.1:${(slow.address() as { port: number }).port} maxconn 1`, '',
  ].join('\n');
  writeFileSync(join(dir, 'sluice.cfg'), cfg);
  proc = await spawnSluice(join(dir, 'sluice.cfg'), adminSock);
});

after(() => {
  for (const c of held) c.destroy();
  slow.close();
  logSock.close();
  teardown(proc, [], dir);
});

/** Opens a client, sends `req`, and collects what comes back until the connection closes (bounded). */
function client(req: string): { sock: Socket; reply: Promise<string> } {
  const sock = connect(fePort, '127.0.0.1');
  sock.on('error', () => {});
  sock.write(req);
  let got = '';
  sock.on('data', (d) => { got += d.toString('latin1'); });
  const reply = new Promise<string>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`connection not closed within 4 s (got ${JSON.stringify(got)})`)), 4000);
    sock.once('close', () => { clearTimeout(t); resolve(got); });
  });
  return { sock, reply };
}

/** The `show sess` pointer of the stream from client port `port`, polled until it appears (bounded). */
async function sessPtr(port: number): Promise<string> {
  for (let i = 0; i < 100; i++) {
    const sess = await cliCommand(adminSock, 'show sess');
    const line = sess.split('\n').find((l) => l.includes(' fe=fe ') && l.includes(`src=127.0.0.1:${port} `));
    if (line !== undefined) return line.slice(0, line.indexOf(':'));
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`no stream from port ${port} in show sess`);
}

/** The log line of the request `path` (bounded wait). */
async function logLine(path: string): Promise<string> {
  for (let i = 0; i < 100; i++) {
    const l = lines.find((x) => x.includes(`"GET ${path} HTTP/1.1"`));
    if (l !== undefined) return l;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`no log line for ${path}; got:\n${lines.join('\n')}`);
}

async function connected(s: Socket): Promise<void> {
  if (s.localPort === undefined) await new Promise<void>((r) => s.once('connect', () => r()));
}

test('killed while waiting for the response head: 502, logged KH--', async () => {
  const a = client('GET /wait HTTP/1.1\r\nhost: x\r\n\r\n');
  await connected(a.sock);
  const ptr = await sessPtr(a.sock.localPort as number);
  assert.equal(await cliCommand(adminSock, `shutdown session ${ptr}`), '\n');
  assert.match(await a.reply, /^HTTP\/1\.1 502 Bad Gateway\r\n/);
  assert.match(await logLine('/wait'), / fe bk\/s1 \d+\/\d+\/\d+\/-1\/\d+ 502 209 - - KH-- /);
});

test('killed in the queue: 503, logged KQ--; killed in the body: cut, logged KD-- with the bytes sent', async () => {
  const b = client('GET /half HTTP/1.1\r\nhost: x\r\n\r\n');   // takes the server's one slot, body half sent
  await connected(b.sock);
  const q = client('GET /queued HTTP/1.1\r\nhost: x\r\n\r\n');  // waits in the queue behind it
  await connected(q.sock);
  const qPtr = await sessPtr(q.sock.localPort as number);
  assert.equal(await cliCommand(adminSock, `shutdown session ${qPtr}`), '\n');
  assert.match(await q.reply, /^HTTP\/1\.1 503 Service Unavailable\r\n/);
  assert.match(await logLine('/queued'), / fe bk\/<NOSRV> \d+\/\d+\/-1\/-1\/\d+ 503 217 - - KQ-- /);
  const bPtr = await sessPtr(b.sock.localPort as number);
  assert.equal(await cliCommand(adminSock, `shutdown session ${bPtr}`), '\n');
  assert.match(await b.reply, /^HTTP\/1\.1 200 OK\r\n[^]*\r\n\r\n0123456789$/);
  assert.match(await logLine('/half'), / fe bk\/s1 \d+\/\d+\/\d+\/\d+\/\d+ 200 61 - - KD-- /);
});
