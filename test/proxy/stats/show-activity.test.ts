import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { goldenSource } from './fixture-model.ts';
import { showActivity, showPools, startActivitySampler, stopActivitySampler } from '../../../proxy/stats/cli-activity.ts';
import type { CliEnv, CliSession } from '../../../proxy/stats/types.ts';
import { defaultServerStateApi } from '../../../proxy/stats/srv-admin.ts';

// keys of a real 2.6 `show activity` (../shared/reference/haproxy-2.6-cli/show-activity.txt), in order
const KEYS = ['thread_id', 'date_now', 'ctxsw', 'tasksw', 'empty_rq', 'long_rq', 'loops', 'wake_tasks', 'wake_signal',
  'poll_io', 'poll_exp', 'poll_drop_fd', 'poll_skip_fd', 'conn_dead', 'stream_calls', 'pool_fail', 'buf_wait',
  'cpust_ms_tot', 'cpust_ms_1s', 'cpust_ms_15s', 'avg_loop_us', 'accepted', 'accq_pushed', 'accq_full', 'accq_ring',
  'fd_takeover'];
const sess = { id: 1, level: 1, prompt: false, severityOutput: 0, timeoutMs: 0, proto: 'unix_stream', peer: 'unix:1', acceptMs: 0, closing: false } as CliSession;
after(() => stopActivitySampler());

test('show activity has 2.6 keys in order, with accepted connections from the frontends', () => {
  startActivitySampler();
  const src = goldenSource();
  src.proxies[0]!.feCounters.cumConn = 12;
  const env: CliEnv = { src, api: defaultServerStateApi, sessions: new Set(), killSession: () => false };
  const text = showActivity.parse(['show', 'activity'], sess, env).text;
  assert.ok(text.endsWith('\n\n'));
  const lines = text.trimEnd().split('\n');
  assert.deepEqual(lines.map((l) => l.slice(0, l.indexOf(':'))), KEYS);
  assert.match(text, /^accepted: 12 \[ 12 \]$/m);
  assert.match(text, /^date_now: \d+\.\d{6}$/m);
  assert.match(text, /^cpust_ms_tot: \d+ \[ \d+ \]$/m);
});

test('show pools lists heap spaces with a total line', () => {
  const text = showPools.parse(['show', 'pools'], sess, {} as CliEnv).text;
  const lines = text.trimEnd().split('\n');
  assert.equal(lines[0], 'Dumping pools usage. Use SIGQUIT to flush them.');
  assert.match(lines[1]!, /^ {2}- Pool \S+ \(1 bytes\) : \d+ allocated \(\d+ bytes\), \d+ used \(~0 by thread caches\), needed_avg \d+, 0 failures, 1 users, @0x0 \[SHARED\]$/);
  assert.match(lines.at(-1)!, new RegExp('^Total: ' + (lines.length - 2) + ' pools, \\d+ bytes allocated, \\d+ used \\(~0 by thread caches\\)\\.$'));
});
