/*
 * Frequency counters over a period (HAProxy's freq_ctr with a period: the events of the current period plus the
 * previous period's count weighted by the part of it still inside the sliding window). Kept as three numbers in a
 * Float64Array at `off`: period start tick (ms), current count, previous count. Callers: stick/table.ts and
 * stick/track.ts. Hot path: yes (per tracked request); no allocation.
 */

/** Adds `n` events at `now` (ms) to the counter at vals[off..off+2]. */
export function stkFreqAdd(vals: Float64Array, off: number, period: number, n: number, now: number): void {
  const tick = vals[off];
  const el = now - tick;
  if (el >= period || el < 0) {
    // rotate: the current period becomes the previous one if it just ended, else both are stale
    vals[off + 2] = el >= 2 * period || el < 0 ? 0 : vals[off + 1];
    vals[off + 1] = 0;
    vals[off] = el >= 2 * period || el < 0 ? now : tick + period * Math.floor(el / period);
  }
  vals[off + 1] += n;
}

/** The counter's value at `now`: current count + previous count * (remaining part of the window) / period. */
export function stkFreqRead(vals: Float64Array, off: number, period: number, now: number): number {
  let curr = vals[off + 1];
  let prev = vals[off + 2];
  let remain = vals[off] + period - now;
  if (remain < 0) {
    remain += period;
    if (remain < 0) return 0;
    prev = curr;
    curr = 0;
  }
  if (remain > period) remain = period;
  return curr + Math.floor((prev * remain) / period);
}

/** Sets the counter so that it reads `v` now (`set table ... data.<rate> v`: 2.6 writes the current count). */
export function stkFreqSet(vals: Float64Array, off: number, period: number, v: number, now: number): void {
  if (now - vals[off] >= period || now < vals[off]) { vals[off] = now; vals[off + 2] = 0; }
  vals[off + 1] = v;
}
