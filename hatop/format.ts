// Text formatting of numbers, byte counts, durations, names, bars and sparklines, with HATop's rules
// (metric prefix only when a number does not fit its column, binary units with 2 decimals for bytes,
// largest whole unit for durations, names cut from the left with `..`). Pure; used by the views.
// Hot path: per visible cell per render (strings only for what is on screen).

const METRIC = ['', 'k', 'M', 'G', 'T', 'P'];
const BINARY = ['B', 'K', 'M', 'G', 'T', 'P'];
const SPARK = '▁▂▃▄▅▆▇█';

/** Integer in at most `width` chars: as is when it fits, else divided by 1000 per `k`/`M`/`G` step
 * (integer division, as HATop). NaN (not applicable) gives ''. */
export function fmtNum(n: number, width: number): string {
  if (Number.isNaN(n)) return '';
  let v = Math.trunc(n);
  let s = String(v);
  let u = 0;
  while (s.length > width && u < METRIC.length - 1) {
    v = Math.trunc(v / 1000);
    u++;
    s = String(v) + METRIC[u];
  }
  return s;
}

/** Per-second rate: one decimal under 10, else an integer with fmtNum's prefixes. */
export function fmtRate(n: number, width: number): string {
  if (Number.isNaN(n)) return '';
  if (n > 0 && n < 10) {
    const s = n.toFixed(1);
    return s === '0.0' ? '0' : s;
  }
  return fmtNum(Math.round(n), width);
}

/** Byte count in binary units: `NNNB` under 1 KiB, else two decimals and K/M/G/T (`427.84K`). */
export function fmtBytes(n: number): string {
  if (Number.isNaN(n)) return '';
  if (n < 1024) return `${Math.trunc(n)}B`;
  let v = n;
  let u = 0;
  while (v >= 1024 && u < BINARY.length - 1) {
    v /= 1024;
    u++;
  }
  return v.toFixed(2) + BINARY[u];
}

/** Seconds shown in the largest whole unit: `42s`, `2m`, `5h`, `3d`. */
export function fmtDur(sec: number): string {
  if (Number.isNaN(sec) || sec < 0) return '';
  if (sec < 60) return `${Math.trunc(sec)}s`;
  if (sec < 3600) return `${Math.trunc(sec / 60)}m`;
  if (sec < 86400) return `${Math.trunc(sec / 3600)}h`;
  return `${Math.trunc(sec / 86400)}d`;
}

/** A name that does not fit is cut from the left and gets a `..` prefix (keeps the distinctive end). */
export function fitLeft(s: string, width: number): string {
  if (s.length <= width) return s;
  if (width <= 2) return s.slice(s.length - width);
  return '..' + s.slice(s.length - width + 2);
}

/** Cuts from the right (help and CLI text). */
export function fitRight(s: string, width: number): string {
  return s.length <= width ? s : s.slice(0, Math.max(0, width));
}

export function padEnd(s: string, width: number): string {
  return s.length >= width ? s : s + ' '.repeat(width - s.length);
}

export function padStart(s: string, width: number): string {
  return s.length >= width ? s : ' '.repeat(width - s.length) + s;
}

/** `[|||||     ]`-style fill of `width` cells for cur/max; '' when max is unknown or 0. */
export function bar(cur: number, max: number, width: number): string {
  if (!(max > 0) || width <= 0 || Number.isNaN(cur)) return '';
  const fill = Math.min(width, Math.round((Math.max(0, cur) / max) * width));
  return '|'.repeat(fill) + ' '.repeat(width - fill);
}

/** The last `width` values as block characters scaled to their maximum (all-zero gives the
 * lowest block, so an idle series is still visible). */
export function sparkline(values: readonly number[], width: number): string {
  if (width <= 0) return '';
  const from = Math.max(0, values.length - width);
  let max = 0;
  for (let i = from; i < values.length; i++) if (values[i]! > max) max = values[i]!;
  let s = '';
  for (let i = from; i < values.length; i++) {
    const v = values[i]!;
    const lvl = max > 0 ? Math.min(7, Math.floor((v / max) * 7.999)) : 0;
    s += SPARK[v > 0 && lvl === 0 ? 1 : lvl];
  }
  return padStart(s, width);
}
