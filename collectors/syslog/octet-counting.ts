/* RFC 6587 syslog-over-TCP framing decoder: octet counting (`LEN SP MSG`) and non-transparent framing (MSG LF, or
 * MSG NUL as RFC 6587 3.4.2 allows), detected per frame, resumable across arbitrary chunk boundaries. Emits
 * (buf, start, end, cut) frames; a frame longer than `maxFrame` is emitted cut with FRAME_OVERSIZED and the decoder
 * resynchronises; an octet-counted frame the peer's close cut short is emitted with FRAME_TRUNCATED.
 * Callers: tcp-listener.ts (one decoder per connection), tests. Hot path: yes (indexOf scans, no per-frame copy
 * unless a frame straddles two chunks).
 */

export const FRAME_WHOLE = 0;
export const FRAME_OVERSIZED = 1;
export const FRAME_TRUNCATED = 2;

/** `cut`: FRAME_WHOLE, FRAME_OVERSIZED (cut to maxFrame) or FRAME_TRUNCATED (stream ended inside the frame). */
export type FrameHandler = (buf: Buffer, start: number, end: number, cut: number) => void;

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
    // Next NUL at or after p (-1: none left in buf), found once per chunk rather than once per frame.
    let nul = -2;
    const trailer = (from: number): number => {
      const lf = buf.indexOf(10, from);
      if (nul !== -1 && nul < from) nul = buf.indexOf(0, from);
      return nul >= 0 && (lf < 0 || nul < lf) ? nul : lf;
    };
    while (p < n) {
      if (this.skip > 0) {
        const k = Math.min(this.skip, n - p);
        this.skip -= k;
        p += k;
        continue;
      }
      if (this.discardLine) {
        const lf = trailer(p);
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
            onFrame(buf, s, s + this.maxFrame, FRAME_OVERSIZED);
            this.skip = len - this.maxFrame;
            p = s + this.maxFrame;
            continue;
          }
          if (s + len > n) { this.keep(buf, p); return; }
          onFrame(buf, s, s + len, FRAME_WHOLE);
          p = s + len;
          continue;
        }
      }
      const lf = trailer(p);
      if (lf < 0) {
        if (n - p > this.maxFrame) { onFrame(buf, p, p + this.maxFrame, FRAME_OVERSIZED); this.discardLine = true; return; }
        this.keep(buf, p);
        return;
      }
      if (lf - p > this.maxFrame) { onFrame(buf, p, p + this.maxFrame, FRAME_OVERSIZED); p = lf + 1; continue; }
      if (lf > p) onFrame(buf, p, lf, FRAME_WHOLE);
      p = lf + 1;
    }
  }

  /**
   * Frame left unterminated when the peer closed, then resets: a line is delivered as is, an octet-counted frame
   * with fewer bytes than its count without its `LEN SP` prefix, as FRAME_TRUNCATED.
   */
  end(onFrame: FrameHandler): void {
    const b = this.pending;
    this.pending = null;
    if (b !== null && b.length > 0 && !this.discardLine && this.skip === 0) {
      let q = 0;
      if (b[0] >= 49 && b[0] <= 57) while (q < b.length && q < 10 && b[q] >= 48 && b[q] <= 57) q++;
      if (q > 0 && q < b.length && b[q] === 32) onFrame(b, q + 1, b.length, FRAME_TRUNCATED);
      else onFrame(b, 0, b.length, FRAME_WHOLE);
    }
    this.skip = 0;
    this.discardLine = false;
  }

  private keep(buf: Buffer, from: number): void {
    this.pending = Buffer.from(buf.subarray(from));
  }
}
