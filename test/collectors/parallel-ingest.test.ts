// Parallel file reads (collectors/parallel-ingest.ts through ingestFiles): the same rows and counters as reading on
// one thread, whatever the ranges cut, for every kind of line; a missing file is an error naming it.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LogDicts } from '../../collectors/arrow/batcher.ts';
import { CLF_LOG_FORMAT, compileLogFormat } from '../../collectors/httplog/custom-format.ts';
import type { CompiledLogFormat } from '../../collectors/httplog/custom-format.ts';
import { Ingest, ingestFiles } from '../../collectors/ingest.ts';
import type { IngestFormat, ReadOptions } from '../../collectors/ingest.ts';
import { ThreadedSink } from '../../collectors/sinks/threaded.ts';
import { query } from './duckdb-query.ts';

const FIX = new URL('../../fixtures/collectors/haproxy-2.6/', import.meta.url);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-parallel-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A file of every kind of line: httplog/tcplog/CLF in several syslog framings, junk, binary, bad UTF-8, a huge line. */
function mixedFile(name: string, copies: number, finalNewline: boolean): string {
  const parts: Buffer[] = [];
  const kinds = ['http.rfc3164', 'http.raw', 'http.rfc5424', 'tcp.rfc3164', 'tcp.iso', 'clf.local', 'custom1.raw'];
  for (let i = 0; i < copies; i++) {
    for (const k of kinds) parts.push(fs.readFileSync(new URL(k + '.log', FIX)));
    parts.push(Buffer.from('not a log line ' + i + '\n\n'));
    parts.push(Buffer.from([0x3c, 0x31, 0x33, 0x34, 0x3e, 0x00, 0x01, 0x02, 0x0a]));   // binary
    parts.push(Buffer.from('Nov 23 20:18:12 lb1 haproxy[1]: 10.0.0.1:1 [23/Nov/2026:20:18:12.197] f\xff b/s 0/0/0/4/4 200 1 - - ---- 1/1/0/0/0 0/0 "GET /\xfe HTTP/1.1"\n', 'latin1'));
    if (i === 1) parts.push(Buffer.from('x'.repeat(9000) + '\n'));   // longer than a range
  }
  parts.push(Buffer.from('Nov 23 20:18:12 lb1 haproxy[1]: 10.0.0.9:9 [23/Nov/2026:20:18:12.197] fe be/s 0/0/0/4/4 200 1 - - ---- 1/1/0/0/0 0/0 "GET /last HTTP/1.1"' + (finalNewline ? '\n' : '')));
  const f = path.join(dir, name);
  fs.writeFileSync(f, Buffer.concat(parts));
  return f;
}

async function load(files: string[], db: string, format: IngestFormat, opts: ReadOptions): Promise<Ingest> {
  const dicts = new LogDicts();
  const sink = await ThreadedSink.open('duckdb', db, dicts);
  const ing = new Ingest({ format, sinks: [sink], dicts, batchRows: 64, onFatal: (e) => { throw e; } });
  await ingestFiles(files, ing, opts);
  await ing.close();
  return ing;
}

const tables = async (db: string): Promise<Record<string, unknown>[][]> => [
  await query(db, 'SELECT * FROM http_log ORDER BY ALL'),
  await query(db, 'SELECT * FROM tcp_log ORDER BY ALL'),
  await query(db, 'SELECT * EXCLUDE (received) FROM raw_log ORDER BY ALL'),
];

test('parallel reads give the same rows and counters as one thread, for small and odd range sizes', async () => {
  const clf = (compileLogFormat(CLF_LOG_FORMAT) as CompiledLogFormat).parse;
  const a = mixedFile('a.log', 12, true);
  const b = mixedFile('b.log', 3, false);
  const format: IngestFormat = { kind: 'auto', clf };
  const seq = await load([a, b], path.join(dir, 'seq.duckdb'), format, { workers: 0 });
  const want = await tables(path.join(dir, 'seq.duckdb'));
  assert.ok(want[0].length > 200 && want[1].length > 50 && want[2].length > 40, 'every table has rows');
  for (const [i, chunkBytes] of [1, 4096, 777].entries()) {
    const db = path.join(dir, 'par' + i + '.duckdb');
    const par = await load([a, b], db, format, { workers: 2, parallelMinBytes: 0, chunkBytes });
    assert.deepEqual(await tables(db), want, 'chunkBytes ' + chunkBytes);
    for (const k of ['received', 'receivedBytes', 'parsed', 'rowsWritten', 'droppedQueue'] as const) assert.equal(par.counters[k], seq.counters[k], k);
    assert.deepEqual(Array.from(par.counters.unparsed), Array.from(seq.counters.unparsed));
  }
});

test('a custom log-format is rebuilt in the workers; a missing file is an error naming it', async () => {
  const c = compileLogFormat(CLF_LOG_FORMAT) as CompiledLogFormat;
  const f = mixedFile('c.log', 2, true);
  const format: IngestFormat = { kind: 'custom', parse: c.parse, table: c.table };
  await load([f], path.join(dir, 'cseq.duckdb'), format, { workers: 0 });
  await load([f], path.join(dir, 'cpar.duckdb'), format, { workers: 2, parallelMinBytes: 0, chunkBytes: 2000 });
  assert.deepEqual(await tables(path.join(dir, 'cpar.duckdb')), await tables(path.join(dir, 'cseq.duckdb')));
  const dicts = new LogDicts();
  const sink = await ThreadedSink.open('duckdb', path.join(dir, 'missing.duckdb'), dicts);
  const ing = new Ingest({ format, sinks: [sink], dicts });
  const gone = path.join(dir, 'gone.log');
  await assert.rejects(ingestFiles([f, gone], ing, { workers: 2, parallelMinBytes: 0 }), /gone\.log/);
  await ing.close();
});

test('a CRLF file whose last line has no LF loses that CR in parse workers too', async () => {
  const f = path.join(dir, 'crlf.log');
  fs.writeFileSync(f, 'junk one\r\njunk two\r\njunk three\r');
  await load([f], path.join(dir, 'crlf-seq.duckdb'), { kind: 'auto' }, { workers: 0 });
  await load([f], path.join(dir, 'crlf-par.duckdb'), { kind: 'auto' }, { workers: 2, parallelMinBytes: 0, chunkBytes: 12 });
  const want = await tables(path.join(dir, 'crlf-seq.duckdb'));
  assert.deepEqual(want[2].map((r) => r.message), ['junk one', 'junk three', 'junk two']);
  assert.deepEqual(await tables(path.join(dir, 'crlf-par.duckdb')), want);
});
