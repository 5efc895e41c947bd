import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { Ingest, ingestFile, ingestFiles } from '../../collectors/ingest.ts';
import type { LogBatch } from '../../collectors/arrow/batcher.ts';
import type { LogSink } from '../../collectors/sinks/types.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-ingest-bulk-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

const LINE = 'Nov 23 20:18:12 lb1 haproxy[4174]: 10.0.0.1:1024 [23/Nov/2026:20:00:00.000] fe_http be_app/s0 0/0/0/0/0 200 160 - - ---- ' +
  '1/1/0/0/0 0/0 "GET /a HTTP/1.1"\n';

/** A sink whose writes take `ms` each (a busy DuckDB worker), recording each batch's rows. */
function slowSink(ms: number, sizes: number[]): LogSink<LogBatch> {
  return { name: 'slow', write: async (b) => { sizes.push(b.rows); await new Promise((r) => setTimeout(r, ms)); }, close: async () => undefined };
}

test('a file load sends full batches even when the sink is slower than flushMs; stdin-like streams keep the time flush', async () => {
  const file = path.join(dir, 'a.log');
  fs.writeFileSync(file, LINE.repeat(40000));
  const sizes: number[] = [];
  // Batches of 8000 rows (~1.4 MB, more than one read) queue behind 150 ms writes; the time flush would fire every 10 ms.
  const ing = new Ingest({ format: { kind: 'httplog' }, sinks: [slowSink(150, sizes)], batchRows: 8000, flushMs: 1, maxQueued: 4 });
  await ingestFile(file, ing);
  await ing.close();
  assert.equal(ing.counters.parsed, 40000);
  // The first batch leaves at 4096 rows (Ingest.bulk: the sinks start sooner), the others full.
  assert.deepEqual(sizes, [4096, 8000, 8000, 8000, 8000, 3904]);
  // Outside a bulk file load (rows arriving slower than flushMs), part-filled batches still leave on time.
  const live: number[] = [];
  const ing2 = new Ingest({ format: { kind: 'httplog' }, sinks: [slowSink(0, live)], batchRows: 100, flushMs: 20 });
  const line = Buffer.from(LINE.slice(0, -1));
  ing2.onMessage(line, 0, line.length, '', Date.now());
  const t0 = Date.now();
  while (live.length === 0 && Date.now() - t0 < 5000) await new Promise((r) => setTimeout(r, 10));
  await ing2.close();
  assert.deepEqual(live, [1]);
});

test('a load of regular files tells each batch about how many rows follow it (rowsAfter); streams and other loads do not', async () => {
  const a = path.join(dir, 'b.log');
  const b = path.join(dir, 'c.log');
  fs.writeFileSync(a, LINE.repeat(25000));
  fs.writeFileSync(b, LINE.repeat(15000));
  const seen: [number, number][] = [];
  const sink: LogSink<LogBatch> = { name: 'rec', write: (x) => { seen.push([x.rows, x.rowsAfter]); }, close: async () => undefined };
  const ing = new Ingest({ format: { kind: 'httplog' }, sinks: [sink], batchRows: 8000 });
  await ingestFiles([a, b], ing);
  await ing.close();
  assert.equal(seen.reduce((n, [rows]) => n + rows, 0), 40000);
  let written = 0;
  for (const [rows, rowsAfter] of seen) {
    written += rows;
    const exact = 40000 - written;
    // Batches the final flush sends carry no estimate (bulk(false) inserts everything anyway).
    if (rowsAfter >= 0) assert.ok(Math.abs(rowsAfter - exact) <= 8000 * 0.01 + 1000, 'rowsAfter ' + rowsAfter + ', exactly ' + exact);
  }
  assert.ok(seen.filter(([, r]) => r >= 0).length >= 3, JSON.stringify(seen));
  // A gzip file (size unknown once inflated) leaves it at -1.
  const gz = path.join(dir, 'd.log.gz');
  fs.writeFileSync(gz, zlib.gzipSync(LINE.repeat(20000)));
  seen.length = 0;
  const ing2 = new Ingest({ format: { kind: 'httplog' }, sinks: [sink], batchRows: 8000 });
  await ingestFiles([gz], ing2);
  await ing2.close();
  assert.ok(seen.length === 3 && seen.every(([, r]) => r === -1), JSON.stringify(seen));
});
