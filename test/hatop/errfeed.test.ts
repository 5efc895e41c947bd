import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ErrorFeed, errorFromJson } from '../../hatop/errfeed.ts';

const dir = mkdtempSync(join(tmpdir(), 'hatop-errfeed-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const rec = (o: Record<string, unknown>) =>
  JSON.stringify({ ts: 1795460801000, frontend: 'fe', backend: 'bk', server: 's1', status: 200, term_state: '----', method: 'GET', uri: '/', client_ip: '127.0.0.1', ...o }) + '\n';

test('5xx, status -1 and abnormal termination states are errors; the rest is not', () => {
  assert.equal(errorFromJson(rec({})), null);
  assert.equal(errorFromJson(rec({ status: 404 })), null);
  assert.equal(errorFromJson(rec({ status: 503, term_state: 'SC--' }))!.status, 503);
  assert.equal(errorFromJson(rec({ status: -1, term_state: 'CD--' }))!.termState, 'CD--');
  assert.equal(errorFromJson(rec({ status: 200, term_state: 'cD--' }))!.status, 200);
  assert.equal(errorFromJson('not json'), null);
  const e = errorFromJson(rec({ status: 502 }))!;
  assert.equal(e.ts, new Date(1795460801000).toISOString().slice(11, 19));
  assert.equal(e.uri, '/');
});

test('the feed reads only appended lines, keeps a partial last line and restarts after truncation', () => {
  const f = join(dir, 'log.jsonl');
  writeFileSync(f, rec({ status: 500, uri: '/a' }) + rec({}));
  const feed = new ErrorFeed(f, 3);
  assert.deepEqual(feed.poll().map((e) => e.uri), ['/a']);
  const half = rec({ status: 502, uri: '/b' });
  appendFileSync(f, half.slice(0, 10));
  assert.equal(feed.poll().length, 1);
  appendFileSync(f, half.slice(10) + rec({ status: 503, uri: '/c' }) + rec({ status: 504, uri: '/d' }) + 'garbage\n');
  assert.deepEqual(feed.poll().map((e) => e.uri), ['/b', '/c', '/d']);
  assert.equal(feed.bad, 1);
  writeFileSync(f, rec({ status: 500, uri: '/e' }));
  assert.deepEqual(feed.poll().map((e) => e.uri), ['/c', '/d', '/e']);
});

test('a missing file is not an error', () => {
  const feed = new ErrorFeed(join(dir, 'absent.jsonl'));
  assert.deepEqual(feed.poll(), []);
});

test("the collector's JSON-lines rows (table name, ISO ts, null fields) are read", () => {
  const line = JSON.stringify({ table: 'http_log', ts: '2026-11-23T19:12:14.123Z', client_ip: '10.0.0.9', frontend: 'fe_main', backend: 'bk', server: 's3', status: 503, term_state: 'SC--', method: 'GET', uri: '/x', req_cookie: null });
  const e = errorFromJson(line)!;
  assert.deepEqual(e, { ts: '19:12:14', frontend: 'fe_main', backend: 'bk', server: 's3', status: 503, termState: 'SC--', method: 'GET', uri: '/x', clientIp: '10.0.0.9' });
  const tcp = errorFromJson(JSON.stringify({ table: 'http_log', ts: '2026-11-23T19:12:15.000Z', status: null, term_state: 'CD--' }))!;
  assert.equal(tcp.termState, 'CD--');
});
