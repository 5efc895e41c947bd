// -gt: the quantized timer distributions ("<tree> <value> <weight>"), tree 0 = total time of lines with
// errors, 1 = request, 2 = connect, 3 = response, 4 = data time. Weights are counts scaled by the
// quantization step, printed like printf("%f"). The line part lives in percentiles.ts. Hot path: no.
import type { HalogScanner } from '../scan/scanner.ts';
import { HALOG_QBITS } from '../types.ts';
import { printfFixed } from './format.ts';

function points(sc: HalogScanner): { tree: number; value: number; weight: number }[] {
  const r: { tree: number; value: number; weight: number }[] = [];
  for (let f = 0; f < 5; f++) {
    const { keys, counts } = (f === 0 ? sc.ints : sc.timers[f]).sorted();
    for (let j = 0; j < keys.length; j++) {
      const a = Math.abs(keys[j]) >>> 0;
      const i = (a === 0 ? 0 : 32 - Math.clz32(a)) - HALOG_QBITS;
      const d = i > 0 ? counts[j] / 2 ** i : counts[j];
      if (d > 0) r.push({ tree: f, value: keys[j], weight: d + 1.0 });
    }
  }
  return r;
}

export function timeGraphReport(sc: HalogScanner): void {
  for (const p of points(sc)) sc.out.str(p.tree + ' ' + p.value + ' ' + printfFixed(p.weight, 6) + '\n');
}

export function timeGraphJson(sc: HalogScanner): unknown {
  return points(sc);
}
