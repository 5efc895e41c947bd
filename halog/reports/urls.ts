// -u, -uc, -ue, -ua, -ut, -uao, -uto, -uba, -ubt (per URL) and -ic (per source address): request and
// error counts, total/average times and bytes; sorted by key or by the chosen value, largest first,
// ties in reverse key order (as halog's trees give). Sums wrap modulo 2^64 like halog's.
// Line parts: hot path yes; report part: no.
import type { HalogScanner } from '../scan/scanner.ts';
import { KeyTable } from '../scan/key-table.ts';
import { fieldStart, fieldStop, str2ic } from '../scan/fields.ts';
import { readTimers, timers } from '../scan/timers.ts';
import { toU64 } from './format.ts';
import {
  FILT_COUNT_IP_COUNT, FILT_COUNT_URL_BAVG, FILT_COUNT_URL_BTOT, FILT_COUNT_URL_COUNT, FILT_COUNT_URL_ERR,
  FILT_COUNT_URL_ONLY, FILT_COUNT_URL_TAVG, FILT_COUNT_URL_TAVGO, FILT_COUNT_URL_TTOT, FILT_COUNT_URL_TTOTO,
  FILT2_PRESERVE_QUERY,
} from '../types.ts';

/* per key: 0 nb_req, 1 nb_err, 2 total_time, 3 total_time_ok, 4 total_bytes_sent */
const W = 5;

export class UrlStats {
  keys = new KeyTable(1024);
  v: Float64Array = new Float64Array(1024 * W);

  /** Counts one request for the key buf[start, end); `dv` = scanView(buf) if the caller has it. */
  add(buf: Uint8Array, start: number, end: number, err: number, t: number, tok: number, bytes: number, dv?: DataView): void {
    const idx = this.keys.intern(buf, start, end, dv);
    if ((idx + 1) * W > this.v.length) {
      const nv = new Float64Array(this.v.length * 2);
      nv.set(this.v);
      this.v = nv;
    }
    const o = idx * W, v = this.v;
    v[o]++; v[o + 1] += err; v[o + 2] += t; v[o + 3] += tok; v[o + 4] += bytes;
  }

  merge(o: UrlStats): void {
    for (let i = 0; i < o.keys.size; i++) {
      const k = o.keys.key(i);
      const idx = this.keys.intern(k, 0, k.length);
      if ((idx + 1) * W > this.v.length) {
        const nv = new Float64Array(this.v.length * 2);
        nv.set(this.v);
        this.v = nv;
      }
      for (let j = 0; j < W; j++) this.v[idx * W + j] += o.v[i * W + j];
    }
  }
}

export function urlsLine(sc: HalogScanner, buf: Buffer, line: number, acc: number, time: number): void {
  if (time < 0) {
    time = fieldStart(buf, sc.dv, acc, 4);
    if (buf[time] === 0) { sc.truncated(buf, line); return; }
  }
  let e = readTimers(sc, buf, time, true);
  if (e < 0) return;
  const err = sc.lineErr;
  const t = timers[3] >= 0 ? timers[3] : timers[4];
  const tok = timers[3] >= 0 ? timers[3] : 0;
  e = fieldStart(buf, sc.dv, e, 3);
  const bytes = str2ic(buf, e);
  e = fieldStart(buf, sc.dv, e, 7);
  let c = buf[e];
  while (c !== 34 && c !== 0) {
    if (c === 92 && buf[e + 1] === 34) break;
    e = fieldStart(buf, sc.dv, e, 2);
    c = buf[e];
  }
  if (c === 0) { sc.truncated(buf, line); return; }
  let b = fieldStart(buf, sc.dv, e, 2);
  if (buf[b] === 0) b = e;
  let k = b;
  if (sc.filter2 & FILT2_PRESERVE_QUERY) {
    for (c = buf[k]; c !== 32 && c !== 0; c = buf[++k]);
  } else {
    for (c = buf[k]; c !== 32 && c !== 0 && c !== 63 && c !== 59; c = buf[++k]);
  }
  sc.urls.add(buf, b, k, err, t, tok, bytes, sc.dv);
}

export function ipsLine(sc: HalogScanner, buf: Buffer, line: number, acc: number, time: number, src: number): void {
  if (time < 0) {
    time = fieldStart(buf, sc.dv, acc, 4);
    if (buf[time] === 0) { sc.truncated(buf, line); return; }
  }
  let e = readTimers(sc, buf, time, false);
  if (e < 0) return;
  const t = timers[0] >= 0 ? timers[0] : timers[4];
  const tok = timers[0] >= 0 ? timers[0] : 0;
  e = fieldStart(buf, sc.dv, e, 3);
  const bytes = str2ic(buf, e);
  /* the key ends at the last ':' of the source field (the port); without one, at the end of line */
  const stop = fieldStop(buf, src + 1);
  let k = stop;
  while (k > src && buf[k - 1] !== 58) k--;
  let end: number;
  if (k > src) end = k - 1;
  else { end = stop; while (buf[end] !== 0) end++; }
  sc.urls.add(buf, src, end, sc.lineErr, t, tok, bytes, sc.dv);
}

interface UrlRow { key: Buffer; req: number; err: number; ttot: bigint; tavg: bigint; oktot: bigint; okavg: bigint; bavg: bigint; btot: bigint }

function rows(sc: HalogScanner): UrlRow[] {
  const st = sc.urls, v = st.v;
  const out: UrlRow[] = [];
  for (let i = 0; i < st.keys.size; i++) {
    const o = i * W;
    const req = v[o], err = v[o + 1];
    const ttot = toU64(v[o + 2]), oktot = toU64(v[o + 3]), btot = toU64(v[o + 4]);
    out.push({
      key: Buffer.from(st.keys.key(i)), req, err, ttot, oktot, btot,
      tavg: req ? ttot / BigInt(req) : 0n,
      okavg: req - err ? oktot / BigInt(req - err) : 0n,
      bavg: req ? btot / BigInt(req) : 0n,
    });
  }
  out.sort((a, b) => Buffer.compare(a.key, b.key));
  const f = sc.filter;
  if (!(f & FILT_COUNT_URL_ONLY)) {
    const val = (r: UrlRow): bigint =>
      f & (FILT_COUNT_URL_COUNT | FILT_COUNT_IP_COUNT) ? BigInt(r.req)
        : f & FILT_COUNT_URL_ERR ? BigInt(r.err)
          : f & FILT_COUNT_URL_TTOT ? r.ttot
            : f & FILT_COUNT_URL_TAVG ? r.tavg
              : f & FILT_COUNT_URL_TTOTO ? r.oktot
                : f & FILT_COUNT_URL_TAVGO ? r.okavg
                  : f & FILT_COUNT_URL_BAVG ? r.bavg
                    : f & FILT_COUNT_URL_BTOT ? r.btot : 0n;
    const keyed = out.map((r, i) => ({ r, i, k: val(r) }));
    /* stable by key order, then read from the end: largest value first, ties in reverse key order */
    keyed.sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : a.i - b.i));
    return keyed.map((x) => x.r).reverse();
  }
  return out.reverse();
}

export function urlsReport(sc: HalogScanner): void {
  sc.out.str('#req err ttot tavg oktot okavg bavg btot src\n');
  for (const r of rows(sc)) {
    sc.out.str(r.req + ' ' + r.err + ' ' + r.ttot + ' ' + r.tavg + ' ' + r.oktot + ' ' + r.okavg + ' ' + r.bavg + ' ' + r.btot + ' ');
    sc.out.bytes(r.key, 0, r.key.length);
    sc.out.byte(10);
    sc.linesOut++;
    if (sc.linesMax >= 0 && sc.linesOut >= sc.linesMax) break;
  }
}

export function urlsJson(sc: HalogScanner): unknown {
  const ip = (sc.filter & FILT_COUNT_IP_COUNT) !== 0;
  return rows(sc).map((r) => ({
    [ip ? 'src' : 'url']: r.key.toString('latin1'), req: r.req, err: r.err, ttot: Number(r.ttot), tavg: Number(r.tavg),
    oktot: Number(r.oktot), okavg: Number(r.okavg), bavg: Number(r.bavg), btot: Number(r.btot),
  }));
}
