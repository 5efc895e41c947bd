// sluice-collect --read of real HAProxy 2.6.12 `option httpslog` lines (fixtures/collectors/httpslog) into DuckDB,
// once as written and once with CRLF line endings and empty CRLF lines: rows per table and their columns.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { ROOT, killAll, procs } from './helpers.ts';
import { query } from '../../collectors/duckdb-query.ts';

const FIX = path.join(ROOT, 'fixtures/collectors/httpslog/httpslog.raw.log');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-collect-httpslog-'));
after(() => { killAll(); fs.rmSync(dir, { recursive: true, force: true }); });

async function collect(input: string, db: string): Promise<void> {
  const p = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'collectors/main.ts'), '--read', input, '--duckdb', db],
    { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
  procs.add(p);
  let err = '';
  p.stderr.on('data', (d) => { err += d; });
  const t = setTimeout(() => p.kill('SIGKILL'), 50000);
  const [code] = await once(p, 'exit');
  clearTimeout(t);
  procs.delete(p);
  assert.equal(code, 0, err);
}

for (const crlf of [false, true]) {
  test('httpslog fixture through --read into DuckDB' + (crlf ? ', CRLF lines and empty CRLF lines' : ''), { timeout: 60000 }, async () => {
    let input = FIX;
    if (crlf) {
      const lines = fs.readFileSync(FIX, 'latin1').split('\n').filter((l) => l !== '');
      lines.splice(3, 0, '', '');                              // empty lines: '\r\n' each
      input = path.join(dir, 'crlf.log');
      fs.writeFileSync(input, lines.join('\r\n') + '\r\n\n', 'latin1');
    }
    const db = path.join(dir, (crlf ? 'crlf' : 'lf') + '.duckdb');
    await collect(input, db);
    const n = await query(db, 'SELECT (SELECT count(*) FROM http_log)::INTEGER AS h, (SELECT count(*) FROM tcp_log)::INTEGER AS t, ' +
      '(SELECT count(*) FROM raw_log)::INTEGER AS r');
    assert.deepEqual(n, [{ h: 9, t: 1, r: 1 }]);
    const rows = await query(db, "SELECT frontend, transport, status, method, uri, http_version, json_extract_string(extra, '$.ssl_fc_sni') AS sni, " +
      "json_extract_string(extra, '$.sslv') AS sslv, json_extract_string(extra, '$.\"ssl_fc_err,hex\"') AS fe FROM http_log ORDER BY ts");
    assert.deepEqual(rows, [
      { frontend: 'fs', transport: null, status: 200, method: 'GET', uri: '/a?b=1', http_version: 'HTTP/1.1', sni: '-', sslv: '-', fe: '-' },
      { frontend: 'fh', transport: null, status: 200, method: 'GET', uri: '/z', http_version: 'HTTP/1.1', sni: null, sslv: null, fe: null },
      { frontend: 'fs', transport: null, status: 200, method: 'GET', uri: '/h10', http_version: 'HTTP/1.0', sni: '-', sslv: '-', fe: '-' },
      { frontend: 'fs', transport: null, status: 400, method: null, uri: '<BADREQ>', http_version: null, sni: '-', sslv: '-', fe: '-' },
      { frontend: 'fs', transport: '~', status: 200, method: 'GET', uri: 'https://127.0.0.1:28784/ok/1', http_version: 'HTTP/2.0', sni: '-', sslv: 'TLSv1.3', fe: '0000000000000000' },
      { frontend: 'fs', transport: '~', status: 200, method: 'GET', uri: 'https://localhost:28784/ok/h2?x=1', http_version: 'HTTP/2.0', sni: 'localhost', sslv: 'TLSv1.3', fe: '0000000000000000' },
      { frontend: 'fs', transport: '~', status: 503, method: 'GET', uri: 'https://127.0.0.1:28784/down', http_version: 'HTTP/2.0', sni: '-', sslv: 'TLSv1.3', fe: '0000000000000000' },
      { frontend: 'fs', transport: '~', status: 200, method: 'GET', uri: '/ok/10', http_version: 'HTTP/1.0', sni: '-', sslv: 'TLSv1.3', fe: '0000000000000000' },
      { frontend: 'fs', transport: '~', status: 400, method: null, uri: '<BADREQ>', http_version: null, sni: '127.0.0.1', sslv: 'TLSv1.3', fe: '0000000000000000' },
    ]);
    const raw = await query(db, 'SELECT reason, message FROM raw_log');
    assert.equal(raw.length, 1);
    assert.equal(raw[0].reason, 'unknown_format');
    assert.match(raw[0].message as string, /^127\.0\.0\.1:55308 .* SSL handshake failure\r?$/);
  });
}
