// A sealed copy of a sealed LogBatch, for benchmarks that keep the batches Ingest hands out (it reuses its batch
// objects once a sink has written them). Used by udp.bench.ts (stages) and encode-cold.ts. Hot path: no.
import { LogBatch } from '../../collectors/arrow/batcher.ts';

export function copyBatch(b: LogBatch): LogBatch {
  const c = new LogBatch(b.table, b.rows, b.dicts);
  for (const id of b.table.columns) {
    c.i32[id].set(b.i32[id].subarray(0, b.i32[id].length ? b.rows : 0));
    c.f64[id].set(b.f64[id].subarray(0, b.f64[id].length ? b.rows : 0));
    const s = b.str[id];
    const t = c.str[id];
    if (s && t) {
      t.data = Buffer.from(s.data.subarray(0, s.pos));
      t.starts.set(s.starts.subarray(0, b.rows));
      t.end.set(s.end.subarray(0, b.rows));
      t.valid.set(s.valid.subarray(0, b.rows));
      t.pos = s.pos;
      t.last = b.rows - 1;
    }
  }
  c.rows = b.rows;
  return c;
}
