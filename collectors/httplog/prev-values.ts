/* The last few values of each dictionary column, in front of LogDict.intern: frontends, backends, term states and
 * methods mostly repeat and servers rotate over a few names, so the parser compares the bytes with recent values
 * while finding the field's end instead of scanning, then calling intern (an out-of-line call from the parser: its
 * miss path measured ~45 ns a call inside parseHttpLog against ~10 alone). Intern calls per line: bench:collect's
 * lines 2.0 with one kept value -> 0.36 with 8 (servers s0..s7 rotate), the halog corpus 0.16.
 * One instance per line parser; used by httplog.ts, tcplog.ts and fields.ts. Hot path: yes; allocates nothing per line.
 */
import { COL_COUNT } from '../arrow/types.ts';
import type { LogRowWriter } from '../arrow/types.ts';
import { viewOf } from '../byte-words.ts';

/** Longest value kept; longer ones always go to the dictionary. */
const PREV_MAX = 48;
/** Values kept per column (a server rotation of up to 16 names hits). */
const PREV_WAYS = 16;

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

  /** Call once per line before hit/set: drops the kept ids when `w` is a batch with other columns (another table,
   * another collector's dictionaries). */
  bind(w: LogRowWriter): void {
    if (w.i32 !== this.owner) {
      this.owner = w.i32;
      this.len.fill(-1); this.used.fill(0); this.next.fill(0);
      for (let c = 0; c < COL_COUNT; c++) this.after[c] = c * PREV_WAYS;
    }
  }

  /**
   * When buf[p, end) starts with one of column `col`'s kept values followed by byte `stop`, stores its id in ids[row]
   * (`ids` = the batch's column `col`) and returns the offset of that `stop` byte; else returns -1 and stores nothing.
   */
  hit(col: number, ids: Int32Array, row: number, buf: Uint8Array, p: number, end: number, stop: number): number {
    // From the way after the last hit: servers taking turns are found at the first try. At most one way can match
    // (a kept value holds no stop byte, so a match ends at the field's first one), so the order changes no result.
    const base = col * PREV_WAYS;
    const lim = base + this.used[col];
    const from = this.after[col];
    for (let x = from; x < lim; x++) {
      const n = this.len[x];
      const e = p + n;
      if (e >= end || buf[e] !== stop) continue;
      if (this.same(x, buf, p, n)) { ids[row] = this.id[x]; this.after[col] = x + 1; return e; }
    }
    for (let x = base; x < from; x++) {
      const n = this.len[x];
      const e = p + n;
      if (e >= end || buf[e] !== stop) continue;
      if (this.same(x, buf, p, n)) { ids[row] = this.id[x]; this.after[col] = x + 1; return e; }
    }
    return -1;
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
