/*
 * `set server` check-port/check-addr/agent-addr/agent-port/agent-send/fqdn/ssl and `<backend>/` lookups against the
 * replies of HAProxy 2.6.12 (fixtures/stats/set-server: cases.txt, replies.txt, see CMD), byte for byte.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { goldenSource, mkProxy, mkServer } from './fixture-model.ts';
import { defaultCliRegistry } from '../../../proxy/stats/runtime.ts';
import { CliServer } from '../../../proxy/stats/cli-server.ts';
import type { CliSession } from '../../../proxy/stats/types.ts';
import type { CheckState } from '../../../proxy/checks/types.ts';
import { ACCESS_LVL_ADMIN } from '../../../proxy/stats/types.ts';
import { PR_MODE_HTTP } from '../../../proxy/model/types.ts';
import { PR_CAP_BE } from '../../../proxy/config/types.ts';

const D = new URL('../../../fixtures/stats/set-server/', import.meta.url);

test('set server check/agent settings and backend/ lookups answer as 2.6 and take effect', () => {
  const src = goldenSource();
  const b = mkProxy('b', 10, PR_CAP_BE, PR_MODE_HTTP);
  const agent = mkServer(b, 'agent', 1, 19301);
  const chk = mkServer(b, 'chk', 2, 19301);
  mkServer(b, 'none', 3, 19301);
  chk.check.enabled = true;
  agent.agent = { ...agent.check, enabled: true, port: 19399, send: '' } as CheckState;
  src.proxies.push(b);
  const cli = new CliServer(defaultCliRegistry(), src, 10000);
  const s: CliSession = { id: 1, level: ACCESS_LVL_ADMIN, prompt: false, severityOutput: 0, timeoutMs: 10000, proto: 'unix_stream', peer: 'unix:1', acceptMs: Date.now(), closing: false };
  const cases = readFileSync(new URL('cases.txt', D), 'latin1').trimEnd().split('\n');
  const replies = readFileSync(new URL('replies.txt', D), 'latin1').split(/^> .*\n/m).slice(1);
  assert.equal(replies.length, cases.length);
  cases.forEach((c, i) => assert.equal(cli.runLine(c, s), replies[i], c));
  assert.deepEqual([chk.check.addr, chk.check.port], ['::1', 19302]);
  assert.deepEqual([agent.agent.addr, agent.agent.port, agent.agent.send], ['127.0.0.2', 19397, '']);
});
