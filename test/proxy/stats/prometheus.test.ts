import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { goldenSource } from './fixture-model.ts';
import { renderPrometheus, servePrometheus } from '../../../proxy/stats/prometheus.ts';

const REF = new URL('../../../fixtures/stats/prometheus-metric-names.txt', import.meta.url);
const refNames = (): string[] =>
  readFileSync(REF, 'latin1').split('\n').filter((l) => l.startsWith('process\t')).map((l) => l.split('\t')[1]!);

test('prometheus exports 2.6 metric names with proxy/server labels and honours ?scope=', () => {
  const src = goldenSource();
  const all = renderPrometheus(src, '');
  assert.match(all, /^# HELP haproxy_frontend_current_sessions /m);
  assert.match(all, /^haproxy_server_status\{proxy="bk",server="s3",state="MAINT"\} 1$/m);
  assert.match(all, /^haproxy_backend_http_responses_total\{code="2xx",proxy="bk"\} 0$/m);
  const srvOnly = renderPrometheus(src, 'scope=server');
  assert.doesNotMatch(srvOnly, /haproxy_frontend_|haproxy_process_/);
  assert.match(srvOnly, /haproxy_server_weight\{proxy="bk",server="s1"\} 100/);
});

test('process families come first, in 2.6 order, with values from show info', () => {
  const src = goldenSource();
  src.proxies[0]!.feCounters.cumConn = 42;
  src.proxies[0]!.feCounters.cumReq = 40;
  const body = renderPrometheus(src, 'scope=global');
  const names = [...body.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((m) => m[1]!);
  assert.equal(names.length, 60);
  assert.ok(names.every((n) => n.startsWith('haproxy_process_')));
  assert.deepEqual(names, refNames());
  assert.match(body, /^# HELP haproxy_process_nbthread Number of started threads \(global\.nbthread\)\n# TYPE haproxy_process_nbthread gauge\nhaproxy_process_nbthread 2$/m);
  assert.match(body, /^haproxy_process_connections_total 42$/m);
  assert.match(body, /^haproxy_process_requests_total 40$/m);
  assert.match(body, /^haproxy_process_max_connections 1000$/m);
  assert.match(body, /^haproxy_process_current_zlib_memory NaN$/m);
  assert.match(body, /^haproxy_process_build_info\{version="[^"]+"\} 1$/m);
  assert.match(body, new RegExp('^haproxy_process_start_time_seconds ' + Math.floor(src.startMs / 1000) + '$', 'm'));
  assert.ok(renderPrometheus(src, '').startsWith('# HELP haproxy_process_nbthread '));
});

test('servePrometheus answers with 2.6 headers, and 503 before the configuration runs', () => {
  const r = servePrometheus('', goldenSource());
  assert.equal(r.status, 200);
  assert.deepEqual(r.headers, [['cache-control', 'no-cache'], ['content-type', 'text/plain; version=0.0.4']]);
  assert.equal(servePrometheus('', null).status, 503);
});
