/* The last few values of each dictionary column, in front of LogDict.intern: frontends, backends, term states and
 * methods mostly repeat and servers rotate over a few names, so the parser compares the bytes with recent values
 * while finding the field's end instead of scanning, then calling intern (an out-of-line call from the parser: its
 * miss path measured ~45 ns a call inside parseHttpLog against ~10 alone). Intern calls per line: bench:collect's
 * lines 2.0 with one kept value -> 0.36 with 8 (servers s0..s7 rotate), the halog corpus 0.16.
 * One instance per line parser; used by httplog.ts, tcplog.ts and fields.ts. Hot path: yes; allocates nothing per line.
 */
import { COL_COUNT } from '../arrow/types.ts';
import type { LogRowWriter } from '../arrow/types.ts';

/** Longest value kept; longer ones always go to the dictionary. */
const PREV_MAX = 48;
/** Values kept per column (a server rotation of up to 8 names hits). */
const PREV_WAYS = 8;

export class PrevValues {
  /** The batch columns the cached ids belong to: a batch keeps its dictionaries for life, so ids stay valid with it. */
  private owner: Int32Array[] | null = null;
  /** Value w of column c at ((c * PREV_WAYS) + w) * PREV_MAX. */
  private readonly key = new Uint8Array(COL_COUNT * PREV_WAYS * PREV_MAX);
  /** Length of each kept value, -1 = none. */
  private readonly len = new Int32Array(COL_COUNT * PREV_WAYS).fill(-1);
  private readonly id = new Int32Array(COL_COUNT * PREV_WAYS);
  /** The way of each column that set() replaces next. */
  private readonly next = new Int32Array(COL_COUNT);
  /** Ways of each column holding a value: ways [0, used) (set() fills them in order before replacing any). */
  private readonly used = new Int32Array(COL_COUNT);

  /** Call once per line before hit/set: drops the kept ids when `w` is a batch with other columns (another table,
   * another collector's dictionaries). */
  bind(w: LogRowWriter): void {
    if (w.i32 !== this.owner) { this.owner = w.i32; this.len.fill(-1); this.used.fill(0); this.next.fill(0); }
  }

  /**
   * When buf[p, end) starts with one of column `col`'s kept values followed by byte `stop`, stores its id in row
   * w.rows and returns the offset of that `stop` byte; else returns -1 and stores nothing.
   */
  hit(w: LogRowWriter, col: number, buf: Uint8Array, p: number, end: number, stop: number): number {
    const k = this.key;
    const base = col * PREV_WAYS;
    const lim = base + this.used[col];
    for (let x = base; x < lim; x++) {
      const n = this.len[x];
      const e = p + n;
      if (e >= end || buf[e] !== stop) continue;
      const o = x * PREV_MAX;
      let j = 0;
      while (j < n && k[o + j] === buf[p + j]) j++;
      if (j === n) { w.i32[col][w.rows] = this.id[x]; return e; }
    }
    return -1;
  }

  /**
   * Stores in row w.rows of dictionary column `col` the id of buf[s, e): a kept one when the bytes equal a kept
   * value, else w.setDict's (then kept, replacing the column's oldest). Does not keep `buf`.
   */
  set(w: LogRowWriter, col: number, buf: Uint8Array, s: number, e: number): void {
    const n = e - s;
    const k = this.key;
    const base = col * PREV_WAYS;
    const lim = base + this.used[col];
    for (let x = base; x < lim; x++) {
      if (this.len[x] !== n) continue;
      const o = x * PREV_MAX;
      let j = 0;
      while (j < n && k[o + j] === buf[s + j]) j++;
      if (j === n) { w.i32[col][w.rows] = this.id[x]; return; }
    }
    w.setDict(col, buf, s, e);
    if (n > PREV_MAX) return;
    const x = base + this.next[col];
    this.next[col] = (this.next[col] + 1) % PREV_WAYS;
    const o = x * PREV_MAX;
    for (let j = 0; j < n; j++) k[o + j] = buf[s + j];
    this.len[x] = n;
    this.id[x] = w.i32[col][w.rows];
    if (this.used[col] < PREV_WAYS) this.used[col]++;
  }
}
