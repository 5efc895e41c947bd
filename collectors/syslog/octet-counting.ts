/* RFC 6587 syslog-over-TCP framing decoder: octet counting (`LEN SP MSG`) and non-transparent framing (MSG LF),
 * detected per frame, resumable across arbitrary chunk boundaries. Emits (buf, start, end) frames; a frame longer
 * than `maxFrame` is emitted cut with `oversized = true` and the decoder resynchronises.
 * Callers: tcp-listener.ts (one decoder per connection), tests. Hot path: yes (indexOf scans, no per-frame copy
 * unless a frame straddles two chunks).
 */

export type FrameHandler = (buf: Buffer, start: number, end: number, oversized: boolean) => void;

export class SyslogStreamDecoder {
  private pending: Buffer | null = null;
  /** Bytes still to skip of an oversized octet-counted frame. */
  private skip = 0;
  /** True while discarding the tail of an oversized newline-framed message. */
  private discardLine = false;
  readonly maxFrame: number;

  constructor(maxFrame = 65536) {
    this.maxFrame = maxFrame;
  }

  /** Feeds one chunk; calls `onFrame` for each complete frame. Keeps only an incomplete tail (copied if needed). */
  push(chunk: Buffer, onFrame: FrameHandler): void {
    let buf = chunk;
    if (this.pending !== null) { buf = Buffer.concat([this.pending, chunk]); this.pending = null; }
    let p = 0;
    const n = buf.length;
    while (p < n) {
      if (this.skip > 0) {
        const k = Math.min(this.skip, n - p);
        this.skip -= k;
        p += k;
        continue;
      }
      if (this.discardLine) {
        const lf = buf.indexOf(10, p);
        if (lf < 0) return;
        this.discardLine = false;
        p = lf + 1;
        continue;
      }
      const c = buf[p];
      if (c >= 49 && c <= 57) {                        // octet counting starts with a non-zero digit
        let q = p;
        let len = 0;
        while (q < n && q - p < 10 && buf[q] >= 48 && buf[q] <= 57) { len = len * 10 + buf[q] - 48; q++; }
        if (q === n && q - p < 10) { this.keep(buf, p); return; }
        if (buf[q] === 32) {
          const s = q + 1;
          if (len > this.maxFrame) {
            if (n - s < this.maxFrame) { this.keep(buf, p); return; }
            onFrame(buf, s, s + this.maxFrame, true);
            this.skip = len - this.maxFrame;
            p = s + this.maxFrame;
            continue;
          }
          if (s + len > n) { this.keep(buf, p); return; }
          onFrame(buf, s, s + len, false);
          p = s + len;
          continue;
        }
      }
      const lf = buf.indexOf(10, p);
      if (lf < 0) {
        if (n - p > this.maxFrame) { onFrame(buf, p, p + this.maxFrame, true); this.discardLine = true; return; }
        this.keep(buf, p);
        return;
      }
      if (lf - p > this.maxFrame) { onFrame(buf, p, p + this.maxFrame, true); p = lf + 1; continue; }
      if (lf > p) onFrame(buf, p, lf, false);
      p = lf + 1;
    }
  }

  /** Frame left unterminated when the peer closed (delivered as is), then resets. */
  end(onFrame: FrameHandler): void {
    const b = this.pending;
    this.pending = null;
    if (b !== null && b.length > 0 && !this.discardLine && this.skip === 0) onFrame(b, 0, b.length, false);
    this.skip = 0;
    this.discardLine = false;
  }

  private keep(buf: Buffer, from: number): void {
    this.pending = Buffer.from(buf.subarray(from));
  }
}
