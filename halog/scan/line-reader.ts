// Chunked line reader: reads files or stdin with large readSync calls into one reused Buffer, or takes
// pushed chunks (gunzip), and hands each complete line to a sink as (buf, start) with a 0 byte written
// over its LF, like halog's fgets2. A line of HALOG_LINE_MAX bytes or more ends the input, as in halog.
// Buffer ownership: the sink may read the line (and the bytes after it) only during the call.
// Hot path: yes (one indexOf per line, no per-line allocation).
import { readSync } from 'node:fs';
import { HALOG_LINE_MAX } from '../types.ts';

export interface LineSink {
  /** Handles one line starting at `start`, 0-terminated in `buf`. Returns false to stop reading. */
  line(buf: Buffer, start: number): boolean;
}

const READ_SIZE = 1 << 20;
const EAGAIN_WAIT = new Int32Array(new SharedArrayBuffer(4));

/**
 * One sequential read of up to `len` bytes of `fd` into buf at `off`: waits and retries on EAGAIN (a
 * non-blocking stdin), 0 at end of input ('EOF' from some pipes too); other errors are thrown.
 */
export function readStream(fd: number, buf: Uint8Array, off: number, len: number): number {
  for (;;) {
    try {
      return readSync(fd, buf, off, len, null);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN') { Atomics.wait(EAGAIN_WAIT, 0, 0, 5); continue; }
      if (code === 'EOF') return 0;
      throw err;
    }
  }
}

export class LineReader {
  buf: Buffer;
  /* start of the first unprocessed line, and end of valid data */
  start = 0;
  end = 0;
  stopped = false;
  bytesRead = 0;
  sink: LineSink;

  constructor(sink: LineSink, capacity = 4 * READ_SIZE) {
    this.sink = sink;
    /* +1 so that a last line without LF can still be 0-terminated */
    this.buf = Buffer.allocUnsafe(capacity + 1);
  }

  /** Processes every complete line in the buffer; keeps the incomplete tail. */
  drain(): void {
    const buf = this.buf;
    const view = buf.subarray(0, this.end);
    const sink = this.sink;
    let p = this.start;
    for (;;) {
      const lf = view.indexOf(10, p);
      if (lf < 0) break;
      if (lf - p >= HALOG_LINE_MAX) { this.stopped = true; return; }
      buf[lf] = 0;
      if (!sink.line(buf, p)) { this.stopped = true; return; }
      p = lf + 1;
    }
    this.start = p;
    if (this.end - p >= HALOG_LINE_MAX) this.stopped = true;
  }

  /* Moves the incomplete tail to the front so that at least `need` bytes are free. */
  private compact(need: number): void {
    const tail = this.end - this.start;
    if (this.start > 0) {
      if (tail > 0) this.buf.copyWithin(0, this.start, this.end);
      this.start = 0;
      this.end = tail;
    }
    if (this.buf.length - 1 - this.end < need) {
      const nb = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.end + need + 1));
      this.buf.copy(nb, 0, 0, this.end);
      this.buf = nb;
    }
  }

  /**
   * Reads `fd` to its end (or until the sink stops). Returns false if reading stopped early.
   * `onChunk` (optional) is told the running byte count after each read.
   */
  readFd(fd: number, onChunk?: (bytes: number) => void): boolean {
    for (;;) {
      if (this.stopped) return false;
      this.compact(READ_SIZE);
      const n = readStream(fd, this.buf, this.end, this.buf.length - 1 - this.end);
      if (n === 0) return this.finish();
      this.end += n;
      this.bytesRead += n;
      if (onChunk) onChunk(this.bytesRead);
      this.drain();
    }
  }

  /**
   * Reads bytes [from, to) of a regular file with positional reads (worker threads share the fd).
   * `from` and `to` must be line starts (or EOF). Returns false if reading stopped early.
   */
  readRange(fd: number, from: number, to: number): boolean {
    let pos = from;
    while (pos < to) {
      if (this.stopped) return false;
      this.compact(READ_SIZE);
      const n = readSync(fd, this.buf, this.end, Math.min(this.buf.length - 1 - this.end, to - pos), pos);
      if (n === 0) break;
      pos += n;
      this.end += n;
      this.bytesRead += n;
      this.drain();
    }
    return this.finish();
  }

  /** Copies a pushed chunk in and processes its complete lines. Returns false once stopped. */
  push(chunk: Uint8Array): boolean {
    let off = 0;
    while (off < chunk.length && !this.stopped) {
      this.compact(Math.min(READ_SIZE, chunk.length - off));
      const room = this.buf.length - 1 - this.end;
      const n = Math.min(room, chunk.length - off);
      this.buf.set(chunk.subarray(off, off + n), this.end);
      this.end += n;
      off += n;
      this.bytesRead += n;
      this.drain();
    }
    return !this.stopped;
  }

  /** End of one input: a last line without LF is still a line. Returns false if stopped. */
  finish(): boolean {
    if (this.stopped) return false;
    if (this.end > this.start) {
      if (this.end - this.start >= HALOG_LINE_MAX) { this.stopped = true; return false; }
      this.buf[this.end] = 0;
      const p = this.start;
      this.start = this.end = 0;
      if (!this.sink.line(this.buf, p)) { this.stopped = true; return false; }
    }
    this.start = this.end = 0;
    return true;
  }
}
