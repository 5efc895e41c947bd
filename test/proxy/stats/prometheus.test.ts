import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { goldenSource } from './fixture-model.ts';
import { renderPrometheus, servePrometheus } from '../../../proxy/stats/prometheus.ts';
import { loadConfig } from '../../../proxy/config/loader.ts';
import { buildRegistry } from '../../../proxy/modules.ts';
import { initBackendServers } from '../../../proxy/backend/server.ts';
import { PR_CAP_BE } from '../../../proxy/config/types.ts';
import { PR_O_SOCKET_STATS } from '../../../proxy/model/types.ts';

const REF = new URL('../../../fixtures/stats/prometheus-metric-names.txt', import.meta.url);
const refNames = (): string[] =>
  readFileSync(REF, 'latin1').split('\n').filter((l) => l.startsWith('process\t')).map((l) => l.split('\t')[1]!);

test('prometheus exports 2.6 metric names with proxy/server labels and honours ?scope=', () => {
  const src = goldenSource();
  const all = renderPrometheus(src, '');
  assert.match(all, /^# HELP haproxy_frontend_current_sessions /m);
  assert.match(all, /^haproxy_server_status\{proxy="bk",server="s3",state="MAINT"\} 1$/m);
  assert.match(all, /^haproxy_backend_http_responses_total\{proxy="bk",code="2xx"\} 0$/m);
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

test('a scrape of the 2.6 reference setup has the same series, order, labels and value shapes as HAProxy', () => {
  const dir = new URL('../../../fixtures/stats/prometheus/', import.meta.url);
  const cfg = loadConfig([new URL('haproxy.cfg', dir).pathname], buildRegistry());
  for (const px of cfg.proxies) if ((px.cap & PR_CAP_BE) !== 0) initBackendServers(px);
  assert.equal(cfg.alerts, 0, cfg.messages.map((m) => m.text).join('\n'));
  assert.notEqual(cfg.proxies.find((p) => p.name === 'fe_main')!.options & PR_O_SOCKET_STATS, 0);
  // the captured instance had `set maxconn server bk/s2 50` applied
  cfg.proxies.find((p) => p.name === 'bk')!.servers.find((s) => s.name === 's2')!.maxconn = 50;
  const src = { proxies: cfg.proxies, global: cfg.global, startMs: Date.now(), pid: 1, actconn: () => 0, idleConns: () => 0 };
  const lines = (t: string): string[] => t.split('\n').filter((l) => l !== '' && !l.startsWith('haproxy_process_build_info'));
  const shape = (l: string): string => {
    if (l.startsWith('#')) return l;
    const sp = l.lastIndexOf(' ');
    const v = l.slice(sp + 1);
    return l.slice(0, sp) + ' ' + (v === 'NaN' ? 'NaN' : v.includes('.') ? 'float' : 'int');
  };
  const ours = lines(renderPrometheus(src, '')).map(shape);
  const ref = lines(readFileSync(new URL('scrape.txt', dir), 'latin1')).map(shape);
  assert.equal(ours.length, ref.length);
  assert.deepEqual(ours, ref);
});

test('a backend without servers (a stats listen) has NaN downtime and no aggregate series, as 2.6', () => {
  const src = goldenSource();
  src.proxies[2]!.servers.length = 0;
  const body = renderPrometheus(src, 'scope=backend');
  assert.match(body, /^haproxy_backend_downtime_seconds_total\{proxy="ls_tcp"\} NaN$/m);
  assert.doesNotMatch(body, /haproxy_backend_agg_[a-z_]+\{proxy="ls_tcp"/);
  assert.match(body, /^haproxy_backend_agg_server_status\{proxy="bk",state="UP"\} 2$/m);
});
