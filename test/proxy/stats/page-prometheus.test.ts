import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { goldenSource } from './fixture-model.ts';
import { serveStats } from '../../../proxy/stats/html.ts';
import { renderPrometheus } from '../../../proxy/stats/prometheus.ts';

test('the stats page ;csv has the CLI CSV header and rows, with 2.6 headers', () => {
  const src = goldenSource();
  const fe = src.proxies[0]!;
  fe.statsPage.uri = '/stats'; fe.statsPage.refresh = 10; fe.statsPage.enabled = true;
  const r = serveStats(src, fe, '/stats;csv', 'GET');
  assert.equal(r.status, 200);
  assert.deepEqual(r.headers, [['cache-control', 'no-cache'], ['content-type', 'text/plain'], ['refresh', '10']]);
  const golden = readFileSync(new URL('../../../fixtures/stats/golden/show-stat.txt', import.meta.url), 'latin1');
  assert.equal(r.body.split('\n')[0], golden.split('\n')[0]);
  assert.equal(r.body.split('\n').length, golden.split('\n').length - 1);
  const nr = serveStats(src, fe, '/stats;csv;norefresh', 'GET');
  assert.ok(!nr.headers.some(([k]) => k === 'refresh'));
  const html = serveStats(src, fe, '/stats', 'GET');
  assert.match(html.body, /<tr class="maintain"><td>s3<\/td>/);
});

test('prometheus exports 2.6 metric names with proxy/server labels and honours ?scope=', () => {
  const src = goldenSource();
  const all = renderPrometheus(src, '');
  assert.match(all, /^# HELP haproxy_frontend_current_sessions /m);
  assert.match(all, /^haproxy_server_status\{proxy="bk",server="s3",state="MAINT"\} 1$/m);
  assert.match(all, /^haproxy_backend_http_responses_total\{code="2xx",proxy="bk"\} 0$/m);
  const srvOnly = renderPrometheus(src, 'scope=server');
  assert.doesNotMatch(srvOnly, /haproxy_frontend_/);
  assert.match(srvOnly, /haproxy_server_weight\{proxy="bk",server="s1"\} 100/);
});
