/*
 * halog's timer field (`Tq/Tw/Tc/Tr/Tt`): one reader shared by the reports that need the five timers (percentiles,
 * servers, urls). Writes into the module-level `timers` array, no allocation. Hot path: yes (once per line).
 */
import type { HalogScanner } from './scanner.ts';
import { intEnd, skipChar, str2ic } from './fields.ts';

/** The timers of the last line read by readTimers(); a negative timer is stored as -1. */
export const timers = new Int32Array(5);

/**
 * Parses the five `/`-separated timers at `time` into `timers`. With `all` false only the first and the last are
 * converted (the others are skipped). Sets sc.lineErr to 1 when a converted timer is negative, else 0.
 * Returns the position of the last timer, or -1 when the field has fewer than five (counted in sc.parseErr).
 */
export function readTimers(sc: HalogScanner, buf: Buffer, time: number, all: boolean): number {
  let p = time, f = 0, err = 0;
  while (buf[p] > 32) {
    if (all || f === 0 || f === 4) {
      let v = str2ic(buf, p);
      if (v < 0) { v = -1; err = 1; }
      timers[f] = v;
      if (++f === 5) break;
      /* str2ic left intEnd past the digits, most often on the '/' itself */
      p = buf[intEnd] === 47 ? intEnd + 1 : skipChar(buf, intEnd, 47);
    } else {
      if (++f === 5) break;
      p = skipChar(buf, p, 47);
    }
  }
  sc.lineErr = err;
  if (f < 5) { sc.parseErr++; return -1; }
  return p;
}
