// -srv: per server (backend/server field) status classes, request count, OK ratio and average connect
// and response times, sorted by name bytes. A server is counted as soon as its field is seen, even if
// the timers that follow are malformed (as in halog). Line part: hot path yes; report part: no.
import type { HalogScanner } from '../scan/scanner.ts';
import { KeyTable } from '../scan/key-table.ts';
import { fieldStart, fieldStop } from '../scan/fields.ts';
import { readTimers, timers } from '../scan/timers.ts';
import { printfFixed } from './format.ts';

/* per server: [0..5] = status class counts (0 = other), 6 nb_ct, 7 nb_rt, 8 nb_ok, 9 cum_ct, 10 cum_rt */
const W = 11;

const NAME_SEED = 0x811c9dc5 | 0;
const NAME_MUL = 0x01000193;

/* Spreads the high bytes of a word hash into the low bits that pick a KeyTable slot. */
function nameHashFinal(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  return h ^ (h >>> 13);
}

/**
 * Hash of a server name buf[start, end) taken 4 bytes (little-endian) at a time, the last 1-3 bytes as
 * one zero-padded word: the same value serversLine computes while it looks for the name's end. Does
 * not allocate.
 */
export function serverNameHash(buf: Uint8Array, start: number, end: number): number {
  let h = NAME_SEED, i = start;
  for (; i + 4 <= end; i += 4) h = Math.imul(h ^ (buf[i] | (buf[i + 1] << 8) | (buf[i + 2] << 16) | (buf[i + 3] << 24)), NAME_MUL);
  if (i < end) {
    let w = 0;
    for (let k = 0; i + k < end; k++) w |= buf[i + k] << (k << 3);
    h = Math.imul(h ^ w, NAME_MUL);
  }
  return nameHashFinal(h);
}

export class ServerStats {
  keys = new KeyTable(64);
  v: Float64Array = new Float64Array(64 * W);

  slot(buf: Uint8Array, start: number, end: number): number {
    return this.slotHashed(buf, start, end, serverNameHash(buf, start, end));
  }

  /** slot() with the key's serverNameHash already computed (and scanView(buf) for word compares). */
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
  /*
   * The name ends at the first ' ' or 0 after its first byte. Read 4 bytes a step, hashing each whole
   * word (serverNameHash), until a word holds a byte < 0x21; any such byte other than ' ' / 0 (or one on
   * the first byte, or the buffer's last 3 bytes) takes the byte-wise path.
   */
  const dv = sc.dv, lim = buf.length - 3;
  let e = b, h = NAME_SEED;
  for (;;) {
    if (e >= lim) { e = -1; break; }
    const x = dv.getInt32(e, true);
    const m = (x - 0x21212121) & ~x & 0x80808080;
    if (m === 0) { h = Math.imul(h ^ x, NAME_MUL); e += 4; continue; }
    const k = (31 - Math.clz32(m & -m)) >>> 3;
    const c = buf[e + k];
    if ((c !== 32 && c !== 0) || e + k === b) { e = -1; break; }
    if (k !== 0) h = Math.imul(h ^ (x & ((1 << (k << 3)) - 1)), NAME_MUL);
    e += k;
    break;
  }
  if (e < 0) {
    e = fieldStop(buf, b + 1);
    h = serverNameHash(buf, b, e);
  } else {
    h = nameHashFinal(h);
  }
  const st = sc.servers;
  const base = st.slotHashed(buf, b, e, h, dv);
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
  const c = buf[s];
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
