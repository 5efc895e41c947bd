// bench:hatop: CPU time of one hatop refresh with 1,000 servers (parse `show info` + `show stat`,
// rates against the previous snapshot, sparkline history, table lines, render of the STATUS view
// at 160x50 to a string), against a naive baseline written the obvious way (split/regex parsing
// into objects of every column, rates by linear search, every row rendered as flexbox cells).
// Input: the real HAProxy 2.6 `show stat` header with 50 backends x 20 servers of synthetic values.
// Prints medians of per-refresh CPU time (user+system) and the ratio. Budget: < 50 ms.
// NODE_ENV defaults to production, as in hatop/main.ts.
import { readFileSync } from 'node:fs';
import type { ReactElement } from 'react';
import type { InstanceModel, Snapshot } from '../../hatop/types.ts';

// React's development build costs ~3x per render; hatop's main.ts runs the production one, so the
// bench does too (set before react is loaded, hence the dynamic imports).
process.env.NODE_ENV ??= 'production';
const { createElement } = await import('react');
const { Box, Text, renderToString } = await import('ink');
const { parseInfo, parseStat } = await import('../../hatop/model.ts');
const { deriveRates } = await import('../../hatop/rates.ts');
const { pushHistory } = await import('../../hatop/history.ts');
const { buildLines } = await import('../../hatop/rows.ts');
const { Screen } = await import('../../hatop/views/screen.tsx');
const { STATUS_COLUMNS } = await import('../../hatop/views/status.tsx');
const { emptyCli } = await import('../../hatop/cli-input.ts');

const FIX = new URL('../../fixtures/hatop/haproxy-2.6/', import.meta.url);
const INFO = readFileSync(new URL('show-info.txt', FIX), 'utf8');
const HEADER = readFileSync(new URL('show-stat.txt', FIX), 'utf8').split('\n')[0]!;
const COLS = HEADER.slice(2, -1).split(',');
const BACKENDS = 50;
const PER = 20;
const WIDTH = 160;
const HEIGHT = 50;
const ITER = Number(process.env.HATOP_BENCH_ITER ?? 40);

/** Deterministic pseudo-random generator (mulberry32). */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function makeStat(tick: number): string {
  const r = rng(42 + tick);
  const lines = [HEADER];
  const row = (px: string, sv: string, type: number, iid: number, sid: number): string => {
    const v: Record<string, string> = {
      pxname: px, svname: sv, type: String(type), iid: String(iid), sid: String(sid), pid: '1', '-': '-',
      status: type === 2 ? (sid % 17 === 0 ? 'DOWN' : sid % 23 === 0 ? 'MAINT' : 'UP') : 'UP',
      check_status: type === 2 ? (sid % 17 === 0 ? 'L4CON' : 'L7OK') : '',
    };
    const base = (iid * 1000 + sid) * 10 + tick * 7;
    for (const c of ['scur', 'smax', 'qcur', 'qmax', 'weight', 'uweight', 'act', 'bck', 'chkfail', 'chkdown', 'lastchg', 'downtime', 'rate', 'rate_max']) {
      v[c] = String(Math.floor(r() * 100));
    }
    for (const c of ['stot', 'lbtot', 'req_tot', 'hrsp_2xx', 'hrsp_4xx', 'hrsp_5xx', 'econ', 'eresp', 'wretr', 'cli_abrt', 'srv_abrt']) {
      v[c] = String(base + Math.floor(r() * 10));
    }
    v.bin = String(base * 800 + Math.floor(r() * 1e6));
    v.bout = String(base * 3000 + Math.floor(r() * 1e7));
    v.slim = type === 1 ? '1000' : type === 2 ? '100' : '';
    return COLS.map((c) => v[c] ?? (c.startsWith('h2_') || c.startsWith('h1_') ? '0' : '')).join(',') + ',';
  };
  for (let b = 0; b < BACKENDS; b++) {
    const px = `backend_${String(b).padStart(3, '0')}`;
    for (let s = 1; s <= PER; s++) lines.push(row(px, `srv_${String(s).padStart(3, '0')}`, 2, b + 2, s));
    lines.push(row(px, 'BACKEND', 1, b + 2, 0));
  }
  return lines.join('\n') + '\n\n';
}

const STATS = [makeStat(0), makeStat(1), makeStat(2), makeStat(3)];

// ---- hatop's refresh -------------------------------------------------------------------------
let model: InstanceModel = {
  label: '/run/haproxy/admin.sock',
  conn: { phase: 'up', attempt: 0, error: '', retryAt: 0, level: 'admin' },
  error: '',
  snap: null,
  rates: null,
  history: new Map(),
};

function hatopModel(i: number): void {
  const info = parseInfo(INFO);
  const snap = parseStat(STATS[i % STATS.length]!, 1000 * (i + 1), info) as Snapshot;
  const rates = deriveRates(model.snap, snap);
  model = { ...model, snap, rates, history: pushHistory(model.history, snap, rates) };
}

function hatopRefresh(i: number): string {
  const info = parseInfo(INFO);
  const snap = parseStat(STATS[i % STATS.length]!, 1000 * (i + 1), info) as Snapshot;
  const rates = deriveRates(model.snap, snap);
  model = { ...model, snap, rates, history: pushHistory(model.history, snap, rates) };
  const lines = buildLines([model], '', { col: '', desc: true }, STATUS_COLUMNS);
  return renderToString(
    createElement(Screen, {
      insts: [model],
      view: 'status',
      width: WIDTH,
      height: HEIGHT,
      now: new Date(0),
      intervalMs: 3000,
      lines,
      table: { width: WIDTH, height: 0, selected: lines[1]!.kind === 'row' ? lines[1]!.id : '', top: 0, sort: { col: '', desc: true }, pending: new Set<string>(), fleet: false },
      cli: emptyCli(),
      helpTop: 0,
      message: '',
      hint: 'H=HELP Q=QUIT',
      errPanel: null,
    }),
    { columns: WIDTH },
  );
}

// ---- naive baseline --------------------------------------------------------------------------
type NaiveRow = Record<string, string>;
let naivePrev: NaiveRow[] | null = null;

function naiveRefresh(i: number): string {
  const info: Record<string, string> = {};
  for (const l of INFO.split('\n')) {
    const m = /^([^:]+): (.*)$/.exec(l);
    if (m) info[m[1]!] = m[2]!;
  }
  const text = STATS[i % STATS.length]!;
  const all = text.split('\n').filter((l) => l !== '');
  const names = all[0]!.replace(/^# /, '').split(',');
  const rows: NaiveRow[] = all.slice(1).map((l) => {
    const f = l.split(',');
    const o: NaiveRow = {};
    names.forEach((n, k) => (o[n] = f[k] ?? ''));
    return o;
  });
  const rates = rows.map((r) => {
    const p = naivePrev?.find((x) => x.pxname === r.pxname && x.svname === r.svname);
    return p ? { bin: Number(r.bin) - Number(p.bin), stot: Number(r.stot) - Number(p.stot) } : null;
  });
  naivePrev = rows;
  const cols = ['svname', 'weight', 'status', 'check_status', 'act', 'bck', 'qcur', 'qmax', 'scur', 'smax', 'slim', 'stot', 'downtime'];
  const groups = [...new Set(rows.map((r) => r.pxname))];
  const children: ReactElement[] = [
    createElement(Text, { key: 'h' }, `${info.Name} ${info.Version} pid ${info.Pid}`),
  ];
  for (const g of groups) {
    children.push(createElement(Text, { key: 'g' + g, bold: true }, '>>> ' + g));
    rows.forEach((r, k) => {
      if (r.pxname !== g) return;
      children.push(
        createElement(
          Box,
          { key: 'r' + k, flexDirection: 'row' },
          ...cols.map((c) => createElement(Box, { key: c, width: c === 'svname' ? 20 : 9 }, createElement(Text, { color: c === 'status' && r.status === 'UP' ? 'green' : undefined }, r[c] ?? ''))),
          createElement(Text, { key: 'rate' }, String(rates[k]?.bin ?? '')),
        ),
      );
    });
  }
  const out = renderToString(createElement(Box, { flexDirection: 'column' }, ...children), { columns: WIDTH });
  // The naive app then shows the first screenful.
  return out.split('\n').slice(0, HEIGHT).join('\n');
}

// ---- runner ----------------------------------------------------------------------------------
function cpuMs(fn: () => void): number {
  const c0 = process.cpuUsage();
  fn();
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1000;
}

function median(a: number[]): number {
  const s = [...a].sort((x, y) => x - y);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function measure(name: string, fn: (i: number) => string): number {
  for (let i = 0; i < 10; i++) fn(i);
  const samples: number[] = [];
  let sink = 0;
  for (let i = 0; i < ITER; i++) samples.push(cpuMs(() => (sink += fn(i + 5).length)));
  const med = median(samples);
  const s = [...samples].sort((x, y) => x - y);
  console.log(`${name.padEnd(30)} median ${med.toFixed(2).padStart(8)} ms CPU   p10 ${s[Math.floor(ITER * 0.1)]!.toFixed(2)}   p90 ${s[Math.floor(ITER * 0.9)]!.toFixed(2)}   (${ITER} refreshes, ${sink} chars)`);
  return med;
}

const sample = hatopRefresh(0);
if (!sample.includes('>>> backend_000') || !sample.includes('srv_001')) throw new Error('hatop frame is missing rows');
console.log(`hatop refresh: ${BACKENDS} backends x ${PER} servers = ${BACKENDS * PER} servers (+${BACKENDS} BACKEND rows), ${COLS.length} CSV columns, STATUS view ${WIDTH}x${HEIGHT}`);
const ours = measure('hatop (parse+rates+render)', hatopRefresh);
measure('  of which parse+rates+history', (i) => (hatopModel(i), ''));
const naive = measure('naive baseline', naiveRefresh);
console.log(`ratio naive/hatop: ${(naive / ours).toFixed(1)}x   budget 50 ms: ${ours < 50 ? 'OK' : 'OVER'}`);
