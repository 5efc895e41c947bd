/*
 * Stats CLI commands on stick tables, with HAProxy 2.6.12's texts: `show table` (one line per table, most recently
 * declared first), `show table <name> [data.<type> <op> <value>]... [key <key>]` (entries in key order, as
 * `0x<ptr>: key=<k> use=<n> exp=<ms> <type>=<value> ...`), `clear table <name> [key <k> | data.<type> <op> <v>...]`
 * (unused entries only) and `set table <name> key <k> [data.<type> <value>]...`. Registered through
 * stats/cli-registry.ts by stick/register.ts. Hot path: no.
 */
import type { CliCommand, CliReply, CliEnv } from '../stats/types.ts';
import { CLI_RAW, LOG_ERR, ACCESS_LVL_USER, ACCESS_LVL_OPER } from '../stats/types.ts';
import type { Proxy } from '../model/types.ts';
import { STK_K_FRQP, STK_K_STR, STK_K_ULL, STK_T_BINARY, STK_DT_GPT, STK_DT_GPC, STK_DT_GPC_RATE } from './types.ts';
import type { StkEntry } from './table.ts';
import { StkTable, STK_TYPE_NAMES, stkDataType, stkKey, stkKeyCompare, stkProxyTable, stkLoadTables } from './table.ts';
import { stkFreqSet } from './freq-ctr.ts';

function err(text: string): CliReply { return { text, severity: LOG_ERR }; }
function raw(text: string): CliReply { return { text, severity: CLI_RAW }; }

const OPS = ['eq', 'ne', 'le', 'ge', 'lt', 'gt'];

/** The tables of the running configuration, most recently declared first (2.6's list order). */
function tables(env: CliEnv): StkTable[] {
  const list: Proxy[] = env.src.proxies;
  const out: StkTable[] = list.length > 0 ? [...stkLoadTables(list[0])] : [];
  for (const px of list) { const t = stkProxyTable(px); if (t !== null) out.push(t); }
  return out.sort((a, b) => b.seq - a.seq);
}

function findTable(env: CliEnv, name: string): StkTable | null {
  for (const t of tables(env)) if (t.name === name) return t;
  return null;
}

function header(t: StkTable): string {
  return `# table: ${t.name}, type: ${STK_TYPE_NAMES[t.type]}, size:${t.size}, used:${t.used}\n`;
}

/** One entry as 2.6 prints it. */
export function stkEntryLine(t: StkTable, e: StkEntry, now: number): string {
  let s = '0x' + e.ptr.toString(16) + ': key=' + e.key + ' use=' + e.use + ' exp=' + (e.expire === 0 ? 0 : Math.max(0, e.expire - now));
  for (const c of t.colList) {
    if (c.kind === STK_K_STR) { s += ' ' + c.name + '=' + (e.srvKey === '' ? '-' : e.srvKey); continue; }   // 2.6: '-' when unset
    for (let i = 0; i < c.count; i++) {
      // arrays print one item per element: gpt0 gpt1 ..., gpc0 ..., gpc0_rate(p) ...
      const base = c.dt === STK_DT_GPT ? 'gpt' + i : c.dt === STK_DT_GPC ? 'gpc' + i : c.dt === STK_DT_GPC_RATE ? 'gpc' + i + '_rate' : c.name;
      const v = t.read(e, c.dt, now, i);
      s += ' ' + base + (c.kind === STK_K_FRQP ? '(' + c.period + ')' : '') + '=' + v;
    }
  }
  return s + '\n';
}

interface Filter { dt: number; op: number; v: number }

/** Parses `data.<type> <op> <value>` filters from args[i]; returns the filters and next index, or an error reply. */
function parseFilter(t: StkTable, args: readonly string[], i: number, n: number): Filter | CliReply {
  const dt = stkDataType(args[i].slice(5));
  if (dt < 0) return err(`Filter entry #${n}: Unknown data type\n`);
  const op = OPS.indexOf(args[i + 1] ?? '');
  if (op < 0) return err(`Filter entry #${n}: Require and operator among "eq", "ne", "le", "ge", "lt", "gt"\n`);
  const vs = args[i + 2] ?? '';
  if (!/^-?\d+$/.test(vs)) return err(`Filter entry #${n}: Require a valid integer value to compare against\n`);
  if (t.cols[dt] === null) return err(`Filter entry #${n}: Data type not stored in this table\n`);
  return { dt, op, v: Number(vs) };
}

function passes(t: StkTable, e: StkEntry, fs: readonly Filter[], now: number): boolean {
  for (const f of fs) {
    const c = t.cols[f.dt];
    if (c === null || c.kind === STK_K_STR) return false;
    const x = t.read(e, f.dt, now);
    const ok = f.op === 0 ? x === f.v : f.op === 1 ? x !== f.v : f.op === 2 ? x <= f.v : f.op === 3 ? x >= f.v : f.op === 4 ? x < f.v : x > f.v;
    if (!ok) return false;
  }
  return true;
}

/** Live entries in key order (expired unused ones are dropped first). */
function sortedEntries(t: StkTable, now: number): StkEntry[] {
  t.purgeExpired(now);
  return [...t.map.values()].filter((e) => e.use > 0 || e.expire === 0 || e.expire > now).sort((a, b) => stkKeyCompare(t, a.key, b.key));
}

/** Parses the optional part of show/clear: filters or a key. */
function parseSelect(t: StkTable, args: readonly string[], from: number, usage: CliReply): { fs: Filter[]; key: string | null; hasKey: boolean } | CliReply {
  const fs: Filter[] = [];
  let key: string | null = null, hasKey = false;
  for (let i = from; i < args.length;) {
    const w = args[i];
    if (w === 'key') {
      if (args[i + 1] === undefined || args[i + 1] === '') return err('Key value expected\n');
      hasKey = true;
      key = stkKey(t, args[i + 1], true);
      i += 2;
      continue;
    }
    if (w.startsWith('data.')) {
      const f = parseFilter(t, args, i, fs.length + 1);
      if ('severity' in f) return f;
      fs.push(f);
      i += 3;
      continue;
    }
    return usage;
  }
  return { fs, key, hasKey };
}

const SHOW_USAGE = err('Optional argument only supports "data.<store_data_type>" <operator> <value> and key <key>\n');
const CLEAR_USAGE = err('Required arguments: <table> "data.<store_data_type>" <operator> <value> or <table> key <key>\n');
const SET_USAGE = err('Required arguments: <table> key <key> [data.<store_data_type> <value>]*\n');

const showTable: CliCommand = {
  words: ['show', 'table'], usage: null, level: ACCESS_LVL_USER,
  parse(args, s, env) {
    const now = Date.now();
    if (args[2] === undefined || args[2] === '') {
      let out = '';
      for (const t of tables(env)) { t.purgeExpired(now); out += header(t); }
      return raw(out);
    }
    const t = findTable(env, args[2]);
    if (t === null) return err('No such table\n');
    const sel = parseSelect(t, args, 3, SHOW_USAGE);
    if ('severity' in sel) return sel;
    // 2.6 shows the contents from the operator level on, and refuses a key lookup below it
    if (s.level < ACCESS_LVL_OPER) return sel.hasKey ? err('Permission denied\n') : raw(header(t) + '# contents not dumped due to insufficient privileges\n');
    if (sel.hasKey) {
      // a key the table's type cannot hold (an ipv6 or integer table) is refused as 2.6 does, not shown as no entry
      if (sel.key === null) return err('Invalid key\n');
      const e = t.lookup(sel.key, now);
      return raw(e === null ? '' : header(t) + stkEntryLine(t, e, now));
    }
    let out = header(t);
    for (const e of sortedEntries(t, now)) if (passes(t, e, sel.fs, now)) out += stkEntryLine(t, e, now);
    return raw(out);
  },
};

const clearTable: CliCommand = {
  words: ['clear', 'table'], usage: null, level: ACCESS_LVL_OPER,
  parse(args, _s, env) {
    const now = Date.now();
    if (args[2] === undefined || args[2] === '') return CLEAR_USAGE;
    const t = findTable(env, args[2]);
    if (t === null) return err('No such table\n');
    const sel = parseSelect(t, args, 3, CLEAR_USAGE);
    if ('severity' in sel) return sel;
    if (sel.hasKey) {
      if (sel.key === null) return err('Invalid key\n');
      const e = t.map.get(sel.key);
      if (e !== undefined && e.use === 0) t.map.delete(sel.key);
      return raw('');
    }
    for (const e of [...t.map.values()]) if (e.use === 0 && passes(t, e, sel.fs, now)) t.map.delete(e.key);
    return raw('');
  },
};

const setTable: CliCommand = {
  words: ['set', 'table'], usage: null, level: ACCESS_LVL_OPER,
  parse(args, _s, env) {
    const now = Date.now();
    if ((args[2] ?? '') === '') return SET_USAGE;
    const t = findTable(env, args[2] ?? '');
    if (t === null) return err('No such table\n');
    // 2.6.12 (checked): nothing after the name is a silent no-op; a filter or any other word is refused
    const w3 = args[3] ?? '';
    if (w3 === '') return raw('');
    if (w3.startsWith('data.')) return err('content-based lookup is only supported with the "show" and "clear" actions\n');
    if (w3 !== 'key') return SET_USAGE;
    const kv = args[4];
    if (kv === undefined || kv === '') return err('Key value expected\n');
    if (t.type === STK_T_BINARY) return err('Inserting keys into tables of type other than ip, ipv6, string and integer is not supported\n');
    const k = stkKey(t, kv, true);
    if (k === null) return err('Invalid key\n');
    // the values are checked before the entry is touched
    const sets: { dt: number; v: number }[] = [];
    for (let i = 5; i < args.length; i += 2) {
      if (!args[i].startsWith('data.')) return err('"data.<type>" followed by a value expected\n');
      const dt = stkDataType(args[i].slice(5));
      if (dt < 0) return err('Unknown data type\n');
      if (t.cols[dt] === null) return err('Data type not stored in this table\n');
      const vs = args[i + 1] ?? '';
      if (!/^-?\d+$/.test(vs)) return err('Require a valid integer value to store\n');
      sets.push({ dt, v: Number(vs) });
    }
    const e = t.get(k, now);
    if (e === null) return err('Unable to allocate a new entry\n');
    for (const s of sets) {
      const c = t.cols[s.dt]!;
      if (c.kind === STK_K_FRQP) stkFreqSet(e.vals, c.off, c.period, s.v >>> 0, now);
      else if (c.kind === STK_K_ULL) e.vals[c.off] = s.v < 0 ? 0 : s.v;
      else if (c.kind !== STK_K_STR) e.vals[c.off] = c.dt === 0 ? s.v | 0 : s.v >>> 0;
    }
    return raw('');
  },
};

export const stkCliCommands: readonly CliCommand[] = [showTable, clearTable, setTable];
