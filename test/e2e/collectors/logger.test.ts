// util-linux `logger` (what operators test a syslog pipeline with) sends real HAProxy 2.6 lines to
// sluice-collect over UDP (RFC 3164 and 5424), TCP (LF framing and RFC 6587 octet counting), a unix datagram
// socket (local format, no hostname) and a unix stream socket: each sender's rows carry its tag and pid, and
// their HAProxy columns equal those of the same lines read from the file (--read in the same collector). A datagram
// packing three lines (as `nc -u` sends a file) gives three rows.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { ROOT, freePort, killAll, query, startCollector, stop, waitFor } from './helpers.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-collect-logger-'));
after(() => { killAll(); fs.rmSync(dir, { recursive: true, force: true }); });

const FIX = path.join(ROOT, 'fixtures/collectors/haproxy-2.6/');
const HTTP_COLS = 'client_ip, client_port, frontend, backend, server, tr, tw, tc, tr_srv, ta, status, bytes_read, term_state, method, uri, http_version, req_headers';
const TCP_COLS = 'client_ip, client_port, frontend, backend, server, tw, tc, tt, bytes_read, term_state';

async function logger(args: string[]): Promise<void> {
  const p = spawn('logger', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  p.stderr!.on('data', (d) => { err += d; });
  const timer = setTimeout(() => p.kill('SIGKILL'), 10000);
  const [code] = await once(p, 'exit');
  clearTimeout(timer);
  assert.equal(code, 0, 'logger ' + args.join(' ') + ': ' + err);
}

test('logger over UDP, TCP and unix sockets: one row per line with the sender\'s tag, as a file read', { timeout: 60000 }, async () => {
  const lines = path.join(dir, 'haproxy.log');
  fs.writeFileSync(lines, Buffer.concat([fs.readFileSync(FIX + 'http.raw.log'), fs.readFileSync(FIX + 'tcp.raw.log')]));
  const n = fs.readFileSync(lines, 'latin1').split('\n').filter(Boolean).length;

  const [udp, tcp] = [await freePort(), await freePort()];
  const dgram = path.join(dir, 'dgram.sock'), stream = path.join(dir, 'stream.sock');
  const db = path.join(dir, 'logs.duckdb');
  /* the file is read by the same collector: its rows (no syslog header: program NULL) are the reference */
  /* the UDP and datagram listeners are given as in a haproxy.cfg `log` line (host:port, /path) */
  const c = await startCollector(['--read', lines, '--listen', '127.0.0.1:' + udp, '--listen', 'tcp://127.0.0.1:' + tcp,
    '--listen', dgram, '--listen', 'unix://' + stream, '--duckdb', db, '--flush-ms', '100',
    '--recv-rt', '0', '--recv-nice', '0', '--stats', '60']);
  const senders: [string, string[]][] = [
    ['udp3164', ['-n', '127.0.0.1', '-P', String(udp), '-d', '--rfc3164']],
    ['udp5424', ['-n', '127.0.0.1', '-P', String(udp), '-d', '--rfc5424']],
    ['tcp3164', ['-n', '127.0.0.1', '-P', String(tcp), '-T', '--rfc3164']],
    ['tcp5424oc', ['-n', '127.0.0.1', '-P', String(tcp), '-T', '--rfc5424', '--octet-count']],
    ['unixdgram', ['-u', dgram, '-d']],
    ['unixstream', ['-u', stream, '-T', '--rfc5424']],
  ];
  for (const [i, [tag, args]] of senders.entries()) await logger([...args, '-t', tag, '--id=' + (4000 + i), '-e', '-f', lines]);
  /* `nc -u host port < file` packs several lines into one datagram: one row each */
  const packed = fs.readFileSync(lines, 'latin1').split('\n').filter(Boolean).slice(0, 3).map((l) => '<134>Nov 24 09:00:00 lb1 packed[7]: ' + l + '\n');
  const sock = createSocket('udp4');
  await new Promise<void>((resolve, reject) => sock.send(Buffer.from(packed.join(''), 'latin1'), udp, '127.0.0.1', (e: Error | null) => (e ? reject(e) : resolve())));
  sock.close();
  /* SIGUSR1 prints the counters: ask every 200 ms until every line is counted */
  const ask = setInterval(() => c.p.kill('SIGUSR1'), 200);
  try {
    await waitFor(() => new RegExp(`received=${n * (senders.length + 1) + 3} `).test(c.stderr()), 'all lines received', 20000);
  } finally {
    clearInterval(ask);
  }
  assert.equal(await stop(c.p, 'SIGTERM'), 0);

  const raw = await query(db, 'SELECT program, reason FROM raw_log');
  assert.deepEqual(raw, [], 'no line went to raw_log');
  const httpWant = await query(db, `SELECT ${HTTP_COLS} FROM http_log WHERE program IS NULL ORDER BY ALL`);
  const tcpWant = await query(db, `SELECT ${TCP_COLS} FROM tcp_log WHERE program IS NULL ORDER BY ALL`);
  assert.ok(httpWant.length >= 10 && tcpWant.length >= 3, `${httpWant.length} http, ${tcpWant.length} tcp rows from the file`);
  const packedRows = await query(db, "SELECT client_port, uri FROM http_log WHERE program = 'packed' ORDER BY ALL");
  assert.deepEqual(packedRows, (await query(db, 'SELECT client_port, uri FROM http_log WHERE program IS NULL ORDER BY ALL'))
    .filter((r) => packed.some((l) => l.includes(':' + String(r.client_port) + ' ['))));
  assert.equal(packedRows.length, 3);
  for (const [i, [tag]] of senders.entries()) {
    const env = await query(db, `SELECT DISTINCT host IS NULL AS nohost, pid, facility, severity FROM http_log WHERE program = '${tag}'`);
    // the unix datagram sender uses the local format, which has no hostname
    assert.deepEqual(env, [{ nohost: tag === 'unixdgram', pid: 4000 + i, facility: 1, severity: 5 }], tag);
    assert.deepEqual(await query(db, `SELECT ${HTTP_COLS} FROM http_log WHERE program = '${tag}' ORDER BY ALL`), httpWant, tag + ' http_log');
    assert.deepEqual(await query(db, `SELECT ${TCP_COLS} FROM tcp_log WHERE program = '${tag}' ORDER BY ALL`), tcpWant, tag + ' tcp_log');
  }
});
