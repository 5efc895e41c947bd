// -st: requests per HTTP status code, sorted by code (signed), "<code> <count>" per line.
// Line part: hot path yes; report part: no.
import type { HalogScanner } from '../scan/scanner.ts';
import { fieldStart, str2ic } from '../scan/fields.ts';

/** Reads the status field (5th after the accept date) and counts it. */
export function statusLine(sc: HalogScanner, buf: Buffer, line: number, acc: number, time: number): void {
  const b = time >= 0 ? fieldStart(buf, sc.dv, time, 2) : fieldStart(buf, sc.dv, acc, 5);
  if (buf[b] === 0) { sc.truncated(buf, line); return; }
  sc.ints.add(str2ic(buf, b));
}

export function statusReport(sc: HalogScanner): void {
  const { keys, counts } = sc.ints.sorted();
  for (let i = 0; i < keys.length; i++) {
    sc.out.str(keys[i] + ' ' + counts[i] + '\n');
    sc.linesOut++;
    if (sc.linesMax >= 0 && sc.linesOut >= sc.linesMax) break;
  }
}

export function statusJson(sc: HalogScanner): unknown {
  const { keys, counts } = sc.ints.sorted();
  return keys.map((k, i) => ({ status: k, count: counts[i] }));
}
