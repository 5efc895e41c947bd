// Run by bench:collect (udp.bench.ts) in a fresh process: the staged-Parquet encode of a log file's batches, cold
// (first pass, as the sink worker of a file load runs it: its isolate has never run the encoder) and warm (a later
// pass), as JSON {rows, coldUs, warmUs} on stdout (process CPU us per row, V8's compiler threads included). The batches
// are parsed first and not counted; ids are prepared as in the sink worker (prepareIdsInto, then the encode with them).
//   node --import tsx bench/collectors/encode-cold.ts <file> [passes]
// Hot path: no.
import { LogDicts } from '../../collectors/arrow/batcher.ts';
import type { LogBatch } from '../../collectors/arrow/batcher.ts';
import { DICT_STAGED } from '../../collectors/arrow/schema.ts';
import { Ingest, ingestFile } from '../../collectors/ingest.ts';
import { encodeStagedParquet, prepareIdsInto } from '../../collectors/sinks/staged-parquet.ts';
import type { PreparedIds } from '../../collectors/sinks/staged-parquet.ts';
import type { LogSink } from '../../collectors/sinks/types.ts';
import { copyBatch } from './batch-copy.ts';

const [file, passesArg] = process.argv.slice(2);
const passes = Math.max(2, Number(passesArg ?? 3));
const cpu = (): number => { const c = process.cpuUsage(); return c.user + c.system; };

const batches: LogBatch[] = [];
const keep: LogSink<LogBatch> = { name: 'keep', write: (b) => { b.seal(); batches.push(copyBatch(b)); }, close: async () => undefined };
const ing = new Ingest({ format: { kind: 'httplog' }, sinks: [keep], dicts: new LogDicts(), batchRows: 40960 });
await ingestFile(file, ing);
await ing.close();
const rows = batches.reduce((a, b) => a + b.rows, 0);
const cap = Math.max(...batches.map((b) => b.rows));
const ids: PreparedIds = { staged: DICT_STAGED.map(() => new Int32Array(cap)), ctx: new Int32Array(cap) };
const perPass: number[] = [];
let check = 0;
for (let p = 0; p < passes; p++) {
  const c0 = cpu();
  for (const b of batches) {
    prepareIdsInto(b, ids);
    check += encodeStagedParquet(b, ids).length;
  }
  perPass.push((cpu() - c0) / rows);
}
if (check <= 0) throw new Error('encode-cold: nothing encoded');
process.stdout.write(JSON.stringify({ rows, coldUs: perPass[0], warmUs: Math.min(...perPass.slice(1)) }) + '\n');
