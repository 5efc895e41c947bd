/*
 * Pattern references (HAProxy's pat_ref): the entries behind ACL patterns (one reference per `-f` file, shared by its
 * users, plus one per ACL term for its inline patterns) and behind map files, numbered in creation order. Compiled
 * users (acl/compile.ts terms, log/converters.ts maps) register a rebuild hook, so the runtime API
 * (stats/cli-acl-map.ts: add/del/clear acl|map, set map) changes what requests match. Hot path: no (users rebuild
 * their own indexes on change; request matching never reads this module). Each configuration load has its own list
 * (a reload re-reads every file, as a new haproxy process does); the CLI sees the running configuration's
 * (patRefLoadStart as a global init hook; patRefActivate, called by runtime.ts when a configuration starts).
 */
import { cfgPosition } from '../config/position.ts';

export interface PatRefEntry {
  /** Stable pseudo address shown by `show acl|map` and accepted as `#<ptr>` by del/set. */
  ptr: string;
  key: string;
  value: string;
}

/** One compiled user of a reference (an ACL term or a map converter). */
export interface PatRefUser {
  /** `get acl|map`'s `type=`: the match method (str, beg, ip, ...). */
  kind: string;
  icase: boolean;
  /** `idx=tree` (indexed methods: str, beg, ip) or `idx=list`. */
  tree: boolean;
  /** Map users: the value type (`str`, `int`, `ip`); '' for ACL terms. */
  outType: string;
  /** '' when `key` is a valid pattern for this user, else the error (no final period). */
  validate(key: string): string;
  /** Recompiles the user's patterns from its references' current entries. */
  rebuild(): void;
  /** The entry of `ref` that `sample` matches for this user (`get acl|map`), or null. */
  lookup(ref: PatRef, sample: string): PatRefEntry | null;
}

export interface PatRef {
  id: number;
  /** The file as named in the configuration, '' for a term's inline patterns. */
  file: string;
  isMap: boolean;
  /** Inline references: `acl '<fetch>' file '<cfg>' line <n>`. */
  inlineDesc: string;
  /** File references: `acl at file '<cfg>' line <n>` / `map at ...`, one per use. */
  usedBy: string[];
  entries: PatRefEntry[];
  /**
   * `entry_cnt` as 2.6.12 shows it: the entries, except that an `add` refused for a bad pattern still takes one off
   * (its counter goes up and down twice; checked on its socket).
   */
  count: number;
  users: PatRefUser[];
  /** `curr_ver`: the version `entries` hold (what requests match); `next_ver`: the last one `prepare` made. */
  currVer: number;
  nextVer: number;
  /** Entries added to other versions (`add acl|map @<ver>`), until `commit` or `clear` of that version. */
  pending: Map<number, PatRefEntry[]>;
  /** Made where 2.6 makes it in its post-parse check (patRefLate): numbered after its internal references. */
  late: boolean;
}

/** The references of each load, by its GlobalSettings object; `refs` is the load in progress's. */
const byLoad = new WeakMap<object, PatRef[]>();
let refs: PatRef[] = [];
/** The running configuration's references (null before any configuration started: the last load's). */
let active: PatRef[] | null = null;

/** A configuration load begins (a global init hook, registered by proxy/modules.ts): its references start empty. */
export function patRefLoadStart(global: object): void { refs = []; byLoad.set(global, refs); }

/** Makes the references of the load whose global settings are `global` the ones the runtime API sees. */
export function patRefActivate(global: object): void { active = byLoad.get(global) ?? []; }

let nextPtr = 0x55d100000000;

let dry = 0;
let late = 0;

/**
 * Runs `fn`, a compile made only to check a configuration line (its real one comes later): the references it would
 * make or use are neither listed nor recorded.
 */
export function patRefDry<T>(fn: () => T): T { dry++; try { return fn(); } finally { dry--; } }

/**
 * Runs `fn`, a compile of what 2.6 parses in its post-parse check (log formats, a dynamic use_backend name): the
 * references it makes are numbered after 2.6's internal ones (patRefNewNamed).
 */
export function patRefLate<T>(fn: () => T): T { late++; try { return fn(); } finally { late--; } }

/** Adds a compiled user to `r` (none during a dry compile). */
export function patRefAddUser(r: PatRef, u: PatRefUser): void { if (dry === 0) r.users.push(u); }

function newEntry(key: string, value: string): PatRefEntry {
  const ptr = '0x' + nextPtr.toString(16);
  nextPtr += 0x50;
  return { ptr, key, value };
}

function origin(): string { return `file '${cfgPosition.file}' line ${cfgPosition.line}`; }

/** The reference of a pattern or map file already loaded, or undefined. */
export function patRefByFile(file: string, isMap: boolean): PatRef | undefined {
  for (const r of refs) if (r.file === file && r.isMap === isMap) return r;
  return undefined;
}

/** Creates the reference of `file` with its entries as read ([key, value] pairs; value '' for ACLs). */
export function patRefNewFile(file: string, isMap: boolean, entries: readonly (readonly [string, string])[]): PatRef {
  const r: PatRef = { id: refs.length, file, isMap, inlineDesc: '', usedBy: [], entries: entries.map(([k, v]) => newEntry(k, v)), count: entries.length, users: [], currVer: 0, nextVer: 0, pending: new Map(), late: late > 0 };
  if (dry === 0) refs.push(r);
  return r;
}

/** Records one use of a file reference at the configuration line being parsed. */
export function patRefUsedHere(r: PatRef): void {
  if (dry === 0) r.usedBy.push(`${r.isMap ? 'map' : 'acl'} at ${origin()}`);
}

/** Creates the reference of an ACL term's inline patterns (`fetch` as written, without its argument). */
export function patRefNewInline(fetch: string, patterns: readonly string[]): PatRef {
  const r: PatRef = {
    id: refs.length, file: '', isMap: false, inlineDesc: `acl '${fetch}' ${origin()}`, usedBy: [],
    entries: patterns.map((p) => newEntry(p, '')), count: patterns.length, users: [], currVer: 0, nextVer: 0, pending: new Map(),
    late: late > 0,
  };
  if (dry === 0) refs.push(r);
  return r;
}

/**
 * A reference described by `desc` as is (2.6's internal ones: `acl 'var' file 'httpclient' line 0`), placed before the
 * late references, which move after it (2.6 makes its internal ones between its parsing and its post-parse check);
 * the ids follow the new order.
 */
export function patRefNewNamed(desc: string, patterns: readonly string[]): PatRef {
  const list = active ?? refs;       // made at run time (the CLI's first command), for the running configuration
  const r: PatRef = {
    id: 0, file: '', isMap: false, inlineDesc: desc, usedBy: [], entries: patterns.map((p) => newEntry(p, '')),
    count: patterns.length, users: [], currVer: 0, nextVer: 0, pending: new Map(), late: false,
  };
  const lates = list.filter((x) => x.late);
  let n = 0;
  for (const x of list) if (!x.late) list[n++] = x;
  list.length = n;
  list.push(r, ...lates);
  for (let i = 0; i < list.length; i++) list[i]!.id = i;
  return r;
}

/** All references in id order. */
export function patRefAll(): readonly PatRef[] { return active ?? refs; }

/** `#<id>` or a file name; `kind` restricts to ACL or map references ('any': both). */
export function patRefLookup(word: string, kind: 'acl' | 'map' | 'any'): PatRef | undefined {
  const list = active ?? refs;
  let r: PatRef | undefined;
  if (word.startsWith('#')) {
    const n = Number(word.slice(1));
    r = Number.isInteger(n) && word.length > 1 ? list[n] : undefined;
  } else {
    r = list.find((x) => x.file === word && (kind === 'any' || x.isMap === (kind === 'map')));
  }
  if (r === undefined) return undefined;
  if (kind !== 'any' && r.isMap !== (kind === 'map')) return undefined;
  return r;
}

/** The `show acl|map` line of `r` (without the newline). */
export function patRefDescribe(r: PatRef): string {
  const desc = r.file === '' ? r.inlineDesc : `pattern loaded from file '${r.file}' used by ${r.usedBy.join(', by ')}`;
  return `${r.id} (${r.file}) ${desc}. curr_ver=${r.currVer} next_ver=${r.nextVer} entry_cnt=${r.count}`;
}

/** Every user's verdict on a new key: the first error (the refused add then counts as 2.6's does), or ''. */
export function patRefValidate(r: PatRef, key: string): string {
  for (const u of r.users) {
    const e = u.validate(key);
    if (e !== '') { r.count--; return e; }
  }
  return '';
}

function rebuild(r: PatRef): void {
  for (const u of r.users) u.rebuild();
}

/** Appends an entry (the caller validated it) and recompiles the users. */
export function patRefAdd(r: PatRef, key: string, value: string): void {
  r.entries.push(newEntry(key, value));
  r.count++;
  rebuild(r);
}

/** Deletes the entries whose key is `key`, or the one at `#<ptr>`; returns how many went. */
export function patRefDelete(r: PatRef, keyOrPtr: string): number {
  const byPtr = keyOrPtr.startsWith('#');
  const ptr = byPtr ? keyOrPtr.slice(1).toLowerCase() : '';
  const before = r.entries.length;
  r.entries = r.entries.filter((e) => (byPtr ? e.ptr !== ptr : e.key !== keyOrPtr));
  const n = before - r.entries.length;
  r.count -= n;
  if (n > 0) rebuild(r);
  return n;
}

/** Sets the value of the entries whose key is `key` (or the one at `#<ptr>`); returns how many changed. */
export function patRefSet(r: PatRef, keyOrPtr: string, value: string): number {
  const byPtr = keyOrPtr.startsWith('#');
  const ptr = byPtr ? keyOrPtr.slice(1).toLowerCase() : '';
  let n = 0;
  for (const e of r.entries) if (byPtr ? e.ptr === ptr : e.key === keyOrPtr) { e.value = value; n++; }
  if (n > 0) rebuild(r);
  return n;
}

/** Removes every entry of the current version. */
export function patRefClear(r: PatRef): void {
  r.entries = [];
  r.count = 0;
  for (const l of r.pending.values()) r.count += l.length;    // entries of other versions stay
  rebuild(r);
}

// ---- versions (2.6's atomic updates: prepare, add @<ver>, commit @<ver>, clear @<ver>) ----

/** 2.6 compares versions as 32-bit counters that wrap: the sign of (a - b) as an int. */
function verDiff(a: number, b: number): number { return (a - b) | 0; }

/** `prepare acl|map`: a new version, empty, after the last one made. */
export function patRefPrepare(r: PatRef): number {
  r.nextVer = (r.nextVer + 1) >>> 0;
  return r.nextVer;
}

/** `ver` is after the last prepared version (`add` refuses it). */
export function patRefVerFuture(r: PatRef, ver: number): boolean { return verDiff(ver, r.nextVer) > 0; }

/** The entries of version `ver` (the current ones for curr_ver), as `show acl|map @<ver>` lists them. */
export function patRefVerEntries(r: PatRef, ver: number): readonly PatRefEntry[] {
  return ver === r.currVer ? r.entries : r.pending.get(ver) ?? [];
}

/** Adds an entry (validated by the caller) to version `ver`: at once for the current version, else held. */
export function patRefAddVer(r: PatRef, ver: number, key: string, value: string): void {
  if (ver === r.currVer) { patRefAdd(r, key, value); return; }
  let l = r.pending.get(ver);
  if (l === undefined) { l = []; r.pending.set(ver, l); }
  l.push(newEntry(key, value));
  r.count++;
}

/**
 * `commit acl|map @<ver>`: version `ver` becomes the current one (users recompiled) and the older versions are
 * dropped; newer prepared ones stay. Returns false when `ver` is not after curr_ver and at most next_ver.
 */
export function patRefCommit(r: PatRef, ver: number): boolean {
  if (verDiff(ver, r.currVer) <= 0 || verDiff(ver, r.nextVer) > 0) return false;
  r.count -= r.entries.length;
  r.entries = r.pending.get(ver) ?? [];
  r.pending.delete(ver);
  for (const [v, l] of r.pending) if (verDiff(ver, v) > 0) { r.count -= l.length; r.pending.delete(v); }
  r.currVer = ver;
  rebuild(r);
  return true;
}

/** `clear acl|map @<ver>`: drops the entries of version `ver` only. */
export function patRefClearVer(r: PatRef, ver: number): void {
  if (ver === r.currVer) { patRefClear(r); return; }
  const l = r.pending.get(ver);
  if (l === undefined) return;
  r.count -= l.length;
  r.pending.delete(ver);
}
