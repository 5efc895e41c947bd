/*
 * Pattern reference ids as 2.6.12 numbers them: what it parses in its post-parse check (log-format,
 * unique-id-format, a dynamic use_backend name) comes after its two internal httpclient references, each
 * compiled once and named by its own line; a backend's ignored log-format makes none. Replies of haproxy on the same
 * configuration: fixtures/stats/acl-map-order (CMD there).
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
import type { CliSession } from '../../../proxy/stats/types.ts';
import { ACCESS_LVL_ADMIN } from '../../../proxy/stats/types.ts';

const dir = fileURLToPath(new URL('../../../fixtures/stats/acl-map-order/', import.meta.url));

test('show map / show acl ids and descriptions, and #<id> lookups, as 2.6.12', () => {
  process.chdir(dir); // the references are named by the file names as the configuration gives them
  const cfg = loadConfig(['haproxy.cfg'], buildRegistry(), {});
  assert.equal(cfg.alerts, 0);
  const cli = new CliServer(defaultCliRegistry(), goldenSource(), 10000);
  const session: CliSession = { id: 1, level: ACCESS_LVL_ADMIN, prompt: false, severityOutput: 0, timeoutMs: 10000, proto: 'unix_stream', peer: 'unix:1', acceptMs: Date.now(), closing: false };
  for (const block of readFileSync('replies.txt', 'latin1').split(/^### /m).filter((b) => b !== '')) {
    const nl = block.indexOf('\n');
    const cmd = block.slice(0, nl);
    assert.equal(cli.runLine(cmd, session), block.slice(nl + 1), cmd);
  }
});
