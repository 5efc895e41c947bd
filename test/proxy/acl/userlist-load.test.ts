/*
 * `http_auth(<userlist>)` / `http_auth_group(<userlist>)` name a userlist of the same configuration load: an unknown
 * one is 2.6's alert (checked after parsing, so a userlist declared further down is fine), also when an earlier load
 * in this process declared it (a reload that removed the userlist).
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { loadConfig } from '../../../proxy/config/loader.ts';
import { buildRegistry } from '../../../proxy/modules.ts';

const dir = mkdtempSync(join(tmpdir(), 'sluice-userlist-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const reg = buildRegistry();

function alerts(name: string, head: string, tail: string): string[] {
  const f = join(dir, name);
  writeFileSync(f, `${head}defaults\n  mode http\n  timeout client 1s\n  timeout server 1s\n  timeout connect 1s\nfrontend fe\n  bind 127.0.0.1:1\n  acl ok http_auth(admins)\n  http-request auth unless ok\n  http-request deny unless { http_auth_group(admins) ops }\n  default_backend be\nbackend be\n  server s 127.0.0.1:1\n${tail}`);
  return loadConfig([f], reg).messages.filter((m) => m.level === 0).map((m) => m.text.replaceAll(f, name));
}

const UL = 'userlist admins\n  group ops users alice\n  user alice insecure-password x\n';

test('a userlist declared before or after its use loads', () => {
  assert.deepEqual(alerts('a.cfg', UL, ''), []);
  assert.deepEqual(alerts('b.cfg', '', UL), []);
});

test("an unknown userlist is 2.6's alert, even when an earlier load declared it", () => {
  // two in one proxy: 2.6 groups them under one "multiple argument resolution errors:" alert
  assert.deepEqual(alerts('c.cfg', '', ''), [
    'multiple argument resolution errors:\n' +
    "        parsing [c.cfg:8]: unable to find userlist 'admins' referenced in arg 1 of ACL keyword 'http_auth' in proxy 'fe'.\n" +
    "        parsing [c.cfg:10]: unable to find userlist 'admins' referenced in arg 1 of ACL keyword 'http_auth_group' in proxy 'fe'.",
  ]);
});
