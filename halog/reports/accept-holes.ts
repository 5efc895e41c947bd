// -ac/-ad: accept dates (ms of the day) grouped per millisecond; prints the bursts of at least <count>
// accepts that follow a silence of at least <delay> ms, to spot network outages.
// Line part: hot path yes; report part: no.
import type { HalogScanner } from '../scan/scanner.ts';

/**
 * halog's convert_date: "[dd/Mmm/yyyy:hh:mm:ss.mmm]" at `p` → ms of the day, or -1 when a 0 byte ends
 * the date early. Arithmetic wraps like C's unsigned int.
 */
export function acceptMsOfDay(buf: Uint8Array, p: number): number {
  let c: number;
  for (;;) {
    c = buf[p++];
    if (c === 58) break;
    if (c === 0) return -1;
  }
  let h = 0, m = 0, s = 0, ms = 0;
  for (;;) { c = (buf[p++] - 48) & 255; if (c > 9) break; h = (Math.imul(h, 10) + c) >>> 0; }
  if (c === 208) return -1;
  for (;;) { c = (buf[p++] - 48) & 255; if (c > 9) break; m = (Math.imul(m, 10) + c) >>> 0; }
  if (c === 208) return -1;
  for (;;) { c = (buf[p++] - 48) & 255; if (c > 9) break; s = (Math.imul(s, 10) + c) >>> 0; }
  if (c === 208) return -1;
  if (c === ((46 - 48) & 255)) {
    for (;;) { c = (buf[p++] - 48) & 255; if (c > 9) break; ms = (Math.imul(ms, 10) + c) >>> 0; }
    if (c === 208) return -1;
  }
  return (Math.imul((Math.imul((Math.imul(h, 60) + m) >>> 0, 60) + s) >>> 0, 1000) + ms) | 0;
}

export function acceptHolesLine(sc: HalogScanner, buf: Buffer, line: number, acc: number): void {
  const v = acceptMsOfDay(buf, acc);
  if (v < 0) { sc.truncated(buf, line); return; }
  sc.ints.add(v);
}

const p2 = (n: number): string => (n < 10 ? '0' + n : '' + n);
const p3 = (n: number): string => (n < 10 ? '00' + n : n < 100 ? '0' + n : '' + n);

function holes(sc: HalogScanner, limit: boolean): { time: string; ms: number; delta: number; count: number }[] {
  const r: { time: string; ms: number; delta: number; count: number }[] = [];
  const { keys, counts } = sc.ints.sorted();
  let last = keys.length ? keys[0] : 0;
  for (let i = 0; i < keys.length; i++) {
    let h = keys[i] >>> 0;
    const d = (h - last) >>> 0;
    last = h | 0;
    if (d >= sc.opts.accDelay && counts[i] >= sc.opts.accCount) {
      const ms = h % 1000; h = Math.floor(h / 1000);
      const s = h % 60; h = Math.floor(h / 60);
      const m = h % 60; h = Math.floor(h / 60);
      r.push({ time: p2(h) + ':' + p2(m) + ':' + p2(s) + '.' + p3(ms), ms: last, delta: d, count: counts[i] });
      if (limit) {
        sc.linesOut++;
        if (sc.linesMax >= 0 && sc.linesOut >= sc.linesMax) break;
      }
    }
  }
  return r;
}

export function acceptHolesReport(sc: HalogScanner): void {
  for (const x of holes(sc, true)) sc.out.str(x.time + ' ' + x.ms + ' ' + x.delta + ' ' + x.count + '\n');
}

export function acceptHolesJson(sc: HalogScanner): unknown {
  return holes(sc, true);
}
