import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { groupRows, isServer, parseInfo, parseStat } from '../../hatop/model.ts';
import type { Snapshot } from '../../hatop/types.ts';

const FIX = new URL('../../fixtures/hatop/haproxy-2.6/', import.meta.url);
const read = (f: string): string => readFileSync(new URL(f, FIX), 'utf8');

function snap(text: string, at = 0): Snapshot {
  const s = parseStat(text, at);
  assert.equal(typeof s, 'object', String(s));
  return s as Snapshot;
}

test('show info is parsed into the header fields, unknown keys kept raw', () => {
  const info = parseInfo(read('show-info.txt'))!;
  assert.equal(info.name, 'HAProxy');
  assert.equal(info.version, '2.6.12-1+deb12u4');
  assert.equal(info.releaseDate, '2026/10/17');
  assert.equal(info.pid, 13451);
  assert.equal(info.nbthread, 2);
  assert.equal(info.uptime, '0d 0h00m24s');
  assert.equal(info.maxconn, 9979);
  assert.equal(info.tasks, 33);
  assert.equal(info.runQueue, 0);
  assert.equal(info.node, 'vm');
  assert.equal(info.maxConnRate, 43);
  assert.equal(info.raw.get('Unstoppable Jobs'), '0');
  assert.equal(info.raw.get('Build info'), '2.6.12-1+deb12u4');
});

test('show info tolerates missing keys and rejects error replies', () => {
  const info = parseInfo('Name: Sluice\nVersion: 0.1.0\n\n')!;
  assert.equal(info.name, 'Sluice');
  assert.ok(Number.isNaN(info.pid));
  assert.equal(parseInfo('Permission denied\n'), null);
  assert.equal(parseInfo(''), null);
});

test('show stat rows are read by column name with empty fields as NaN', () => {
  const s = snap(read('show-stat.txt'), 1000);
  assert.equal(s.rows.length, 16);
  assert.equal(s.columns.length, 128);
  const s1 = s.byKey.get('bk/s1')!;
  assert.equal(s1.str.status, 'UP');
  assert.equal(s1.str.check_status, 'L7OK');
  assert.equal(s1.num.weight, 100);
  assert.equal(s1.num.stot, 419);
  assert.equal(s1.num.bin, 34568);
  assert.equal(s1.num.uweight, 100);
  assert.ok(Number.isNaN(s1.num.slim));
  const s3 = s.byKey.get('bk/s3')!;
  assert.equal(s3.str.status, 'DOWN');
  assert.equal(s3.str.last_chk, 'Connection refused');
  assert.equal(s3.num.lastsess, -1);
  const a3 = s.byKey.get('bk_api/a3')!;
  assert.equal(a3.str.status, 'no check');
  assert.equal(a3.str.check_status, '');
  const fe = s.byKey.get('fe_main/FRONTEND')!;
  assert.equal(fe.num.req_tot, 451);
  assert.ok(Number.isNaN(fe.num.weight));
});

test('a CSV with reordered and missing columns parses the same by name', () => {
  const csv = '# svname,status,pxname,scur,weight,\nsrv1,UP,bk,5,3,\nBACKEND,UP,bk,5,3,\n\n';
  const s = snap(csv);
  const r = s.byKey.get('bk/srv1')!;
  assert.equal(r.num.scur, 5);
  assert.equal(r.num.weight, 3);
  assert.ok(Number.isNaN(r.num.bin));
  assert.equal(r.str.check_status, '');
  assert.equal(s.groups.length, 1);
  assert.equal(s.groups[0]!.backend!.key, 'bk/BACKEND');
});

test('an error reply instead of CSV is returned as its text', () => {
  assert.equal(parseStat('Permission denied\n', 0), 'Permission denied');
  assert.equal(parseStat('', 0), 'no stat data available');
});

test('groups follow HATop order: FRONTEND, members by sid, BACKEND; proxies in config order', () => {
  const s = snap(read('show-stat.txt'));
  assert.deepEqual(s.groups.map((g) => g.pxname), ['fe_main', 'fe_api', 'bk', 'bk_api', 'ls_tcp']);
  assert.deepEqual(s.groups[4]!.rows.map((r) => r.str.svname), ['FRONTEND', 't1', 't2', 'BACKEND']);
  assert.equal(s.groups[0]!.backend, null);
  const shuffled = [...s.rows].reverse();
  assert.deepEqual(groupRows(shuffled)[0]!.rows.map((r) => r.str.svname), ['FRONTEND', 't1', 't2', 'BACKEND']);
});

test('server rows are told apart from frontends, backends and listeners', () => {
  const s = snap(read('show-stat.txt'));
  assert.equal(isServer(s.byKey.get('bk/s1')!), true);
  assert.equal(isServer(s.byKey.get('fe_main/sock-1')!), false);
  assert.equal(isServer(s.byKey.get('bk/BACKEND')!), false);
  assert.equal(isServer(s.byKey.get('fe_main/FRONTEND')!), false);
});

test('the state after disable/enable server is visible in the parsed rows', () => {
  assert.equal(snap(read('show-stat-after-disable-server.txt')).byKey.get('bk/s1')!.str.status, 'MAINT');
  assert.equal(snap(read('show-stat-after-enable-server.txt')).byKey.get('bk/s1')!.str.status, 'UP 1/2');
  const mixed = snap(read('show-stat-mixed-states.txt'));
  assert.deepEqual(
    ['bk/s1', 'bk/BACKEND', 'bk_api/a1', 'bk_api/a2'].map((k) => mixed.byKey.get(k)!.str.status),
    ['DRAIN', 'DOWN', 'NOLB', 'MAINT'],
  );
});

test('parsing the same CSV with CRLF-free chunks from a prompt session gives the same rows', () => {
  const prompt = read('proto-prompt-show-stat-info.txt');
  const at = prompt.indexOf('# pxname');
  const body = prompt.slice(at, prompt.lastIndexOf('\n> ') + 1);
  const s = snap(body);
  assert.equal(s.rows.length, 16);
  assert.ok(s.byKey.has('ls_tcp/t2'));
});
