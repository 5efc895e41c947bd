/*
 * Server states kept across reloads, as 2.6: `server-state-base` / `server-state-file` (global),
 * `load-server-state-from-file global|local|none` and `server-state-file-name` (proxies). Once the configuration is
 * checked, the global file (`show servers state` output, version 1) is read if one is named, then each backend
 * loading states takes its servers' lines (by backend and server name): forced maintenance and drain, the weight
 * set at runtime (when the configured one did not change), and a checked server's DOWN state with its health. An
 * unreadable file, or one without version 1 on its first line, is 2.6's warning. initBackendServers (server.ts) starts servers from these states. Hot path: no.
 */
import { readFileSync } from 'node:fs';
import type { CfgKeyword, KwCtx } from '../config/types.ts';
import { PR_CAP_BE, PR_CAP_DEF } from '../config/types.ts';
import type { Proxy, Server } from '../model/types.ts';
import { srvCountText } from './server.ts';
import { SRV_ADMF_FMAINT, SRV_ADMF_IMAINT, SRV_ADMF_CMAINT, SRV_ADMF_RMAINT, SRV_ADMF_FDRAIN, SRV_ST_STOPPED } from '../model/types.ts';

const MAINT = SRV_ADMF_FMAINT | SRV_ADMF_IMAINT | SRV_ADMF_CMAINT | SRV_ADMF_RMAINT;

interface GlobalState { base: string; file: string; registered: boolean }
interface ProxyState { load: string; name: string }

const globals = new WeakMap<object, GlobalState>();
const proxies = new WeakMap<Proxy, ProxyState>();
/** Checked servers a state file says were DOWN: they start STOPPED with health 0 (initBackendServers). */
const stoppedByState = new WeakSet<Server>();

export function srvStoppedByState(s: Server): boolean { return stoppedByState.has(s); }

/** Proxy init hook (registered by proxy/modules.ts): a proxy inherits its defaults section's settings. */
export function serverStateProxyInit(px: Proxy, def: Proxy | null): void {
  const d = def === null ? undefined : proxies.get(def);
  if (d !== undefined) proxies.set(px, { load: d.load, name: d.name });
}

function globalOf(ctx: KwCtx): GlobalState {
  let g = globals.get(ctx.global);
  if (g === undefined) { g = { base: '', file: '', registered: false }; globals.set(ctx.global, g); }
  if (!g.registered) {
    g.registered = true;
    const gs = g;
    const run = (): void => applyServerStates(gs, ctx);
    // 2.6 applies the states after every other check (e.g. the peers sections'): queued again behind the last one
    const pc = ctx.postCheck;
    if (pc !== undefined) pc.call(ctx, () => pc.call(ctx, run)); else ctx.postParse(run);
  }
  return g;
}

function withBase(base: string, file: string): string {
  if (file.startsWith('/') || base === '') return file;
  return base.endsWith('/') ? base + file : base + '/' + file;
}

const ERRNO_TEXT: Readonly<Record<string, string>> = {
  ENOENT: 'No such file or directory', EACCES: 'Permission denied', EISDIR: 'Is a directory', ENOTDIR: 'Not a directory',
};

/**
 * The lines of a state file by "backend/server", the strerror text of why it cannot be read, or null when its first
 * line is not version 1 (binary garbage, an empty file, a later format): nothing of it is applied.
 */
function readStates(path: string): Map<string, string[]> | string | null {
  let text: string;
  try { text = readFileSync(path, 'latin1'); } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? '';
    return ERRNO_TEXT[code] ?? code;
  }
  const out = new Map<string, string[]>();
  const lines = text.split('\n');
  if ((lines[0] ?? '').trim() !== '1') return null;
  for (let i = 1; i < lines.length; i++) {
    const l = lines[i].trim();
    if (l === '' || l.startsWith('#')) continue;
    const f = l.split(/[ \t]+/);
    if (f.length < 19) continue;
    out.set(f[1] + '/' + f[3], f);
  }
  return out;
}

/** Applies one saved line to `s`; true when it put a checked server DOWN (2.6 says so). */
function applyLine(s: Server, f: string[]): boolean {
  const op = Number(f[5]), admin = Number(f[6]), uw = Number(f[7]), iw = Number(f[8]), health = Number(f[12]);
  if ((admin & SRV_ADMF_FMAINT) !== 0) s.adminState |= SRV_ADMF_FMAINT;
  if ((admin & SRV_ADMF_FDRAIN) !== 0) s.adminState |= SRV_ADMF_FDRAIN;
  if (iw === s.iweight && Number.isInteger(uw) && uw >= 0) { s.uweight = uw; s.eweight = uw; }
  if (s.check.enabled && op === SRV_ST_STOPPED && (s.adminState & MAINT) === 0) {
    stoppedByState.add(s);
    s.check.health = Number.isInteger(health) ? health : 0;
    return true;
  }
  return false;
}

/** Active and backup servers of `be` usable by the states applied so far. */
function left(be: Proxy): [number, number] {
  let a = 0, b = 0;
  for (const s of be.servers) {
    if ((s.adminState & MAINT) !== 0 || stoppedByState.has(s)) continue;
    if (s.backup) b++; else a++;
  }
  return [a, b];
}

function applyServerStates(g: GlobalState, ctx: KwCtx): void {
  let global: Map<string, string[]> | null = null;
  if (g.file !== '') {
    const path = withBase(g.base, g.file);
    const r = readStates(path);
    if (typeof r === 'string') ctx.warnRaw(`config: Can't open global server state file '${path}': ${r}`);
    else if (r === null) ctx.warnRaw(`config: Can't get version of the global server state file '${path}'.`);
    else global = r;
  }
  for (const px of ctx.proxies.values()) {
    if ((px.cap & PR_CAP_BE) === 0) continue;
    const st = proxies.get(px);
    if (st === undefined || st.load === 'none' || st.load === '') continue;
    let states: Map<string, string[]> | null = global;
    if (st.load === 'global' && g.file === '') {
      ctx.warnRaw(`backend '${px.name}' configured to load server state file from global section 'server-state-file' directive. Unfortunately, 'server-state-file' is not set!`);
      continue;
    }
    if (st.load === 'local') {
      const path = withBase(g.base, st.name === '' || st.name === 'use-backend-name' ? px.name : st.name);
      const r = readStates(path);
      if (typeof r === 'string') { ctx.warnRaw(`Proxy '${px.name}': Can't open server state file '${path}': ${r}.`); continue; }
      if (r === null) { ctx.warnRaw(`Proxy '${px.name}': Can't get version of the server state file '${path}'.`); continue; }
      states = r;
    }
    if (states === null) continue;
    for (const s of px.servers) {
      const f = states.get(px.name + '/' + s.name);
      if (f === undefined || !applyLine(s, f)) continue;
      const [a, b] = left(px);
      ctx.warnRaw(`${s.backup ? 'Backup Server' : 'Server'} ${px.name}/${s.name} is DOWN, changed from server-state after a reload. ${srvCountText(a, b, 'left')} 0 sessions active, 0 requeued, 0 remaining in queue.`);
    }
  }
}

function oneArg(args: readonly string[], ctx: KwCtx): string | null {
  // (2.6's own words, "expect" included)
  if ((args[1] ?? '') === '') { ctx.alert(args[0] === 'server-state-base' ? `'${args[0]}' expects one argument: a directory path.` : `'${args[0]}' expect one argument: a file path.`); return null; }
  return args[1];
}

/** `server-state-base <dir>` / `server-state-file <file>` (global, once each). */
function parseGlobalPath(args: readonly string[], ctx: KwCtx): void {
  const v = oneArg(args, ctx);
  if (v === null) return;
  const g = globalOf(ctx);
  const base = args[0] === 'server-state-base';
  if ((base ? g.base : g.file) !== '') { ctx.alert(`'${args[0]}' already specified. Continuing.`); return; }
  if (base) g.base = v; else g.file = v;
}

export const keywords: CfgKeyword[] = [
  { section: 'global', name: 'server-state-base', parse: parseGlobalPath },
  { section: 'global', name: 'server-state-file', parse: parseGlobalPath },
  {
    section: 'listen', name: 'load-server-state-from-file', cap: PR_CAP_BE | PR_CAP_DEF,
    parse(args, ctx) {
      const v = args[1] ?? '';
      if (v !== 'global' && v !== 'local' && v !== 'none') {
        ctx.alert(`'${args[0]}' expects 'global', 'local' or 'none'. Got '${v}'`);
        return;
      }
      globalOf(ctx);
      const px = ctx.proxy!;
      const st = proxies.get(px) ?? { load: '', name: '' };
      st.load = v;
      proxies.set(px, st);
    },
  },
  {
    section: 'listen', name: 'server-state-file-name', cap: PR_CAP_BE | PR_CAP_DEF,
    parse(args, ctx) {
      globalOf(ctx);
      const px = ctx.proxy!;
      const st = proxies.get(px) ?? { load: '', name: '' };
      st.name = args[1] ?? '';
      proxies.set(px, st);
    },
  },
];
