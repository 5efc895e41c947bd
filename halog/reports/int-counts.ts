// Counts per signed 32-bit key, the accumulator behind -st, -tc, -cc, -ac/-ad and the -pct/-gt timer
// trees: a dense array for keys in [0, 65536) plus a Map for the rest, mergeable across workers.
// Hot path: yes (add per line, no allocation for dense keys).

const DENSE = 65536;

export class IntCounts {
  dense: Float64Array = new Float64Array(DENSE);
  sparse = new Map<number, number>();
  total = 0;

  add(k: number): void {
    if (k >= 0 && k < DENSE) this.dense[k]++;
    else this.sparse.set(k, (this.sparse.get(k) ?? 0) + 1);
    this.total++;
  }

  merge(o: IntCounts): void {
    const d = this.dense, od = o.dense;
    for (let i = 0; i < DENSE; i++) if (od[i] !== 0) d[i] += od[i];
    for (const [k, v] of o.sparse) this.sparse.set(k, (this.sparse.get(k) ?? 0) + v);
    this.total += o.total;
  }

  /** Keys with a non-zero count in ascending signed order, with their counts. */
  sorted(): { keys: number[]; counts: number[] } {
    const keys: number[] = [];
    const counts: number[] = [];
    const neg = [...this.sparse.keys()].filter((k) => k < 0).sort((a, b) => a - b);
    const big = [...this.sparse.keys()].filter((k) => k >= 0).sort((a, b) => a - b);
    for (const k of neg) { keys.push(k); counts.push(this.sparse.get(k)!); }
    for (let i = 0; i < DENSE; i++) if (this.dense[i] !== 0) { keys.push(i); counts.push(this.dense[i]); }
    for (const k of big) { keys.push(k); counts.push(this.sparse.get(k)!); }
    return { keys, counts };
  }

  /** Plain-data form for postMessage between threads. */
  toTransfer(): { dense: Float64Array; sparse: [number, number][]; total: number } {
    return { dense: this.dense, sparse: [...this.sparse], total: this.total };
  }

  static fromTransfer(t: { dense: Float64Array; sparse: [number, number][]; total: number }): IntCounts {
    const c = new IntCounts();
    c.dense = t.dense;
    c.sparse = new Map(t.sparse);
    c.total = t.total;
    return c;
  }
}
