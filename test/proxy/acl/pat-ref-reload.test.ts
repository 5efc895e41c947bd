/*
 * A configuration load re-reads its map and ACL files, as a new haproxy process does on reload: the references of an
 * earlier load are not reused, and the runtime API sees the references of the configuration that was started last.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { loadConfig } from '../../../proxy/config/loader.ts';
import { buildRegistry } from '../../../proxy/modules.ts';
import { patRefAll, patRefActivate, patRefByFile } from '../../../proxy/acl/pat-ref.ts';

const dir = mkdtempSync(join(tmpdir(), 'sluice-patref-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const map = join(dir, 'hosts.map');
const cfg = join(dir, 'c.cfg');
writeFileSync(cfg, `defaults\n  mode http\n  timeout client 1s\n  timeout server 1s\n  timeout connect 1s\nfrontend fe\n  bind 127.0.0.1:1\n  http-request set-header x-be %[req.hdr(host),map(${map},none)]\n  default_backend be\nbackend be\n  server s 127.0.0.1:1\n`);

function load(content: string) {
  writeFileSync(map, content);
  const c = loadConfig([cfg], buildRegistry());
  assert.deepEqual(c.messages.filter((m) => m.level === 0).map((m) => m.text), []);
  return c;
}

test('a second load reads the map file again; the CLI follows the started configuration', () => {
  const first = load('a.example be1\n');
  patRefActivate(first.global);
  assert.deepEqual(patRefAll().filter((r) => r.isMap).map((r) => r.entries.map((e) => e.key + ' ' + e.value)), [['a.example be1']]);
  const second = load('a.example be2\nb.example be3\n');
  // still the running (first) configuration's view until the second one starts
  assert.equal(patRefAll().filter((r) => r.isMap)[0]!.entries[0]!.value, 'be1');
  assert.deepEqual(patRefByFile(map, true)!.entries.map((e) => e.value), ['be2', 'be3']);
  patRefActivate(second.global);
  assert.deepEqual(patRefAll().filter((r) => r.isMap).map((r) => r.entries.map((e) => e.value)), [['be2', 'be3']]);
});
