/* Record batches as typed-array columns, filled in place by the parsers (no object per row), plus the Batcher that
 * rotates them by row count and time and hands full batches to the sinks in order.
 * LogDict: byte-keyed interning of low-cardinality strings (one string created per distinct value, ever).
 * LogStrColumn: a growable byte arena + end offsets, i.e. Arrow's Utf8 layout, filled with Buffer.copy.
 * Hot path: yes (LogDict.intern, LogStrColumn.set, LogBatch.commitRow run per line); Batcher.flush is per batch.
 */
import {
  CK_BOOL, CK_DICT, CK_I32, CK_I64, CK_STR, CK_TS, COL_COUNT, COL_URI, HEADERS_DICT_MAX, NULL_I32,
} from './types.ts';
import type { LogRowWriter, TableSpec } from './types.ts';
import { DICT_STAGED, LOG_COLUMNS } from './schema.ts';
import { viewOf } from '../byte-words.ts';
import { sharedBytes, sharedF64, sharedI32, sharedU8 } from './shared-mem.ts';

/** Interns byte strings to stable ids (id 0 = null); ids never change, so one dictionary serves every batch. */
export class LogDict {
  values: string[] = [''];        // values[id]; [0] is the null slot
  /** keys[id] = the UTF-8 bytes of values[id]. */
  readonly keys: Buffer[] = [Buffer.alloc(0)];
  private hashes: number[] = [0];
  private table = new Int32Array(256);   // open addressing: id, 0 = empty
  private mask = 255;
  /**
   * Ids returned lately, direct-mapped by length, first and last byte: log lines mostly repeat a frontend, host,
   * method, or rotate over a few servers (s1..s8 take 8 slots), and comparing a few bytes costs less than hashing them.
   */
  private readonly recent = new Int32Array(16);

  get size(): number { return this.values.length - 1; }

  /**
   * Values beyond which intern() adds no new value and returns 0 for them (only the dictionaries of string columns the
   * DuckDB sink stores as ids when it can set this; the others are unbounded).
   */
  maxSize = Infinity;

  /**
   * Id of bytes buf[start, end); copies the bytes only when the value is new. 0 for a new value once the dictionary
   * holds maxSize values. Does not keep `buf`.
   */
  intern(buf: Uint8Array, start: number, end: number): number {
    const len = end - start;
    if (len === 0) return this.lookup(buf, start, end);
    const slot = (len * 7 + buf[start] + buf[end - 1] * 3) & 15;
    const hit = this.recent[slot];
    if (hit !== 0) {
      const k = this.keys[hit];
      if (k.length === len) {
        let j = 0;
        while (j < len && k[j] === buf[start + j]) j++;
        if (j === len) return hit;
      }
    }
    const id = this.lookup(buf, start, end);
    if (id !== 0) this.recent[slot] = id;
    return id;
  }

  private lookup(buf: Uint8Array, start: number, end: number): number {
    let h = 0x811c9dc5;
    for (let i = start; i < end; i++) h = Math.imul(h ^ buf[i], 0x01000193);
    h >>>= 0;
    const len = end - start;
    let slot = h & this.mask;
    for (;;) {
      const id = this.table[slot];
      if (id === 0) break;
      if (this.hashes[id] === h) {
        const k = this.keys[id];
        if (k.length === len) {
          let j = 0;
          while (j < len && k[j] === buf[start + j]) j++;
          if (j === len) return id;
        }
      }
      slot = (slot + 1) & this.mask;
    }
    if (this.values.length > this.maxSize) return 0;
    const id = this.values.length;
    const key = Buffer.from(buf.subarray(start, end));
    this.keys.push(key);
    this.hashes.push(h);
    this.values.push(key.toString('utf8'));
    this.table[slot] = id;
    if (id * 2 > this.mask) this.grow();
    return id;
  }

  /** Id of a JS string (edge use: tests, custom formats, raw_log reasons). */
  internString(s: string): number {
    const b = Buffer.from(s, 'utf8');
    return this.intern(b, 0, b.length);
  }

  private grow(): void {
    const size = (this.mask + 1) * 2;
    this.table = new Int32Array(size);
    this.mask = size - 1;
    for (let id = 1; id < this.values.length; id++) {
      let slot = this.hashes[id] & this.mask;
      while (this.table[slot] !== 0) slot = (slot + 1) & this.mask;
      this.table[slot] = id;
    }
  }
}

/**
 * Variable-length strings of one column: row r is data[starts[r], end[r]) when valid[r] = 1 (a null row's starts/end
 * are not to be read). A `packed` column is Arrow's Utf8 layout as well: values contiguous in row order from 0
 * (starts[r] = end[r-1], null rows zero-length, end[n-1] = total bytes), so its bytes can be copied in one piece.
 * A batch's columns get starts[] at LogBatch.seal() (the parsers append without it); start(r) works before.
 */
export class LogStrColumn {
  data: Buffer;
  starts: Int32Array;
  end: Int32Array;
  valid: Uint8Array;
  /** Values are contiguous in row order (see above). */
  readonly packed: boolean = true;
  pos = 0;
  /** A DataView of `view.data`'s bytes for append's 4-byte copies, remade when `data` was replaced (growTo, or a caller). */
  private view: { data: Buffer; dv: DataView<ArrayBufferLike> } = { data: Buffer.alloc(0), dv: new DataView(new ArrayBuffer(0)) };
  /** Last row written; rows between it and the next write are filled as null. */
  last = -1;

  constructor(capacity: number, bytesPerRow: number) {
    this.data = sharedBytes(capacity * bytesPerRow);
    this.starts = sharedI32(capacity);
    this.end = sharedI32(capacity);
    this.valid = sharedU8(capacity);
  }

  reset(): void { this.pos = 0; this.last = -1; }

  /** Stores buf[start, end) as row `row`'s value (copied; `buf` is not kept). Rows must be written in order. */
  set(row: number, buf: Uint8Array, start: number, end: number): void {
    this.append(row, buf, start, end);
    this.starts[row] = this.end[row] - (end - start);
  }

  /**
   * set() without starts[row], which LogBatch.seal() fills for the whole column: the parsers' per-value path (the
   * starts[] store cost the Ingest path ~30-40 ns/line, in-process A/B, min of 12 alternated rounds x2).
   */
  append(row: number, buf: Uint8Array, start: number, end: number): void {
    if (row !== this.last + 1) this.fillNulls(row);
    const n = end - start;
    const o = this.pos;
    if (o + n > this.data.length) this.growTo(o + n);
    if (n > 48) this.data.set(buf.subarray(start, end), o);
    else if (n >= 4) {
      // No subarray for short values: 4 bytes per step through DataViews, the last step overlapping the one before
      // instead of a byte loop for the tail (byte-wise 4 per iteration before: Ingest path ~0.84 -> ~0.79 us/line,
      // min of 12-16 alternated rounds, better in 4 of 5 pairs; load 6-14).
      const sv = viewOf(buf);
      let v = this.view;
      if (v.data !== this.data) v = this.view = { data: this.data, dv: new DataView(this.data.buffer, this.data.byteOffset, this.data.byteLength) };
      const dv = v.dv;
      const last = end - 4;
      let w = o;
      for (let i = start; i < last; i += 4, w += 4) dv.setInt32(w, sv.getInt32(i, true), true);
      dv.setInt32(o + n - 4, sv.getInt32(last, true), true);
    } else {
      const d = this.data;
      for (let i = 0; i < n; i++) d[o + i] = buf[start + i];
    }
    this.pos = o + n;
    this.end[row] = o + n;
    this.valid[row] = 1;
    this.last = row;
  }

  setString(row: number, s: string): void {
    const b = Buffer.from(s, 'utf8');
    this.set(row, b, 0, b.length);
  }

  /**
   * Marks rows (last, row) as null (their starts[] are not to be read). Long runs (a column no line of the batch set,
   * filled at seal()) in two native fills. With fillStarts' one copy: seal() of a bench:collect batch (7 string
   * columns, 3 never set) 24 -> 10 ns/row (per-column loops timed over 500 calls).
   */
  fillNulls(row: number): void {
    const p = this.pos;
    const from = this.last + 1;
    if (row - from > 16) { this.end.fill(p, from, row); this.valid.fill(0, from, row); return; }
    for (let r = from; r < row; r++) { this.end[r] = p; this.valid[r] = 0; }
  }

  /** Drops a partly written row `row` (used when a parser rejects a line after writing some fields). */
  rollback(row: number): void {
    if (this.last === row) { this.last = row - 1; this.pos = row > 0 ? this.end[row - 1] : 0; }
  }

  /** Start offset of row r (also before seal()). */
  start(r: number): number { return this.packed ? (r === 0 ? 0 : this.end[r - 1]) : this.starts[r]; }

  /** Sets starts[0, n) of a packed column from end[] (values written with append()): one copy of end[0, n-1). */
  fillStarts(n: number): void {
    if (!this.packed || n === 0) return;
    this.starts[0] = 0;
    this.starts.set(this.end.subarray(0, n - 1), 1);
  }

  private growTo(need: number): void {
    let size = this.data.length * 2;
    while (size < need) size *= 2;
    const d = sharedBytes(size);
    this.data.copy(d, 0, 0, this.pos);
    this.data = d;
  }
}

/** The dictionaries of every CK_DICT column, shared by all batches of one collector (or one halog run). */
export class LogDicts {
  readonly byColumn: (LogDict | null)[] = LOG_COLUMNS.map((c) => (c.kind === CK_DICT ? new LogDict() : null));

  constructor() {
    for (const d of DICT_STAGED) (this.byColumn[d.id] as LogDict).maxSize = HEADERS_DICT_MAX;
  }
}

/**
 * One batch of rows for one table. Columns are indexed by column id (arrow/types.ts); a column that is not in the
 * table has a zero-length array. Writers fill row `batch.rows`, then call commitRow() (or rollbackRow()).
 * Unwritten numeric fields are null (NULL_I32 / NaN), unwritten dict ids 0, unwritten strings null.
 */
export class LogBatch implements LogRowWriter {
  readonly table: TableSpec;
  readonly capacity: number;
  readonly dicts: LogDicts;
  /** dicts.byColumn, one load shorter on the per-field path. */
  private readonly dictOf: (LogDict | null)[];
  rows = 0;
  /** First row's arrival time (ms), for the time-based flush. */
  openedAt = 0;
  /**
   * Bulk loads of regular files: about how many rows the input still holds after this batch (Ingest's estimate from
   * the bytes not yet parsed), -1 when unknown. The DuckDB sink inserts at once a row group the input cannot fill.
   */
  rowsAfter = -1;
  /** Rows at which the batch counts as full: capacity, unless its sender lowered it for this fill (reset restores it). */
  limit: number;
  readonly i32: Int32Array[] = [];
  readonly f64: Float64Array[] = [];
  readonly str: (LogStrColumn | null)[] = [];
  private readonly i32Cols: number[] = [];
  private readonly f64Cols: number[] = [];
  private readonly strCols: number[] = [];

  constructor(table: TableSpec, capacity: number, dicts: LogDicts) {
    this.table = table;
    this.capacity = capacity;
    this.limit = capacity;
    this.dicts = dicts;
    this.dictOf = dicts.byColumn;
    const inTable = new Uint8Array(COL_COUNT);
    for (const id of table.columns) inTable[id] = 1;
    for (let id = 0; id < COL_COUNT; id++) {
      const k = LOG_COLUMNS[id].kind;
      const n = inTable[id] ? capacity : 0;
      const isI32 = k === CK_I32 || k === CK_BOOL || k === CK_DICT;
      const isF64 = k === CK_TS || k === CK_I64;
      this.i32.push(sharedI32(isI32 ? n : 0));
      this.f64.push(sharedF64(isF64 ? n : 0));
      this.str.push(k === CK_STR && n > 0 ? new LogStrColumn(capacity, id === COL_URI ? 48 : 16) : null);
      if (n > 0 && isI32) this.i32Cols.push(id);
      if (n > 0 && isF64) this.f64Cols.push(id);
      if (n > 0 && k === CK_STR) this.strCols.push(id);
    }
    this.reset();
  }

  /** Empties the batch for reuse (nulls every column). */
  reset(): void {
    this.rows = 0;
    this.openedAt = 0;
    this.rowsAfter = -1;
    this.limit = this.capacity;
    for (const id of this.i32Cols) this.i32[id].fill(LOG_COLUMNS[id].kind === CK_DICT ? 0 : NULL_I32);
    for (const id of this.f64Cols) this.f64[id].fill(NaN);
    for (const id of this.strCols) (this.str[id] as LogStrColumn).reset();
  }

  get full(): boolean { return this.rows >= this.limit; }

  /** Interns buf[start,end) in column `id`'s dictionary and stores the id at the current row. */
  setDict(id: number, buf: Uint8Array, start: number, end: number): void {
    this.i32[id][this.rows] = (this.dictOf[id] as LogDict).intern(buf, start, end);
  }

  setStr(id: number, buf: Uint8Array, start: number, end: number): void {
    (this.str[id] as LogStrColumn).append(this.rows, buf, start, end);
  }

  commitRow(): void { this.rows++; }

  /** Undoes the fields written to the current (uncommitted) row. */
  rollbackRow(): void {
    const r = this.rows;
    for (const id of this.i32Cols) this.i32[id][r] = LOG_COLUMNS[id].kind === CK_DICT ? 0 : NULL_I32;
    for (const id of this.f64Cols) this.f64[id][r] = NaN;
    for (const id of this.strCols) (this.str[id] as LogStrColumn).rollback(r);
  }

  /** Completes string columns' null runs and starts[] up to `rows`; call before reading a batch. */
  seal(): void {
    for (const id of this.strCols) {
      const c = this.str[id] as LogStrColumn;
      c.fillNulls(this.rows);
      c.fillStarts(this.rows);
    }
  }
}

/** Row `r` of a sealed batch as a plain object keyed by column name (edge use: JSON output, tests). */
export function batchRow(b: LogBatch, r: number): Record<string, string | number | boolean | null> {
  const o: Record<string, string | number | boolean | null> = {};
  for (const id of b.table.columns) {
    const c = LOG_COLUMNS[id];
    let v: string | number | boolean | null = null;
    if (c.kind === CK_I32) { const x = b.i32[id][r]; v = x === NULL_I32 ? null : x; }
    else if (c.kind === CK_BOOL) { const x = b.i32[id][r]; v = x === NULL_I32 ? null : x !== 0; }
    else if (c.kind === CK_DICT) { const x = b.i32[id][r]; v = x === 0 ? null : (b.dicts.byColumn[id] as LogDict).values[x]; }
    else if (c.kind === CK_TS) { const x = b.f64[id][r]; v = x !== x ? null : new Date(x).toISOString(); }
    else if (c.kind === CK_I64) { const x = b.f64[id][r]; v = x !== x ? null : x; }
    else {
      const s = b.str[id] as LogStrColumn;
      v = s.valid[r] ? s.data.toString('utf8', s.start(r), s.end[r]) : null;
    }
    o[c.name] = v;
  }
  return o;
}
