// Micro benchmark of halog's field seek: the plain byte loop against scan/fields.ts's 4-bytes-per-step
// fieldStart, doing -pct's 3 seeks (accept date, timers, status) on every line of the first 64 MiB of
// the bench input. Run: node --import tsx bench/halog/fields.bench.ts (prints min ns/line of 9 runs).
// Hot path: no (measures one).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeBenchInput } from './make-input.ts';
import { fieldStart, scanView } from '../../halog/scan/fields.ts';

function byteLoop(buf: Uint8Array, p: number, n: number): number {
  for (;;) {
    let c = buf[p];
    while (c === 32) c = buf[++p];
    if (c === 0) return p;
    if (--n === 0) return p;
    for (;;) {
      c = buf[++p];
      if (c > 32) continue;
      if (c === 32) break;
      if (c === 0) return p;
    }
  }
}

const file = makeBenchInput(join(import.meta.dirname, '..', '..'), 256);
const data = readFileSync(file).subarray(0, 64 << 20);
const buf = Buffer.allocUnsafe(data.length + 1);
data.copy(buf);
const lineStarts: number[] = [];
for (let p = 0; ;) {
  const lf = buf.indexOf(10, p);
  if (lf < 0) break;
  buf[lf] = 0;
  lineStarts.push(p);
  p = lf + 1;
}
const starts = Int32Array.from(lineStarts);
const dv = scanView(buf);

const variants: Record<string, () => number> = {
  'byte loop': () => {
    let s = 0;
    for (let i = 0; i < starts.length; i++) s += byteLoop(buf, byteLoop(buf, byteLoop(buf, starts[i], 7), 4), 2);
    return s;
  },
  'fieldStart (SWAR)': () => {
    let s = 0;
    for (let i = 0; i < starts.length; i++) s += fieldStart(buf, dv, fieldStart(buf, dv, fieldStart(buf, dv, starts[i], 7), 4), 2);
    return s;
  },
};
const best: Record<string, number> = {};
const sums: Record<string, number> = {};
for (let r = 0; r < 9; r++) {
  for (const [name, fn] of Object.entries(variants)) {
    const t0 = process.hrtime.bigint();
    sums[name] = fn();
    const ns = Number(process.hrtime.bigint() - t0);
    best[name] = Math.min(best[name] ?? Infinity, ns);
  }
}
for (const name of Object.keys(variants)) {
  console.log(`${name.padEnd(18)} ${(best[name] / starts.length).toFixed(1).padStart(6)} ns/line  (${starts.length} lines, check ${sums[name]})`);
}
