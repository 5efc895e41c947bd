/*
 * Load-time behaviour of http-after-response, monitor-uri / monitor fail, errorloc*, http-error and errorfiles: the
 * alert texts HAProxy 2.6.12 prints (read off `haproxy -c`), and what each keyword stores.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { loadConfig, CFG_ALERT } from '../../../proxy/config/loader.ts';
import { buildRegistry } from '../../../proxy/modules.ts';

const dir = mkdtempSync(join(tmpdir(), 'sluice-errcfg-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const reg = buildRegistry();
writeFileSync(join(dir, 'sec.http'), 'HTTP/1.1 503 Sec\r\ncontent-length: 4\r\n\r\nsec\n');

function load(body: string) {
  const f = join(dir, 't.cfg');
  writeFileSync(f, `http-errors sec\n  errorfile 503 ${join(dir, 'sec.http')}\ndefaults\n  mode http\n  timeout client 1s\n  timeout server 1s\n  timeout connect 1s\nfrontend fe\n  bind 127.0.0.1:18080\n  ${body}\n`);
  const c = loadConfig([f], reg);
  return { c, alerts: c.messages.filter((m) => m.level === CFG_ALERT).map((m) => m.text) };
}

const ALERTS: [string, string][] = [
  ['errorloc 503', 'errorloc : expects <status_code> and <url> as arguments.'],
  ['errorloc302 999 /x', "errorloc302 : status code '999' not handled."],
  ['http-error status 503 foo', "http-error : unknown keyword 'foo'."],
  ['http-error', 'http-error : expects at least a <status> as arguments.'],
  ['http-error status 503 string x', 'http-error : a content type must be defined when non-empty payload is configured'],
  ['http-error status 503 lf-string %[path]', 'http-error : a content type must be defined with a log-format payload'],
  ['errorfiles nope', "proxy 'fe': unknown http-errors section 'nope'"],
  ['monitor-uri', "'monitor-uri' expects an URI."],
  ['monitor fail', "'monitor fail' requires either 'if' or 'unless' followed by a condition."],
  ['monitor foo if TRUE', "'monitor' only supports 'fail'."],
  ['http-after-response deny', "'http-after-response' expects 'ot-group', 'add-header', 'allow', 'capture', 'del-header', 'replace-header', 'replace-value', 'set-header', 'set-status', 'strict-mode', 'set-var-fmt(*)', 'set-var(*)', 'unset-var(*)', but got 'deny'."],
];

for (const [line, want] of ALERTS) {
  test(`'${line}' is refused with HAProxy 2.6's words`, () => {
    const { alerts } = load(line);
    assert.ok(alerts.some((a) => a.includes(want)), alerts.join('\n'));
  });
}

test('valid lines load without alerts and store their replies', () => {
  const { c, alerts } = load('monitor-uri /health\n  monitor fail if { req.hdr(x-down) -m found }\n  errorloc303 403 /denied\n  errorfiles sec\n  http-error status 429 content-type text/plain lf-string "%[path]"\n  http-after-response set-header x-a b if { status 200 }\n  http-after-response strict-mode on\n  default_backend be\nbackend be\n  server s1 127.0.0.1:1');
  assert.deepEqual(alerts, []);
  const fe = c.frontends.get('fe')!;
  assert.equal(fe.http.monitorUri?.toString(), '/health');
  assert.equal(fe.http.monitorFail.length, 1);
  assert.match(fe.http.errorFiles.get(403)!.toString(), /^HTTP\/1\.1 303 See Other\r\n.*location: \/denied\r\n\r\n$/s);
  assert.match(fe.http.errorFiles.get(503)!.toString(), /^HTTP\/1\.1 503 Sec/);
  assert.equal(fe.http.errorRules.get(429)?.status, 429);
  assert.equal(fe.http.afterRules.length, 2);
});

test("compression keywords: 2.6's alerts, and what they store", () => {
  assert.ok(load('compression algo foo').alerts.some((a) => a.includes("'compression' : 'foo' is not a supported algorithm.")));
  assert.ok(load('compression foo').alerts.some((a) => a.includes("'compression' expects 'algo', 'type' or 'offload'")));
  const { c, alerts } = load('compression algo gzip deflate\n  compression type text/html Text/Plain\n  compression offload');
  assert.deepEqual(alerts, []);
  assert.deepEqual(c.frontends.get('fe')!.http.comp, { algos: ['gzip', 'deflate'], types: ['text/html', 'text/plain'], offload: true });
});

test("retry-on keywords: 2.6's alerts (its 'keyworld' typo included) and the stored mask", () => {
  assert.ok(load('default_backend be\nbackend be\n  retry-on none 503').alerts.some((a) => a.includes("'retry-on' 'none' keyworld only usable alone")));
  assert.ok(load('default_backend be\nbackend be\n  retry-on 405').alerts.some((a) => a.includes("'retry-on': unknown keyword '405'")));
  const { c, alerts } = load('default_backend be\nbackend be\n  retry-on none');
  assert.deepEqual(alerts, []);
  assert.equal(c.backends.get('be')!.http.retryOn, 0);
});

test("monitor-uri and http-after-response in a TCP frontend get 2.6's 'ignored' warnings", () => {
  const f = join(dir, 'tcp.cfg');
  writeFileSync(f, 'defaults\n  mode tcp\n  timeout client 1s\n  timeout server 1s\n  timeout connect 1s\nfrontend fe\n  bind 127.0.0.1:18080\n  http-after-response set-header a b\n  monitor-uri /x\n  default_backend be\nbackend be\n  server s 127.0.0.1:1\n');
  const w = loadConfig([f], reg).messages.map((m) => m.text);
  const i = w.findIndex((t) => t.includes("monitor-uri will be ignored for frontend 'fe' (needs 'mode http')."));
  const j = w.findIndex((t) => t.includes("'http-after-response' rules ignored for frontend 'fe' as they require HTTP mode."));
  assert.ok(i >= 0 && j > i, w.join('\n'));
});

test("http-request disable-l7-retry takes a condition only (2.6's alert otherwise)", () => {
  assert.deepEqual(load('http-request disable-l7-retry if { path /x }').alerts, []);
  assert.ok(load('http-request disable-l7-retry foo').alerts.some((a) => a.includes("'http-request disable-l7-retry' expects either 'if' or 'unless' followed by a condition but found 'foo'.")));
  assert.ok(load('http-request disable-l7-retryx').alerts.some((a) => a.includes("but got 'disable-l7-retryx'")));
});

test('an http-errors section of an earlier load is unknown to the next one (reload without the section)', () => {
  assert.deepEqual(load('errorfiles sec').alerts, []);
  const f = join(dir, 'nosec.cfg');
  writeFileSync(f, 'defaults\n  mode http\n  timeout client 1s\n  timeout server 1s\n  timeout connect 1s\nfrontend fe\n  bind 127.0.0.1:18080\n  errorfiles sec\n  http-request return status 503 errorfiles sec\n');
  const alerts = loadConfig([f], reg).messages.filter((m) => m.level === CFG_ALERT).map((m) => m.text);
  assert.equal(alerts.filter((a) => a.includes("unknown http-errors section 'sec'")).length, 2, alerts.join('\n'));
});
