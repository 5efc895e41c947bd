// Progress bar on stderr for long inputs, only when stderr is a TTY (the caller checks): redrawn at
// most every 200 ms on one line with \r, erased before any summary is printed. Hot path: no.
import type { OutBuf } from './output.ts';

const WIDTH = 30;

export class Progress {
  err: OutBuf;
  total = 0;
  base = 0;
  private last = 0;
  private shown = false;

  constructor(err: OutBuf) {
    this.err = err;
  }

  update(bytes: number): void {
    const now = Date.now();
    if (now - this.last < 200 || this.total <= 0) return;
    this.last = now;
    const done = Math.min(1, (bytes - this.base) / this.total);
    const n = Math.round(done * WIDTH);
    this.err.str('\r[' + '#'.repeat(n) + ' '.repeat(WIDTH - n) + '] ' + (done * 100).toFixed(0).padStart(3) + '%');
    this.err.flush();
    this.shown = true;
  }

  clear(): void {
    if (!this.shown) return;
    this.err.str('\r' + ' '.repeat(WIDTH + 7) + '\r');
    this.err.flush();
    this.shown = false;
  }
}
