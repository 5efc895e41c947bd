import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { goldenSource } from './fixture-model.ts';
import { defaultCliRegistry } from '../../../proxy/stats/runtime.ts';
import { CliServer } from '../../../proxy/stats/cli-server.ts';
import type { CliSession } from '../../../proxy/stats/types.ts';
import { ACCESS_LVL_ADMIN, ACCESS_LVL_USER, ACCESS_LVL_OPER } from '../../../proxy/stats/types.ts';

const G = new URL('../../../fixtures/stats/golden/', import.meta.url);
const golden = (f: string): string => readFileSync(new URL(f, G), 'latin1');

function session(level: number): CliSession {
  return { id: 1, level, prompt: false, severityOutput: 0, timeoutMs: 10000, proto: 'unix_stream', peer: 'unix:1', acceptMs: Date.now(), closing: false };
}

function run(line: string, level = ACCESS_LVL_ADMIN): string {
  const cli = new CliServer(defaultCliRegistry(), goldenSource(), 10000);
  return cli.runLine(line, session(level));
}

/** Masks time-dependent CSV columns (lastchg, downtime) so the structure and every other value compare exactly. */
function maskCsv(s: string): string {
  return s.split('\n').map((l) => {
    if (l.startsWith('#') || l === '') return l;
    const f = l.split(',');
    for (const i of [23, 24]) if (f[i] !== '') f[i] = 'T';
    return f.join(',');
  }).join('\n');
}

function maskTyped(s: string): string {
  return s.replace(/(\.(?:23\.lastchg|24\.downtime)\.1:[A-Za-z]{3}:u32:)\d+/g, '$1T');
}

for (const [cmd, file, level] of [
  ['show stat', 'show-stat.txt', ACCESS_LVL_ADMIN],
  ['show stat', 'show-stat-user.txt', ACCESS_LVL_USER],
  ['show stat up', 'show-stat-up.txt', ACCESS_LVL_ADMIN],
  ['show stat no-maint', 'show-stat-no-maint.txt', ACCESS_LVL_ADMIN],
  ['show stat 3 -1 -1', 'show-stat-iid3.txt', ACCESS_LVL_ADMIN],
  ['show stat bk 4 -1', 'show-stat-bk-srv.txt', ACCESS_LVL_ADMIN],
] as const) {
  test(`${cmd} (level ${level}) matches HAProxy 2.6 byte for byte except lastchg/downtime`, () => {
    assert.equal(maskCsv(run(cmd, level)), maskCsv(golden(file)));
  });
}

test('show stat typed and typed desc match HAProxy 2.6', () => {
  assert.equal(maskTyped(run('show stat typed')), maskTyped(golden('show-stat-typed.txt')));
  assert.equal(maskTyped(run('show stat typed desc')), maskTyped(golden('show-stat-typed-desc.txt')));
});

test('show stat json matches HAProxy 2.6', () => {
  const m = (s: string): string => s.replace(/("name":"(?:lastchg|downtime)"\},"processNum":1,"tags":\{[^}]*\},"value":\{"type":"u32","value":)\d+/g, '$1T');
  assert.equal(m(run('show stat json')), m(golden('show-stat-json.txt')));
});

test('show stat with a keyword in the proxy position answers No such proxy.', () => {
  assert.equal(run('show stat typed -1 4 -1'), golden('show-stat-typed-bad.txt'));
});

test('show servers state and show backend match HAProxy 2.6', () => {
  const m = (s: string): string => s.replace(/^(\d+ \S+ \d+ \S+ \S+ \d+ \d+ \d+ \d+ )\d+/gm, '$1T');
  assert.equal(m(run('show servers state')), m(golden('show-servers-state.txt')));
  assert.equal(run('show servers state nope'), golden('show-servers-state-bad.txt'));
  assert.equal(run('show backend'), golden('show-backend.txt'));
});

test('help lists the 2.6 commands in the 2.6 layout at every level', () => {
  assert.equal(run('help'), golden('help.txt'));
  assert.equal(run('help', ACCESS_LVL_USER), golden('help-user.txt'));
});

test('show info field names, order, tags, types and descriptions match 2.6', () => {
  const shape = (s: string): string => s.split('\n').map((l) => l.replace(/^(\d+\.[^.]+(?:\.[^.]+)?\.1:[A-Za-z]{3}:\w+:).*?(:"[^"]*")$/, '$1V$2')).join('\n');
  assert.equal(shape(run('show info typed desc')), shape(golden('show-info-typed-desc.txt')));
  const names = (s: string): string[] => s.split('\n').map((l) => l.split(':')[0]!);
  assert.deepEqual(names(run('show info')), names(golden('show-info.txt')));
});

test('show schema json is the 2.6 schema', () => {
  assert.equal(run('show schema json'), golden('show-schema-json.txt'));
});

test('weights, errors and level replies match 2.6 texts', () => {
  assert.equal(run('get weight bk/s1'), golden('get-weight.txt'));
  assert.equal(run('set weight bk/s1 abc'), golden('set-weight-garbage.txt'));
  assert.equal(run('set server bk/s1'), golden('set-server-usage.txt'));
  assert.equal(run('set server bk/s1 state foo'), golden('set-server-state-bad.txt'));
  assert.equal(run('show cli level'), golden('show-cli-level.txt'));
  assert.equal(run('show cli level', ACCESS_LVL_OPER), golden('show-cli-level-oper.txt'));
});
