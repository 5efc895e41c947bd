/*
 * `userlist` sections (`user <name> insecure-password <pw> [groups g,...]`, `group <name> [users u,...]`) and
 * HTTP Basic authentication against them: the `http_auth(<userlist>)` and `http_auth_group(<userlist>)` ACL fetches
 * (acl/fetches.ts) and the `http-request auth [realm <r>]` reply (http/keywords.ts; 401 with the canned body and a
 * `www-authenticate` header, realm defaulting to the proxy name, as 2.6). Hashed `password` entries are checked with
 * http/crypt.ts ($1$, $5$, $6$; other crypt(3) schemes are a load error). Lists are kept by name as written (2.6
 * compares userlist names case-sensitively).
 * Hot path: only for requests whose rules ask for authentication.
 */
import type { CfgKeyword, KwCtx } from '../config/types.ts';
import type { SampleCtx } from '../acl/types.ts';
import { H1_HDR_STRIDE } from './types.ts';
import { cryptHash, cryptSupported } from './crypt.ts';

interface Userlist {
  name: string;
  users: Map<string, { pass: string; hash: string; groups: Set<string> }>;
  groups: Set<string>;
  /** `group <g> users u1,u2` memberships, checked once the section is complete. */
  pending: [string, string][];
}

/**
 * The userlists of each configuration load (by its GlobalSettings): `lists` is the load in progress's, `active` the
 * running configuration's, so a reload refused for an error never changes the users requests are checked against,
 * and a userlist removed by a reload is gone.
 */
const byLoad = new WeakMap<object, Map<string, Userlist>>();
let lists = new Map<string, Userlist>();
let active: Map<string, Userlist> | null = null;
let current: Userlist | null = null;

/** A configuration load begins (a global init hook, registered by proxy/modules.ts). */
export function userlistLoadStart(global: object): void { lists = new Map(); byLoad.set(global, lists); }

/** Requests are checked against the userlists of the load whose global settings are `global` (runtime.ts). */
export function userlistActivate(global: object): void { active = byLoad.get(global) ?? null; }

function parseUserlist(args: readonly string[], ctx: KwCtx): void {
  if (args.length < 2) { ctx.alert("'userlist' expects <name> as argument."); return; }
  // 2.6 refuses the extra word but still opens the list (its users are read and checked)
  if (args.length > 2) ctx.alert(`'userlist' cannot handle unexpected argument '${args[2]}'.`);
  // 2.6 keeps the first list of a name; the lines that follow go on into the list opened last
  if (lists.has(args[1])) { ctx.warnRaw(`parsing [${ctx.file}:${ctx.line}]: ignoring duplicated userlist '${args[1]}'.`); return; }
  current = { name: args[1], users: new Map(), groups: new Set(), pending: [] };
  lists.set(args[1], current);
  const ul = current;
  ctx.postParse(() => {
    for (const [g, u] of ul.pending) {
      const e = ul.users.get(u);
      if (e === undefined) { ctx.alertRaw(`userlist '${ul.name}': no such user '${u}' specified in group '${g}'`); continue; }
      e.groups.add(g);
    }
    for (const [u, e] of ul.users) {
      for (const g of e.groups) if (!ul.groups.has(g)) ctx.alertRaw(`userlist '${ul.name}': no such group '${g}' specified in user '${u}'`);
    }
  });
}

function parseGroup(args: readonly string[], ctx: KwCtx): void {
  const ul = current;
  if (ul === null || args.length < 2) { ctx.alertRaw(`parsing [${ctx.file}:${ctx.line}]: 'group' expects <name> as arguments.`); return; }
  if (ul.groups.has(args[1])) { ctx.warnRaw(`parsing [${ctx.file}:${ctx.line}]: ignoring duplicated group '${args[1]}' in userlist '${ul.name}'.`); return; }
  ul.groups.add(args[1]);
  for (let i = 2; i < args.length; i++) {
    if (args[i] === 'users') { for (const u of (args[++i] ?? '').split(',')) if (u !== '') ul.pending.push([args[1], u]); }
    else { ctx.alertRaw(`parsing [${ctx.file}:${ctx.line}]: 'group' only supports 'users' option.`); return; }
  }
}

function parseUser(args: readonly string[], ctx: KwCtx): void {
  const ul = current;
  if (ul === null || args.length < 2) { ctx.alertRaw(`parsing [${ctx.file}:${ctx.line}]: 'user' expects <name> as arguments.`); return; }
  if (ul.users.has(args[1])) { ctx.warnRaw(`parsing [${ctx.file}:${ctx.line}]: ignoring duplicated user '${args[1]}' in userlist '${ul.name}'.`); return; }
  const e = { pass: '', hash: '', groups: new Set<string>() };
  for (let i = 2; i < args.length; i++) {
    const w = args[i];
    // 2.6 takes an option without its value as an empty one
    if (w === 'insecure-password') { e.pass = args[++i] ?? ''; e.hash = ''; }
    else if (w === 'password' && args[i + 1] === undefined) { e.hash = '*'; i++; } // crypt() of no scheme: matches nothing
    else if (w === 'password') {
      e.hash = args[++i];
      if (cryptSupported(e.hash) === '') {
        ctx.alert(`'user ${args[1]}': sluice checks hashed passwords of the MD5 ($1$), SHA-256 ($5$) and SHA-512 ($6$) crypt schemes only (use 'mkpasswd -m sha-512' or 'insecure-password').`);
        return;
      }
    }
    else if (w === 'groups') { for (const g of (args[++i] ?? '').split(',')) if (g !== '') e.groups.add(g); }
    else { ctx.alertRaw(`parsing [${ctx.file}:${ctx.line}]: 'user' only supports 'password', 'insecure-password' and 'groups' options.`); return; }
  }
  ul.users.set(args[1], e);
}

// Verified (hash, password) pairs: SHA-512-crypt costs ~5000 digests (a few ms), so a client re-sending the same
// credentials pays it once. Bounded: cleared when full.
const verified = new Set<string>();
const VERIFIED_MAX = 4096;

function passwordOk(e: { pass: string; hash: string }, pw: string): boolean {
  if (e.hash === '') return e.pass === pw;
  const key = e.hash + '\0' + pw;
  if (verified.has(key)) return true;
  if (cryptHash(pw, e.hash) !== e.hash) return false;
  if (verified.size >= VERIFIED_MAX) verified.clear();
  verified.add(key);
  return true;
}

/** True when a userlist of that name is defined. */
export function userlistExists(name: string): boolean { return lists.has(name); }

/**
 * The user authenticated by the request's `Authorization: Basic` header against userlist `name`, or null (no header,
 * not Basic, unknown user, wrong password).
 */
export function basicAuthUser(ctx: SampleCtx, name: string): { user: string; groups: Set<string> } | null {
  const ul = (active ?? lists).get(name);
  const b = ctx.buf;
  if (ul === undefined || b === null) return null;
  const h = ctx.hdr;
  for (let x = 0; x < ctx.nhdr * H1_HDR_STRIDE; x += H1_HDR_STRIDE) {
    if (h[x] < 0 || h[x + 1] - h[x] !== 13 || b.toString('latin1', h[x], h[x + 1]) !== 'authorization') continue;
    const v = b.toString('latin1', h[x + 2], h[x + 3]);
    if (v.length < 6 || v.slice(0, 6).toLowerCase() !== 'basic ') return null;
    const dec = Buffer.from(v.slice(6).trim(), 'base64').toString('latin1');
    const c = dec.indexOf(':');
    if (c < 0) return null;
    const e = ul.users.get(dec.slice(0, c));
    if (e === undefined || !passwordOk(e, dec.slice(c + 1))) return null;
    return { user: dec.slice(0, c), groups: e.groups };
  }
  return null;
}

export const keywords: CfgKeyword[] = [
  { section: 'userlist', name: 'userlist', parse: parseUserlist },
  { section: 'userlist', name: 'group', parse: parseGroup },
  { section: 'userlist', name: 'user', parse: parseUser },
];
