/*
 * The ACL / map runtime API (show, get, add, del, set, clear acl|map) against HAProxy 2.6.12's replies on the same
 * configuration (fixtures/stats/acl-map, see CMD): reference ids, descriptions, entries, matches, error texts; the
 * entry pointers are masked. Then the edits change what requests match.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../../proxy/config/loader.ts';
import { buildRegistry } from '../../../proxy/modules.ts';
import { defaultCliRegistry } from '../../../proxy/stats/runtime.ts';
import { CliServer } from '../../../proxy/stats/cli-server.ts';
import { goldenSource } from './fixture-model.ts';
import { aclCondExec } from '../../../proxy/acl/compile.ts';
import type { SampleCtx } from '../../../proxy/acl/types.ts';
import type { CliSession } from '../../../proxy/stats/types.ts';
import { ACCESS_LVL_ADMIN } from '../../../proxy/stats/types.ts';

const dir = fileURLToPath(new URL('../../../fixtures/stats/acl-map/', import.meta.url));
process.chdir(dir); // the references are named by the file names as the configuration gives them
const cfg = loadConfig(['haproxy.cfg'], buildRegistry(), {});
const cli = new CliServer(defaultCliRegistry(), goldenSource(), 10000);
const session: CliSession = { id: 1, level: ACCESS_LVL_ADMIN, prompt: false, severityOutput: 0, timeoutMs: 10000, proto: 'unix_stream', peer: 'unix:1', acceptMs: Date.now(), closing: false };
const mask = (s: string): string => s.replace(/0x[0-9a-f]+/g, 'P');

test('the configuration loads without alerts', () => {
  assert.deepEqual(cfg.messages.filter((m) => m.level !== 1 && /ALERT|error/i.test(m.text)).map((m) => m.text), []);
  assert.equal(cfg.alerts, 0);
});

test('each command of the golden session answers as 2.6.12 did, in order (state carries over)', () => {
  const want = readFileSync('replies.txt', 'latin1').split(/^> /m).filter((b) => b !== '');
  const cmds = readFileSync('commands.txt', 'latin1').split('\n').filter((l) => l !== '');
  assert.equal(want.length, cmds.length);
  for (let i = 0; i < cmds.length; i++) {
    const block = want[i]!;
    const nl = block.indexOf('\n');
    assert.equal(block.slice(0, nl), cmds[i]);
    assert.equal(mask(cli.runLine(cmds[i]!, session)), mask(block.slice(nl + 1)), cmds[i]);
  }
});

test('add acl / del acl change what a condition matches', () => {
  const fe = cfg.frontends.get('fe')!;
  const blocked = fe.acls.find((a) => a.name === 'blocked')!;
  const ctx = { buf: null, l0s: 0, l0e: 0, l1s: 0, l1e: 0, l2s: 0, l2e: 0, hdr: new Int32Array(0), nhdr: 0, srcIp: '127.0.0.1', srcIp4: 0x7f000001 } as SampleCtx;
  const cond = { unless: false, groups: [[{ acl: blocked, neg: false }]], text: 'blocked' };
  assert.equal(aclCondExec(cond, ctx), false);
  assert.equal(cli.runLine('add acl block.lst 127.0.0.0/8', session), '\n');
  assert.equal(aclCondExec(cond, ctx), true);
  assert.equal(cli.runLine('del acl block.lst 127.0.0.0/8', session), '\n');
  assert.equal(aclCondExec(cond, ctx), false);
});
