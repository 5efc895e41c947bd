/*
 * The real `sluice` process in HTTP mode: live HTTP sessions in `show sess`, `shutdown session` closing one, a bad
 * request in `show errors`, and `http-request use-service prometheus-exporter` serving the stats model.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { freePort, headBackend, cliCommand, spawnSluice, defaultsSection, roundRobinBackend, teardown, rawExchange } from './traffic.ts';
import type { Backend } from './traffic.ts';

const dir = mkdtempSync(join(tmpdir(), 'sluice-http-streams-'));
const adminSock = join(dir, 'admin.sock');
let proc: ChildProcess | null = null;
let fePort = 0;
const backends: Backend[] = [];

before(async () => {
  // answers each request head at once and closes, except `POST /slow`, which it holds (a request in progress: a
  // server answering before the body ends it, as 2.6 does)
  backends.push(await headBackend((s, head) => {
    if (!head.startsWith('POST /slow')) s.end('HTTP/1.1 200 OK\r\ncontent-length: 3\r\nconnection: close\r\n\r\ns1\n');
  }));
  fePort = await freePort();
  const cfg = [
    'global', `  stats socket ${adminSock} mode 600 level admin`, '',
    defaultsSection('http'),
    'frontend fe', `  bind 127.0.0.1:${fePort}`,
    '  http-request use-service prometheus-exporter if { path /metrics }',
    '  default_backend bk', '',
    roundRobinBackend(backends),
  ].join('\n');
  writeFileSync(join(dir, 'sluice.cfg'), cfg);
  proc = await spawnSluice(join(dir, 'sluice.cfg'), adminSock);
});

after(() => teardown(proc, backends, dir));

/** Sends one keep-alive request on `c` and resolves once a full response head has arrived. */
function keepAliveRequest(c: Socket): Promise<string> {
  return new Promise((resolve, reject) => {
    let got = '';
    const t = setTimeout(() => reject(new Error('no response within 3 s')), 3000);
    const onData = (d: Buffer): void => {
      got += d.toString('latin1');
      if (got.includes('\r\n\r\n')) { clearTimeout(t); c.off('data', onData); resolve(got); }
    };
    c.on('data', onData);
    c.write('GET /ka HTTP/1.1\r\nhost: x\r\n\r\n');
  });
}

test('an HTTP request in progress is listed by show sess and ended by shutdown session; an idle keep-alive one is not', async () => {
  const c = connect(fePort, '127.0.0.1');
  c.on('error', () => {});
  await new Promise<void>((resolve) => c.once('connect', () => resolve()));
  const head = await keepAliveRequest(c);
  assert.match(head, /^HTTP\/1\.1 200/);
  // as in 2.6, an HTTP connection waiting for its next request has no stream
  const idle = await cliCommand(adminSock, 'show sess');
  assert.ok(!idle.includes(`src=127.0.0.1:${c.localPort} `), `no stream between requests:\n${idle}`);
  // a request whose head arrived and whose body is still coming has one
  c.write('POST /slow HTTP/1.1\r\nhost: x\r\ncontent-length: 10\r\n\r\nabcde');
  let line: string | undefined;
  let sess = '';
  for (let i = 0; i < 50 && line === undefined; i++) {
    sess = await cliCommand(adminSock, 'show sess');
    line = sess.split('\n').find((l) => l.includes(' fe=fe ') && l.includes(`src=127.0.0.1:${c.localPort} `));
    if (line === undefined) await new Promise((r) => setTimeout(r, 20));
  }
  assert.ok(line !== undefined, `the session is in show sess:\n${sess}`);
  const ptr = line.slice(0, line.indexOf(':'));
  const closed = new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('client not closed within 3 s')), 3000);
    c.once('close', () => { clearTimeout(t); resolve(); });
  });
  assert.equal(await cliCommand(adminSock, `shutdown session ${ptr}`), '\n');
  await closed;
  const after = await cliCommand(adminSock, 'show sess');
  assert.ok(!after.includes(ptr + ':'), `the session is gone from show sess:\n${after}`);
});

test('a malformed request is answered 400 and recorded by show errors', async () => {
  const reply = await rawExchange(fePort, 'GET / HTTP/1.1\r\nbad header\r\n\r\n');
  assert.match(reply, /^HTTP\/1\.1 400/);
  const errs = await cliCommand(adminSock, 'show errors');
  assert.match(errs, /Total events captured on .* : [1-9]/);
  assert.match(errs, /frontend fe \(#\d+\): invalid request/);
});

test('use-service prometheus-exporter serves the counters of the running proxy', async () => {
  const reply = await rawExchange(fePort, 'GET /metrics HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n');
  assert.match(reply, /^HTTP\/1\.1 200/);
  assert.match(reply, /content-type: text\/plain; version=0\.0\.4/i);
  const m = /haproxy_backend_http_responses_total\{proxy="bk",code="2xx"\} (\d+)/.exec(reply);
  assert.ok(m !== null, 'the backend 2xx series is present');
  assert.ok(Number(m[1]) >= 1, 'the earlier 200 was counted');
  assert.match(reply, /haproxy_process_uptime_seconds /);
  // each exporter request is intercepted on the frontend, as 2.6 counts it (checked on haproxy 2.6.12: 2 scrapes -> 2)
  const before = Number(/haproxy_frontend_intercepted_requests_total\{proxy="fe"\} (\d+)/.exec(reply)?.[1]);
  const again = await rawExchange(fePort, 'GET /metrics HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n');
  const after = Number(/haproxy_frontend_intercepted_requests_total\{proxy="fe"\} (\d+)/.exec(again)?.[1]);
  assert.ok(before >= 1, 'the scrape counted itself');
  assert.equal(after, before + 1);
});
