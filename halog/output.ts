// Buffered writer to a file descriptor (stdout/stderr) with latin1 strings and raw byte ranges, so
// halog output keeps arbitrary bytes from the logs. Writes synchronously in 256 KiB blocks.
// Hot path: yes for printed lines (byte copies only).
import { writeSync } from 'node:fs';

export class OutBuf {
  private buf = Buffer.allocUnsafe(256 * 1024);
  private used = 0;
  fd: number;
  /* when set, writes are collected here instead of reaching the fd (worker threads, tests) */
  chunks: Buffer[] | null = null;

  constructor(fd: number) {
    this.fd = fd;
  }

  bytes(src: Uint8Array, start: number, end: number): void {
    const len = end - start;
    if (this.used + len > this.buf.length) this.flush();
    if (len > this.buf.length) { this.emit(Buffer.from(src.subarray(start, end))); return; }
    this.buf.set(src.subarray(start, start + len), this.used);
    this.used += len;
  }

  byte(b: number): void {
    if (this.used >= this.buf.length) this.flush();
    this.buf[this.used++] = b;
  }

  str(s: string): void {
    if (this.used + s.length > this.buf.length) this.flush();
    if (s.length > this.buf.length) { this.emit(Buffer.from(s, 'latin1')); return; }
    this.used += this.buf.write(s, this.used, 'latin1');
  }

  private emit(b: Buffer): void {
    if (this.chunks) { this.chunks.push(b); return; }
    let off = 0;
    while (off < b.length) {
      try {
        off += writeSync(this.fd, b, off, b.length - off);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'EAGAIN') continue;
        if (code === 'EPIPE') process.exit(0);
        throw err;
      }
    }
  }

  flush(): void {
    if (this.used === 0) return;
    const out = this.chunks ? Buffer.from(this.buf.subarray(0, this.used)) : this.buf.subarray(0, this.used);
    this.emit(out);
    this.used = 0;
  }
}
