// sluice-collect receives a paced UDP stream (10,000 httplog datagrams/s for 2 s, each with its sequence number in
// the URI) and writes DuckDB: every sequence number is there exactly once and every drop counter stays 0.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { killAll, query, startCollector, stop } from './helpers.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-collect-rate-'));
after(() => { killAll(); fs.rmSync(dir, { recursive: true, force: true }); });

const RATE = 10000;
const SECONDS = 2;

function line(seq: number): Buffer {
  return Buffer.from('<134>Nov 23 20:18:12 lb1 haproxy[4174]: 10.0.' + ((seq >> 8) & 255) + '.' + (seq & 255) + ':' + (1024 + (seq % 60000)) +
    ' [23/Nov/2026:20:18:12.197] fe_http be_app/s' + (seq % 4) + ' 0/0/0/4/4 200 160 - - ---- 1/1/0/0/0 0/0 "GET /item?seq=' + seq +
    ' HTTP/1.1"\n', 'latin1');
}

/** Sends `total` datagrams at `rate` per second in 5 ms bursts; resolves when every send has completed. */
function sendPaced(port: number, rate: number, total: number): Promise<number> {
  const sock = dgram.createSocket('udp4');
  let sent = 0;
  let done = 0;
  let errors = 0;
  const t0 = performance.now();
  return new Promise((resolve) => {
    const onSent = (e: Error | null): void => {
      if (e) errors++;
      if (++done === total) { sock.close(); resolve(errors); }
    };
    const tick = (): void => {
      const due = Math.min(total, Math.floor(((performance.now() - t0) / 1000) * rate));
      while (sent < due) sock.send(line(sent++), port, '127.0.0.1', onSent);
      if (sent < total) setTimeout(tick, 5);
    };
    tick();
  });
}

test('a paced UDP stream lands in DuckDB complete: every sequence number once, no drop counted', { timeout: 60000 }, async () => {
  const db = path.join(dir, 'rate.duckdb');
  const c = await startCollector(['--listen', 'udp://127.0.0.1:0', '--duckdb', db, '--flush-ms', '200', '--stats', '60']);
  const port = Number(/listening on udp:\/\/127\.0\.0\.1:(\d+)/.exec(c.stderr())![1]);
  const total = RATE * SECONDS;
  assert.equal(await sendPaced(port, RATE, total), 0);
  assert.equal(await stop(c.p, 'SIGTERM'), 0);
  const err = c.stderr();
  assert.match(err, new RegExp('received=' + total + ' parsed=' + total + ' '));
  assert.match(err, / dropped_socket=0 dropped_ring=0 dropped_queue=0 rows_written=20000 /);
  const [r] = await query(db, "SELECT count(*)::INTEGER AS n, count(DISTINCT regexp_extract(uri, 'seq=(\\d+)', 1))::INTEGER AS d, " +
    "min(regexp_extract(uri, 'seq=(\\d+)', 1)::INTEGER) AS lo, max(regexp_extract(uri, 'seq=(\\d+)', 1)::INTEGER) AS hi FROM http_log");
  assert.deepEqual(r, { n: total, d: total, lo: 0, hi: total - 1 });
});
