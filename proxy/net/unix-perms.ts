/*
 * UNIX socket files as HAProxy 2.6 makes them: global `unix-bind prefix|mode|uid|gid|user|group` (the prefix goes
 * before the path of every UNIX listener, stats sockets included; mode and owner are the defaults of `bind` lines)
 * and the `bind` options `mode`, `uid`, `gid`, `user`, `group` of a UNIX listener, with 2.6's parse errors. Once
 * parsed, the prefix is put before the paths (bind lines, stats sockets) and unix-bind's mode and owner fill what bind
 * lines leave unset; listeners apply them once bound (frontend.ts: unixSocketPerms). Hot path: no.
 */
import fs from 'node:fs';
import type { BindKeyword, CfgKeyword, KwCtx } from '../config/types.ts';
import { allProxies } from '../config/sections.ts';
import type { BindCfg } from '../model/types.ts';
import type { StatsGlobalCfg } from '../stats/types.ts';

/** `unix-bind` of the global section (ext slot 'unix-bind'). */
interface UnixBindCfg { prefix: string; mode: number; uid: number; gid: number }

/** A bind line's own settings, -1 when not given (the unix-bind ones apply then). */
interface UnixPerms { mode: number; uid: number; gid: number }
const bindPerms = new WeakMap<BindCfg, UnixPerms>();

/** The id of the user or group `name` (read from /etc/passwd, /etc/group); -1 unknown, -2 file unreadable. */
export function lookupId(kind: 'user' | 'group', name: string): number {
  let text: string;
  try { text = fs.readFileSync(kind === 'user' ? '/etc/passwd' : '/etc/group', 'latin1'); } catch { return -2; }
  for (const line of text.split('\n')) {
    const f = line.split(':');
    if (name !== '' && f[0] === name) return Number(f[2]);
  }
  return -1;
}

function perms(b: BindCfg): UnixPerms {
  let p = bindPerms.get(b);
  if (p === undefined) { p = { mode: -1, uid: -1, gid: -1 }; bindPerms.set(b, p); }
  return p;
}

function parseUnixBind(args: readonly string[], ctx: KwCtx): void {
  const u: UnixBindCfg = { prefix: '', mode: -1, uid: -1, gid: -1 };
  for (let i = 1; i < args.length; i += 2) {
    const kw = args[i];
    const v = args[i + 1];
    if (kw === 'prefix') {
      if (v === undefined) { ctx.alert("unix_bind 'prefix' expects a path as an argument."); return; }
      u.prefix = v;
    } else if (kw === 'mode' || kw === 'uid' || kw === 'gid') {
      // 2.6 reads these with strtol/atol and checks nothing
      const n = kw === 'mode' ? parseInt(v ?? '', 8) : parseInt(v ?? '', 10);
      u[kw] = Number.isNaN(n) ? 0 : n;
    } else if (kw === 'user' || kw === 'group') {
      const id = lookupId(kw, v ?? '');
      if (id === -1) { ctx.alert(`'unix-bind' : '${v ?? ''}' unknown ${kw}.`); return; }
      if (id >= 0) u[kw === 'user' ? 'uid' : 'gid'] = id;
    } else {
      ctx.alert("'unix-bind' only supports the 'prefix', 'mode', 'uid', 'gid', 'user' and 'group' options.");
      return;
    }
  }
  const g = ctx.global;
  ctx.postParse(() => {
    const unix = (path: string): boolean => path !== '' && path[0] !== '\0';   // abstract sockets have no file
    const stats = g.ext.get('stats') as StatsGlobalCfg | undefined;
    for (const s of stats?.sockets ?? []) if (unix(s.path)) s.path = u.prefix + s.path;   // 2.6: no mode nor owner
    for (const px of allProxies(ctx)) {
      for (const b of px.binds) {
        if (!unix(b.path)) continue;
        b.path = u.prefix + b.path;
        const p = perms(b);
        if (p.mode < 0) p.mode = u.mode;
        if (p.uid < 0) p.uid = u.uid;
        if (p.gid < 0) p.gid = u.gid;
      }
    }
  });
}

/** Sets the mode and owner of a bound UNIX listener's file, as its bind line (or unix-bind) asks. */
export function unixSocketPerms(b: BindCfg): void {
  const p = bindPerms.get(b);
  if (p === undefined) return;
  if (p.mode >= 0) fs.chmodSync(b.path, p.mode);
  if (p.uid >= 0 || p.gid >= 0) fs.chownSync(b.path, p.uid, p.gid);
}

/** `bind <path> mode|uid|gid|user|group <v>`, 2.6's words for a bad value. */
function bindOpt(name: 'mode' | 'uid' | 'gid' | 'user' | 'group'): BindKeyword {
  return {
    name,
    parse(b, args, i, ctx) {
      const v = args[i + 1] ?? '';
      const where = `'bind ${args[1]}' in section '${ctx.section}' : '${name}' :`;
      const p = perms(b);
      if (name === 'mode') {
        if (!/^[0-7]+$/.test(v)) { ctx.alert(`${where} missing or invalid mode '${v}' (octal integer expected)`); return -1; }
        p.mode = parseInt(v, 8);
      } else if (name === 'uid' || name === 'gid') {
        if (v === '') { ctx.alert(`${where} missing value`); return -1; }
        p[name] = parseInt(v, 10) || 0;   // atol, as 2.6
      } else {
        const id = lookupId(name, v);
        if (id === -1) { ctx.alert(`${where} unknown ${name} name '${v}'`); return -1; }
        if (id >= 0) p[name === 'user' ? 'uid' : 'gid'] = id;
      }
      return 2;
    },
  };
}

export const unixBindKeywords: BindKeyword[] = [bindOpt('mode'), bindOpt('uid'), bindOpt('gid'), bindOpt('user'), bindOpt('group')];

export const keywords: CfgKeyword[] = [{ section: 'global', name: 'unix-bind', parse: parseUnixBind }];
