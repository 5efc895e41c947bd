// -srv: per server (backend/server field) status classes, request count, OK ratio and average connect
// and response times, sorted by name bytes. A server is counted as soon as its field is seen, even if
// the timers that follow are malformed (as in halog). Line part: hot path yes; report part: no.
import type { HalogScanner } from '../scan/scanner.ts';
import { KeyTable } from '../scan/key-table.ts';
import { fieldStart } from '../scan/fields.ts';
import { readTimers, timers } from '../scan/timers.ts';
import { printfFixed } from './format.ts';

/* per server: [0..5] = status class counts (0 = other), 6 nb_ct, 7 nb_rt, 8 nb_ok, 9 cum_ct, 10 cum_rt */
const W = 11;

export class ServerStats {
  keys = new KeyTable(64);
  v: Float64Array = new Float64Array(64 * W);

  slot(buf: Uint8Array, start: number, end: number): number {
    return this.slotHashed(buf, start, end, KeyTable.hash(buf, start, end));
  }

  /** slot() with the key's KeyTable.hash already computed (and scanView(buf) for word compares). */
  slotHashed(buf: Uint8Array, start: number, end: number, h: number, dv?: DataView): number {
    const idx = this.keys.internHashed(buf, start, end, h, dv);
    if ((idx + 1) * W > this.v.length) {
      const nv = new Float64Array(this.v.length * 2);
      nv.set(this.v);
      this.v = nv;
    }
    return idx * W;
  }

  merge(o: ServerStats): void {
    for (let i = 0; i < o.keys.size; i++) {
      const k = o.keys.key(i);
      const base = this.slot(k, 0, k.length);
      for (let j = 0; j < W; j++) this.v[base + j] += o.v[i * W + j];
    }
  }
}


export function serversLine(sc: HalogScanner, buf: Buffer, line: number, acc: number, time: number): void {
  const b = fieldStart(buf, sc.dv, acc, 3);
  if (buf[b] === 0) { sc.truncated(buf, line); return; }
  /* the name ends at the first ' ' or 0 after its first byte; hashed (KeyTable.hash) on the way */
  let e = b, h = 0x811c9dc5 | 0, c = buf[b];
  do {
    h = Math.imul(h ^ c, 0x01000193);
    c = buf[++e];
  } while (c !== 32 && c !== 0);
  const st = sc.servers;
  const base = st.slotHashed(buf, b, e, h, sc.dv);
  if (time < 0) {
    time = fieldStart(buf, sc.dv, e, 1);
    if (buf[time] === 0) { sc.truncated(buf, line); return; }
  }
  const p = readTimers(sc, buf, time, true);
  if (p < 0) return;
  const err = sc.lineErr;
  const v = st.v;
  if (!err) v[base + 8]++;
  if (timers[2] >= 0) { v[base + 9] += timers[2]; v[base + 6]++; }
  if (timers[3] >= 0) { v[base + 10] += timers[3]; v[base + 7]++; }
  /* p is on the last timer: the status is the next field (no second walk over the timers) */
  const s = fieldStart(buf, sc.dv, p, 2);
  if (buf[s] === 0) { sc.truncated(buf, line); return; }
  c = buf[s];
  v[base + (c >= 49 && c <= 53 ? c - 48 : 0)]++;
}

interface ServerRow { name: Buffer; cls: number[]; tot: number; ok: number; pct: string; avgCt: number; avgRt: number }

function rows(st: ServerStats): ServerRow[] {
  const order = Array.from({ length: st.keys.size }, (_, i) => i);
  order.sort((a, b) => Buffer.compare(st.keys.key(a), st.keys.key(b)));
  return order.map((i) => {
    const v = st.v, o = i * W;
    const tot = v[o] + v[o + 1] + v[o + 2] + v[o + 3] + v[o + 4] + v[o + 5];
    return {
      name: Buffer.from(st.keys.key(i)), cls: [v[o], v[o + 1], v[o + 2], v[o + 3], v[o + 4], v[o + 5]], tot, ok: v[o + 8],
      pct: printfFixed((v[o + 8] * 100) / (tot || 1), 1),
      avgCt: Math.trunc(v[o + 9] / (v[o + 6] || 1)), avgRt: Math.trunc(v[o + 10] / (v[o + 7] || 1)),
    };
  });
}

export function serversReport(sc: HalogScanner): void {
  sc.out.str('#srv_name 1xx 2xx 3xx 4xx 5xx other tot_req req_ok pct_ok avg_ct avg_rt\n');
  for (const r of rows(sc.servers)) {
    sc.out.bytes(r.name, 0, r.name.length);
    sc.out.str(' ' + r.cls[1] + ' ' + r.cls[2] + ' ' + r.cls[3] + ' ' + r.cls[4] + ' ' + r.cls[5] + ' ' + r.cls[0] +
      ' ' + r.tot + ' ' + r.ok + ' ' + r.pct + ' ' + r.avgCt + ' ' + r.avgRt + '\n');
    sc.linesOut++;
    if (sc.linesMax >= 0 && sc.linesOut >= sc.linesMax) break;
  }
}

export function serversJson(sc: HalogScanner): unknown {
  return rows(sc.servers).map((r) => ({
    server: r.name.toString('latin1'), '1xx': r.cls[1], '2xx': r.cls[2], '3xx': r.cls[3], '4xx': r.cls[4],
    '5xx': r.cls[5], other: r.cls[0], tot_req: r.tot, req_ok: r.ok, pct_ok: Number(r.pct), avg_ct: r.avgCt,
    avg_rt: r.avgRt,
  }));
}
