/*
 * `http-check expect [min-recv <n>] [!] hdr|fhdr name [-m meth] <name> [value [-m meth] <value>]`: each backend of
 * fixtures/proxy/http-check-expect/checks.cfg probed against the same origin gets the verdict HAProxy 2.6.12 gave
 * (haproxy-health.txt: "succeeded, reason: Layer7 check passed" or "failed, reason: Layer7 wrong status ... "OK""),
 * and `http-check comment` / `expect ... comment` / `http-check connect [port]` the same way (comment-connect.cfg).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server as NetServer } from 'node:net';
import { readFileSync, mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { loadConfig, CFG_ALERT } from '../../../proxy/config/loader.ts';
import { buildRegistry } from '../../../proxy/modules.ts';
import type { Proxy } from '../../../proxy/model/types.ts';
import { checkVerdicts } from './probe-util.ts';

const fx = (f: string) => readFileSync(new URL('../../../fixtures/proxy/http-check-expect/' + f, import.meta.url), 'latin1');
const dir = mkdtempSync(join(tmpdir(), 'sluice-hchk-'));
let origin: NetServer;
let backends: Map<string, Proxy>;

before(async () => {
  // origin.cjs's answer
  origin = createServer((s) => { s.on('error', () => {}); s.once('data', () => s.end('HTTP/1.1 200 OK\r\nx-ok: yes\r\nx-list: a, b\r\ncontent-length: 5\r\n\r\ns1xyz')); });
  await new Promise<void>((r) => origin.listen(0, '127.0.0.1', () => r()));
  const port = (origin.address() as { port: number }).port;
  writeFileSync(join(dir, 'c.cfg'), fx('checks.cfg').replaceAll('127.0.0.1:18898', `127.0.0.1:${port}`).replace(/listen l\n[^]*$/, ''));
  writeFileSync(join(dir, 'cc.cfg'), fx('comment-connect.cfg').replaceAll('127.0.0.1:18898', `127.0.0.1:${port}`).replace('port 18898', `port ${port}`).replace(/listen l\n[^]*$/, ''));
  writeFileSync(join(dir, 'lf.cfg'), fx('string-lf.cfg').replaceAll('127.0.0.1:18898', `127.0.0.1:${port}`).replace(/listen l\n[^]*$/, ''));
  const c = loadConfig([join(dir, 'c.cfg'), join(dir, 'cc.cfg'), join(dir, 'lf.cfg')], buildRegistry());
  assert.deepEqual(c.messages.filter((m) => m.level === CFG_ALERT).map((m) => m.text), []);
  backends = c.backends;
});

after(() => { origin.close(); rmSync(dir, { recursive: true, force: true }); });

/** Each backend's verdict and reason as in the golden `file`, and Sluice's. */
const verdicts = (file: string) => checkVerdicts(fx(file), backends);

test('hdr / fhdr / min-recv expectations: the verdicts and reasons of HAProxy 2.6.12', async () => {
  const { want, got } = await verdicts('haproxy-health.txt');
  assert.equal(want.length, 11);
  assert.deepEqual(got, want);
});

test('http-check comment, expect ... comment (in the failure info) and http-check connect [port]: as HAProxy 2.6.12', async () => {
  const { want, got } = await verdicts('haproxy-health-comment.txt');
  assert.equal(want.length, 6);
  assert.deepEqual(got, want);
});

test('hdr expectations refuse a missing name or pattern, min-recv without a pattern is 2.6\'s "pattern not found"', () => {
  const f = join(dir, 'bad.cfg');
  const alerts = (line: string): string[] => {
    writeFileSync(f, `backend b\n  option httpchk GET /\n  http-check expect ${line}\n  server s 127.0.0.1:1 check\n`);
    return loadConfig([f], buildRegistry()).messages.filter((m) => m.level === CFG_ALERT).map((m) => m.text.replace(f, 'bad.cfg'));
  };
  assert.deepEqual(alerts('min-recv 10'), ["parsing [bad.cfg:3] : 'http-check expect' : pattern not found."]);
  const noName = "parsing [bad.cfg:3] : 'http-check expect' : 'hdr' expects at the name keyword as first argument followed by a pattern.";
  assert.deepEqual(alerts('hdr x-ok'), [noName]);
  assert.deepEqual(alerts('hdr name'), [noName]);
  assert.deepEqual(alerts('hdr name x-ok value -m sub y'), []);
});

test('http-check expect [!] string-lf <fmt>: the format with the checked server and backend; a body mismatch has no code', async () => {
  const { want, got } = await verdicts('haproxy-health-string-lf.txt');
  assert.equal(want.length, 5);
  assert.deepEqual(got, want);
});
