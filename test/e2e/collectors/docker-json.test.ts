// sluice-collect --read on the files operators have besides plain syslog: docker json-file logs (HAProxy logging to
// stdout in a container: JSON escapes, UTF-8, a line cut into two objects past 16 KiB, gzip) give the rows of the plain
// lines, a line that is not a json-file object goes to raw_log; and real rsyslog 8 files in its three file formats
// give the same rows, none in raw_log.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { once } from 'node:events';
import { ROOT, killAll, procs } from './helpers.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-collect-docker-'));
after(() => { killAll(); fs.rmSync(dir, { recursive: true, force: true }); });

async function collectJson(files: string[]): Promise<Record<string, unknown>[]> {
  const p = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'collectors/main.ts'),
    ...files.flatMap((f) => ['--read', f]), '--json', '-'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  procs.add(p);
  let out = '', err = '';
  p.stdout!.on('data', (d) => { out += d; });
  p.stderr!.on('data', (d) => { err += d; });
  const timer = setTimeout(() => p.kill('SIGKILL'), 30000);
  const [code] = await once(p, 'exit');
  clearTimeout(timer);
  procs.delete(p);
  assert.equal(code, 0, err);
  return out.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
}

test('docker json-file logs give the rows of the plain lines', { timeout: 60000 }, async () => {
  const plain = fs.readFileSync(path.join(ROOT, 'fixtures/collectors/haproxy-2.6/http.raw.log'), 'utf8').split('\n').filter(Boolean);
  plain.push(plain[0].replace(/"GET \/[^ ]*/, '"GET /\u20ac/' + 'x'.repeat(20000)));
  const time = '2026-11-24T09:00:00.123456789Z';
  const docker: string[] = [];
  for (const l of plain) {
    const cut = l.length > 16384 ? [l.slice(0, 16384), l.slice(16384) + '\n'] : [l + '\n'];
    for (const part of cut) docker.push(JSON.stringify({ log: part, stream: 'stdout', time }));
  }
  assert.equal(docker.length, plain.length + 1);
  const plainFile = path.join(dir, 'plain.log'), dockerFile = path.join(dir, 'c-json.log'), gzFile = path.join(dir, 'c-json.log.1.gz');
  fs.writeFileSync(plainFile, plain.join('\n') + '\n');
  fs.writeFileSync(dockerFile, docker.join('\n') + '\nnot json at all\n');
  fs.writeFileSync(gzFile, zlib.gzipSync(docker.join('\n') + '\n'));

  const rows = await collectJson([dockerFile, plainFile, gzFile]);
  const http = rows.filter((r) => r.table === 'http_log');
  const n = http.length / 3;
  assert.ok(Number.isInteger(n) && n >= plain.length - 2, `${http.length} http rows`);
  assert.deepEqual(http.slice(0, n), http.slice(n, 2 * n), 'docker file = plain file');
  assert.deepEqual(http.slice(2 * n), http.slice(n, 2 * n), 'gzipped docker file = plain file');
  assert.ok(http.some((r) => String(r.uri).startsWith('/\u20ac/xxx') && String(r.uri).length === 20003), 'the line cut in two objects');
  const raw = rows.filter((r) => r.table === 'raw_log').map((r) => r.message);
  assert.equal(raw.filter((m) => m === 'not json at all').length, 1);
  assert.equal(raw.filter((m) => String(m).startsWith('{')).length, 0);
});

test('rsyslog FileFormat, TraditionalFileFormat and SyslogProtocol23Format files give the same rows', { timeout: 60000 }, async () => {
  const fix = path.join(ROOT, 'fixtures/collectors/rsyslog');
  const n = fs.readFileSync(path.join(fix, 'trad.log'), 'latin1').split('\n').filter(Boolean).length;
  const rows = await collectJson(['file.log', 'trad.log', 'p23.log'].map((f) => path.join(fix, f)));
  assert.deepEqual(rows.filter((r) => r.table === 'raw_log'), []);
  assert.equal(rows.length, 3 * n);
  const strip = (r: Record<string, unknown>): Record<string, unknown> => {
    const { log_ts: _t, facility: _f, severity: _s, ...rest } = r;
    return rest;
  };
  /* each line's row, without the envelope's stamp and priority (not in every format), once per file */
  const seen = new Map<string, number>();
  for (const r of rows) seen.set(JSON.stringify(strip(r)), (seen.get(JSON.stringify(strip(r))) ?? 0) + 1);
  assert.deepEqual([...new Set(seen.values())], [3]);
  assert.equal(seen.size, n);
  assert.deepEqual(new Set(rows.map((r) => `${r.host} ${r.program} ${r.pid}`)), new Set(['localhost haproxy 23020']));
  assert.ok(rows.some((r) => r.table === 'tcp_log') && rows.filter((r) => r.table === 'http_log').length >= 3 * 16);
});

test('docker json-file parts that never end a line go on as oversized raw_log rows, then lines parse again', { timeout: 60000 }, async () => {
  const line = fs.readFileSync(path.join(ROOT, 'fixtures/collectors/haproxy-2.6/http.raw.log'), 'utf8').split('\n')[0];
  const parts: string[] = [];
  for (let i = 0; i < 2000; i++) parts.push(JSON.stringify({ log: 'x'.repeat(100), stream: 'stdout', time: 't' }));
  parts.push(JSON.stringify({ log: '\n', stream: 'stdout', time: 't' }), JSON.stringify({ log: line + '\n', stream: 'stdout', time: 't' }));
  const f = path.join(dir, 'endless-json.log');
  fs.writeFileSync(f, parts.join('\n') + '\n');
  const rows = await collectJson([f]);
  const raw = rows.filter((r) => r.table === 'raw_log');
  assert.equal(raw.length, 4, '200,000 bytes without a line end: 3 whole 65,535-byte rows and the rest');
  assert.ok(raw.slice(0, 3).every((r) => r.reason === 'oversized'), JSON.stringify(raw.map((r) => r.reason)));
  assert.equal(rows.filter((r) => r.table === 'http_log').length, 1);
});
