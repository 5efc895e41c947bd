// The parse stage alone, single thread, CPU us per line: syslog frame + line parser + dictionary interning into
// batches (Ingest.onMessage over lines already in memory, no file reads, no sinks), for bench:collect's generated file
// and a real-haproxy corpus. Interleaved A/B: BENCH_PARSE_ROOTS=/work/main,/tmp/old runs each tree's dist/ build in
// turn (build both first), BENCH_PARSE_PROCS processes each, medians of BENCH_PARSE_ROUNDS rounds per process.
// BENCH_PARSE_INPROC=1 loads every root in one process instead and alternates their rounds (steadier on a busy
// machine): the Ingest path and parseHttpLog alone over the generated lines (BENCH_PARSE_INPUT=real: the real-haproxy
// corpus, auto format), minimum and median per root.
//   node --import tsx bench/collectors/parse.bench.ts            (this tree's dist/, 3 processes)
// Hot path: no (harness).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { makeLogFile } from './input.ts';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, '../..');
const LINES = Number(process.env.BENCH_PARSE_LINES ?? 300_000);
const ROUNDS = Number(process.env.BENCH_PARSE_ROUNDS ?? 7);
const PROCS = Number(process.env.BENCH_PARSE_PROCS ?? 3);
const ROOTS = (process.env.BENCH_PARSE_ROOTS ?? REPO).split(',').filter((r) => r !== '');
/** Real haproxy 2.6 lines (rsyslog files, mixed http/tcp and a few bad lines), repeated up to LINES. */
const CORPUS = ['fixtures/halog/corpus/syslog.log', 'fixtures/halog/corpus/qa.log', 'fixtures/halog/corpus/raw.log'];

interface Input { readonly name: string; readonly buf: Buffer; readonly lines: number; readonly format: 'httplog' | 'auto' }

function firstLines(file: string, n: number): Buffer {
  const fd = fs.openSync(file, 'r');
  const chunk = Buffer.allocUnsafe(Math.min(fs.fstatSync(fd).size, n * 400));
  const got = fs.readSync(fd, chunk, 0, chunk.length, 0);
  fs.closeSync(fd);
  let end = 0;
  for (let k = 0; k < n; k++) { const e = chunk.indexOf(10, end); if (e < 0 || e >= got) break; end = e + 1; }
  return chunk.subarray(0, end);
}

function countLines(b: Buffer): number {
  let n = 0;
  for (let i = b.indexOf(10); i >= 0; i = b.indexOf(10, i + 1)) n++;
  return n;
}

function inputs(): Input[] {
  const gen = firstLines(makeLogFile(1_000_000), LINES);
  const parts = CORPUS.map((f) => fs.readFileSync(path.join(REPO, f)));
  const one = Buffer.concat(parts);
  const reps = Math.max(1, Math.round(LINES / countLines(one)));
  const real = Buffer.concat(new Array(reps).fill(one));
  return [
    { name: 'generated (bench:collect file)', buf: gen, lines: countLines(gen), format: 'httplog' },
    { name: 'real haproxy corpus (auto)', buf: real, lines: countLines(real), format: 'auto' },
  ];
}

/** One process: ROUNDS rounds per input of root's dist build; prints one JSON line of per-round us/line arrays. */
async function child(root: string): Promise<void> {
  const ing = await import(pathToFileURL(path.join(root, 'dist/collectors/ingest.js')).href);
  const cpu = (): number => { const c = process.cpuUsage(); return c.user + c.system; };
  const out: Record<string, number[]> = {};
  for (const inp of inputs()) {
    const us: number[] = [];
    for (let r = 0; r < ROUNDS + 2; r++) {
      let rows = 0;
      const sink = { name: 'count', write: (b: { rows: number }) => { rows += b.rows; }, close: async () => undefined };
      const ingest = new ing.Ingest({ format: { kind: inp.format }, sinks: [sink], batchRows: 40960, flushMs: 600000 });
      const c0 = cpu();
      const step = 1 << 20;
      for (let s = 0; s < inp.buf.length;) {
        let e = inp.buf.indexOf(10, Math.min(inp.buf.length - 1, s + step));
        e = e < 0 ? inp.buf.length : e + 1;
        ing.ingestBufferLines(inp.buf, e, ingest, s);
        s = e;
        await ingest.waitForRoom(2);
      }
      await ingest.close();
      const t = cpu() - c0;
      if (ingest.counters.received !== inp.lines) throw new Error(inp.name + ': ' + ingest.counters.received + ' of ' + inp.lines + ' lines');
      if (r >= 2) us.push(t / inp.lines);   // two warm-up rounds
      void rows;
    }
    out[inp.name] = us;
  }
  console.log(JSON.stringify(out));
}

const median = (a: number[]): number => { const s = [...a].sort((x, y) => x - y); return s[s.length >> 1]; };

function main(): void {
  inputs();   // creates the generated file once, before the timed processes
  const per: Record<string, Record<string, number[]>> = {};
  for (let p = 0; p < PROCS; p++) {
    for (const root of ROOTS) {
      const res = JSON.parse(execFileSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', root],
        { encoding: 'utf8', maxBuffer: 1 << 20, timeout: 600_000 }).trim().split('\n').pop() as string) as Record<string, number[]>;
      for (const [k, v] of Object.entries(res)) ((per[root] ??= {})[k] ??= []).push(median(v));
    }
  }
  console.log('parse stage, CPU us/line (median of ' + ROUNDS + ' rounds per process; per-process medians; ' + PROCS + ' interleaved processes)');
  for (const root of ROOTS) {
    for (const [k, v] of Object.entries(per[root])) {
      console.log(root.padEnd(20) + ' ' + k.padEnd(34) + ' median ' + median(v).toFixed(3) + '  [' + v.map((x) => x.toFixed(3)).join(' ') + ']');
    }
  }
}

/** BENCH_PARSE_INPROC: every root in this process, rounds alternated (order reversed every other round). */
async function inProcess(): Promise<void> {
  const inp = inputs()[process.env.BENCH_PARSE_INPUT === 'real' ? 1 : 0];
  const starts: number[] = [];
  const ends: number[] = [];
  for (let s = 0; s < inp.buf.length;) { const e = inp.buf.indexOf(10, s); starts.push(s); ends.push(e); s = e + 1; }
  const cpu = (): number => { const c = process.cpuUsage(); return c.user + c.system; };
  const sides = [];
  for (const root of ROOTS) {
    const imp = async (p: string) => import(pathToFileURL(path.join(root, 'dist/collectors', p)).href);
    const frame = await imp('syslog/frame.js');
    const f = frame.newSyslogFrame();
    const msg = starts.map((s, k) => { frame.parseSyslogFrame(inp.buf, s, ends[k], 2026, f); return f.msgStart; });
    const bat = await imp('arrow/batcher.js');
    const batch = new bat.LogBatch((await imp('arrow/schema.js')).HTTP_LOG_TABLE, 40960, new bat.LogDicts());
    sides.push({ root, ing: await imp('ingest.js'), http: (await imp('httplog/httplog.js')).parseHttpLog, msg, batch, ingest: [] as number[], parse: [] as number[] });
  }
  for (let r = 0; r < ROUNDS + 2; r++) {
    for (let i = 0; i < sides.length; i++) {
      const sd = sides[r & 1 ? sides.length - 1 - i : i];
      const ingest = new sd.ing.Ingest({ format: { kind: inp.format }, sinks: [{ name: 'none', write: () => undefined, close: async () => undefined }], batchRows: 40960, flushMs: 600000 });
      let c0 = cpu();
      for (let s = 0; s < inp.buf.length;) {
        let e = inp.buf.indexOf(10, Math.min(inp.buf.length - 1, s + (1 << 20)));
        e = e < 0 ? inp.buf.length : e + 1;
        sd.ing.ingestBufferLines(inp.buf, e, ingest, s);
        s = e;
        await ingest.waitForRoom(2);
      }
      await ingest.close();
      const a = (cpu() - c0) / inp.lines;
      const b = sd.batch;
      c0 = cpu();
      for (let k = 0; k < inp.lines; k++) {
        if (sd.http(inp.buf, sd.msg[k], ends[k], b) === 0) b.commitRow(); else b.rollbackRow();
        if (b.full) b.reset();
      }
      if (r >= 2) { sd.ingest.push(a); sd.parse.push((cpu() - c0) / inp.lines); }
    }
  }
  const st = (a: number[]): string => { const x = [...a].sort((p, q) => p - q); return 'min ' + x[0].toFixed(3) + ' median ' + x[x.length >> 1].toFixed(3); };
  console.log('CPU us/line over ' + inp.lines + ' lines of ' + inp.name + ', ' + ROUNDS + ' alternated rounds in one process');
  for (const sd of sides) console.log(sd.root.padEnd(20) + ' Ingest ' + st(sd.ingest) + ' | parseHttpLog alone ' + st(sd.parse));
}

if (process.argv[2] === '--child') await child(process.argv[3]);
else if (process.env.BENCH_PARSE_INPROC === '1') await inProcess();
else main();
