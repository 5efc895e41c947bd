/* Stream sinks for other tools: JSON lines (one object per row, with its table name) and an Arrow IPC stream of
 * one table (http_log unless the collector parses tcplog). Each writes to a file path or '-' (stdout), honouring
 * backpressure. Hot path: no (per batch; JSON builds one object per row, which is its job).
 */
import fs from 'node:fs';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import {
  Bool, Dictionary, Int32, Int64, RecordBatch, RecordBatchStreamWriter, Struct, TimestampMillisecond, Utf8, makeData,
  vectorFromArray,
} from 'apache-arrow';
import type { Data, DataType } from 'apache-arrow';
import { batchRow } from '../arrow/batcher.ts';
import type { LogBatch, LogDict, LogStrColumn } from '../arrow/batcher.ts';
import { arrowSchema } from '../arrow/arrow-schema.ts';
import { LOG_COLUMNS } from '../arrow/schema.ts';
import { CK_BOOL, CK_DICT, CK_I32, CK_I64, CK_TS, NULL_I32 } from '../arrow/types.ts';
import type { TableSpec } from '../arrow/types.ts';
import type { LogSink } from './types.ts';

/** A byte stream to a file or stdout whose errors surface on the next write. */
class Out {
  private error: Error | null = null;
  readonly stream: Writable;
  private readonly own: boolean;
  constructor(path: string) {
    this.own = path !== '-';
    this.stream = this.own ? fs.createWriteStream(path, { flags: 'a' }) : process.stdout;
    this.stream.on('error', (e) => { this.error = e; });
  }
  async write(chunk: string | Uint8Array): Promise<void> {
    if (this.error) throw this.error;
    if (!this.stream.write(chunk)) await Promise.race([once(this.stream, 'drain'), once(this.stream, 'error')]);
    if (this.error) throw this.error;
  }
  async close(): Promise<void> {
    if (!this.own) return;
    await new Promise<void>((r) => this.stream.end(() => r()));
    if (this.error) throw this.error;
  }
}

export class JsonLinesSink implements LogSink<LogBatch> {
  readonly name = 'json';
  private readonly out: Out;
  constructor(path: string) { this.out = new Out(path); }

  async write(b: LogBatch): Promise<void> {
    b.seal();
    const lines: string[] = [];
    for (let r = 0; r < b.rows; r++) {
      const o = batchRow(b, r);
      lines.push(JSON.stringify({ table: b.table.name, ...o }));
    }
    if (lines.length) await this.out.write(lines.join('\n') + '\n');
  }

  close(): Promise<void> { return this.out.close(); }
}

/** Validity bitmap (Arrow LSB order) from a predicate over n rows; null when every row is valid. */
function bitmap(n: number, isNull: (r: number) => boolean): { bits: Uint8Array | undefined; nulls: number } {
  const bits = new Uint8Array((n + 7) >> 3);
  let nulls = 0;
  for (let r = 0; r < n; r++) { if (isNull(r)) nulls++; else bits[r >> 3] |= 1 << (r & 7); }
  return { bits: nulls ? bits : undefined, nulls };
}

/** Converts one column of a sealed batch to Arrow Data. Buffers are copied: the writer queues them and serialises
 * later, by when the batcher has reset and refilled these typed arrays (a shared view read the next rows' values). */
function columnData(b: LogBatch, id: number, type: DataType): Data {
  const n = b.rows;
  const kind = LOG_COLUMNS[id].kind;
  if (kind === CK_I32) {
    const a = b.i32[id];
    const { bits, nulls } = bitmap(n, (r) => a[r] === NULL_I32);
    return makeData({ type: type as Int32, length: n, nullCount: nulls, nullBitmap: bits, data: a.slice(0, n) });
  }
  if (kind === CK_BOOL) {
    const a = b.i32[id];
    const { bits, nulls } = bitmap(n, (r) => a[r] === NULL_I32);
    const vals = new Uint8Array((n + 7) >> 3);
    for (let r = 0; r < n; r++) if (a[r] === 1) vals[r >> 3] |= 1 << (r & 7);
    return makeData({ type: type as Bool, length: n, nullCount: nulls, nullBitmap: bits, data: vals });
  }
  if (kind === CK_TS || kind === CK_I64) {
    const a = b.f64[id];
    const { bits, nulls } = bitmap(n, (r) => a[r] !== a[r]);
    const v = new BigInt64Array(n);
    for (let r = 0; r < n; r++) if (a[r] === a[r]) v[r] = BigInt(a[r]);
    return kind === CK_TS
      ? makeData({ type: type as TimestampMillisecond, length: n, nullCount: nulls, nullBitmap: bits, data: v as never })
      : makeData({ type: type as Int64, length: n, nullCount: nulls, nullBitmap: bits, data: v as never });
  }
  if (kind === CK_DICT) {
    const a = b.i32[id];
    const { bits, nulls } = bitmap(n, (r) => a[r] === 0);
    const dict = vectorFromArray((b.dicts.byColumn[id] as LogDict).values, new Utf8());
    return makeData({ type: type as Dictionary<Utf8, Int32>, length: n, nullCount: nulls, nullBitmap: bits, data: a.slice(0, n), dictionary: dict });
  }
  const s = b.str[id] as LogStrColumn;
  const { bits, nulls } = bitmap(n, (r) => s.valid[r] === 0);
  const offsets = new Int32Array(n + 1);
  offsets.set(s.end.subarray(0, n), 1);
  return makeData({ type: type as Utf8, length: n, nullCount: nulls, nullBitmap: bits, valueOffsets: offsets, data: new Uint8Array(s.data.subarray(0, s.pos)) });
}

/** Arrow RecordBatch copy of a sealed LogBatch. */
export function toArrowRecordBatch(b: LogBatch): RecordBatch {
  b.seal();
  const schema = arrowSchema(b.table);
  const children = b.table.columns.map((id, i) => columnData(b, id, schema.fields[i].type));
  return new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: b.rows, nullCount: 0, children }));
}

export class ArrowStreamSink implements LogSink<LogBatch> {
  readonly name = 'arrow';
  private readonly out: Out;
  private readonly writer = new RecordBatchStreamWriter();
  private pumping: Promise<void>;
  /** The output's write error (full disk, closed pipe): thrown by the next write() and by close(). */
  private error: Error | null = null;

  constructor(path: string, private readonly table: TableSpec) {
    this.out = new Out(path);
    // The schema goes out first: a run without rows of this table still makes a valid (empty) stream, not 0 bytes.
    this.writer.reset(undefined, arrowSchema(table));
    // Caught here: an unawaited rejection (ENOSPC) ended the process with a stack trace and nothing flushed.
    this.pumping = this.pump().catch((e: Error) => { this.error = e; });
  }

  private async pump(): Promise<void> {
    for await (const chunk of this.writer) await this.out.write(chunk);
  }

  write(b: LogBatch): void {
    if (this.error) throw this.error;
    if (b.table.name !== this.table.name || b.rows === 0) return;
    this.writer.write(toArrowRecordBatch(b));
  }

  async close(): Promise<void> {
    if (!this.error) {
      this.writer.finish();
      this.writer.close();
      await this.pumping;
    }
    if (this.error) throw this.error;
    await this.out.close();
  }
}
