/* Encodes one sealed record batch as a minimal Parquet file (one row group, one uncompressed PLAIN data page per
 * column, every column OPTIONAL) that DuckDB's built-in read_parquet loads: the DuckDB sink's staging format.
 * Int32/Float64 columns are copied nearly as they are (no per-value native call), strings get their 4-byte length
 * prefix, timestamps become INT64 microseconds. Not a general Parquet writer (no statistics, compression, nesting).
 * Also makes the private directories staged files go to. Hot path: per batch (one loop per column).
 */
import { isUtf8 } from 'node:buffer';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LogStrColumn } from '../arrow/batcher.ts';
import { putJsonString } from '../json-bytes.ts';
import type { LogBatch, LogDict } from '../arrow/batcher.ts';
import { CTX_COLUMNS, DICT_STAGED, LOG_COLUMNS, PACKED, SPARSE_COLUMNS, baseColumns } from '../arrow/schema.ts';
import {
  CK_BOOL, CK_DICT, CK_I32, CK_I64, CK_STR, CK_TS, COL_CLIENT_IP, COL_CLIENT_IP4, COL_CONNS, COL_CTX, COL_QUEUES, COL_SPARSE, NULL_I32,
} from '../arrow/types.ts';
import type { TableSpec } from '../arrow/types.ts';

// Parquet enums (parquet.thrift).
const PQ_BOOLEAN = 0;
const PQ_INT32 = 1;
const PQ_INT64 = 2;
const PQ_BYTE_ARRAY = 6;
const PQ_CONVERTED_UTF8 = 0;
const PQ_CONVERTED_TIMESTAMP_MICROS = 10;
const PQ_OPTIONAL = 1;
const PQ_ENC_PLAIN = 0;
const PQ_ENC_DELTA_LENGTH_BYTE_ARRAY = 6;
const PQ_ENC_RLE = 3;
const PQ_PAGE_DATA = 0;

// Thrift compact protocol type ids.
const TC_I32 = 5;
const TC_I64 = 6;
const TC_BINARY = 8;
const TC_LIST = 9;
const TC_STRUCT = 12;

/** Thrift compact protocol writer over a growable byte array (metadata only: a few hundred bytes per column). */
class ThriftOut {
  bytes: number[] = [];
  private last: number[] = [];
  private fid = 0;

  private varint(v: number): void {
    while (v >= 0x80) { this.bytes.push((v & 0x7f) | 0x80); v = Math.floor(v / 128); }
    this.bytes.push(v);
  }
  private field(id: number, type: number): void {
    const d = id - this.fid;
    if (d > 0 && d <= 15) this.bytes.push((d << 4) | type);
    else { this.bytes.push(type); this.varint(id * 2); }
    this.fid = id;
  }
  /** Zigzag varint of a non-negative or negative integer below 2^52. */
  private zigzag(v: number): void { this.varint(v >= 0 ? v * 2 : -v * 2 - 1); }

  i32(id: number, v: number): this { this.field(id, TC_I32); this.zigzag(v); return this; }
  i64(id: number, v: number): this { this.field(id, TC_I64); this.zigzag(v); return this; }
  str(id: number, s: string): this {
    const b = Buffer.from(s, 'utf8');
    this.field(id, TC_BINARY);
    this.varint(b.length);
    for (const x of b) this.bytes.push(x);
    return this;
  }
  begin(id: number): this { this.field(id, TC_STRUCT); return this.enter(); }
  /** Starts a struct that is a list element (no field header). */
  enter(): this { this.last.push(this.fid); this.fid = 0; return this; }
  end(): this { this.bytes.push(0); this.fid = this.last.pop() as number; return this; }
  list(id: number, elemType: number, n: number): this {
    this.field(id, TC_LIST);
    if (n < 15) this.bytes.push((n << 4) | elemType);
    else { this.bytes.push(0xf0 | elemType); this.varint(n); }
    return this;
  }
  listI32(v: number): this { this.zigzag(v); return this; }
  listStr(s: string): this { const b = Buffer.from(s, 'utf8'); this.varint(b.length); for (const x of b) this.bytes.push(x); return this; }
}

function varintLen(v: number): number {
  let n = 1;
  while (v >= 0x80) { v = Math.floor(v / 128); n++; }
  return n;
}

function writeVarint(out: Uint8Array, o: number, v: number): number {
  while (v >= 0x80) { out[o++] = (v & 0x7f) | 0x80; v = Math.floor(v / 128); }
  out[o++] = v;
  return o;
}

/** Scratch reused across batches (grown on demand): null flags of every column (1 = null), then int32 values. */
let nullArena: Uint8Array = new Uint8Array(0);
let nullFlags: Uint8Array = nullArena;
let i32Scratch = new Int32Array(0);
/** The output, reused: a fresh multi-MB Buffer per batch cost page faults and zeroing in the kernel (perf). */
let outScratch = Buffer.allocUnsafeSlow(0);
const TWO32 = 4294967296;
const INV_TWO32 = 1 / 4294967296;

interface ColumnPlan {
  id: number;
  /** This column's slice of nullArena. */
  flags: Uint8Array;
  nulls: number;
  /** Bytes of the PLAIN values section. */
  valueBytes: number;
  /** String column whose invalid UTF-8 values were replaced (rare): the replacement strings per row, else null. */
  fixed: (Buffer | null)[] | null;
  /** String column written DELTA_LENGTH_BYTE_ARRAY: its lengths, DELTA_BINARY_PACKED (the bytes follow), else null. */
  lengths: Uint8Array | null;
  encoding: number;
  header: number[];
  pageBytes: number;
}

function physicalType(kind: number): number {
  if (kind === CK_BOOL) return PQ_BOOLEAN;
  if (kind === CK_TS || kind === CK_I64) return PQ_INT64;
  if (kind === CK_STR) return PQ_BYTE_ARRAY;
  return PQ_INT32;
}

/**
 * The nulls of rows [0, n) of column `id`, counted first without storing flags; nullFlags (1 = null) is filled only
 * when a writer reads it: a column with some but not all NULLs, or a BOOLEAN one with values. Most columns of a batch
 * are all NULL or without NULL, so most of the flag stores were never read (encoding bench:collect's 1 M rows:
 * 0.171 -> 0.135 CPU us/row, min of 6 interleaved rounds, same bytes).
 */
function markNulls(b: LogBatch, id: number, n: number): number {
  const kind = LOG_COLUMNS[id].kind;
  let nulls = 0;
  if (id === COL_CONNS) {
    const g = packedOut[0];
    nulls = g.nulls;
    if (nulls > 0 && nulls < n) nullFlags.set(g.nul.subarray(0, n));
  } else if (kind === CK_I32 || kind === CK_BOOL || kind === CK_DICT) {
    const a = i32Of(b, id);
    const nul = kind === CK_DICT ? 0 : NULL_I32;
    nulls = countI32(a, nul, n);
    if (nulls < n && (nulls > 0 || kind === CK_BOOL)) flagI32(a, nul, n, nullFlags);
  } else if (kind === CK_TS || kind === CK_I64) {
    const a = f64Of(b, id);
    nulls = countNaN(a, n);
    if (nulls > 0 && nulls < n) flagNaN(a, n, nullFlags);
  } else {
    const v = strOf(b, id).valid;
    nulls = countZero(v, n);
    if (nulls > 0 && nulls < n) flagZero(v, n, nullFlags);
  }
  return nulls;
}

// One small function per loop and element type below: in a fresh thread (the sink worker) V8 optimizes a loop of a
// big function on its own (OSR) and deoptimizes when the code after it meets a column kind it has no feedback for;
// markNulls as one function deoptimized ~20 times per 1 M-row load, each time back to the interpreter.

/** Rows of a[0, n) equal to nul. */
function countI32(a: Int32Array, nul: number, n: number): number {
  let k = 0;
  for (let r = 0; r < n; r++) k += a[r] === nul ? 1 : 0;   // no branch whose first run deoptimizes
  return k;
}

function flagI32(a: Int32Array, nul: number, n: number, flags: Uint8Array): void {
  for (let r = 0; r < n; r++) flags[r] = a[r] === nul ? 1 : 0;
}

function countNaN(a: Float64Array, n: number): number {
  let k = 0;
  for (let r = 0; r < n; r++) k += a[r] !== a[r] ? 1 : 0;
  return k;
}

function flagNaN(a: Float64Array, n: number, flags: Uint8Array): void {
  for (let r = 0; r < n; r++) flags[r] = a[r] !== a[r] ? 1 : 0;
}

function countZero(v: Uint8Array, n: number): number {
  let k = 0;
  for (let r = 0; r < n; r++) k += v[r] === 0 ? 1 : 0;
  return k;
}

function flagZero(v: Uint8Array, n: number, flags: Uint8Array): void {
  for (let r = 0; r < n; r++) flags[r] = v[r] === 0 ? 1 : 0;
}

/** Size of the definition levels section (4-byte length + one RLE run when there are no NULLs or only NULLs, else bit-packed runs). */
function defLevelBytes(n: number, nulls: number): number {
  if (nulls === 0 || nulls === n) return 4 + varintLen(n * 2) + 1;
  const groups = (n + 7) >> 3;
  return 4 + varintLen(groups * 2 + 1) + groups;
}

/** DELTA_BINARY_PACKED layout: 128-value blocks of 4 miniblocks of 32 values. */
const DBP_BLOCK = 128;
const DBP_MINI = 32;
/** Reused outputs of deltaLengths, one per column position in the table. */
const dbpScratch: Uint8Array[] = [];
const dbpDeltas = new Float64Array(DBP_BLOCK);

/** deltaLengths' position between blocks: the next row, the previous value's end and length. */
let dbpRow = 0;
let dbpPrevEnd = 0;
let dbpPrevLen = 0;

/** The length deltas of the next `cnt` valid rows into dbpDeltas (advancing dbpRow...); returns their minimum. */
function blockDeltas(end: Int32Array, valid: Uint8Array, cnt: number): number {
  let r = dbpRow;
  let prevEnd = dbpPrevEnd;
  let prevLen = dbpPrevLen;
  let minD = Infinity;
  for (let k = 0; k < cnt; r++) {
    if (valid[r] === 0) continue;
    const len = end[r] - prevEnd;
    prevEnd = end[r];
    const d = len - prevLen;
    prevLen = len;
    dbpDeltas[k++] = d;
    if (d < minD) minD = d;
  }
  dbpRow = r;
  dbpPrevEnd = prevEnd;
  dbpPrevLen = prevLen;
  return minD;
}

/** Bit width of the miniblock dbpDeltas[first, last) less minD. */
function miniWidth(first: number, last: number, minD: number): number {
  let max = 0;
  for (let k = first; k < last; k++) { const v = dbpDeltas[k] - minD; if (v > max) max = v; }
  return max === 0 ? 0 : max >= 4294967296 ? 33 : 32 - Math.clz32(max);
}

/** Writes the miniblock's 32 values of w bits at out[o], least significant bit first (values past `last` are 0). */
function packMini(out: Uint8Array, o: number, first: number, last: number, minD: number, w: number): number {
  // acc stays below 2^41: exact.
  let acc = 0;
  let bits = 0;
  for (let k = first; k < first + DBP_MINI; k++) {
    const v = k < last ? dbpDeltas[k] - minD : 0;
    acc += v * (1 << bits);   // bits < 8 here
    bits += w;
    while (bits >= 8) { out[o++] = acc % 256; acc = Math.floor(acc / 256); bits -= 8; }
  }
  return o;
}

function writeZigzag(out: Uint8Array, o: number, v: number): number {
  return writeVarint(out, o, v >= 0 ? v * 2 : -v * 2 - 1);
}

/**
 * The lengths of the `nn` non-null values of string column `s` (rows [0, n)), DELTA_BINARY_PACKED as the
 * DELTA_LENGTH_BYTE_ARRAY encoding puts them before the bytes. Returns a view of a buffer reused for column position
 * `index` (valid until the next batch is encoded).
 */
function deltaLengths(s: LogStrColumn, n: number, nn: number, index: number): Uint8Array {
  const bound = 32 + Math.ceil(nn / DBP_BLOCK) * (10 + 4 + 4 * DBP_MINI * 33 / 8);
  let out = dbpScratch[index];
  if (out === undefined || out.length < bound) out = dbpScratch[index] = new Uint8Array(bound);
  const end = s.end;
  const valid = s.valid;
  let o = writeVarint(out, 0, DBP_BLOCK);
  o = writeVarint(out, o, DBP_BLOCK / DBP_MINI);
  o = writeVarint(out, o, nn);
  let r = 0;
  while (valid[r] === 0) r++;
  let prevEnd = r === 0 ? 0 : end[r - 1];
  let prevLen = end[r] - prevEnd;
  prevEnd = end[r];
  o = writeZigzag(out, o, prevLen);
  r++;
  let left = nn - 1;
  dbpRow = r;
  dbpPrevEnd = prevEnd;
  dbpPrevLen = prevLen;
  while (left > 0) {
    const cnt = left < DBP_BLOCK ? left : DBP_BLOCK;
    const minD = blockDeltas(end, valid, cnt);
    o = writeZigzag(out, o, minD);
    const widthsAt = o;
    o += DBP_BLOCK / DBP_MINI;
    for (let mb = 0; mb < DBP_BLOCK / DBP_MINI; mb++) {
      const first = mb * DBP_MINI;
      if (first >= cnt) { out[widthsAt + mb] = 0; continue; }
      const last = Math.min(first + DBP_MINI, cnt);
      const w = miniWidth(first, last, minD);
      out[widthsAt + mb] = w;
      if (w !== 0) o = packMini(out, o, first, last, minD, w);
    }
    left -= cnt;
  }
  return out.subarray(0, o);
}

function planColumn(b: LogBatch, id: number, n: number, index: number): ColumnPlan {
  const kind = LOG_COLUMNS[id].kind;
  nullFlags = nullArena.subarray(index * n, index * n + n);
  const nulls = markNulls(b, id, n);
  const nn = n - nulls;
  let valueBytes = 0;
  let fixed: (Buffer | null)[] | null = null;
  if (kind === CK_BOOL) valueBytes = (nn + 7) >> 3;
  else if (kind === CK_TS || kind === CK_I64) valueBytes = nn * 8;
  else if (kind === CK_STR) {
    const s = strOf(b, id);
    const total = n > 0 ? s.end[n - 1] : 0;
    valueBytes = nn * 4 + total;
    // DuckDB rejects invalid UTF-8 in a Parquet string column: such values are stored with U+FFFD replacements.
    if (!isUtf8(s.data.subarray(0, total))) {
      fixed = new Array<Buffer | null>(n).fill(null);
      for (let r = 0; r < n; r++) {
        if (!s.valid[r]) continue;
        const v = s.data.subarray(s.start(r), s.end[r]);
        if (isUtf8(v)) continue;
        const f = Buffer.from(v.toString('utf8'), 'utf8');
        fixed[r] = f;
        valueBytes += f.length - v.length;
      }
    }
  } else valueBytes = nn * 4;
  let lengths: Uint8Array | null = null;
  if (kind === CK_STR && fixed === null && nn > 0) {
    // The column's bytes are already contiguous in the batch (null rows have none): one copy instead of one per value.
    const s = strOf(b, id);
    lengths = deltaLengths(s, n, nn, index);
    valueBytes = lengths.length + (s.end[n - 1]);
  }
  const encoding = lengths !== null ? PQ_ENC_DELTA_LENGTH_BYTE_ARRAY : PQ_ENC_PLAIN;
  const pageBytes = defLevelBytes(n, nulls) + valueBytes;
  const t = new ThriftOut();
  t.i32(1, PQ_PAGE_DATA).i32(2, pageBytes).i32(3, pageBytes)
    .begin(5).i32(1, n).i32(2, encoding).i32(3, PQ_ENC_RLE).i32(4, PQ_ENC_RLE).end();
  t.bytes.push(0);
  return { id, flags: nullFlags, nulls, valueBytes, fixed, lengths, encoding, header: t.bytes, pageBytes };
}

/** Writes the definition levels of nullFlags[0, n) at out[o]; returns the offset after them. */
function writeDefLevels(out: Buffer, o: number, n: number, nulls: number): number {
  const size = defLevelBytes(n, nulls) - 4;
  out.writeUInt32LE(size, o);
  o += 4;
  if (nulls === 0 || nulls === n) { o = writeVarint(out, o, n * 2); out[o++] = nulls === 0 ? 1 : 0; return o; }   // one RLE run
  const groups = (n + 7) >> 3;
  o = writeVarint(out, o, groups * 2 + 1);
  out.fill(0, o, o + groups);
  for (let r = 0; r < n; r++) if (nullFlags[r] === 0) out[o + (r >> 3)] |= 1 << (r & 7);
  return o + groups;
}

/** Writes the PLAIN values (non-null rows only) of column `p.id` at out[o]; returns the offset after them. */
function writeValues(out: Buffer, o: number, b: LogBatch, p: ColumnPlan, n: number): number {
  if (p.nulls === n) return o;   // all NULL: no values
  const kind = LOG_COLUMNS[p.id].kind;
  if (kind === CK_I32 || kind === CK_DICT) {
    const a = i32Of(b, p.id);
    if (p.nulls === 0) { out.set(new Uint8Array(a.buffer, a.byteOffset, n * 4), o); return o + n * 4; }
    const k = keepNonNull(a, n, nullFlags, i32Scratch);
    out.set(new Uint8Array(i32Scratch.buffer, 0, k * 4), o);
    return o + k * 4;
  }
  if (kind === CK_BOOL) {
    out.fill(0, o, o + p.valueBytes);
    writeBits(i32Of(b, p.id), n, nullFlags, out, o);
    return o + p.valueBytes;
  }
  if (p.id === COL_CONNS) {
    const k = interleave(packedOut[0].lo, packedOut[0].hi, n, p.nulls !== 0 ? nullFlags : null, i32Scratch);
    out.set(new Uint8Array(i32Scratch.buffer, 0, k * 4), o);
    return o + k * 4;
  }
  if (kind === CK_TS || kind === CK_I64) {
    const k = int64Pairs(f64Of(b, p.id), n, kind === CK_TS ? 1000 : 1, i32Scratch);
    out.set(new Uint8Array(i32Scratch.buffer, 0, k * 4), o);
    return o + k * 4;
  }
  const s = strOf(b, p.id);
  if (p.lengths !== null) {
    out.set(p.lengths, o);
    o += p.lengths.length;
    const total = s.end[n - 1];
    out.set(s.data.subarray(0, total), o);
    return o + total;
  }
  return writePlainStrings(out, o, s, p.fixed, n);
}

/** Copies a[r] of the rows whose flags[r] is 0 to w, in order; returns how many. */
function keepNonNull(a: Int32Array, n: number, flags: Uint8Array, w: Int32Array): number {
  let k = 0;
  for (let r = 0; r < n; r++) if (flags[r] === 0) w[k++] = a[r];
  return k;
}

/** The BOOLEAN values (a[r] === 1) of the rows whose flags[r] is 0 as bits at out[o...] (zeroed by the caller). */
function writeBits(a: Int32Array, n: number, flags: Uint8Array, out: Buffer, o: number): void {
  let k = 0;
  for (let r = 0; r < n; r++) {
    if (flags[r] !== 0) continue;
    if (a[r] === 1) out[o + (k >> 3)] |= 1 << (k & 7);
    k++;
  }
}

/** (lo[r], hi[r]) pairs of the rows not flagged (every row when flags is null) into w; returns the int32s written. */
function interleave(lo: Int32Array, hi: Int32Array, n: number, flags: Uint8Array | null, w: Int32Array): number {
  let k = 0;
  for (let r = 0; r < n; r++) {
    if (flags !== null && flags[r] !== 0) continue;
    w[k++] = lo[r];
    w[k++] = hi[r];
  }
  return k;
}

/**
 * int64 as (lo, hi) int32 pairs of the non-NaN a[r] * scale into w, floor of the value like the appender path did
 * (exact up to 2^53); returns the int32s written.
 */
function int64Pairs(a: Float64Array, n: number, scale: number, w: Int32Array): number {
  let k = 0;
  for (let r = 0; r < n; r++) {
    const x = a[r];
    if (x !== x) continue;
    const v = x * scale;
    // v >= 0 (timestamps after 1970, counters): the high word by a multiply and truncation, not floor(v / 2^32).
    const hi = v >= 0 ? (v * INV_TWO32) >>> 0 : Math.floor(v / TWO32);
    w[k++] = (v - hi * TWO32) | 0;
    w[k++] = hi | 0;
  }
  return k;
}

/** PLAIN BYTE_ARRAY values (4-byte length + bytes) of the valid rows of s, or their replacement in `fixed`. */
function writePlainStrings(out: Buffer, o: number, s: LogStrColumn, fixed: (Buffer | null)[] | null, n: number): number {
  const data = s.data;
  for (let r = 0; r < n; r++) {
    if (!s.valid[r]) continue;
    let src: Uint8Array = data;
    let st = r === 0 ? 0 : s.end[r - 1];
    let en = s.end[r];
    const f = fixed !== null ? fixed[r] : null;
    if (f !== null) { src = f; st = 0; en = f.length; }
    const len = en - st;
    out[o] = len & 255; out[o + 1] = (len >>> 8) & 255; out[o + 2] = (len >>> 16) & 255; out[o + 3] = len >>> 24;
    o += 4;
    if (len > 32) { out.set(src.subarray(st, en), o); o += len; }
    else for (let j = st; j < en; j++) out[o++] = src[j];   // short values: no subarray per value
  }
  return o;
}

/** The client_ip4 column of the batch being encoded (NaN = not a dotted IPv4), and client_ip without those rows. */
let ip4Scratch = new Float64Array(0);
let ipRest = new LogStrColumn(0, 0);
/** The batch being encoded has its client_ip split (its table has the column). */
let ipSplit = false;

/**
 * The value of buf[start, end) as an unsigned 32-bit IPv4 address when it is canonical dotted-quad text (each octet
 * 0-255 without leading zeros), so that printing the number gives back the same bytes; else -1. Stricter than
 * proxy/net/ipv4.ts ipv4Value, which reads '010.0.0.1' as 10.0.0.1 (the text would not round-trip).
 */
export function canonicalIpv4(buf: Uint8Array, start: number, end: number): number {
  // Octet by octet (1-3 digits, no leading zero, <= 255, then a dot): ~2x faster than one loop over the bytes with
  // a state per byte (bench:collect's 1 M clients, in-process, warm: ~45 -> ~20 ns per address).
  if (end - start < 7 || end - start > 15) return -1;
  let i = start;
  let v = 0;
  for (let o = 0; o < 4; o++) {
    if (o > 0) { if (buf[i] !== 46) return -1; i++; }
    if (i >= end) return -1;
    let part = buf[i] - 48;
    if (part < 0 || part > 9) return -1;
    i++;
    if (part !== 0 && i < end) {
      const d1 = buf[i] - 48;
      if (d1 >= 0 && d1 <= 9) {
        part = part * 10 + d1;
        i++;
        if (i < end) {
          const d2 = buf[i] - 48;
          if (d2 >= 0 && d2 <= 9) { part = part * 10 + d2; i++; if (part > 255) return -1; }
        }
      }
    }
    v = v * 256 + part;
  }
  return i === end ? v : -1;
}

/** Splits client_ip of rows [0, n) into ip4Scratch (dotted IPv4 as numbers) and ipRest (every other address). */
function splitClientIp(b: LogBatch, n: number): void {
  if (ip4Scratch.length < n) growIpScratch(n);
  ipRest.reset();
  splitIpRows(b.str[COL_CLIENT_IP] as LogStrColumn, ip4Scratch, ipRest, n);
  ipRest.fillNulls(n);
}

function growIpScratch(n: number): void {
  ip4Scratch = new Float64Array(n);
  ipRest = new LogStrColumn(n, 8);
}

function splitIpRows(s: LogStrColumn, ip4: Float64Array, rest: LogStrColumn, n: number): void {
  const data = s.data;
  const starts = s.starts;
  const end = s.end;
  const valid = s.valid;
  for (let r = 0; r < n; r++) {
    let v = NaN;
    if (valid[r] !== 0) {
      const x = canonicalIpv4(data, starts[r], end[r]);
      if (x >= 0) v = x;
      else rest.set(r, data, starts[r], end[r]);
    }
    ip4[r] = v;
  }
}

/** Per DICT_STAGED entry: the dictionary ids of the batch being encoded (0 = none: the value stays text), and its text column without the rows that have an id. */
const stagedIds: Int32Array[] = DICT_STAGED.map(() => new Int32Array(0));
const stagedRest: LogStrColumn[] = DICT_STAGED.map(() => new LogStrColumn(0, 0));
/** Entries of DICT_STAGED whose ids and text were prepared for `preparedFor` (its `preparedRows` rows). */
let preparedFor: LogBatch | null = null;
let preparedRows = 0;
let stagedSplit = false;
/** The ids the batch being encoded uses: the scratch arrays above, or those of a PreparedIds it came with. */
let curStaged: readonly Int32Array[] = stagedIds;

/**
 * Interns the values of the batch's DICT_STAGED string columns (req_headers, res_headers) in its dictionaries, for
 * the next encodeStagedParquet(b) of the same batch, and returns the id arrays (rows [0, b.rows)) so that a caller
 * staging with other dictionaries' ids (parse-worker.ts) can rewrite them in place first; an id it rewrites to 0
 * keeps its value as text. encodeStagedParquet prepares by itself when this was not called.
 */
export function prepareStagedIds(b: LogBatch): { readonly col: number; readonly ids: Int32Array }[] {
  const n = b.rows;
  const out: { col: number; ids: Int32Array }[] = [];
  for (let k = 0; k < DICT_STAGED.length; k++) {
    const d = DICT_STAGED[k];
    const s = b.str[d.str];
    if (s === null || !b.table.columns.includes(d.str)) continue;
    if (stagedIds[k].length < n) { stagedIds[k] = new Int32Array(Math.max(n, 1024)); stagedRest[k] = new LogStrColumn(Math.max(n, 1024), 8); }
    const ids = stagedIds[k];
    internSpans(s, b.dicts.byColumn[d.id] as LogDict, ids, n);
    out.push({ col: d.id, ids: ids.subarray(0, n) });
  }
  preparedFor = b;
  preparedRows = n;
  return out;
}

/** ids[r] = the id of row r's value of s in dict (0 for NULL), rows [0, n). */
function internSpans(s: LogStrColumn, dict: LogDict, ids: Int32Array, n: number): void {
  const data = s.data;
  const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const starts = s.starts;
  const end = s.end;
  const valid = s.valid;
  // A value equal to the previous row's (most rows of a log repeat the same captures) reuses its id.
  let pst = 0;
  let pen = -1;
  let pid = 0;
  for (let r = 0; r < n; r++) {
    if (valid[r] === 0) ids[r] = 0;
    else {
      const st = starts[r];
      const en = end[r];
      const len = en - st;
      if (len === pen - pst && sameSpan(dv, data, st, pst, len)) ids[r] = pid;
      else { pid = ids[r] = dict.intern(data, st, en); pst = st; pen = en; }
    }
  }
}

/** True if data[a, a + n) equals data[b, b + n) (dv views data), 4 bytes per step (byte-words.ts sameBytes). */
function sameSpan(dv: DataView<ArrayBufferLike>, data: Uint8Array, a: number, b: number, n: number): boolean {
  let j = 0;
  for (; j + 4 <= n; j += 4) if (dv.getInt32(a + j, true) !== dv.getInt32(b + j, true)) return false;
  for (; j < n; j++) if (data[a + j] !== data[b + j]) return false;
  return true;
}

/** The text columns of the prepared DICT_STAGED entries: only the values without an id. */
function splitStaged(b: LogBatch, n: number): void {
  for (let k = 0; k < DICT_STAGED.length; k++) {
    const s = b.str[DICT_STAGED[k].str];
    if (s === null || !b.table.columns.includes(DICT_STAGED[k].str)) continue;
    const ids = curStaged[k];
    if (stagedRest[k].end.length < n) stagedRest[k] = new LogStrColumn(Math.max(n, 1024), 8);
    const rest = stagedRest[k];
    rest.reset();
    copyUnmatched(s, ids, rest, n);
    rest.fillNulls(n);
  }
}

/** The valid values of s in rows [0, n) whose ids[r] is 0, set in `rest` at their rows. */
function copyUnmatched(s: LogStrColumn, ids: Int32Array, rest: LogStrColumn, n: number): void {
  const data = s.data;
  const starts = s.starts;
  const end = s.end;
  const valid = s.valid;
  for (let r = 0; r < n; r++) if (valid[r] !== 0 && ids[r] === 0) rest.set(r, data, starts[r], end[r]);
}

/** The ctx ids (schema.ts CTX_COLUMNS) of the batch being encoded, prepared for `ctxFor` (its `ctxRows` rows). */
let ctxIds: Int32Array = new Int32Array(0);
let ctxHash = new Int32Array(0);
let ctxFor: LogBatch | null = null;
let ctxRows = 0;
/** The ctx ids of the batch being encoded: ctxIds, or those of a PreparedIds. */
let curCtx: Int32Array = ctxIds;

/** Tuples of CTX_COLUMNS values (those of one table) seen so far → their id in one ctx dictionary. */
interface CtxCache {
  /** The table's CTX_COLUMNS members, and for each CTX_COLUMNS position its index among them (-1: not in the table). */
  readonly members: readonly number[];
  readonly at: readonly number[];
  /** Open addressing over entries: entry + 1, 0 = empty. */
  slots: Int32Array;
  /** Entry e's tuple is tuples[e * members.length ...], its dictionary id ids[e]. */
  tuples: Int32Array;
  ids: Int32Array;
  count: number;
}
const ctxCaches = new WeakMap<LogDict, Map<TableSpec, CtxCache>>();

function ctxCache(dict: LogDict, t: TableSpec): CtxCache {
  let m = ctxCaches.get(dict);
  if (m === undefined) ctxCaches.set(dict, m = new Map());
  let c = m.get(t);
  if (c === undefined) {
    const members = CTX_COLUMNS.filter((id) => t.columns.includes(id));
    const at = CTX_COLUMNS.map((id) => members.indexOf(id));
    m.set(t, c = { members, at, slots: new Int32Array(256), tuples: new Int32Array(64 * members.length), ids: new Int32Array(64), count: 0 });
  }
  return c;
}

/** The log_dict text of a ctx tuple (schema.ts CTX_COLUMNS): values in CTX_COLUMNS order, '' for NULL. */
function ctxKey(c: CtxCache, b: LogBatch, r: number): string {
  let key = '';
  for (let k = 0; k < CTX_COLUMNS.length; k++) {
    if (k > 0) key += ',';
    if (c.at[k] < 0) continue;
    const id = CTX_COLUMNS[k];
    const v = b.i32[id][r];
    if (v !== (LOG_COLUMNS[id].kind === CK_DICT ? 0 : NULL_I32)) key += v;
  }
  return key;
}

function ctxAdd(c: CtxCache, b: LogBatch, r: number, h: number, dict: LogDict): number {
  const w = c.members.length;
  const e = c.count++;
  if ((e + 1) * w > c.tuples.length) { const t = new Int32Array(c.tuples.length * 2); t.set(c.tuples); c.tuples = t; }
  if (e + 1 > c.ids.length) { const t = new Int32Array(c.ids.length * 2); t.set(c.ids); c.ids = t; }
  for (let j = 0; j < w; j++) c.tuples[e * w + j] = b.i32[c.members[j]][r];
  const id = dict.internString(ctxKey(c, b, r));
  c.ids[e] = id;
  if (c.count * 2 > c.slots.length) {
    c.slots = new Int32Array(c.slots.length * 2);
    for (let x = 0; x < c.count - 1; x++) ctxPlace(c, ctxHashOf(c, x), x);
  }
  ctxPlace(c, h, e);
  return id;
}

function ctxPlace(c: CtxCache, h: number, e: number): void {
  const mask = c.slots.length - 1;
  let s = h & mask;
  while (c.slots[s] !== 0) s = (s + 1) & mask;
  c.slots[s] = e + 1;
}

/** The hash of entry e's tuple, as prepareCtxIds computes it for a row. */
function ctxHashOf(c: CtxCache, e: number): number {
  const w = c.members.length;
  let h = 0x811c9dc5;
  for (let j = 0; j < w; j++) h = Math.imul(h ^ c.tuples[e * w + j], 0x01000193);
  return h ^ (h >>> 15);
}

/**
 * The ctx ids of rows [0, b.rows) of sealed batch `b` (schema.ts CTX_COLUMNS: its values of those columns as one id
 * of its dictionaries' ctx dictionary, whose text is interned for a tuple not seen before), for the next
 * encodeStagedParquet(b) of the same batch. A caller that rewrites the batch's dictionary ids (parse-worker.ts)
 * calls it after that, and may rewrite the returned ids in place. encodeStagedParquet prepares by itself when this
 * was not called.
 */
export function prepareCtxIds(b: LogBatch): Int32Array {
  const n = b.rows;
  if (ctxIds.length < n) { ctxIds = new Int32Array(Math.max(n, 1024)); ctxHash = new Int32Array(ctxIds.length); }
  const dict = b.dicts.byColumn[COL_CTX] as LogDict;
  const c = ctxCache(dict, b.table);
  const cols = c.members.map((id) => b.i32[id]);
  // Most members hold one value for the whole batch: rows are told apart by the others only (one hash and compare
  // per varying member and row), and each distinct tuple of those is looked up once in the cache.
  const vary: Int32Array[] = [];
  for (const a of cols) if (varies(a, n)) vary.push(a);
  const h = ctxHash;
  h.fill(0x811c9dc5 | 0, 0, n);
  for (const a of vary) hashInto(h, a, n);
  assignCtxIds(c, cols, vary, b, dict, n);
  ctxFor = b;
  ctxRows = n;
  return ctxIds.subarray(0, n);
}

/** True when a[0, n) holds more than one value. */
function varies(a: Int32Array, n: number): boolean {
  const v0 = a[0];
  for (let r = 1; r < n; r++) if (a[r] !== v0) return true;
  return false;
}

/** Folds a[r] into the FNV hash h[r], rows [0, n). */
function hashInto(h: Int32Array, a: Int32Array, n: number): void {
  for (let r = 0; r < n; r++) h[r] = Math.imul(h[r] ^ a[r], 0x01000193);
}

/** ctxIds[r] for rows [0, n) from the hashes in ctxHash of their `vary` members (see prepareCtxIds). */
function assignCtxIds(c: CtxCache, cols: readonly Int32Array[], vary: readonly Int32Array[], b: LogBatch, dict: LogDict, n: number): void {
  const h = ctxHash;
  const v = vary.length;
  let slots = localSlots;
  slots.fill(0);
  let mask = slots.length - 1;
  let count = 0;
  for (let r = 0; r < n; r++) {
    const x = h[r];
    let s = (x ^ (x >>> 15)) & mask;
    let id = 0;
    for (;;) {
      const rep = slots[s] - 1;
      if (rep < 0) {
        id = ctxLookup(c, cols, b, r, dict);
        slots[s] = r + 1;
        localReps[count++] = r;
        if (count * 2 > slots.length) {
          slots = localSlots = new Int32Array(slots.length * 2);
          mask = slots.length - 1;
          if (localReps.length < slots.length) { const t = new Int32Array(slots.length); t.set(localReps); localReps = t; }
          for (let k = 0; k < count; k++) {
            const y = h[localReps[k]];
            let q = (y ^ (y >>> 15)) & mask;
            while (slots[q] !== 0) q = (q + 1) & mask;
            slots[q] = localReps[k] + 1;
          }
        }
        break;
      }
      let j = 0;
      while (j < v && vary[j][rep] === vary[j][r]) j++;
      if (j === v) { id = ctxIds[rep]; break; }
      s = (s + 1) & mask;
    }
    ctxIds[r] = id;
  }
}

/** Per-batch table of prepareCtxIds: the first row of each distinct tuple of varying members (row + 1, 0 = empty). */
let localSlots = new Int32Array(1024);
let localReps = new Int32Array(1024);

/** The ctx id of row r's tuple (all members), from the cache or interned as a new value. */
function ctxLookup(c: CtxCache, cols: readonly Int32Array[], b: LogBatch, r: number, dict: LogDict): number {
  const w = cols.length;
  let x = 0x811c9dc5;
  for (let j = 0; j < w; j++) x = Math.imul(x ^ cols[j][r], 0x01000193);
  const hr = x ^ (x >>> 15);
  const slots = c.slots;
  const mask = slots.length - 1;
  let s = hr & mask;
  for (;;) {
    const e = slots[s] - 1;
    if (e < 0) return ctxAdd(c, b, r, hr, dict);
    const t = c.tuples;
    let j = 0;
    while (j < w && t[e * w + j] === cols[j][r]) j++;
    if (j === w) return c.ids[e];
    s = (s + 1) & mask;
  }
}

/**
 * The PACKED group values of the batch being encoded, per group: row r's value in bits of lo[r] (and hi[r], the
 * upper word of a BIGINT group), nul[r] = 1 where it is NULL (a member NULL or out of its field: lo[r] = NULL_I32),
 * `nulls` of them.
 */
interface PackedOut { lo: Int32Array; hi: Int32Array; nul: Uint8Array; nulls: number }
const packedOut: PackedOut[] = PACKED.map(() => ({ lo: new Int32Array(0), hi: new Int32Array(0), nul: new Uint8Array(0), nulls: 0 }));
if (PACKED[0].id !== COL_CONNS || PACKED[1].id !== COL_QUEUES) throw new Error('staged parquet: PACKED order');

/**
 * Packs the PACKED members of rows [0, n) into packedOut: one pass per member, ~1 ns per member and row. A field
 * lies in one 32-bit word (schema.ts PACKED places them so).
 */
function packGroups(b: LogBatch, n: number): void {
  for (let k = 0; k < PACKED.length; k++) {
    const g = packedOut[k];
    if (g.nul.length < n) { g.lo = new Int32Array(n); g.hi = new Int32Array(n); g.nul = new Uint8Array(n); }
    const lo = g.lo;
    const hi = g.hi;
    const nul = g.nul;
    lo.fill(0, 0, n);
    hi.fill(0, 0, n);
    nul.fill(0, 0, n);
    for (const m of PACKED[k].members) {
      const a = b.i32[m.id];
      if (a.length > 0) packMember(a, m.shift < 32 ? lo : hi, nul, n, 2 ** m.bits - 1, m.shift & 31);
    }
    g.nulls = markPackedNulls(lo, nul, n);
  }
}

/**
 * Stores NULL_I32 in lo[r] where nul[r] is set, for rows [0, n); returns how many. Most batches have none, found by
 * one native scan: the same loop inlined in packGroups ran at ~1.4 us/row (bench:collect's file, load ~15).
 */
function markPackedNulls(lo: Int32Array, nul: Uint8Array, n: number): number {
  if (nul.subarray(0, n).indexOf(1) < 0) return 0;
  let nulls = 0;
  for (let r = 0; r < n; r++) if (nul[r] !== 0) { nulls++; lo[r] = NULL_I32; }
  return nulls;
}

/** ORs a[r] << sh into w[r] for rows [0, n) where a[r] is in 0 .. max, else sets nul[r] (NULL_I32 is negative). */
function packMember(a: Int32Array, w: Int32Array, nul: Uint8Array, n: number, max: number, sh: number): void {
  for (let r = 0; r < n; r++) {
    const v = a[r];
    if (v < 0 || v > max) nul[r] = 1;
    else w[r] |= v << sh;
  }
}

/** `"name":` of each member of each PACKED group, for the sparse JSON of rows whose group value is NULL. */
const PACKED_KEYS = PACKED.map((g) => g.members.map((m) => Buffer.from('"' + LOG_COLUMNS[m.id].name + '":')));

/** Writes integer v (int32) as decimal digits at out[o]; returns the offset after them. */
function putInt(out: Buffer, o: number, v: number): number {
  if (v < 0) { out[o++] = 45; v = -v; }
  let d = 1;
  while (d * 10 <= v) d *= 10;
  for (; d >= 1; d = Math.floor(d / 10)) { out[o++] = 48 + Math.floor(v / d) % 10; }
  return o;
}

/** The sparse column (schema.ts SPARSE_COLUMNS) of the batch being encoded. */
let sparseCol = new LogStrColumn(0, 0);
/** `"name":"` of each SPARSE_COLUMNS member. */
const SPARSE_KEYS = SPARSE_COLUMNS.map((id) => Buffer.from('"' + LOG_COLUMNS[id].name + '":"'));

/**
 * Builds sparseCol for rows [0, n) from the text of b's SPARSE_COLUMNS (after the client_ip and header splits): NULL
 * where all are NULL, else a JSON object of the non-NULL ones with '"', '\\' and control bytes escaped (other bytes
 * copied; invalid UTF-8 is replaced later as in any string column).
 */
function buildSparse(b: LogBatch, n: number): void {
  if (sparseCol.end.length < n) sparseCol = new LogStrColumn(Math.max(n, 1024), 16);
  const sc = sparseCol;
  sc.reset();
  const cols: LogStrColumn[] = [];
  const keys: Buffer[] = [];
  for (let k = 0; k < SPARSE_COLUMNS.length; k++) {
    const id = SPARSE_COLUMNS[k];
    if (!b.table.columns.includes(id)) continue;
    const s = strOf(b, id);
    if (s.valid.subarray(0, n).indexOf(1) >= 0) { cols.push(s); keys.push(SPARSE_KEYS[k]); }
  }
  const base = baseColumns(b.table);
  const packed = PACKED.some((g, k) => packedOut[k].nulls > 0 && base.includes(g.id));
  if (cols.length > 0 || packed) {
    let out = sc.data;
    let o = 0;
    for (let r = 0; r < n; r++) {
      let first = true;
      const rowStart = o;
      for (let k = 0; k < cols.length; k++) {
        const s = cols[k];
        if (s.valid[r] === 0) continue;
        const st = s.starts[r];
        const en = s.end[r];
        const key = keys[k];
        const need = o + key.length + (en - st) * 6 + 3;
        if (need > out.length) { const g = Buffer.allocUnsafe(Math.max(need, out.length * 2)); out.copy(g, 0, 0, o); out = g; }
        out[o++] = first ? 123 : 44;   // '{' or ','
        first = false;
        for (let j = 0; j < key.length; j++) out[o++] = key[j];
        o = putJsonString(out, o, s.data, st, en);
        out[o++] = 34;
      }
      for (let k = 0; packed && k < PACKED.length; k++) {
        if (packedOut[k].nulls === 0 || packedOut[k].nul[r] === 0) continue;
        const ms = PACKED[k].members;
        for (let j = 0; j < ms.length; j++) {
          const a = b.i32[ms[j].id];
          if (a.length === 0 || a[r] === NULL_I32) continue;
          const key = PACKED_KEYS[k][j];
          if (o + key.length + 14 > out.length) { const g = Buffer.allocUnsafe(Math.max(o + key.length + 14, out.length * 2)); out.copy(g, 0, 0, o); out = g; }
          out[o++] = first ? 123 : 44;
          first = false;
          for (let i = 0; i < key.length; i++) out[o++] = key[i];
          o = putInt(out, o, a[r]);
        }
      }
      if (first) continue;
      if (o + 1 > out.length) { const g = Buffer.allocUnsafe(out.length * 2); out.copy(g, 0, 0, o); out = g; }
      out[o++] = 125;   // '}'
      sc.fillNulls(r);
      sc.pos = o;
      sc.starts[r] = rowStart;
      sc.end[r] = o;
      sc.valid[r] = 1;
      sc.last = r;
    }
    sc.data = out;
  }
  sc.fillNulls(n);
}

function strOf(b: LogBatch, id: number): LogStrColumn {
  if (id === COL_SPARSE) return sparseCol;
  if (id === COL_CLIENT_IP && ipSplit) return ipRest;
  if (stagedSplit) for (let k = 0; k < DICT_STAGED.length; k++) if (DICT_STAGED[k].str === id) return stagedRest[k];
  return gathered[id] ?? b.str[id] as LogStrColumn;
}

/** Per column id: a packed copy of the batch's column when it is not packed (see gather), for the batch being encoded. */
const gathered: (LogStrColumn | null)[] = LOG_COLUMNS.map(() => null);
const gatherScratch: LogStrColumn[] = [];

/**
 * A packed copy (values contiguous in row order, batcher.ts LogStrColumn) of rows [0, n) of column `s`, whose values
 * point into a shared arena: the writers below copy a packed column's bytes in one piece. Reuses scratch `k`.
 */
function gather(s: LogStrColumn, n: number, k: number): LogStrColumn {
  let g = gatherScratch[k];
  if (g === undefined || g.end.length < n) g = gatherScratch[k] = new LogStrColumn(Math.max(n, 1024), 16);
  g.reset();
  const valid = s.valid;
  for (let r = 0; r < n; r++) if (valid[r] !== 0) g.set(r, s.data, s.starts[r], s.end[r]);
  g.fillNulls(n);
  return g;
}

function i32Of(b: LogBatch, id: number): Int32Array {
  if (id === COL_CTX) return curCtx;
  if (id === COL_QUEUES) return packedOut[1].lo;
  for (let k = 0; k < DICT_STAGED.length; k++) if (DICT_STAGED[k].id === id) return curStaged[k];
  return b.i32[id];
}

function f64Of(b: LogBatch, id: number): Float64Array {
  return id === COL_CLIENT_IP4 ? ip4Scratch : b.f64[id];
}

/**
 * The dictionary ids of a sealed batch that encodeStagedParquet would intern itself (prepareStagedIds, prepareCtxIds),
 * computed where the dictionaries are (the parsing thread) so that the encoding can run on another thread: `staged`
 * per DICT_STAGED entry, `ctx` (null when the table has none). Arrays of at least b.rows ids.
 */
export interface PreparedIds {
  readonly staged: readonly Int32Array[];
  readonly ctx: Int32Array | null;
}

/**
 * Prepares the ids of sealed batch `b` (see PreparedIds) into `into`'s arrays, which must hold b.rows ids (the caller
 * allocates them, e.g. shared with a worker). Interns new values in b's dictionaries.
 */
export function prepareIdsInto(b: LogBatch, into: PreparedIds): void {
  const n = b.rows;
  const cols = baseColumns(b.table);
  if (DICT_STAGED.some((d) => cols.includes(d.id))) {
    const staged = prepareStagedIds(b);
    for (const { col, ids } of staged) into.staged[DICT_STAGED.findIndex((d) => d.id === col)].set(ids.subarray(0, n));
  }
  preparedFor = null;
  if (cols.includes(COL_CTX) && into.ctx !== null) into.ctx.set(prepareCtxIds(b).subarray(0, n));
  ctxFor = null;
}

/**
 * The Parquet file for rows [0, b.rows) of sealed batch `b`, with the columns of its base table (schema.ts
 * baseColumns) in order and named as there, so `INSERT INTO <table>_rows SELECT * FROM read_parquet(file)` loads it.
 * Dictionary columns are their INTEGER ids; client_ip is split into client_ip4 and the text of other addresses.
 * With `ids` (prepareIdsInto) it uses those ids and reads no dictionary, so it may run on a thread other than the one
 * that owns b's dictionaries. Returns a view of a module-level buffer that the next call overwrites: write it out
 * before encoding again. Does not keep `b`.
 */
export function encodeStagedParquet(b: LogBatch, ids?: PreparedIds): Buffer {
  const n = b.rows;
  const cols = baseColumns(b.table);
  ipSplit = cols.includes(COL_CLIENT_IP4);
  if (ipSplit) splitClientIp(b, n);
  stagedSplit = DICT_STAGED.some((d) => cols.includes(d.id));
  curStaged = ids !== undefined ? ids.staged : stagedIds;
  if (stagedSplit) {
    if (ids === undefined && (preparedFor !== b || preparedRows !== n)) prepareStagedIds(b);
    splitStaged(b, n);
  }
  preparedFor = null;   // batches are reused: the next encode of this object prepares again
  if (cols.includes(COL_CTX)) {
    if (ids !== undefined && ids.ctx !== null) curCtx = ids.ctx;
    else {
      if (ctxFor !== b || ctxRows !== n) prepareCtxIds(b);
      curCtx = ctxIds;
    }
  }
  for (const g of packedOut) g.nulls = 0;
  if (cols.includes(COL_CONNS) || cols.includes(COL_QUEUES)) packGroups(b, n);
  if (cols.includes(COL_SPARSE)) buildSparse(b, n);
  ctxFor = null;
  gathered.fill(null);
  for (let i = 0; i < cols.length; i++) {
    const c = b.str[cols[i]];
    if (c !== null && c !== undefined && !c.packed) gathered[cols[i]] = gather(c, n, i);
  }
  if (nullArena.length < n * cols.length) nullArena = new Uint8Array(n * cols.length);
  if (i32Scratch.length < n * 2) i32Scratch = new Int32Array(n * 2);
  const plans: ColumnPlan[] = [];
  let size = 4;
  for (let i = 0; i < cols.length; i++) {
    const p = planColumn(b, cols[i], n, i);
    plans.push(p);
    size += p.header.length + p.pageBytes;
  }
  const meta = new ThriftOut();
  meta.i32(1, 1);
  meta.list(2, TC_STRUCT, cols.length + 1);
  meta.enter().str(4, 'schema').i32(5, cols.length).end();
  for (const id of cols) {
    const c = LOG_COLUMNS[id];
    meta.enter().i32(1, physicalType(c.kind)).i32(3, PQ_OPTIONAL).str(4, c.name);
    if (c.kind === CK_STR) meta.i32(6, PQ_CONVERTED_UTF8);
    else if (c.kind === CK_TS) meta.i32(6, PQ_CONVERTED_TIMESTAMP_MICROS);
    meta.end();
  }
  meta.i64(3, n);
  meta.list(4, TC_STRUCT, 1).enter();
  meta.list(1, TC_STRUCT, cols.length);
  let off = 4;
  let total = 0;
  for (const p of plans) {
    const c = LOG_COLUMNS[p.id];
    const chunk = p.header.length + p.pageBytes;
    meta.enter().i64(2, off).begin(3)
      .i32(1, physicalType(c.kind))
      .list(2, TC_I32, 2).listI32(p.encoding).listI32(PQ_ENC_RLE)
      .list(3, TC_BINARY, 1).listStr(c.name)
      .i32(4, 0).i64(5, n).i64(6, chunk).i64(7, chunk).i64(9, off)
      .end().end();
    off += chunk;
    total += chunk;
  }
  meta.i64(2, total).i64(3, n).end();
  meta.bytes.push(0);
  size += meta.bytes.length + 8;
  if (outScratch.length < size) outScratch = Buffer.allocUnsafeSlow(Math.max(size, Math.floor(outScratch.length * 1.5)));
  const out = outScratch.subarray(0, size);
  out.write('PAR1', 0, 'latin1');
  let o = 4;
  for (const p of plans) {
    for (let i = 0; i < p.header.length; i++) out[o++] = p.header[i];
    nullFlags = p.flags;
    o = writeDefLevels(out, o, n, p.nulls);
    o = writeValues(out, o, b, p, n);
  }
  for (let i = 0; i < meta.bytes.length; i++) out[o++] = meta.bytes[i];
  out.writeUInt32LE(meta.bytes.length, o);
  out.write('PAR1', o + 4, 'latin1');
  if (o + 8 !== size) throw new Error('staged parquet: size mismatch ' + (o + 8) + ' != ' + size);
  return out;
}

const STAGE_PREFIX = 'sluice-stage-';
/** Free space /dev/shm must have to take staged files (a bulk load keeps up to ~1 M rows, ~100-200 MB, staged). */
const SHM_MIN_FREE = 1 << 30;
let stageRootDir: string | null = null;

/**
 * Where stage directories go: /dev/shm when it is a writable tmpfs with SHM_MIN_FREE bytes free, else the OS temp
 * dir. Staged files live for one INSERT; on a disk filesystem each costs journal and block allocation work: writing
 * them took 0.38 CPU us/row to /tmp (ext4) and 0.09-0.11 to /dev/shm (1 M httplog rows, bench:collect stages).
 */
export function stageRoot(): string {
  if (stageRootDir !== null) return stageRootDir;
  stageRootDir = os.tmpdir();
  try {
    const st = fs.statfsSync('/dev/shm');
    fs.accessSync('/dev/shm', fs.constants.W_OK);
    if (st.bavail * st.bsize >= SHM_MIN_FREE) stageRootDir = '/dev/shm';
  } catch { /* no /dev/shm: the temp dir */ }
  return stageRootDir;
}

/**
 * Creates a private directory for staged files, `<stageRoot>/sluice-stage-<pid>-XXXXXX`, after removing those that
 * processes no longer running left behind there or in the temp dir (a crash leaves its staged, uncommitted files).
 * Throws on a filesystem error.
 */
export function makeStageDir(): string {
  // Both places: directories of runs that staged in the temp dir before /dev/shm was used, or when it was full.
  for (const root of new Set([os.tmpdir(), stageRoot()])) {
    for (const name of fs.readdirSync(root)) {
      if (!name.startsWith(STAGE_PREFIX)) continue;
      const pid = Number(name.slice(STAGE_PREFIX.length, name.indexOf('-', STAGE_PREFIX.length)));
      if (!(pid > 0) || pid === process.pid) continue;
      try {
        process.kill(pid, 0);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ESRCH') fs.rmSync(path.join(root, name), { recursive: true, force: true });
      }
    }
  }
  return fs.mkdtempSync(path.join(stageRoot(), STAGE_PREFIX + process.pid + '-'));
}
