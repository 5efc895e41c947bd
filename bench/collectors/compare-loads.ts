// Loaded-data check between two builds of this repository (e.g. a `git archive` of the base commit and the working
// tree, each built with `tsc -p .`): every input is loaded by each build's sluice-collect into DuckDB, and the
// per-column hash sums of http_log, tcp_log and raw_log (received, the arrival time, left out) must be equal. With
// --fuzz, the two builds' parseHttpLog/parseTcpLog also run on every line and on random mutations of it, and must
// return the same codes and rows. Prints the differences; exits 1 on any.
//   node --import tsx bench/collectors/compare-loads.ts /tmp/old /work/main [--fuzz N] [files...]
// Default inputs: bench:collect's generated file, fixtures/halog/corpus, fixtures/collectors, fixtures/log. Hot path: no.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import { makeLogFile } from './input.ts';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const args = process.argv.slice(2);
const fuzzAt = args.indexOf('--fuzz');
const FUZZ = fuzzAt >= 0 ? Number(args.splice(fuzzAt, 2)[1]) : 0;
const [A, B, ...files] = args;
if (!A || !B) { console.error('usage: compare-loads.ts <old root> <new root> [--fuzz N] [files...]'); process.exit(2); }

function defaultInputs(): string[] {
  const out = [makeLogFile(1_000_000)];
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.log(\.gz)?$/.test(e.name) && fs.statSync(p).size > 0) out.push(p);
    }
  };
  for (const d of ['fixtures/halog/corpus', 'fixtures/collectors', 'fixtures/log']) walk(path.join(REPO, d));
  return out;
}

async function hashes(db: string): Promise<string[]> {
  const inst = await DuckDBInstance.create(db, { access_mode: 'READ_ONLY' });
  const con = await inst.connect();
  const out: string[] = [];
  for (const t of ['http_log', 'tcp_log', 'raw_log']) {
    const cols = (await (await con.run("SELECT column_name FROM information_schema.columns WHERE table_name = '" + t +
      "' ORDER BY ordinal_position")).getRows()).map((r) => String(r[0])).filter((c) => c !== 'received');
    const row = (await (await con.run('SELECT count(*)::VARCHAR, ' + cols.map((c) => "coalesce(sum(hash(\"" + c +
      "\"))::VARCHAR, 'null')").join(', ') + ' FROM ' + t)).getRows())[0];
    out.push(t + ' rows ' + row[0], ...cols.map((c, i) => t + '.' + c + ' ' + row[i + 1]));
  }
  con.closeSync();
  inst.closeSync();
  return out;
}

async function load(root: string, file: string, db: string): Promise<string[]> {
  fs.rmSync(db, { force: true });
  execFileSync(process.execPath, [path.join(root, 'dist/collectors/main.js'), '--read', file, '--duckdb', db],
    { stdio: ['ignore', 'ignore', 'pipe'], timeout: 600_000 });
  return hashes(db);
}

/** The same codes and rows from both builds' line parsers, on each message and FUZZ mutations of it. */
async function fuzz(inputs: string[]): Promise<number> {
  const mod = async (root: string, p: string): Promise<Record<string, unknown>> => import(pathToFileURL(path.join(root, 'dist/collectors', p)).href);
  const side = async (root: string) => ({
    http: (await mod(root, 'httplog/httplog.js')).parseHttpLog as (b: Uint8Array, s: number, e: number, w: unknown) => number,
    tcp: (await mod(root, 'httplog/tcplog.js')).parseTcpLog as (b: Uint8Array, s: number, e: number, w: unknown) => number,
    bat: await mod(root, 'arrow/batcher.js') as { LogBatch: new (t: unknown, n: number, d: unknown) => any; LogDicts: new () => unknown; batchRow: (b: unknown, r: number) => unknown },
    sch: await mod(root, 'arrow/schema.js') as { HTTP_LOG_TABLE: unknown; TCP_LOG_TABLE: unknown },
    frame: await mod(root, 'syslog/frame.js') as { newSyslogFrame: () => { msgStart: number; msgEnd: number }; parseSyslogFrame: (b: Uint8Array, s: number, e: number, y: number, f: unknown) => void },
  });
  const a = await side(A);
  const b = await side(B);
  let seed = 12345;
  const rnd = (n: number): number => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed % n; };
  const CH = [32, 47, 45, 43, 48, 57, 58, 91, 93, 123, 125, 34, 126, 120, 0x80];
  const batches = (s: typeof a) => ({ http: new s.bat.LogBatch(s.sch.HTTP_LOG_TABLE, 4096, new s.bat.LogDicts()), tcp: new s.bat.LogBatch(s.sch.TCP_LOG_TABLE, 4096, new s.bat.LogDicts()) });
  const ba = batches(a);
  const bb = batches(b);
  let bad = 0;
  let n = 0;
  const flush = (t: 'http' | 'tcp'): void => {
    ba[t].seal(); bb[t].seal();
    for (let r = 0; r < ba[t].rows; r++) {
      const x = JSON.stringify(a.bat.batchRow(ba[t], r));
      const y = JSON.stringify(b.bat.batchRow(bb[t], r));
      if (x !== y && bad++ < 10) console.log('row differs (' + t + '):\n  ' + x + '\n  ' + y);
    }
    ba[t].reset(); bb[t].reset();
  };
  const f = a.frame.newSyslogFrame();
  for (const file of inputs) {
    if (file.endsWith('.gz') || fs.statSync(file).size > 8 << 20) continue;
    const buf = fs.readFileSync(file);
    for (let s = 0; s < buf.length;) {
      let e = buf.indexOf(10, s);
      if (e < 0) e = buf.length;
      a.frame.parseSyslogFrame(buf, s, e, 2026, f);
      const msg = [...buf.subarray(f.msgStart, f.msgEnd)];
      s = e + 1;
      for (let v = 0; v <= FUZZ; v++) {
        const m = msg.slice();
        for (let k = v === 0 ? 0 : 1 + rnd(3); k > 0; k--) {
          const at = rnd(m.length + 1);
          const op = rnd(4);
          if (op === 0) m.splice(at, 1); else if (op === 1) m.splice(at, 0, CH[rnd(CH.length)]);
          else if (op === 2 && at < m.length) m[at] = CH[rnd(CH.length)]; else m.length = at;
        }
        const x = Buffer.from([35, 35, ...m, 35, 35]);   // not at the buffer's start or end
        for (const t of ['http', 'tcp'] as const) {
          const ra = a[t](x, 2, x.length - 2, ba[t]);
          const rb = b[t](x, 2, x.length - 2, bb[t]);
          n++;
          if (ra !== rb && bad++ < 10) console.log('code ' + ra + ' vs ' + rb + ' (' + t + '): ' + JSON.stringify(x.toString('latin1', 2, x.length - 2)));
          if (ra === 0 && rb === 0) { ba[t].commitRow(); bb[t].commitRow(); } else { ba[t].rollbackRow(); bb[t].rollbackRow(); }
          if (ba[t].full) flush(t);
        }
      }
    }
  }
  flush('http');
  flush('tcp');
  console.log('fuzz: ' + n + ' parses, ' + bad + ' differences');
  return bad;
}

const inputs = files.length > 0 ? files : defaultInputs();
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-compare-'));
let diffs = 0;
for (const file of inputs) {
  const ha = await load(A, file, path.join(dir, 'a.duckdb'));
  const hb = await load(B, file, path.join(dir, 'b.duckdb'));
  const d = ha.filter((l, i) => l !== hb[i]);
  if (d.length > 0 || ha.length !== hb.length) { diffs++; console.log('DIFF ' + file + ': ' + d.slice(0, 5).join(', ')); }
}
console.log('loads: ' + inputs.length + ' inputs, ' + diffs + ' with differences');
fs.rmSync(dir, { recursive: true, force: true });
if (FUZZ > 0) diffs += await fuzz(inputs);
process.exit(diffs > 0 ? 1 : 0);
