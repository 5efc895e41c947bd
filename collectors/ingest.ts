/* The collector's pipeline: one message (datagram, TCP frame or file line) → syslog envelope → the line parser of
 * the chosen format → a row in the current batch of http_log / tcp_log, or a raw_log row with the reason.
 * Full batches (row count) and old batches (time) go to a bounded queue drained into the sinks in order; a sink
 * error stops ingestion loudly through `onFatal`. Used by main.ts (listeners) and halog's loaders (files).
 * Hot path: yes (onMessage); batch rotation and draining are per batch.
 */
import { isUtf8 } from 'node:buffer';
import fs from 'node:fs';
import os from 'node:os';
import zlib from 'node:zlib';
import { LogBatch, LogDicts } from './arrow/batcher.ts';
import type { LogDict, LogStrColumn } from './arrow/batcher.ts';
import { HTTP_LOG_TABLE, RAW_LOG_TABLE, TCP_LOG_TABLE } from './arrow/schema.ts';
import {
  COL_EXTRA, COL_HOST, COL_MESSAGE, COL_PEER, COL_PROGRAM, COL_REASON, COL_RECEIVED,
} from './arrow/types.ts';
import type { TableSpec } from './arrow/types.ts';
import { CollectCounters } from './counters.ts';
import { parseHttpLog } from './httplog/httplog.ts';
import { parseTcpLog } from './httplog/tcplog.ts';
import { RowCols } from './httplog/row-cols.ts';
import {
  PARSE_ERR_BINARY, PARSE_ERR_ENCODING, PARSE_ERR_FORMAT, PARSE_ERR_OVERSIZED, PARSE_ERR_TRUNCATED, PARSE_OK, PARSE_REASONS,
} from './httplog/types.ts';
import type { LogLineParser } from './httplog/types.ts';
import { logFormatSource } from './httplog/custom-format.ts';
import { readFilesParallel } from './parallel-ingest.ts';
import type { LogSink, StagedFileSink } from './sinks/types.ts';
import type { WorkerFormat } from './types.ts';
import { newSyslogFrame, parseSyslogFrame } from './syslog/frame.ts';
import { SYSLOG_FMT_LOCAL, SYSLOG_FMT_RFC3164 } from './syslog/types.ts';
import { sdToJson } from './syslog/sd-json.ts';
import { newByteKey, sameBytes } from './byte-words.ts';

/** How messages are parsed: a fixed HAProxy format, per-message detection, or a compiled custom log-format. */
export type IngestFormat =
  | { readonly kind: 'httplog' }
  | { readonly kind: 'tcplog' }
  | { readonly kind: 'auto'; readonly clf?: LogLineParser }
  | { readonly kind: 'custom'; readonly parse: LogLineParser; readonly table: 'http_log' | 'tcp_log' };

export interface IngestOptions {
  readonly format: IngestFormat;
  readonly sinks: readonly LogSink<LogBatch>[];
  readonly dicts?: LogDicts;
  readonly counters?: CollectCounters;
  /** Rows per batch (default 8192). */
  readonly batchRows?: number;
  /** A non-empty batch is flushed at least this often (default 1000 ms). */
  readonly flushMs?: number;
  /** Batches that may wait for the sinks per table before rows are dropped (default 16). */
  readonly maxQueued?: number;
  /** Longer messages go to raw_log as `oversized`, cut to this length (default 65535). */
  readonly maxMessage?: number;
  /** Called once when a sink fails; ingestion has stopped by then. */
  readonly onFatal?: (err: Error) => void;
}

/** Rows of a bulk file load's first batch per table (Ingest.bulk). */
const BULK_FIRST_ROWS = 4096;
const TABLE_HTTP = 0;
const TABLE_TCP = 1;
const TABLE_RAW = 2;
const SPECS: readonly TableSpec[] = [HTTP_LOG_TABLE, TCP_LOG_TABLE, RAW_LOG_TABLE];

export class Ingest {
  readonly counters: CollectCounters;
  readonly dicts: LogDicts;
  private readonly sinks: readonly LogSink<LogBatch>[];
  private readonly format: IngestFormat;
  private readonly batchRows: number;
  private readonly maxQueued: number;
  /** Longest message kept whole (longer ones: raw_log `oversized`, cut). */
  readonly maxMessage: number;
  private readonly onFatal: (err: Error) => void;
  private readonly current: (LogBatch | null)[];
  private readonly pools: LogBatch[][] = [[], [], []];
  private readonly allocated = [0, 0, 0];
  private readonly queue: LogBatch[] = [];
  private readonly frame = newSyslogFrame();
  /** The envelope columns of the batch being written. */
  private readonly cols = new RowCols();
  private draining: Promise<void> | null = null;
  private roomWaiters: (() => void)[] = [];
  private timer: NodeJS.Timeout | null = null;
  private year = new Date().getUTCFullYear();
  private stopped = false;
  /**
   * Bulk loads of regular files: no time-based flushes, batches leave full. A batch waiting for room in a busy pipeline
   * passed flushMs and left part-filled: bench:collect's 1 M rows as 26-27 batches instead of 25 at load ~14, which
   * breaks the DuckDB sink's whole-row-group INSERTs (duckdb.ts BULK_MIN_ROWS).
   */
  private fullBatches = false;
  /** Bulk loads of regular files: bytes of input not parsed yet (setInputLeft), -1 = unknown. */
  private inputLeft = -1;
  private fatal: Error | null = null;
  private readonly customParse: LogLineParser | null;
  private readonly customTable: number;
  private readonly clfParse: LogLineParser | null;
  /** auto format: the last line classified was httplog. */
  private autoHttp = false;
  /**
   * The syslog header of the last message that had a reusable one (bytes [0, hdrLen) of hdrKey; 0 = none), the frame
   * it parsed to with offsets relative to the message start, its host and program dictionary ids, and the year it
   * was parsed with. Consecutive messages mostly carry the same header up to the second (`Mmm dd hh:mm:ss host
   * tag[pid]: `): comparing ~35 bytes costs less than parsing them and interning host and program (see frameFor).
   */
  private readonly hdrKey = newByteKey(256);
  private hdrLen = 0;
  private hdrYear = 0;
  private readonly hdrFrame = newSyslogFrame();
  private hdrHost = 0;
  private hdrProg = 0;

  constructor(o: IngestOptions) {
    this.format = o.format;
    this.sinks = o.sinks;
    this.dicts = o.dicts ?? new LogDicts();
    this.counters = o.counters ?? new CollectCounters();
    this.batchRows = o.batchRows ?? 8192;
    this.maxQueued = o.maxQueued ?? 16;
    this.maxMessage = o.maxMessage ?? 65535;
    this.onFatal = o.onFatal ?? ((e) => { throw e; });
    this.current = SPECS.map((_, t) => this.newBatch(t));
    this.customParse = o.format.kind === 'custom' ? o.format.parse : null;
    this.customTable = o.format.kind === 'custom' && o.format.table === 'tcp_log' ? TABLE_TCP : TABLE_HTTP;
    this.clfParse = o.format.kind === 'auto' && o.format.clf ? o.format.clf : null;
    const flushMs = o.flushMs ?? 1000;
    this.timer = setInterval(() => this.tick(flushMs), Math.max(10, flushMs >> 2));
    this.timer.unref();
  }

  get failed(): Error | null { return this.fatal; }

  /**
   * What parallel file reads need (parallel-ingest.ts): the only sink, when it takes files staged on other threads
   * with this ingest's dictionaries, and the format in a form a worker can rebuild. Null when that is not possible
   * (other sinks such as JSON or Arrow need the batches here, or the parser is not a compiled log-format).
   */
  parallelTarget(): { sink: StagedFileSink<LogBatch>; format: WorkerFormat; batchRows: number; maxMessage: number } | null {
    if (this.sinks.length !== 1 || this.stopped) return null;
    const sink = this.sinks[0] as Partial<StagedFileSink<LogBatch>>;
    if (sink.stagedDicts !== this.dicts || typeof sink.writeStaged !== 'function') return null;
    const f = this.format;
    let wf: WorkerFormat;
    if (f.kind === 'custom') {
      const src = logFormatSource(f.parse);
      if (!src) return null;
      wf = { kind: 'custom', fmt: src.fmt, configEscapes: src.configEscapes, table: f.table };
    } else if (f.kind === 'auto') {
      const src = f.clf ? logFormatSource(f.clf) : undefined;
      if (f.clf && !src) return null;
      wf = { kind: 'auto', clf: src ?? null };
    } else wf = { kind: f.kind };
    return { sink: sink as StagedFileSink<LogBatch>, format: wf, batchRows: this.batchRows, maxMessage: this.maxMessage };
  }

  /** A sink failure outside the batch queue (parallel file reads): stops ingestion like a failed write. */
  reportSinkError(e: Error): void {
    if (this.fatal) return;
    this.counters.writeErrors++;
    this.fatal = e;
    this.stopped = true;
    this.onFatal(e);
  }

  /** Batches waiting for the sinks. */
  get queued(): number { return this.queue.length; }

  /**
   * False while the sinks are so far behind that a batch rotation could find no free batch and drop rows (a ring
   * reader can wait instead). Counts the batch being written, which is out of the queue but not yet back in a pool.
   */
  get hasRoom(): boolean { return this.queue.length + (this.draining !== null ? 1 : 0) < this.maxQueued; }

  /** Waits until the queued batches are written. */
  async settle(): Promise<void> {
    while (this.draining !== null) await this.draining;
  }

  /** Waits until at most `max` batches are queued (backpressure for file readers; parsing overlaps writing). */
  async waitForRoom(max: number): Promise<void> {
    while (this.queue.length > max && this.draining !== null && this.fatal === null) {
      await new Promise<void>((r) => this.roomWaiters.push(r));
    }
  }

  /**
   * Ingests message buf[start, end) received at `nowMs` from `peer` (an address string, or '' for files).
   * Never throws on bad input: it becomes a raw_log row. Does not keep `buf`.
   */
  onMessage(buf: Uint8Array, start: number, end: number, peer: string, nowMs: number): void {
    if (this.stopped) return;
    const c = this.counters;
    c.received++;
    c.receivedBytes += end - start;
    if (end - start > this.maxMessage) { this.raw(buf, start, start + this.maxMessage, peer, nowMs, PARSE_ERR_OVERSIZED, false); return; }
    const f = this.frame;
    this.frameFor(buf, start, end);
    let t: number;
    let parse: LogLineParser;
    if (this.customParse !== null) { t = this.customTable; parse = this.customParse; }
    else if (this.format.kind === 'httplog') { t = TABLE_HTTP; parse = parseHttpLog; }
    else if (this.format.kind === 'tcplog') { t = TABLE_TCP; parse = parseTcpLog; }
    else {
      // After an httplog line the next one is tried as httplog before it is classified: an HTTP proxy's log is mostly
      // httplog, and detectHaproxyFormat scans the first five fields once more (~60 ns/line). A line the parser
      // rejects takes the path below as if it had not been tried (its row is rolled back).
      if (this.autoHttp) {
        const b = this.current[TABLE_HTTP];
        if (b !== null) {
          this.envelope(b, buf);
          if (parseHttpLog(buf, f.msgStart, f.msgEnd, b) === PARSE_OK) {
            if (f.sdStart >= 0) this.structuredData(b, buf);
            this.commit(b, TABLE_HTTP, nowMs);
            return;
          }
          b.rollbackRow();
        }
      }
      const k = detectHaproxyFormat(buf, f.msgStart, f.msgEnd);
      this.autoHttp = k === TABLE_HTTP;
      if (k === TABLE_TCP) { t = TABLE_TCP; parse = parseTcpLog; }
      else if (k === TABLE_HTTP) { t = TABLE_HTTP; parse = parseHttpLog; }
      else if (k === TABLE_CLF && this.clfParse !== null) { t = TABLE_HTTP; parse = this.clfParse; }
      else {
        const bin = hasControlBytes(buf, start, end);
        this.raw(buf, start, end, peer, nowMs, bin ? PARSE_ERR_BINARY : PARSE_ERR_FORMAT, !bin);
        return;
      }
    }
    const b = this.current[t] ?? (this.current[t] = this.newBatch(t));
    if (b === null) { c.droppedQueue++; return; }
    this.envelope(b, buf);
    const r = parse(buf, f.msgStart, f.msgEnd, b);
    if (r !== PARSE_OK) {
      // Only rejected lines are classified further: HAProxy escapes control bytes, so a line that parsed is text.
      b.rollbackRow();
      this.raw(buf, start, end, peer, nowMs, hasControlBytes(buf, start, end) ? PARSE_ERR_BINARY : r, !hasControlBytes(buf, start, end));
      return;
    }
    if (f.sdStart >= 0) this.structuredData(b, buf);
    this.commit(b, t, nowMs);
  }

  /**
   * Fills this.frame for message buf[start, end): from the cached header when the message starts with its bytes,
   * else by parsing, caching the header when it is reusable. Only RFC 3164 / local headers with a tag that ends in
   * `: ` are cached: their parse reads no byte past the header, so equal header bytes give an equal frame.
   * bench:collect's file (1 M rsyslog lines), read + frame + httplog parse into batches, CPU us/row over 18 rounds in
   * 6 interleaved runs, load 5-9: min 1.04 -> 0.92, median 1.16 -> 1.03.
   */
  private frameFor(buf: Uint8Array, start: number, end: number): void {
    const f = this.frame;
    const n = this.hdrLen;
    let e = end;
    while (e > start && (buf[e - 1] === 10 || buf[e - 1] === 13 || buf[e - 1] === 0)) e--;
    if (n > 0 && e - start > n && this.hdrYear === this.year) {
      if (sameBytes(this.hdrKey, buf, start, n)) {
        const h = this.hdrFrame;
        f.format = h.format; f.pri = h.pri; f.tsMs = h.tsMs; f.pid = h.pid;
        f.hostStart = h.hostStart < 0 ? -1 : h.hostStart + start; f.hostEnd = h.hostEnd < 0 ? -1 : h.hostEnd + start;
        f.progStart = h.progStart + start; f.progEnd = h.progEnd + start;
        f.msgidStart = f.msgidEnd = f.sdStart = f.sdEnd = -1;
        f.msgStart = start + n; f.msgEnd = e;
        return;
      }
    }
    parseSyslogFrame(buf, start, end, this.year, f);
    const len = f.msgStart - start;
    if ((f.format === SYSLOG_FMT_RFC3164 || f.format === SYSLOG_FMT_LOCAL) && f.progStart >= 0 && len >= 2 &&
        len <= this.hdrKey.bytes.length && buf[f.msgStart - 1] === 32 && buf[f.msgStart - 2] === 58) {
      const h = this.hdrFrame;
      h.format = f.format; h.pri = f.pri; h.tsMs = f.tsMs; h.pid = f.pid;
      h.hostStart = f.hostStart < 0 ? -1 : f.hostStart - start; h.hostEnd = f.hostEnd < 0 ? -1 : f.hostEnd - start;
      h.progStart = f.progStart - start; h.progEnd = f.progEnd - start;
      const k = this.hdrKey.bytes;
      for (let j = 0; j < len; j++) k[j] = buf[start + j];
      this.hdrLen = len;
      this.hdrYear = this.year;
      this.hdrHost = f.hostStart >= 0 ? (this.dicts.byColumn[COL_HOST] as LogDict).intern(buf, f.hostStart, f.hostEnd) : 0;
      this.hdrProg = (this.dicts.byColumn[COL_PROGRAM] as LogDict).intern(buf, f.progStart, f.progEnd);
    } else this.hdrLen = 0;
  }

  /**
   * RFC 5424 structured data (log-format-sd) of the row just parsed into `b`, as `"sd"` in its `extra` JSON, merged
   * with the extras a custom log-format wrote (was dropped).
   */
  private structuredData(b: LogBatch, buf: Uint8Array): void {
    const col = b.str[COL_EXTRA];
    if (col === null) return;
    const row = b.rows;
    const sd = '"sd":' + sdToJson(buf, this.frame.sdStart, this.frame.sdEnd);
    if (col.last === row) {
      const prev = col.data.toString('utf8', col.start(row), col.end[row]);
      col.rollback(row);
      col.setString(row, prev.length > 2 ? '{' + sd + ',' + prev.slice(1) : '{' + sd + '}');
    } else col.setString(row, '{' + sd + '}');
  }

  /** Commits the row just parsed into b (table t), rotating the batch when it is full. */
  private commit(b: LogBatch, t: number, nowMs: number): void {
    if (b.rows === 0) b.openedAt = nowMs;
    b.commitRow();
    this.counters.parsed++;
    if (b.full) this.rotate(t);
  }

  /**
   * A frame a stream decoder had to cut, at its maximum size (`oversized`) or because the peer closed inside an
   * octet-counted frame (`truncated`): counted, and kept whole in raw_log with that reason.
   */
  onCutFrame(buf: Uint8Array, start: number, end: number, peer: string, nowMs: number, reason: number): void {
    if (this.stopped) return;
    this.counters.received++;
    this.counters.receivedBytes += end - start;
    this.raw(buf, start, end, peer, nowMs, reason, false);
  }

  /** Writes the syslog envelope of the current frame into the current row of `b`. */
  private envelope(b: LogBatch, buf: Uint8Array): void {
    const f = this.frame;
    const row = b.rows;
    const c = this.cols;
    c.bind(b);
    c.logTs[row] = f.tsMs;
    if (this.hdrLen > 0) {
      // this.frame is the cached header's (frameFor): its ids are known.
      c.host[row] = this.hdrHost;
      c.program[row] = this.hdrProg;
    } else {
      if (f.hostStart >= 0) b.setDict(COL_HOST, buf, f.hostStart, f.hostEnd);
      if (f.progStart >= 0) b.setDict(COL_PROGRAM, buf, f.progStart, f.progEnd);
    }
    if (f.pid >= 0) c.pid[row] = f.pid;
    if (f.pri >= 0) { c.facility[row] = f.pri >> 3; c.severity[row] = f.pri & 7; }
  }

  /** Stores an unparsed message in raw_log with its reason (invalid UTF-8 is replaced by U+FFFD). */
  private raw(buf: Uint8Array, start: number, end: number, peer: string, nowMs: number, reason: number, framed: boolean): void {
    let code = reason;
    // A cut frame keeps its reason even when the cut split a UTF-8 sequence.
    if (code !== PARSE_ERR_BINARY && code !== PARSE_ERR_OVERSIZED && (framed || code !== PARSE_ERR_TRUNCATED) &&
        !isUtf8(buf.subarray(start, end))) code = PARSE_ERR_ENCODING;
    this.counters.unparsed[code]++;
    const b = this.current[TABLE_RAW] ?? (this.current[TABLE_RAW] = this.newBatch(TABLE_RAW));
    if (b === null) { this.counters.droppedQueue++; return; }
    const row = b.rows;
    if (framed) this.envelope(b, buf);
    b.f64[COL_RECEIVED][row] = nowMs;
    if (peer.length > 0) b.i32[COL_PEER][row] = (this.dicts.byColumn[COL_PEER] as LogDict).internString(peer);
    b.i32[COL_REASON][row] = (this.dicts.byColumn[COL_REASON] as LogDict).internString(PARSE_REASONS[code]);
    if (code === PARSE_ERR_ENCODING || code === PARSE_ERR_BINARY || code === PARSE_ERR_OVERSIZED || !framed) {
      (b.str[COL_MESSAGE] as LogStrColumn).setString(row, Buffer.from(buf.buffer, buf.byteOffset + start, end - start).toString('utf8'));
    } else b.setStr(COL_MESSAGE, buf, start, end);
    if (b.rows === 0) b.openedAt = nowMs;
    b.commitRow();
    if (b.full) this.rotate(TABLE_RAW);
  }

  private newBatch(t: number): LogBatch | null {
    const pool = this.pools[t];
    if (pool.length > 0) return pool.pop() as LogBatch;
    if (this.allocated[t] > this.maxQueued) return null;
    this.allocated[t]++;
    return new LogBatch(SPECS[t], this.batchRows, this.dicts);
  }

  /** Queues table t's current batch (if it has rows) and starts a fresh one; drains asynchronously. */
  private rotate(t: number): void {
    const b = this.current[t];
    if (b === null) { this.current[t] = this.newBatch(t); return; }
    if (b.rows === 0) return;
    this.queue.push(b);
    this.current[t] = this.newBatch(t);
    if (this.draining === null) this.draining = this.drain();
  }

  private tick(flushMs: number): void {
    const now = Date.now();
    this.year = new Date(now).getUTCFullYear();
    for (let t = 0; t < 3; t++) {
      const b = this.current[t];
      if (b === null) this.current[t] = this.newBatch(t);
      else if (b.rows > 0 && now - b.openedAt >= flushMs && !this.fullBatches) this.rotate(t);
    }
  }

  private async drain(): Promise<void> {
    await Promise.resolve();
    try {
      while (this.queue.length > 0 && this.fatal === null) {
        const b = this.queue.shift() as LogBatch;
        if (this.inputLeft >= 0) b.rowsAfter = this.rowsAfter();
        const t0 = performance.now();
        for (const s of this.sinks) await s.write(b);
        this.counters.recordWrite(performance.now() - t0, b.rows);
        b.reset();
        this.pools[SPECS.indexOf(b.table)].push(b);
        this.wakeRoomWaiters();
      }
    } catch (e) {
      this.counters.writeErrors++;
      this.fatal = e instanceof Error ? e : new Error(String(e));
      this.stopped = true;
      this.onFatal(this.fatal);
    } finally {
      this.draining = null;
      this.wakeRoomWaiters();
    }
  }

  /**
   * Bulk loads of regular files: `bytes` of the input are not parsed yet (-1 = unknown, the default), from which each
   * batch's rowsAfter is estimated as it goes to the sinks.
   */
  setInputLeft(bytes: number): void { this.inputLeft = bytes; }

  /** Rows that will follow the batch being written: those parsed and not written yet, and the input left at the mean line length so far. */
  private rowsAfter(): number {
    let rows = 0;
    for (const b of this.queue) rows += b.rows;
    for (const b of this.current) if (b !== null) rows += b.rows;
    const c = this.counters;
    return rows + (c.receivedBytes > 0 ? Math.ceil(this.inputLeft * c.received / c.receivedBytes) : 0);
  }

  private wakeRoomWaiters(): void {
    const w = this.roomWaiters;
    if (w.length === 0) return;
    this.roomWaiters = [];
    for (const r of w) r();
  }

  /**
   * Bulk loading (file readers): sinks that support it group batches into larger commits (the DuckDB sink: whole
   * row groups per INSERT, several times cheaper per row). bulk(false) flushes every buffered row, has the sinks commit
   * what they grouped, and returns to one commit per batch. A sink error here is fatal like a write error.
   * `fullBatches` (regular files, not a stream such as stdin) turns the time-based flushes off until bulk(false).
   */
  async bulk(on: boolean, fullBatches = false): Promise<void> {
    if (this.fatal || this.stopped) return;   // after close() the sinks are closed and hold nothing
    this.fullBatches = on && fullBatches;
    this.inputLeft = -1;
    // A file load's first batches leave early, so that the sinks start (and their code is compiled) while this thread
    // parses on, instead of after a whole first batch.
    if (this.fullBatches) for (const b of this.current) if (b !== null && b.rows === 0) b.limit = Math.min(b.capacity, BULK_FIRST_ROWS);
    try {
      if (!on) await this.flush();
      for (const s of this.sinks) if (s.bulk) await s.bulk(on);
    } catch (e) {
      if (this.fatal) return;
      this.counters.writeErrors++;
      this.fatal = e instanceof Error ? e : new Error(String(e));
      this.stopped = true;
      this.onFatal(this.fatal);
    }
  }

  /** Sends every buffered row to the sinks and waits until they are written. */
  async flush(): Promise<void> {
    for (let t = 0; t < 3; t++) this.rotate(t);
    while (this.draining !== null) await this.draining;
    if (this.fatal) throw this.fatal;
  }

  /** Stops accepting messages, flushes everything and closes the sinks. */
  async close(): Promise<void> {
    if (this.timer) { clearInterval(this.timer); this.timer = null; }
    let err: Error | null = null;
    try { await this.flush(); } catch (e) { err = e as Error; }
    this.stopped = true;
    for (const s of this.sinks) {
      try { await s.close(); } catch (e) { err ??= e as Error; }
    }
    if (err) throw err;
  }
}

const TABLE_CLF = 3;

/** True if buf[start,end) holds a control byte other than TAB, LF, CR (a binary datagram). */
function hasControlBytes(buf: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const b = buf[i];
    if (b < 32 && b !== 9 && b !== 10 && b !== 13) return true;
  }
  return false;
}

/**
 * Guesses which HAProxy format a message uses, cheaply: CLF starts `ip - - [`, httplog has 4 slashes in its timers
 * field (the 5th space-separated field), tcplog 2. Returns TABLE_HTTP, TABLE_TCP, TABLE_CLF or -1.
 */
export function detectHaproxyFormat(buf: Uint8Array, start: number, end: number): number {
  let sp = buf.indexOf(32, start);
  if (sp < 0 || sp >= end) return -1;
  if (buf[sp + 1] === 45 && buf[sp + 2] === 32 && buf[sp + 3] === 45 && buf[sp + 4] === 32 && buf[sp + 5] === 91) return TABLE_CLF;
  for (let k = 0; k < 3; k++) {
    sp = buf.indexOf(32, sp + 1);
    if (sp < 0 || sp >= end) return -1;
  }
  let slashes = 0;
  for (let i = sp + 1; i < end; i++) {
    const c = buf[i];
    if (c === 32) break;
    if (c === 47) slashes++;
  }
  return slashes === 4 ? TABLE_HTTP : slashes === 2 ? TABLE_TCP : -1;
}

/**
 * Feeds a log file (or stdin for '-') line by line into `ingest`, reading 1 MiB chunks and cutting at '\n'; waits
 * for the sinks whenever batches queue up (a file can wait, a socket cannot), in bulk mode (see Ingest.bulk). Resolves
 * once every row of the file is written, or when the ingest failed. Used by `sluice-collect --read` and halog's loaders.
 */
export async function ingestFile(path: string, ingest: Ingest): Promise<void> {
  await ingestFiles([path], ingest);
}

/** Tuning of ingestFiles' parallel path (tests make it take small files). */
export interface ReadOptions {
  /** Files smaller than this in total are read on this thread (default 32 MiB: a worker costs ~50 ms to start). */
  readonly parallelMinBytes?: number;
  /** Parse workers (default: defaultParseWorkers(); 0 = read on this thread). */
  readonly workers?: number;
  /** Bytes per range handed to a worker (parallel-ingest.ts CHUNK_BYTES). */
  readonly chunkBytes?: number;
}

/**
 * Parse workers for file loads: SLUICE_PARSE_WORKERS if set, else cores - 1 with 3 cores or more, else none. On 2 cores this thread parsing while the sink worker inserts already keeps both busy, and parse workers
 * cost more CPU (each isolate compiles and collects on its own): 1 GB halog corpus (5.36 M lines) into DuckDB at
 * SCHED_FIFO, load 13-16 from other work: 2 workers 524 k rows/s, 3.39 CPU us/row; none 592 k rows/s, 2.86 us/row.
 */
export function defaultParseWorkers(): number {
  const env = Number(process.env.SLUICE_PARSE_WORKERS);
  if (process.env.SLUICE_PARSE_WORKERS !== undefined && env >= 0) return Math.floor(env);
  const cores = os.availableParallelism();
  return cores >= 3 ? cores - 1 : 0;
}

/** True for a regular file (not stdin '-', a FIFO or a device, which may be a live stream). */
function isRegularFile(p: string): boolean {
  try { return p !== '-' && fs.statSync(p).isFile(); } catch { return false; }
}

/** Total size of `paths` if each is a regular file that is not gzip-compressed, else -1. */
function plainFiles(paths: readonly string[]): number {
  let total = 0;
  for (const p of paths) {
    if (p === '-') return -1;
    let fd = -1;
    try {
      fd = fs.openSync(p, 'r');
      const st = fs.fstatSync(fd);
      if (!st.isFile()) return -1;
      const magic = Buffer.alloc(2);
      if (fs.readSync(fd, magic, 0, 2, 0) === 2 && magic[0] === 0x1f && magic[1] === 0x8b) return -1;
      total += st.size;
    } catch {
      return -1;   // the sequential path reports the error with the file's name
    } finally {
      if (fd >= 0) fs.closeSync(fd);
    }
  }
  return total;
}

/**
 * ingestFile for several files in one bulk session: the DuckDB sink's INSERTs stay whole row groups across file
 * boundaries (one partial row group at the end instead of one per file), and the rows are committed once at the end.
 * With 3 cores or more, regular uncompressed files going to one DuckDB or Parquet sink worker are parsed by worker
 * threads (parallel-ingest.ts, defaultParseWorkers); stdin, gzip files and other sinks are read on this thread.
 */
export async function ingestFiles(paths: readonly string[], ingest: Ingest, opts: ReadOptions = {}): Promise<void> {
  await ingest.bulk(true, paths.every(isRegularFile));
  try {
    const target = ingest.parallelTarget();
    const workers = opts.workers ?? defaultParseWorkers();
    if (target !== null && workers > 0 && paths.length > 0) {
      const total = plainFiles(paths);
      if (total >= (opts.parallelMinBytes ?? 32 << 20)) {
        await readFilesParallel(paths, {
          ...target, dicts: ingest.dicts, counters: ingest.counters, workers, chunkBytes: opts.chunkBytes,
          onSinkError: (e) => ingest.reportSinkError(e),
        });
        return;
      }
    }
    // Regular uncompressed files: the bytes after each one, for the estimate of the rows left (Ingest.setInputLeft).
    let later = plainFiles(paths);
    for (const path of paths) {
      try {
        if (later >= 0) later -= fs.statSync(path).size;
        await readLines(path, ingest, later);
      } catch (e) { throw new Error("'" + path + "': " + (e as Error).message); }
      if (ingest.failed) return;
    }
  } finally {
    await ingest.bulk(false);
  }
}

/** `later`: bytes of the files read after this one when all are regular and uncompressed, else -1. */
async function readLines(path: string, ingest: Ingest, later: number): Promise<void> {
  if (path === '-') { await readStream(process.stdin, ingest); return; }
  // Regular files: reads into two reused buffers (readChunks). A 256 KiB stream chunk per read plus a concat per chunk
  // cost fresh pages (page faults, zeroing) and a copy of every byte.
  const fh = await fs.promises.open(path, 'r');
  try {
    // Rotated logs are usually gzipped (haproxy.log.2.gz): decompressed on the fly (they were binary raw_log rows).
    const magic = Buffer.alloc(2);
    if ((await fh.read(magic, 0, 2, 0)).bytesRead === 2 && magic[0] === 0x1f && magic[1] === 0x8b) {
      const z = zlib.createGunzip();
      const rs = fh.createReadStream({ start: 0, autoClose: false });
      rs.on('error', (e) => z.destroy(e));
      rs.pipe(z);
      await readStream(z, ingest);
      return;
    }
    await readChunks(fh, ingest, later < 0 ? -1 : (await fh.stat()).size, later);
  } finally {
    await fh.close();
  }
}

/** Bytes per read of a regular file, and the room before each read's data for the unfinished line of the last one. */
const READ_CHUNK = 1 << 20;
const READ_CARRY = 64 << 10;

/**
 * Reads a regular file in READ_CHUNK reads into two reused buffers: the next read runs on libuv's pool while this
 * thread parses the current chunk, so parsing never waits for a read (each await of a read was a thread hand-off, ~1 ms
 * under load). A line cut by a read is copied in front of the next chunk's data (lines longer than READ_CARRY are
 * joined in a buffer of their own). Resolves after the last line, or when the ingest failed; never leaves a read running.
 * With `size` >= 0 (the file's) it tells `ingest` how many bytes are left after each chunk, `later` bytes of later files included.
 */
async function readChunks(fh: fs.promises.FileHandle, ingest: Ingest, size: number, later: number): Promise<void> {
  let cur = Buffer.allocUnsafeSlow(READ_CARRY + READ_CHUNK);
  let other = Buffer.allocUnsafeSlow(READ_CARRY + READ_CHUNK);
  let pos = 0;
  let pending: Promise<{ bytesRead: number }> | null = fh.read(cur, READ_CARRY, READ_CHUNK, pos);
  let carry: Buffer = cur;   // the unfinished line is carry[carryStart, carryEnd)
  let carryStart = 0;
  let carryEnd = 0;
  try {
    for (;;) {
      const n: number = (await pending!).bytesRead;
      pending = null;
      if (n === 0) break;
      pos += n;
      const t = carryEnd - carryStart;
      let data = cur;
      let start = READ_CARRY - t;
      let end = READ_CARRY + n;
      if (t > READ_CARRY) {
        data = Buffer.concat([carry.subarray(carryStart, carryEnd), cur.subarray(READ_CARRY, end)]);
        start = 0;
        end = data.length;
      } else if (t > 0) carry.copy(cur, start, carryStart, carryEnd);
      // `other` holds nothing still needed (its unfinished line was copied above): the next read goes there.
      pending = fh.read(other, READ_CARRY, READ_CHUNK, pos);
      const s = ingestBufferLines(data, end, ingest, start);
      if (size >= 0) ingest.setInputLeft(Math.max(0, size - pos) + (end - s) + later);
      carry = data;
      carryStart = s;
      carryEnd = end;
      const x = cur; cur = other; other = x;
      await ingest.waitForRoom(2);
      if (ingest.failed) return;
    }
    const e = lineEnd(carry, carryStart, carryEnd);
    if (e > carryStart) ingest.onMessage(carry, carryStart, e, '', Date.now());
  } finally {
    if (pending !== null) await pending.catch(() => undefined);
  }
}

async function readStream(stream: NodeJS.ReadableStream, ingest: Ingest): Promise<void> {
  let tail: Buffer | null = null;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    const buf: Buffer = tail ? Buffer.concat([tail, chunk]) : chunk;
    const s = ingestBufferLines(buf, buf.length, ingest);
    tail = s < buf.length ? Buffer.from(buf.subarray(s)) : null;
    await ingest.waitForRoom(2);
    if (ingest.failed) return;
  }
  const e = tail ? lineEnd(tail, 0, tail.length) : 0;
  if (tail && e > 0) ingest.onMessage(tail, 0, e, '', Date.now());
}

/** The end of the file line buf[start, e) without the CR of a CRLF ending (raw_log rows kept it). */
export function lineEnd(buf: Uint8Array, start: number, e: number): number {
  return e > start && buf[e - 1] === 13 ? e - 1 : e;
}

/** Ingests every complete line of buf[start, end) without its LF or CRLF (empty lines skipped); returns the offset
 * after the last '\n'. */
export function ingestBufferLines(buf: Buffer, end: number, ingest: Ingest, start = 0): number {
  const now = Date.now();
  let s = start;
  for (;;) {
    const e = buf.indexOf(10, s);
    if (e < 0 || e >= end) break;
    const le = e > s && buf[e - 1] === 13 ? e - 1 : e;
    if (le > s) ingest.onMessage(buf, s, le, '', now);
    s = e + 1;
  }
  return s;
}

const WARM_UP_LINES = [
  '<134>Nov 23 20:18:12 lb1 haproxy[4174]: 10.0.0.1:55134 [23/Nov/2026:20:18:12.197] fe_http be_app/s1 0/0/0/4/4 200 160 - - ---- 1/1/0/0/0 0/0 {h|ua} {text/plain} "GET /x?y=1 HTTP/1.1"',
  '<134>1 2026-11-23T20:18:12.204255+00:00 - haproxy 4174 - - 10.0.0.2:55148 [23/Nov/2026:20:18:12.210] fe_http be_app/s2 0/0/0/5/5 404 167 - - ---- 1/1/0/0/0 0/0 "POST /status/404 HTTP/1.1"',
  '<134>Nov 23 20:18:20 haproxy[4174]: 10.0.0.3:35296 [23/Nov/2026:20:18:20.771] fe_tcp be_tcp/echo 1/0/3 8 -- 1/1/0/0/0 0/0',
  'Nov 23 20:18:12 lb1 haproxy[4174]: 10.0.0.4:1 [23/Nov/2026:20:18:12.197] fe~ be/s -1/-1/-1/-1/0 400 0 - - CR-- 1/1/0/0/0 0/0 "<BADREQ>"',
].map((l) => Buffer.from(l, 'latin1'));

/**
 * Runs the parsers over built-in sample lines in a throwaway pipeline (own dictionaries, no sinks) so V8 has
 * optimised them before the first datagram arrives: without it the first second at 50 k datagrams/s lost ~4 % to
 * the socket buffer while the code was still interpreted (bench/collectors/udp.bench.ts).
 */
export async function warmUpParsers(format: IngestFormat, rounds = 5000): Promise<void> {
  const ing = new Ingest({ format, sinks: [], batchRows: 4096, flushMs: 60000 });
  const now = Date.now();
  for (let i = 0; i < rounds; i++) {
    for (const l of WARM_UP_LINES) ing.onMessage(l, 0, l.length, '127.0.0.1', now);
  }
  await ing.close();
}
