// Names and ids on the CLI as haproxy 2.6.12 reads them: `#<id>` through atoi(), an empty backend in `bk/srv`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { goldenSource } from './fixture-model.ts';
import { defaultCliRegistry } from '../../../proxy/stats/runtime.ts';
import { CliServer } from '../../../proxy/stats/cli-server.ts';
import type { CliSession } from '../../../proxy/stats/types.ts';
import { ACCESS_LVL_ADMIN } from '../../../proxy/stats/types.ts';

const src = goldenSource();
const cli = new CliServer(defaultCliRegistry(), src, 10000);
const s: CliSession = { id: 1, level: ACCESS_LVL_ADMIN, prompt: false, severityOutput: 0, timeoutMs: 10000, proto: 'unix_stream', peer: 'unix:1', acceptMs: Date.now(), closing: false };
const bk = src.proxies.find((p) => p.name === 'bk')!;

test('#<id> names read their id with atoi(): #<id>x is the same proxy or server', () => {
  const w = bk.servers[0]!.uweight + ' (initial ' + bk.servers[0]!.iweight + ')\n\n';
  assert.equal(cli.runLine(`get weight #${bk.id}/#1`, s), w);
  assert.equal(cli.runLine(`get weight #${bk.id}x/#1`, s), w);
  assert.equal(cli.runLine(`get weight #${bk.id}/#1x`, s), w);
});

test('show stat and show errors take a proxy as #<id> too', () => {
  const rows = cli.runLine(`show stat #${bk.id} -1 -1`, s).split('\n').filter((l) => l.startsWith('bk,'));
  assert.ok(rows.length > 1);
  assert.equal(cli.runLine('show stat #99 -1 -1', s), 'No such proxy.\n\n');
  assert.match(cli.runLine(`show errors #${bk.id}`, s), /^Total events captured on /);
});

test('an empty backend in bk/srv asks for both names, except get weight which looks it up', () => {
  for (const c of ['set weight /s1 10', 'enable health /s1', 'disable server /s1', 'set server /s1 weight 1', 'set maxconn server /s1 5']) {
    assert.equal(cli.runLine(c, s), "Require 'backend/server'.\n\n", c);
  }
  assert.equal(cli.runLine('get weight /s1', s), 'No such backend.\n\n');
});
