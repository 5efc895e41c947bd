/*
 * Per-path rate limits as the rate-limiting tutorials write them: the limit from a map (map_beg with a default), the
 * client's rate from `base32+src,table_http_req_rate()` (the frontend's own table) in a variable, compared with
 * `var(req.limit),sub(req.rate) lt 0`. Statuses checked against haproxy 2.6.12 running the same configuration
 * (fixtures/configs/real/rate-by-path.cfg) with curl: /upload (limit 2) 200 200 429 429, then /search (limit 5)
 * 200 x5 429 429, then an unlisted path (default 20) 200.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startSluice, stopSluice, freePort, headServer, exchange } from '../proxy-util.ts';
import type { Runtime } from '../../../proxy/runtime.ts';
import { testDefaults } from './defaults.ts';

let rt: Runtime | null = null;
let origin: { port: number; close(): void } | null = null;
after(async () => { if (rt !== null) await stopSluice(rt); origin?.close(); });

test('base32+src, table_http_req_rate() and sub(<variable>) rate-limit per path as 2.6.12', async () => {
  origin = await headServer((c) => c.write('HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok'));
  const port = await freePort();
  const map = join(import.meta.dirname, '../../../fixtures/configs/real/rate-limits.map');
  rt = await startSluice(`${testDefaults('http')}frontend api
    bind 127.0.0.1:${port}
    stick-table type binary len 20 size 50k expire 10s store http_req_rate(10s)
    http-request track-sc0 base32+src
    http-request set-var(req.limit) path,map_beg(${map},20)
    http-request set-var(req.rate) base32+src,table_http_req_rate()
    acl over_limit var(req.limit),sub(req.rate) lt 0
    http-request deny deny_status 429 if over_limit
    default_backend api_servers
backend api_servers
    server s1 127.0.0.1:${origin.port}
`);
  const codes: string[] = [];
  const get = async (path: string): Promise<void> => {
    const r = await exchange(port, `GET ${path} HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n`);
    codes.push(r.slice(9, 12));
  };
  for (let i = 0; i < 4; i++) await get('/upload');
  for (let i = 0; i < 7; i++) await get('/search');
  await get('/other');
  assert.deepEqual(codes.join(' '), '200 200 429 429 200 200 200 200 200 429 429 200');
});
