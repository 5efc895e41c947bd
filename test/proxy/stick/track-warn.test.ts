/*
 * The configuration-check warnings of `tcp-request content track-sc0 <key>` in a frontend, a backend and a listen, as
 * haproxy 2.6.12 -c prints them (fixtures/proxy/track-warn, CMD): a key read from the request in a frontend without
 * `tcp-request inspect-delay` ("explicitly depending on request contents"), and in an HTTP frontend a key and condition
 * that read nothing of the request ("should be executed at the session level"); none in backends.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../../proxy/config/loader.ts';
import { buildRegistry } from '../../../proxy/modules.ts';

const ROOT = new URL('../../../', import.meta.url).pathname;
const GOLDEN = readFileSync(join(ROOT, 'fixtures/proxy/track-warn/warnings-2.6.12.txt'), 'latin1');

/** The configuration capture.sh writes for one case. */
function cfg(mode: string, delay: boolean, key: string): string {
  const track = ` stick-table type string size 1k store conn_cnt\n tcp-request content track-sc0 ${key}\n`;
  return `defaults\n mode ${mode}\n timeout client 1s\n timeout server 1s\n timeout connect 1s\nfrontend f\n bind 127.0.0.1:29001\n` +
    (delay ? ' tcp-request inspect-delay 1s\n' : '') + track + ' default_backend b\nbackend b\n' + track + ' server s 127.0.0.1:29003\n' +
    `listen l\n mode ${mode}\n bind 127.0.0.1:29002\n` + track + ' server s 127.0.0.1:29003\n';
}

test('track-sc0 warnings for keys and conditions that read the request or not, with or without inspect-delay, as haproxy 2.6.12 -c', () => {
  const dir = mkdtempSync(join(tmpdir(), 'track-warn-'));
  const f = join(dir, 'k.cfg');
  const blocks = GOLDEN.split('## ').slice(1);
  assert.equal(blocks.length, 112);
  for (const b of blocks) {
    const lines = b.split('\n').filter((l) => l !== '');
    const m = /^mode=(\w+) inspect-delay=(\d) key=(.*)$/.exec(lines[0]);
    assert.ok(m !== null, lines[0]);
    writeFileSync(f, cfg(m[1], m[2] === '1', m[3]));
    const got = loadConfig([f], buildRegistry()).messages.map((x) => x.text.replaceAll(dir + '/', ''));
    assert.deepEqual(got, lines.slice(1), lines[0]);
  }
});
