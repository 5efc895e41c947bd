/*
 * tcp-check rules, option redis-check, smtpchk, mysql-check, pgsql-check and ssl-hello-chk against small loopback servers: the statuses, codes and
 * "info" texts are those haproxy 2.6.12 reported for the same servers and rules (its show stat last_chk / check_code
 * and "Server ... is DOWN, reason: ..." lines, captured side by side).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server as NetServer, type Socket } from 'node:net';
import tls from 'node:tls';
import { readFileSync } from 'node:fs';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { loadConfig, CFG_ALERT } from '../../../proxy/config/loader.ts';
import { buildRegistry } from '../../../proxy/modules.ts';
import type { Proxy } from '../../../proxy/model/types.ts';
import { runProbe, probeReason, type ProbeResult } from '../../../proxy/checks/probe.ts';
import { HCHK_STATUS_NAMES } from '../../../proxy/checks/types.ts';

const dir = mkdtempSync(join(tmpdir(), 'sluice-tcpchk-'));
const servers: NetServer[] = [];
const socks: Socket[] = [];
const ports: Record<string, number> = {};
let backends: Map<string, Proxy>;

/** name -> behaviour of a loopback server. */
/** A MySQL packet, its handshake, and an error packet (4.1 form, error 1045). */
const myPkt = (seq: number, p: Buffer): Buffer => { const h = Buffer.alloc(4); h.writeUIntLE(p.length, 0, 3); h[3] = seq; return Buffer.concat([h, p]); };
const myHello = myPkt(0, Buffer.concat([Buffer.from([10]), Buffer.from('8.0.33-test\0', 'latin1'), Buffer.alloc(40, 1)]));
const myErr = (seq: number, msg: string): Buffer => myPkt(seq, Buffer.concat([Buffer.from([0xff, 0x15, 0x04]), Buffer.from('#28000' + msg, 'latin1')]));
const pgErrBody = Buffer.from('SFATAL\0C28000\0Mno pg_hba.conf entry\0\0', 'latin1');
const pgErr = Buffer.concat([Buffer.from('E'), Buffer.from([0, 0, 0, pgErrBody.length + 4]), pgErrBody]);

const BEHAVIOURS: Record<string, (c: Socket) => void> = {
  myOk: (c) => { c.write(myHello); c.on('data', () => c.write(myPkt(2, Buffer.from([0, 0, 0, 2, 0, 0, 0])))); },
  myRefuses: (c) => c.end(myErr(0, "Host '127.0.0.1' is not allowed to connect")),
  myDenied: (c) => { c.write(myHello); c.on('data', () => c.end(myErr(2, "Access denied for user 'haproxy'@'localhost'"))); },
  pgOk: (c) => c.on('data', () => c.end(Buffer.from('520000000800000000', 'hex'))),
  pgErr: (c) => c.on('data', () => c.end(pgErr)),
  httpBad: (c) => c.on('data', () => c.end('HTTP/1.0 400 Bad\r\n\r\n')),
  redisOk: (c) => c.on('data', (d) => { if (d.includes('PING')) c.write('+PONG\r\n'); }),
  errOpen: (c) => c.on('data', () => c.write('-ERR nope\r\n')),           // answers, keeps the connection
  errClose: (c) => c.on('data', () => c.end('-ERR nope\r\n')),            // answers and closes
  silent: (c) => c.on('data', () => {}),
  empty: (c) => c.end(),
  smtpOk: (c) => { c.write('220 ready\r\n'); c.on('data', (d) => c.write('250 ' + d.toString('latin1'))); },
  smtpBad: (c) => c.end('554 go away\r\n'),
};

before(async () => {
  for (const [name, fn] of Object.entries(BEHAVIOURS)) {
    const s = createServer((c) => { socks.push(c); c.on('error', () => {}); fn(c); });
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
    servers.push(s);
    ports[name] = (s.address() as { port: number }).port;
  }
  const pem = readFileSync(join(import.meta.dirname, '../../../fixtures/ssl/certs/www.pem'));
  const t = tls.createServer({ cert: pem, key: pem }, (c) => { socks.push(c); c.on('error', () => {}); }).on('tlsClientError', () => {});
  await new Promise<void>((r) => t.listen(0, '127.0.0.1', () => r()));
  servers.push(t);
  ports.tls = (t.address() as { port: number }).port;
  const srv = (n: string): string => `  server ${n} 127.0.0.1:${ports[n]} check\n`;
  const cfg = `defaults\n  mode tcp\n  timeout connect 1s\n  timeout check 300ms\n`
    + `backend redis\n  option redis-check\n${srv('redisOk')}${srv('errOpen')}${srv('errClose')}${srv('empty')}`
    + `backend tc\n  option tcp-check\n  tcp-check send PING\\r\\n\n  tcp-check expect string +PONG\n${srv('redisOk')}${srv('silent')}${srv('errClose')}${srv('empty')}`
    + `backend tcre\n  option tcp-check\n  tcp-check expect rstring ^220\n  tcp-check send HELO\\r\\n\n  tcp-check expect rstring ^250\\ HELO\n${srv('smtpOk')}${srv('redisOk')}`
    + `backend tcbin\n  option tcp-check\n  tcp-check send-binary 50494e470d0a\n  tcp-check expect binary 2b504f4e47\n  tcp-check expect ! string ERR\n${srv('errClose')}${srv('redisOk')}`
    + `backend plain\n  option tcp-check\n${srv('silent')}  server refused 127.0.0.1:1 check\n`
    + `backend smtp\n  option smtpchk\n${srv('smtpOk')}${srv('smtpBad')}${srv('empty')}`
    + `backend my\n  option mysql-check\n${srv('myOk')}${srv('myRefuses')}`
    + `backend myu\n  option mysql-check user haproxy post-41\n${srv('myOk')}${srv('myDenied')}${srv('empty')}${srv('httpBad')}`
    + `backend pg\n  option pgsql-check user haproxy\n${srv('pgOk')}${srv('pgErr')}`
    + `backend hello\n  option ssl-hello-chk\n${srv('tls')}${srv('httpBad')}`;
  writeFileSync(join(dir, 'c.cfg'), cfg);
  const c = loadConfig([join(dir, 'c.cfg')], buildRegistry());
  assert.deepEqual(c.messages.filter((m) => m.level === CFG_ALERT).map((m) => m.text), []);
  backends = c.backends;
});

after(() => {
  for (const c of socks) c.destroy();
  for (const s of servers) s.close();
  rmSync(dir, { recursive: true, force: true });
});

function probe(be: string, srv: string): Promise<ProbeResult> {
  const px = backends.get(be)!;
  const s = px.servers.find((x) => x.name === srv)!;
  return new Promise((resolve) => runProbe(s, px.httpCheck, 1000, px.timeouts.check, resolve));
}

/** status name, code, info of a probe, and HAProxy's reason text without the duration. */
async function outcome(be: string, srv: string): Promise<string> {
  const r = await probe(be, srv);
  return `${HCHK_STATUS_NAMES[r.status]} ${r.code} ${JSON.stringify(r.info)} | ${probeReason(r).replace(/, check duration: \d+ms$/, '')}`;
}

test('option redis-check: +PONG passes, an error reply is L7STS with its line, no reply is L7TOUT without info', async () => {
  assert.equal(await outcome('redis', 'redisOk'), 'L7OK 0 "Redis server is ok" | Layer7 check passed, code: 0, info: "Redis server is ok"');
  assert.equal(await outcome('redis', 'errClose'), 'L7STS 0 "-ERR nope" | Layer7 wrong status, code: 0, info: "-ERR nope"');
  assert.equal(await outcome('redis', 'errOpen'), 'L7TOUT 0 "" | Layer7 timeout');
  assert.equal(await outcome('redis', 'empty'), 'L7STS 0 "TCPCHK got an empty response at step 2" | Layer7 wrong status, code: 0, info: "TCPCHK got an empty response at step 2"');
});

test('tcp-check send/expect string: match, timeout at the step, mismatch on close, empty reply', async () => {
  assert.equal(await outcome('tc', 'redisOk'), 'L7OK 0 "(tcp-check)" | Layer7 check passed, code: 0, info: "(tcp-check)"');
  assert.equal(await outcome('tc', 'silent'), `L7TOUT 0 " at step 2 of tcp-check (expect string '+PONG')" | Layer7 timeout, info: " at step 2 of tcp-check (expect string '+PONG')"`);
  assert.equal(await outcome('tc', 'errClose'), `L7RSP 0 "TCPCHK did not match content '+PONG' at step 2" | Layer7 invalid response, info: "TCPCHK did not match content '+PONG' at step 2"`);
  assert.equal(await outcome('tc', 'empty'), 'L7RSP 0 "TCPCHK got an empty response at step 2" | Layer7 invalid response, info: "TCPCHK got an empty response at step 2"');
});

test('tcp-check rstring with an escaped space, binary patterns and a negated expect', async () => {
  assert.equal(await outcome('tcre', 'smtpOk'), 'L7OK 0 "(tcp-check)" | Layer7 check passed, code: 0, info: "(tcp-check)"');
  assert.equal(await outcome('tcre', 'redisOk'), 'L7TOUT 0 " at step 1 of tcp-check (expect regex)" | Layer7 timeout, info: " at step 1 of tcp-check (expect regex)"');
  assert.equal(await outcome('tcbin', 'errClose'), 'L7RSP 0 "TCPCHK did not match content (binary) at step 2" | Layer7 invalid response, info: "TCPCHK did not match content (binary) at step 2"');
  // a negated pattern not found on a connection still open waits for more data, then times out: haproxy 2.6.12 does
  // (fixtures/proxy/tcp-check-rules t21)
  assert.equal(await outcome('tcbin', 'redisOk'), `L7TOUT 0 " at step 3 of tcp-check (expect string 'ERR')" | Layer7 timeout, info: " at step 3 of tcp-check (expect string 'ERR')"`);
});

test('option tcp-check without rules is a connect check; a refused connect names the initial step', async () => {
  assert.equal(await outcome('plain', 'silent'), 'L4OK 0 "" | Layer4 check passed');
  assert.equal(await outcome('plain', 'refused'), 'L4CON 0 "Connection refused at initial connection step of tcp-check" | Layer4 connection problem, info: "Connection refused at initial connection step of tcp-check"');
});

test('option smtpchk: 2xx to the banner, HELO and QUIT passes with the last reply; a 554 banner is L7STS 554', async () => {
  assert.equal(await outcome('smtp', 'smtpOk'), 'L7OK 250 "QUIT" | Layer7 check passed, code: 250, info: "QUIT"');
  assert.equal(await outcome('smtp', 'smtpBad'), 'L7STS 554 "go away" | Layer7 wrong status, code: 554, info: "go away"');
  assert.equal(await outcome('smtp', 'empty'), 'L7RSP 0 "TCPCHK got an empty response at step 2" | Layer7 invalid response, info: "TCPCHK got an empty response at step 2"');
});

test('option mysql-check [user]: handshake and login OK pass silently; an error packet is L7STS with its number and text', async () => {
  assert.equal(await outcome('my', 'myOk'), 'L7OK 0 "" | Layer7 check passed, code: 0');
  assert.equal(await outcome('my', 'myRefuses'), `L7STS 1045 "#28000Host '127.0.0.1' is not allowed to connect" | Layer7 wrong status, code: 1045, info: "#28000Host '127.0.0.1' is not allowed to connect"`);
  assert.equal(await outcome('myu', 'myOk'), 'L7OK 0 "" | Layer7 check passed, code: 0');
  assert.equal(await outcome('myu', 'myDenied'), `L7STS 1045 "#28000Access denied for user 'haproxy'@'localhost'" | Layer7 wrong status, code: 1045, info: "#28000Access denied for user 'haproxy'@'localhost'"`);
  // 2.6 sends the login first (step 2): a server closing at once fails at step 3, a non-MySQL answer says nothing more
  assert.equal(await outcome('myu', 'empty'), 'L7RSP 0 "TCPCHK got an empty response at step 3" | Layer7 invalid response, info: "TCPCHK got an empty response at step 3"');
  assert.equal(await outcome('myu', 'httpBad'), 'L7RSP 0 "" | Layer7 invalid response');
});

test('option pgsql-check: an authentication request passes, an error packet is L7RSP with its severity', async () => {
  assert.equal(await outcome('pg', 'pgOk'), 'L7OK 0 "PostgreSQL server is ok" | Layer7 check passed, code: 0, info: "PostgreSQL server is ok"');
  assert.equal(await outcome('pg', 'pgErr'), 'L7RSP 0 "FATAL" | Layer7 invalid response, info: "FATAL"');
});

test('option ssl-hello-chk: a TLS server answers the SSLv3 hello (L6OK), a plain one does not (L6RSP)', async () => {
  assert.equal(await outcome('hello', 'tls'), 'L6OK 0 "" | Layer6 check passed');
  assert.equal(await outcome('hello', 'httpBad'), 'L6RSP 0 "" | Layer6 invalid response');
});
