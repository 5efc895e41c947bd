// `-c` without input filters: counts lines the way LineReader would split them (a last line without LF
// counts, a line of HALOG_LINE_MAX bytes or more ends the input, -m stops the count) without parsing,
// writing 0 bytes or calling a sink per line. Reads into one buffer at offset 0: no tail is kept, only
// the length of the current line. Hot path: yes (one indexOf per line, nothing else).
import { readSync } from 'node:fs';
import { HALOG_LINE_MAX } from '../types.ts';
import { readStream } from './line-reader.ts';

/* 128 KiB reads: the chunk is still in L2 when indexOf walks it (1 GB -c in-process: 302 -> 278 ms vs 1 MiB) */
const READ_SIZE = 1 << 17;

export class LineCount {
  count = 0;
  stopped = false;
  bytesRead = 0;
  /* -m: stop once `count` reaches it (< 0 = no limit) */
  private max: number;
  /* bytes of the current line seen so far (it began in an earlier chunk) */
  private lineLen = 0;
  private buf = Buffer.allocUnsafe(READ_SIZE);

  constructor(max: number) {
    this.max = max < 0 ? Infinity : max;
  }

  /** Counts the LFs of chunk[0, n). Does not keep `chunk`. */
  scan(chunk: Uint8Array, n: number): void {
    if (this.stopped) return;
    const view = n === chunk.length ? chunk : chunk.subarray(0, n);
    const max = this.max;
    let count = this.count, len = this.lineLen, p = 0;
    for (;;) {
      const lf = view.indexOf(10, p);
      if (lf < 0) break;
      if (len + lf - p >= HALOG_LINE_MAX || count >= max) { this.stopped = true; break; }
      count++;
      len = 0;
      p = lf + 1;
    }
    this.count = count;
    if (count >= max) this.stopped = true;
    if (this.stopped) return;
    len += n - p;
    this.lineLen = len;
    if (len >= HALOG_LINE_MAX) this.stopped = true;
  }

  /** Reads `fd` to its end (or until stopped); `onChunk` gets the running byte count. False if stopped. */
  readFd(fd: number, onChunk?: (bytes: number) => void): boolean {
    const buf = this.buf;
    while (!this.stopped) {
      const n = readStream(fd, buf, 0, buf.length);
      if (n === 0) return this.finish();
      this.bytesRead += n;
      if (onChunk) onChunk(this.bytesRead);
      this.scan(buf, n);
    }
    return false;
  }

  /** Counts bytes [from, to) of a regular file with positional reads; `from` must be a line start. */
  readRange(fd: number, from: number, to: number): boolean {
    const buf = this.buf;
    let pos = from;
    while (pos < to && !this.stopped) {
      const n = readSync(fd, buf, 0, Math.min(buf.length, to - pos), pos);
      if (n === 0) break;
      pos += n;
      this.bytesRead += n;
      this.scan(buf, n);
    }
    return this.finish();
  }

  /** A pushed chunk (gunzip output). Returns false once stopped. */
  push(chunk: Uint8Array): boolean {
    this.bytesRead += chunk.length;
    this.scan(chunk, chunk.length);
    return !this.stopped;
  }

  /** End of one input: a last line without LF still counts. Returns false if stopped. */
  finish(): boolean {
    if (this.stopped) return false;
    if (this.lineLen > 0) {
      this.lineLen = 0;
      this.count++;
      if (this.count >= this.max) { this.stopped = true; return false; }
    }
    return true;
  }
}
