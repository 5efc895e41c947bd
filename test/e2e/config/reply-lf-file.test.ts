/*
 * `http-request return` and `http-error` with `lf-file`: the file is a log-format string evaluated per request, `file`
 * is sent as is. Expected replies measured on haproxy 2.6.12 (the same configuration and requests).
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { startSluice, stopSluice, freePort, exchange } from '../proxy-util.ts';
import type { Runtime } from '../../../proxy/runtime.ts';
import { testDefaults } from './defaults.ts';

let rt: Runtime | null = null;
after(async () => { if (rt !== null) await stopSluice(rt); });

test('an lf-file reply body is evaluated per request, a file one is sent as is', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lf-file-'));
  const f = join(dir, 'body.txt');
  writeFileSync(f, 'path=%[path] q=%[query]\n');
  const port = await freePort();
  rt = await startSluice(`${testDefaults('http')}frontend fe
  bind 127.0.0.1:${port}
  http-request return status 200 content-type text/plain lf-file ${f} if { path_beg /a }
  http-request deny deny_status 503 if { path_beg /e }
  http-request return status 200 content-type text/plain file ${f}
  http-error status 503 content-type text/plain lf-file ${f}
`);
  const body = async (p: string): Promise<string> => {
    const r = await exchange(port, `GET ${p} HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n`);
    return r.slice(0, r.indexOf('\r\n')) + ' | ' + r.slice(r.indexOf('\r\n\r\n') + 4);
  };
  assert.equal(await body('/a/b?x=1'), 'HTTP/1.1 200 OK | path=/a/b q=x=1\n');
  assert.equal(await body('/z'), 'HTTP/1.1 200 OK | path=%[path] q=%[query]\n');
  assert.equal(await body('/e/f?y'), 'HTTP/1.1 503 Service Unavailable | path=/e/f q=y\n');
});
