// -hdr <block>:<field>: prints one captured header field per matching line (blocks are the {...}
// groups before the request, fields are split by '|'); an empty line when the block or field is absent.
// Hot path: yes (byte scanning, raw byte output).
import type { HalogScanner } from '../scan/scanner.ts';
import { fieldStart } from '../scan/fields.ts';

export function captureLine(sc: HalogScanner, buf: Buffer, line: number, acc: number, time: number): void {
  let e = time >= 0 ? fieldStart(buf, sc.dv, time, 9) : fieldStart(buf, sc.dv, acc, 12);
  let block = sc.opts.captureBlock;
  while (block-- > 0) {
    let c = buf[e];
    while (c !== 34 && c !== 123 && c !== 0) {
      if (c === 92 && buf[e + 1] === 34) break;
      e = fieldStart(buf, sc.dv, e, 2);
      c = buf[e];
    }
    if (c === 0) { sc.truncated(buf, line); return; }
    if (c !== 123) { sc.out.byte(10); sc.linesOut++; return; }
    e++;
  }
  let field = sc.opts.captureField;
  while (--field > 0) {
    let c = buf[e];
    while (c !== 124 && c !== 125 && c !== 0) c = buf[++e];
    if (c === 0) { sc.truncated(buf, line); return; }
    if (c !== 124) { sc.out.byte(10); sc.linesOut++; return; }
    e++;
  }
  let f = e, c = buf[f];
  while (c !== 124 && c !== 125 && c !== 0) c = buf[++f];
  if (c === 0) { sc.truncated(buf, line); return; }
  sc.out.bytes(buf, e, f);
  sc.out.byte(10);
  sc.linesOut++;
}
