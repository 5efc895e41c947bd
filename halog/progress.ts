// Progress bar on stderr for long file arguments, only when stderr is a TTY (progressWanted is the gate): redrawn
// at most every 200 ms on one line with \r, as "[#####     ]  50%" for the current file, and erased
// before any summary is printed. Hot path: no (one call per 1 MiB read).
import type { OutBuf } from './output.ts';
import type { HalogOptions } from './types.ts';
import { FILT_QUIET } from './types.ts';

const WIDTH = 30;
const REDRAW_MS = 200;

/**
 * The bar is drawn only for file arguments (Sluice's extension) on a TTY stderr, without -q and without
 * --no-progress: `halog ... < file`, halog's own way, keeps halog's exact bytes on a terminal too.
 */
export function progressWanted(o: HalogOptions, stderrIsTty: boolean | undefined): boolean {
  return o.progress && !(o.filter & FILT_QUIET) && stderrIsTty === true && o.files.length > 0;
}

/** The text drawn for `done` in [0, 1]: \r, the bar, and the percentage on 3 columns. */
export function progressLine(done: number): string {
  const n = Math.round(done * WIDTH);
  return '\r[' + '#'.repeat(n) + ' '.repeat(WIDTH - n) + '] ' + (done * 100).toFixed(0).padStart(3) + '%';
}

export class Progress {
  err: OutBuf;
  /* size of the current file, and the running byte count when it started */
  total = 0;
  base = 0;
  private now: () => number;
  private last = -Infinity;
  private shown = false;

  constructor(err: OutBuf, now: () => number = Date.now) {
    this.err = err;
    this.now = now;
  }

  /** A new input of `size` bytes (0 = unknown: nothing drawn) starts at running byte count `bytes`. */
  startFile(size: number, bytes: number): void {
    this.total = size;
    this.base = bytes;
  }

  /** `bytes` read so far over all inputs; redraws if REDRAW_MS passed since the last draw. */
  update(bytes: number): void {
    if (this.total <= 0) return;
    const t = this.now();
    if (t - this.last < REDRAW_MS) return;
    this.last = t;
    this.err.str(progressLine(Math.max(0, Math.min(1, (bytes - this.base) / this.total))));
    this.err.flush();
    this.shown = true;
  }

  /** Erases the bar if it was drawn. */
  clear(): void {
    if (!this.shown) return;
    this.err.str('\r' + ' '.repeat(WIDTH + 7) + '\r');
    this.err.flush();
    this.shown = false;
  }
}
