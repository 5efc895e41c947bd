// -pct (and the shared line part of -gt): collects Tq/Tc/Tr/data timers of error-free lines, and the
// total time of lines with a negative timer; prints halog's percentile table (0.1% .. 100%).
// Line part: hot path yes; report part: no.
import type { HalogScanner } from '../scan/scanner.ts';
import { fieldStart, strEnd } from '../scan/fields.ts';
import { readTimers, timers } from '../scan/timers.ts';
import { FILT_GRAPH_TIMERS, FILT_QUIET, HALOG_QBITS } from '../types.ts';


/** Keeps the HALOG_QBITS highest significant bits of |i|, and the sign (halog's quantify). */
export function quantify(i: number): number {
  const neg = i < 0;
  const u = (neg ? -i : i) >>> 0;
  const high = u === 0 ? 0 : 32 - Math.clz32(u);
  let r = u;
  if (high > HALOG_QBITS) r = (u & ~((1 << (high - HALOG_QBITS)) - 1)) >>> 0;
  return neg ? -r | 0 : r | 0;
}

export function graphsLine(sc: HalogScanner, buf: Buffer, line: number, acc: number, time: number): void {
  if (time < 0) {
    time = fieldStart(buf, sc.dv, acc, 4);
    if (buf[time] === 0) { sc.truncated(buf, line); return; }
  }
  if (readTimers(sc, buf, time, true) < 0) return;
  const err = sc.lineErr;
  const q = (sc.filter & FILT_GRAPH_TIMERS) !== 0;
  const t = sc.timers;
  if (err) {
    const total = timers[4] < 0 ? -1 : timers[4];
    sc.ints.add(q ? quantify(total) : total);
    return;
  }
  const data = (timers[4] - timers[0] - timers[1] - timers[2] - timers[3]) | 0;
  if (q) {
    t[1].add(quantify(timers[0])); t[2].add(quantify(timers[2])); t[3].add(quantify(timers[3]));
  } else {
    t[1].add(timers[0]); t[2].add(timers[2]); t[3].add(timers[3]);
  }
  if (data < 0 && !(sc.filter & FILT_QUIET)) {
    const tail = ' (' + timers[0] + ' ' + timers[1] + ' ' + timers[2] + ' ' + timers[3] + ' ' + timers[4] + ' => ' + data + ')\n';
    if (sc.errRecords) {
      sc.errRecords.push(-1, Buffer.concat([Buffer.from('ERR: '), buf.subarray(line, strEnd(buf, line)), Buffer.from(tail, 'latin1')]));
    } else {
      sc.err.str('ERR: ');
      sc.err.bytes(buf, line, strEnd(buf, line));
      sc.err.str(tail);
    }
  }
  t[4].add(q ? quantify(data) : data);
  sc.linesOut++;
}

/* the steps of the table, in tenths of a percent */
function steps(): number[] {
  const r: number[] = [];
  for (let step = 1; step <= 1000;) {
    r.push(step);
    if (step >= 100 && step < 900) step += 50;
    else if (step >= 20 && step < 980) step += 10;
    else step += 1;
  }
  return r;
}

function table(sc: HalogScanner): { step: number; thres: number; values: number[] }[] {
  const rows: { step: number; thres: number; values: number[] }[] = [];
  if (!sc.linesOut) return rows;
  const sorted = [1, 2, 3, 4].map((f) => sc.timers[f].sorted());
  const idx = [0, 0, 0, 0];
  const cum = sorted.map((s) => s.counts[0]);
  for (const step of steps()) {
    const thres = Math.trunc(sc.linesOut * (step / 1000.0)) >>> 0;
    const values: number[] = [];
    for (let f = 0; f < 4; f++) {
      const s = sorted[f];
      while (cum[f] < thres) {
        if (idx[f] + 1 >= s.keys.length) break;
        idx[f]++;
        cum[f] += s.counts[idx[f]];
      }
      values.push(s.keys[idx[f]]);
    }
    rows.push({ step, thres, values });
  }
  return rows;
}

export function percentilesReport(sc: HalogScanner): void {
  for (const r of table(sc)) {
    sc.out.str((r.step / 10).toFixed(1) + ' ' + r.thres + ' ' + r.values[0] + ' ' + r.values[1] + ' ' +
      r.values[2] + ' ' + r.values[3] + ' \n');
  }
}

export function percentilesJson(sc: HalogScanner): unknown {
  return table(sc).map((r) => ({
    pct: r.step / 10, count: r.thres, req: r.values[0], conn: r.values[1], resp: r.values[2], data: r.values[3],
  }));
}
