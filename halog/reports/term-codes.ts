// -tc and -cc: requests per termination state (first 2 chars) or per cookie state (chars 3-4), sorted
// by the two bytes read as C's signed chars. Bytes past a short field are read as halog reads them.
// Line part: hot path yes; report part: no.
import type { HalogScanner } from '../scan/scanner.ts';
import { fieldStart } from '../scan/fields.ts';

const sch = (c: number | undefined): number => (c === undefined ? 0 : c > 127 ? c - 256 : c);

export function termCodesLine(sc: HalogScanner, buf: Buffer, line: number, acc: number, time: number): void {
  const b = time >= 0 ? fieldStart(buf, sc.dv, time, 6) : fieldStart(buf, sc.dv, acc, 9);
  if (buf[b] === 0) { sc.truncated(buf, line); return; }
  sc.ints.add((256 * sch(buf[b]) + sch(buf[b + 1])) | 0);
}

export function cookieCodesLine(sc: HalogScanner, buf: Buffer, line: number, acc: number, time: number): void {
  const b = time >= 0 ? fieldStart(buf, sc.dv, time, 6) : fieldStart(buf, sc.dv, acc, 9);
  if (buf[b] === 0) { sc.truncated(buf, line); return; }
  sc.ints.add((256 * sch(buf[b + 2]) + sch(buf[b + 3])) | 0);
}

export function codesReport(sc: HalogScanner): void {
  const { keys, counts } = sc.ints.sorted();
  for (let i = 0; i < keys.length; i++) {
    sc.out.str(String.fromCharCode((keys[i] >> 8) & 255, keys[i] & 255) + ' ' + counts[i] + '\n');
    sc.linesOut++;
    if (sc.linesMax >= 0 && sc.linesOut >= sc.linesMax) break;
  }
}

export function codesJson(sc: HalogScanner): unknown {
  const { keys, counts } = sc.ints.sorted();
  return keys.map((k, i) => ({ code: String.fromCharCode((k >> 8) & 255, k & 255), count: counts[i] }));
}
