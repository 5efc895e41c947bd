/*
 * The haproxytech kubernetes-ingress routing: host and path in variables, 'var(txn.host_match),concat(,txn.path,),
 * map_beg(<map>)' then 'use_backend %[var(txn.path_match),field(1,.)]'. concat(<start>,<var>,<end>) appends the
 * start, the variable's value and the end after the sample, as 2.6.12 (sluice put the start first and ignored the
 * variable, so every request went to the default backend). Answers checked against haproxy 2.6.12 with curl.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { startSluice, stopSluice, freePort, exchange } from '../proxy-util.ts';
import type { Runtime } from '../../../proxy/runtime.ts';
import { testDefaults } from './defaults.ts';

const dir = mkdtempSync(join(tmpdir(), 'sluice-ingress-'));
let rt: Runtime | null = null;
after(async () => { if (rt !== null) await stopSluice(rt); rmSync(dir, { recursive: true, force: true }); });

test('concat(<start>,<var>,<end>) and map_beg route by host and path prefix as the ingress controller writes it', async () => {
  writeFileSync(join(dir, 'host.map'), 'app.example.com app.example.com\n');
  writeFileSync(join(dir, 'path-prefix.map'), 'app.example.com/api default_api_http.\n');
  const port = await freePort();
  rt = await startSluice(`${testDefaults('http')}frontend http
  bind 127.0.0.1:${port}
  http-request set-var(txn.path) path
  http-request set-var(txn.host) req.hdr(Host),field(1,:),lower
  http-request set-var(txn.host_match) var(txn.host),map(${dir}/host.map)
  http-request set-var(txn.path_match) var(txn.host_match),concat(,txn.path,),map_beg(${dir}/path-prefix.map)
  http-request return status 200 content-type text/plain lf-string "[%[str(a),concat(b,txn.path,c)]] [%[str(a),concat(x)]] [%[str(a),concat(,,y)]] [%[str(a),concat(,txn.none,)]]" if { path /concat }
  use_backend %[var(txn.path_match),field(1,.)]
  default_backend fallback
backend default_api_http
  http-request return status 200 content-type text/plain string api
backend fallback
  http-request return status 200 content-type text/plain string fallback
`);
  const body = async (host: string, path: string): Promise<string> => {
    const r = await exchange(port, `GET ${path} HTTP/1.1\r\nhost: ${host}\r\nconnection: close\r\n\r\n`);
    return r.slice(r.indexOf('\r\n\r\n') + 4);
  };
  assert.equal(await body('app.example.com:8080', '/api/x'), 'api');
  assert.equal(await body('APP.example.com', '/api'), 'api');
  assert.equal(await body('app.example.com', '/'), 'fallback');
  assert.equal(await body('www.app.example.com', '/api/x'), 'fallback');
  assert.equal(await body('x', '/concat'), '[ab/concatc] [ax] [ay] [a]');
});
