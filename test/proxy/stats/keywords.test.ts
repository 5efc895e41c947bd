import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { loadConfig } from '../../../proxy/config/loader.ts';
import { buildRegistry } from '../../../proxy/modules.ts';
import { PR_O_SOCKET_STATS } from '../../../proxy/model/types.ts';

const dir = mkdtempSync(join(tmpdir(), 'sluice-stats-kw-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
function load(body: string): ReturnType<typeof loadConfig> {
  const f = join(dir, 'c' + (n++) + '.cfg');
  writeFileSync(f, 'defaults\n  mode http\n  timeout client 1s\n  timeout server 1s\n  timeout connect 1s\nfrontend fe\n  bind 127.0.0.1:1\n' + body);
  return loadConfig([f], buildRegistry());
}
const alerts = (c: ReturnType<typeof loadConfig>): string[] => c.messages.filter((m) => m.level === 0).map((m) => m.text);

test('stats admin compiles its ACL condition; a bad condition is an alert', () => {
  const ok = load('  acl net src 10.0.0.0/8\n  stats enable\n  stats admin if net || LOCALHOST\n');
  assert.deepEqual(alerts(ok), []);
  const sp = ok.proxies.find((p) => p.name === 'fe')!.statsPage;
  assert.equal(sp.adminAlways, false);
  assert.equal(sp.adminCond!.groups.length, 2);
  assert.equal(load('  stats admin if TRUE\n').proxies[0]!.statsPage.adminAlways, true);
  assert.match(alerts(load('  stats admin if nosuchacl\n')).join('\n'), /no such ACL : 'nosuchacl'/);
  assert.match(alerts(load('  stats admin\n')).join('\n'), /'stats admin' requires either 'if' or 'unless'/);
});

test('stats http-request rules parse, and cannot be combined with stats auth (2.6 alert)', () => {
  const ok = load('  stats uri /s\n  stats http-request deny if { path_end /x }\n  stats http-request auth realm Zone\n  stats http-request allow\n');
  assert.deepEqual(alerts(ok), []);
  assert.deepEqual(ok.proxies[0]!.statsPage.rules.map((r) => r.action + ':' + r.realm), ['deny:', 'auth:Zone', 'allow:']);
  assert.match(alerts(load('  stats http-request bogus\n')).join('\n'), /'stats http-request' expects 'allow', 'deny', 'auth'/);
  const both = alerts(load('  stats auth u:p\n  stats http-request allow\n')).join('\n');
  assert.match(both, /proxy 'fe': stats 'auth'\/'realm' and 'http-request' can't be used at the same time\./);
});

test('option socket-stats sets the listener stats option', () => {
  const c = load('  option socket-stats\n');
  assert.deepEqual(alerts(c), []);
  assert.notEqual(c.proxies[0]!.options & PR_O_SOCKET_STATS, 0);
  assert.equal(load('  option socket-stats\n  no option socket-stats\n').proxies[0]!.options & PR_O_SOCKET_STATS, 0);
});
