/* The last few values of each dictionary column, in front of LogDict.intern: frontends, backends, term states and
 * methods mostly repeat and servers rotate over a few names, so the parser compares the bytes with recent values
 * while finding the field's end instead of scanning, then calling intern (an out-of-line call from the parser: its
 * miss path measured ~45 ns a call inside parseHttpLog against ~10 alone). Intern calls per line: bench:collect's
 * lines 2.0 with one kept value -> 0.36 with 8 (servers s0..s7 rotate), the halog corpus 0.16. Whole
 * `frontend backend/server ` spans are kept too (one compare instead of three hits), and hit() tries the column's last
 * hit inline first: Ingest path 0.84 -> 0.73 us/line (median of 12 alternated rounds, load 8; bench:collect's lines).
 * One instance per line parser; used by httplog.ts, tcplog.ts and fields.ts. Hot path: yes; allocates nothing per line.
 */
import { COL_COUNT } from '../arrow/types.ts';
import type { LogRowWriter } from '../arrow/types.ts';
import type { RowCols } from './row-cols.ts';
import { viewOf } from '../byte-words.ts';

/** Longest value kept; longer ones always go to the dictionary. */
const PREV_MAX = 48;
/** Values kept per column (a server rotation of up to 16 names hits). */
const PREV_WAYS = 16;
/** Longest `frontend backend/server ` span kept by the route ways, and how many are kept. */
const ROUTE_MAX = 64;
const ROUTE_WAYS = 16;

export class PrevValues {
  /** The batch columns the cached ids belong to: a batch keeps its dictionaries for life, so ids stay valid with it. */
  private owner: Int32Array[] | null = null;
  /** Value w of column c at ((c * PREV_WAYS) + w) * PREV_MAX. */
  private readonly key = new Uint8Array(COL_COUNT * PREV_WAYS * PREV_MAX);
  private readonly view = new DataView(this.key.buffer);
  /** Length of each kept value, -1 = none. */
  private readonly len = new Int32Array(COL_COUNT * PREV_WAYS).fill(-1);
  private readonly id = new Int32Array(COL_COUNT * PREV_WAYS);
  /** The way of each column that set() replaces next. */
  private readonly next = new Int32Array(COL_COUNT);
  /** Ways of each column holding a value: ways [0, used) (set() fills them in order before replacing any). */
  private readonly used = new Int32Array(COL_COUNT);
  /** Per column, the way after its last hit (absolute index), where hit() starts looking. */
  private readonly after = new Int32Array(COL_COUNT);
  /** Per column, the way of its last hit (absolute index; an empty way until the first). */
  private readonly last = new Int32Array(COL_COUNT);
  /**
   * Recent `frontend backend/server ` spans (the space after the server included) with their four ids (frontend,
   * transport, backend, server): one compare of ~20 bytes instead of three hits per line (parseLogPrefix).
   */
  private readonly routeKey = new Uint8Array(ROUTE_WAYS * ROUTE_MAX);
  private readonly routeView = new DataView(this.routeKey.buffer);
  private readonly routeLen = new Int32Array(ROUTE_WAYS);
  private readonly routeIds = new Int32Array(ROUTE_WAYS * 4);
  private routeUsed = 0;
  private routeNext = 0;
  private routeAfter = 0;

  /** Call once per line before hit/set: drops the kept ids when `w` is a batch with other columns (another table,
   * another collector's dictionaries). */
  bind(w: LogRowWriter): void {
    if (w.i32 !== this.owner) {
      this.owner = w.i32;
      this.len.fill(-1); this.used.fill(0); this.next.fill(0);
      for (let c = 0; c < COL_COUNT; c++) { this.after[c] = c * PREV_WAYS; this.last[c] = c * PREV_WAYS; }
      this.routeUsed = 0; this.routeNext = 0; this.routeAfter = 0;
    }
  }

  /**
   * When buf[p, end) starts with one of column `col`'s kept values followed by byte `stop`, stores its id in ids[row]
   * (`ids` = the batch's column `col`) and returns the offset of that `stop` byte; else returns -1 and stores nothing.
   */
  hit(col: number, ids: Int32Array, row: number, buf: Uint8Array, p: number, end: number, stop: number): number {
    // The way of the column's last hit first, inline (small enough for TurboFan to inline into the parsers): a
    // repeated value of 4 to 8 bytes (version, termination state, POST) in two word compares, the second overlapping.
    const x = this.last[col];
    const n = this.len[x];
    const e = p + n;
    if (n >= 4 && n <= 8 && e < end && buf[e] === stop) {
      const o = x * PREV_MAX;
      const kv = this.view;
      const v = viewOf(buf);
      if (kv.getInt32(o, true) === v.getInt32(p, true) && kv.getInt32(o + n - 4, true) === v.getInt32(e - 4, true)) {
        ids[row] = this.id[x];
        return e;
      }
    }
    return this.hitAny(col, ids, row, buf, p, end, stop);
  }

  /** hit() over every kept way of the column. */
  private hitAny(col: number, ids: Int32Array, row: number, buf: Uint8Array, p: number, end: number, stop: number): number {
    // From the way after the last hit: servers taking turns are found at the first try. At most one way can match
    // (a kept value holds no stop byte, so a match ends at the field's first one), so the order changes no result.
    const base = col * PREV_WAYS;
    const lim = base + this.used[col];
    const from = this.after[col];
    for (let x = from; x < lim; x++) {
      const n = this.len[x];
      const e = p + n;
      if (e >= end || buf[e] !== stop) continue;
      if (this.same(x, buf, p, n)) { ids[row] = this.id[x]; this.after[col] = x + 1; this.last[col] = x; return e; }
    }
    for (let x = base; x < from; x++) {
      const n = this.len[x];
      const e = p + n;
      if (e >= end || buf[e] !== stop) continue;
      if (this.same(x, buf, p, n)) { ids[row] = this.id[x]; this.after[col] = x + 1; this.last[col] = x; return e; }
    }
    return -1;
  }

  /**
   * When buf[p, end) starts with a kept route span, stores its four ids in row `row` of `c`'s columns and returns the
   * offset after the span (after the server's space); else returns -1 and stores nothing. A span holds exactly the
   * two spaces that end its fields, so equal bytes parse to the same fields as the span did.
   */
  hitRoute(c: RowCols, row: number, buf: Uint8Array, p: number, end: number): number {
    const used = this.routeUsed;
    if (used === 0) return -1;
    const len = this.routeLen;
    const kv = this.routeView;
    let v: DataView<ArrayBufferLike> | null = null;
    let x = this.routeAfter;
    for (let k = 0; k < used; k++, x++) {
      if (x >= used) x = 0;
      const n = len[x];
      if (p + n > end) continue;
      const o = x * ROUTE_MAX;
      // n >= 4 (three fields, two spaces and a '/'): words, the last one overlapping the one before
      v ??= viewOf(buf);
      let j = 0;
      for (; j + 4 < n; j += 4) if (kv.getInt32(o + j, true) !== v.getInt32(p + j, true)) break;
      if (j + 4 < n || kv.getInt32(o + n - 4, true) !== v.getInt32(p + n - 4, true)) continue;
      const ids = this.routeIds;
      c.frontend[row] = ids[x * 4]; c.transport[row] = ids[x * 4 + 1];
      c.backend[row] = ids[x * 4 + 2]; c.server[row] = ids[x * 4 + 3];
      this.routeAfter = x + 1;
      return p + n;
    }
    return -1;
  }

  /** Keeps buf[p, e) (a route span parsed into row `row` of `c`, the server's space included) with the row's ids. */
  setRoute(c: RowCols, row: number, buf: Uint8Array, p: number, e: number): void {
    const n = e - p;
    if (n > ROUTE_MAX || n < 4) return;
    const x = this.routeNext;
    this.routeNext = (x + 1) % ROUTE_WAYS;
    const k = this.routeKey;
    const o = x * ROUTE_MAX;
    for (let j = 0; j < n; j++) k[o + j] = buf[p + j];
    this.routeLen[x] = n;
    const ids = this.routeIds;
    ids[x * 4] = c.frontend[row]; ids[x * 4 + 1] = c.transport[row];
    ids[x * 4 + 2] = c.backend[row]; ids[x * 4 + 3] = c.server[row];
    if (this.routeUsed < ROUTE_WAYS) this.routeUsed++;
  }

  /** True if kept value x equals buf[p, p + n) (n = its length), 4 bytes per step (byte-words.ts sameBytes). */
  private same(x: number, buf: Uint8Array, p: number, n: number): boolean {
    const o = x * PREV_MAX;
    let j = 0;
    if (n >= 4) {
      const kv = this.view;
      const v = viewOf(buf);
      for (; j + 4 <= n; j += 4) if (kv.getInt32(o + j, true) !== v.getInt32(p + j, true)) return false;
    }
    const k = this.key;
    for (; j < n; j++) if (k[o + j] !== buf[p + j]) return false;
    return true;
  }

  /**
   * Stores in ids[row] (the batch's dictionary column `col`, row w.rows) the id of buf[s, e): a kept one when the
   * bytes equal a kept value, else w.setDict's (then kept, replacing the column's oldest). Does not keep `buf`.
   */
  set(w: LogRowWriter, col: number, ids: Int32Array, row: number, buf: Uint8Array, s: number, e: number): void {
    const n = e - s;
    const base = col * PREV_WAYS;
    const lim = base + this.used[col];
    for (let x = base; x < lim; x++) {
      if (this.len[x] === n && this.same(x, buf, s, n)) { ids[row] = this.id[x]; return; }
    }
    w.setDict(col, buf, s, e);
    if (n > PREV_MAX) return;
    const x = base + this.next[col];
    this.next[col] = (this.next[col] + 1) % PREV_WAYS;
    const k = this.key;
    const o = x * PREV_MAX;
    for (let j = 0; j < n; j++) k[o + j] = buf[s + j];
    this.len[x] = n;
    this.id[x] = ids[row];
    if (this.used[col] < PREV_WAYS) this.used[col]++;
  }
}
