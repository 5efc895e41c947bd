// sluice-collect as a command: TCP (octet counting) and unix stream listeners, JSON lines + Parquet outputs,
// Prometheus metrics, SIGUSR1 counters, clean SIGTERM flush, and loud failures for bad flags and unwritable paths.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { ROOT, killAll, procs, waitFor } from './helpers.ts';

const FIX = path.join(ROOT, 'fixtures/collectors/haproxy-2.6/');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-collect-cli-'));
after(() => { killAll(); fs.rmSync(dir, { recursive: true, force: true }); });

function start(args: string[]): { p: ChildProcess; err: () => string; exited: Promise<[number | null, string | null]> } {
  const p = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'collectors/main.ts'), ...args], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
  procs.add(p);
  let err = '';
  p.stderr!.on('data', (d) => { err += d; });
  const exited = once(p, 'exit') as Promise<[number | null, string | null]>;
  void exited.then(() => procs.delete(p));
  return { p, err: () => err, exited };
}

test('TCP and unix listeners, JSON and Parquet outputs, metrics, SIGUSR1 and SIGTERM', { timeout: 60000 }, async () => {
  const sock = path.join(dir, 'collect.sock');
  const json = path.join(dir, 'rows.json');
  const pq = path.join(dir, 'pq');
  const c = start(['--listen', 'tcp://127.0.0.1:0', '--listen', 'unix://' + sock, '--json', json, '--parquet', pq,
    '--metrics', '127.0.0.1:0', '--flush-ms', '100']);
  await waitFor(() => /ready/.test(c.err()), 'ready');
  const tcpPort = Number(/listening on tcp:\/\/127\.0\.0\.1:(\d+)/.exec(c.err())![1]);
  const metricsPort = Number(/metrics on http:\/\/127\.0\.0\.1:(\d+)\/metrics/.exec(c.err())![1]);
  const http5424 = fs.readFileSync(FIX + 'http.rfc5424.log', 'latin1').split('\n').filter(Boolean);
  const tcpLines = fs.readFileSync(FIX + 'tcp.rfc3164.log', 'latin1').split('\n').filter(Boolean);
  const send = async (o: net.NetConnectOpts, data: string): Promise<void> => {
    const s = net.connect(o);
    await once(s, 'connect');
    s.end(data);
    await once(s, 'close');
  };
  await send({ host: '127.0.0.1', port: tcpPort }, http5424.map((l) => Buffer.byteLength(l) + ' ' + l).join(''));
  await send({ path: sock }, tcpLines.join('\n') + '\nnot a haproxy line\n');
  const metrics = async (query = ''): Promise<string> => new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port: metricsPort, path: '/metrics' + query }, (res) => {
      let b = '';
      res.on('data', (d) => { b += d; });
      res.on('end', () => resolve(b));
    }).on('error', reject);
  });
  let m = '';
  await waitFor(() => /sluice_collect_rows_written_total 17\b/.test(m) || (void metrics().then((x) => { m = x; }), false), 'rows written', 10000);
  assert.match(m, /sluice_collect_received_total 17\b/);
  assert.match(m, /sluice_collect_parsed_total 16\b/);
  assert.match(m, /sluice_collect_unparsed_total\{reason="unknown_format"\} 1\b/);
  assert.match(m, /# TYPE sluice_collect_dropped_total counter/);
  assert.match(await metrics('?module=x'), /sluice_collect_received_total 17\b/);   // scrapers' params (was a 404)
  c.p.kill('SIGUSR1');
  await waitFor(() => /received=17 parsed=16 unparsed=1 \(unknown_format=1\)/.test(c.err()), 'SIGUSR1 summary');
  c.p.kill('SIGTERM');
  const [code] = await c.exited;
  assert.equal(code, 0);
  const rows = fs.readFileSync(json, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(rows.filter((r) => r.table === 'http_log').length, 12);
  assert.equal(rows.filter((r) => r.table === 'tcp_log').length, 4);
  const raw = rows.filter((r) => r.table === 'raw_log');
  assert.deepEqual(raw.map((r) => [r.reason, r.message, r.peer]), [['unknown_format', 'not a haproxy line', 'unix:' + sock]]);
  assert.ok(fs.readdirSync(path.join(pq, 'http_log', 'date=2026-11-23', 'hour=20')).length >= 1);
  assert.ok(fs.readdirSync(path.join(pq, 'tcp_log', 'date=2026-11-23', 'hour=20')).length >= 1);
});

// 13 collector starts through tsx one after the other: each took up to 10 s at load ~24 (60 s timed out in CI there)
test('bad flags and unwritable outputs fail loudly with a non-zero exit', { timeout: 180_000 }, async () => {
  const notDir = path.join(dir, 'regular-file');
  fs.writeFileSync(notDir, 'x');
  const busy = net.createServer().listen(0, '127.0.0.1');
  await once(busy, 'listening');
  after(() => busy.close());
  const busyPort = (busy.address() as net.AddressInfo).port;
  const cases: [string[], number, RegExp][] = [
    [['--listen', 'udp://127.0.0.1:0'], 2, /no output/],
    [['--json', '-', '--log-format', '%ci %bogus'], 2, /--log-format: no such format variable 'bogus'/],
    [['--json', '-', '--listen', 'http://x:1'], 1, /expected udp:\/\/host:port/],
    [['--json', '-', '--listen', 'unix-dgram://rel.sock'], 1, /a unix socket needs an absolute path/],
    [['--json', '-', '--recv-rt', '100'], 1, /argument '100' is invalid\. not a SCHED_FIFO priority/],
    [['--json', '-', '--recv-nice', '-30'], 1, /argument '-30' is invalid\. not a nice value/],
    [['--json', '-', '--batch-rows', '0'], 1, /argument '0' is invalid\. not a positive integer/],
    [['--duckdb', '/proc/sluice-no/db.duckdb', '--listen', 'udp://127.0.0.1:0'], 1, /cannot open output/],
    [['--parquet', path.join(notDir, 'pq'), '--listen', 'udp://127.0.0.1:0'], 1, /cannot open output: .*ENOTDIR/],
    [['--json', path.join(notDir, 'x.json'), '--read', path.join(FIX, 'http.raw.log')], 1, /FATAL: writing failed, ingestion stopped: .*ENOTDIR/],
    // These printed a stack trace (--read, --metrics port) or hung without signal handlers (--metrics address in use).
    [['--json', '-', '--read', path.join(dir, 'absent.log')], 1, /^sluice-collect: --read '.*absent\.log': ENOENT: no such file or directory\n$/],
    [['--json', '-', '--read', path.join(FIX, 'http.raw.log'), '--metrics', '127.0.0.1:99999'], 2, /^sluice-collect: --metrics '127\.0\.0\.1:99999': port out of range\n$/],
    [['--json', '/dev/null', '--listen', 'udp://127.0.0.1:0', '--metrics', '127.0.0.1:' + busyPort], 1, /--metrics '127\.0\.0\.1:\d+': listen EADDRINUSE/],
  ];
  for (const [args, want, re] of cases) {
    const c = start(args);
    const [code] = await c.exited;
    assert.equal(code, want, args.join(' ') + ': ' + c.err());
    assert.match(c.err(), re);
  }
});

test('--parquet on a disk that fills up: exit 1 with the error, and no cut Parquet file left behind', { timeout: 60000 }, async () => {
  // RLIMIT_FSIZE stands in for a full disk (EFBIG, SIGXFSZ ignored): DuckDB's COPY fails part-way through the file.
  // The cut file used to stay in the partition, and one unreadable file fails every read_parquet() of the tree.
  const line = fs.readFileSync(path.join(FIX, 'http.raw.log'), 'utf8').split('\n')[0];
  const lines: string[] = [];
  for (let i = 0; i < 20000; i++) lines.push(line.replace('GET / ', 'GET /' + createHash('md5').update(String(i)).digest('hex') + ' '));
  const input = path.join(dir, 'varied.log');
  fs.writeFileSync(input, lines.join('\n') + '\n');
  const out = path.join(dir, 'pq-full');
  const p = spawn('sh', ['-c', "trap '' XFSZ; ulimit -f 400; exec \"$0\" --import tsx collectors/main.ts --read \"$1\" --parquet \"$2\" --batch-rows 500",
    process.execPath, input, out], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
  procs.add(p);
  let err = '';
  p.stderr.on('data', (d) => { err += d; });
  const [code] = await once(p, 'exit');
  procs.delete(p);
  assert.equal(code, 1, err);
  assert.match(err, /Could not write file .*part_.*\.parquet.*File too large/);
  const files = (fs.readdirSync(out, { recursive: true }) as string[]).filter((f) => f.endsWith('.parquet'));
  assert.deepEqual(files, []);
});

test('IPv6 TCP listener, NUL and cut frames, and `--arrow -` piped into apache-arrow\'s RecordBatchReader', { timeout: 60000 }, async () => {
  const { RecordBatchReader } = await import('apache-arrow');
  const p = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'collectors/main.ts'), '--listen', 'tcp://[::1]:0',
    '--arrow', '-', '--batch-rows', '4', '--flush-ms', '100', '--stats'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  procs.add(p);
  let err = '';
  p.stderr.on('data', (d) => { err += d; });
  const batches = (async () => {
    const rows: [number, string, number, string][] = [];
    for await (const b of await RecordBatchReader.from(p.stdout)) {
      for (let i = 0; i < b.numRows; i++) {
        const r = b.get(i)!;
        rows.push([r.status as number, r.frontend as string, r.client_port as number, r.uri as string]);
      }
    }
    return rows;
  })();
  await waitFor(() => /ready/.test(err), 'ready');
  const port = Number(/listening on tcp:\/\/\[::1\]:(\d+)/.exec(err)![1]);
  const http5424 = fs.readFileSync(FIX + 'http.rfc5424.log', 'latin1').split('\n').filter(Boolean);
  const s = net.connect({ host: '::1', port });
  await once(s, 'connect');
  // 10 NUL-terminated messages, then an octet-counted frame the close cuts short
  s.end(http5424.slice(0, 10).join('\0') + '\0' + '999 ' + http5424[10]);
  await once(s, 'close');
  await new Promise((r) => setTimeout(r, 300));
  p.kill('SIGTERM');
  const [code] = await once(p, 'exit');
  procs.delete(p);
  assert.equal(code, 0, err);
  const rows = await batches;
  assert.equal(rows.length, 10);
  assert.deepEqual(rows[0], [200, 'fe_http', 55134, '/']);
  assert.deepEqual(rows[1], [404, 'fe_http', 55148, '/status/404']);
  assert.deepEqual(rows[9], [500, 'fe_http', 55200, '/status/500']);
  assert.match(err, /received=11 parsed=10 unparsed=1 \(truncated=1\)/);
});
