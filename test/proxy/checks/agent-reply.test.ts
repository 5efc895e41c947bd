/*
 * Agent reply words on a static algorithm, as 2.6.12 showed them (static-rr, weight 8, agents answering `50%`,
 * `up 50%`, `50% junk`, `50%x`; show stat last_agt): a refused weight is a warning, or the state word's comment.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { loadConfig } from '../../../proxy/config/loader.ts';
import { buildRegistry } from '../../../proxy/modules.ts';
import { initBackendServers } from '../../../proxy/backend/server.ts';
import { applyAgentReply } from '../../../proxy/checks/agent.ts';
import { setEventStderr } from '../../../proxy/events.ts';

const STATIC = "Backend is using a static LB algorithm and only accepts weights '0%' and '100%'.\n";

test('a weight the backend refuses is reported as 2.6.12 does', () => {
  setEventStderr(false);
  const dir = mkdtempSync(join(tmpdir(), 'sluice-agentwarn-'));
  writeFileSync(join(dir, 'c.cfg'), 'backend b\n  balance static-rr\n  server a0 127.0.0.1:1 weight 8 agent-check agent-port 2\n');
  const be = loadConfig([join(dir, 'c.cfg')], buildRegistry()).backends.get('b')!;
  initBackendServers(be);
  const a0 = be.servers[0];
  const desc = (line: string): string => { applyAgentReply(a0, line, 0); return a0.agent!.desc; };
  assert.equal(desc('50%'), 'agent warns : ' + STATIC);
  assert.equal(desc('up 50%'), `via agent : up (${STATIC})`);
  assert.equal(desc('50% junk'), 'agent reports an error : junk');
  assert.equal(desc('50%x'), 'agent warns : Trailing garbage in weight string');
  assert.equal(a0.uweight, 8);
  assert.equal(desc('0%'), '');
  assert.equal(a0.uweight, 0);
});
