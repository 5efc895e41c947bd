/*
 * The runtime API of ACL and map pattern references (acl/pat-ref.ts), with 2.6.12's replies and error texts:
 * `show acl|map [ref]`, `get acl|map <ref> <sample>`, `add acl <ref> <pattern>`, `add map <ref> <key> <value>`,
 * `set map <ref> <key>|#<ptr> <value>`, `del acl|map <ref> <key>|#<ptr>`, `clear acl|map <ref>`. A reference is
 * `#<id>` or its file name. 2.6 checks no level beyond `user` for these. Versioned updates: `prepare acl|map <ref>`,
 * `add|show|clear acl|map @<ver> <ref> ...`, `commit acl|map @<ver> <ref>` (get/set/del take no version). Hot path: no.
 */
import type { CliCommand, CliReply } from './types.ts';
import { ACCESS_LVL_USER, CLI_RAW, LOG_ERR, LOG_INFO } from './types.ts';
import {
  patRefAll, patRefLookup, patRefDescribe, patRefValidate, patRefDelete, patRefSet, patRefPrepare, patRefVerFuture,
  patRefVerEntries, patRefAddVer, patRefCommit, patRefClearVer,
} from '../acl/pat-ref.ts';
import type { PatRef } from '../acl/pat-ref.ts';
import { aclInternalRef } from '../acl/compile.ts';

function err(text: string): CliReply { return { text, severity: LOG_ERR }; }
function raw(text: string): CliReply { return { text, severity: CLI_RAW }; }

const UNKNOWN_ACL = 'Unknown ACL identifier. Please use #<id> or <file>.\n';
const UNKNOWN_MAP = 'Unknown map identifier. Please use #<id> or <file>.\n';

// 2.6 lists two ACL references of its internal httpclient proxy after the configuration's, in every process; they
// are made on the first command here, when the configuration's are all known (again after a reload)
let internalFor: readonly unknown[] | null = null;
function internalRefs(): void {
  if (internalFor === patRefAll()) return;
  internalFor = patRefAll();
  for (let k = 0; k < 2; k++) aclInternalRef("acl 'var' file 'httpclient' line 0", ['src', '0.0.0.0']);
}

/** The arguments after the command words; with `ver`, a leading `@<ver>` is taken off into ver.v (else curr_ver). */
function argsAfter(a: readonly string[], n: number, ver: { v: number } | null = null): string[] {
  const r = a.slice(n);
  if (ver !== null) {
    ver.v = -1;
    if (r.length > 0 && r[0]!.startsWith('@')) ver.v = verNumber(r.shift()!);
  }
  return r;
}

/** A version word read as 2.6's str2uic: the leading digits after '@' (none: 0), as an unsigned 32-bit number. */
function verNumber(w: string): number {
  let v = 0;
  for (let i = 1; i < w.length; i++) {
    const d = w.charCodeAt(i) - 48;
    if (d < 0 || d > 9) break;
    v = (v * 10 + d) >>> 0;
  }
  return v;
}

function list(isMap: boolean): string {
  let out = '# id (file) description\n';
  const all = patRefAll();
  for (const r of all) if (r.isMap === isMap) out += patRefDescribe(r) + '\n';
  return out;
}

function dump(r: PatRef, ver: number): string {
  let out = '';
  for (const e of ver < 0 ? r.entries : patRefVerEntries(r, ver)) out += e.ptr + ' ' + e.key + (r.isMap ? ' ' + e.value : '') + '\n';
  return out;
}

/**
 * One command on a reference: `need` words after the command (else `missing`), the first one looked up among `kind`
 * references (else `unknown`), then `run` with the reference and the words. Makes the internal references first.
 */
function refCommand(words: string[], need: number, missing: string, kind: 'acl' | 'map' | 'any', unknown: string,
  run: (r: PatRef, w: readonly string[], ver: number) => CliReply, versioned = false): CliCommand {
  return {
    words, usage: null, level: ACCESS_LVL_USER,
    parse(a) {
      internalRefs();
      const ver = { v: -1 };
      const w = argsAfter(a, words.length, versioned ? ver : null);
      if (w.length < need) return err(missing);
      const r = patRefLookup(w[0]!, kind);
      if (r === undefined) return err(unknown);
      return run(r, w, ver.v);
    },
  };
}

function show(isMap: boolean): CliCommand {
  const one = refCommand(['show', isMap ? 'map' : 'acl'], 1, '', isMap ? 'map' : 'acl', isMap ? UNKNOWN_MAP : UNKNOWN_ACL, (r, _w, v) => raw(dump(r, v)), true);
  return {
    ...one,
    parse(a, s, e) {
      if (argsAfter(a, 2, { v: -1 }).length > 0) return one.parse(a, s, e);
      internalRefs();
      return raw(list(isMap));
    },
  };
}

function get(isMap: boolean): CliCommand {
  // 2.6's `get map` also answers for an ACL's reference
  return refCommand(['get', isMap ? 'map' : 'acl'], 2, isMap ? 'Missing map identifier and/or key.\n' : 'Missing ACL identifier and/or key.\n',
    isMap ? 'any' : 'acl', isMap ? UNKNOWN_MAP : UNKNOWN_ACL, (r, w) => {
      const u = r.users[0];   // 2.6 answers with the reference's first expression
      if (u === undefined) return raw('');
      const e = u.lookup(r, w[1]!);
      const head = `type=${u.kind}, case=${u.icase ? 'insensitive' : 'sensitive'}, `;
      const idx = `idx=${u.tree ? 'tree' : 'list'}`;
      if (isMap) {
        return raw(head + (e === null ? 'found=no\n' : `found=yes, ${idx}, key="${e.key}", value="${e.value}", type="${u.outType === '' ? 'str' : u.outType}"\n`));
      }
      return raw(head + (e === null ? 'match=no\n' : `match=yes, ${idx}, pattern="${e.key}"\n`));
    });
}

/** `add acl <ref> <pattern>` / `add map <ref> <key> <value>`: the key checked by every user of the reference. */
function add(isMap: boolean): CliCommand {
  return refCommand(['add', isMap ? 'map' : 'acl'], isMap ? 3 : 2,
    isMap ? "'add map' expects three parameters (map identifier, key and value) or one parameter (map identifier) and a payload\n"
      : "'add acl' expects two parameters: ACL identifier and pattern.\n",
    isMap ? 'map' : 'any', isMap ? UNKNOWN_MAP : UNKNOWN_ACL, (r, w, v) => {
      if (!isMap && r.isMap) return err("This ACL is shared with a map containing samples. You must use the command 'add map' to add values.\n");
      const ver = v < 0 ? r.currVer : v;
      if (patRefVerFuture(r, ver)) return err(`Version number in the future, please use 'prepare ${isMap ? 'map' : 'acl'}' before.\n`);
      const bad = patRefValidate(r, w[1]!);
      if (bad !== '') return err(bad + '.\n');
      patRefAddVer(r, ver, w[1]!, isMap ? w.slice(2).join(' ') : '');
      return raw('');
    }, true);
}

const setMap = refCommand(['set', 'map'], 3, "'set map' expects three parameters: map identifier, key and value.\n", 'map', UNKNOWN_MAP,
  (r, w) => (patRefSet(r, w[1]!, w.slice(2).join(' ')) === 0 ? err(w[1]!.startsWith('#') ? 'key or pattern not found.\n' : 'entry not found.\n') : raw('')));

function del(isMap: boolean): CliCommand {
  return refCommand(['del', isMap ? 'map' : 'acl'], 2, `This command expects two parameters: ${isMap ? 'map' : 'ACL'} identifier and key.\n`,
    // 2.6.12's `del acl` names a map in its unknown-reference message too
    isMap ? 'map' : 'acl', UNKNOWN_MAP, (r, w) => (patRefDelete(r, w[1]!) === 0 ? err('Key not found.\n') : raw('')));
}

function clear(isMap: boolean): CliCommand {
  return refCommand(['clear', isMap ? 'map' : 'acl'], 1, isMap ? 'Missing map identifier.\n' : 'Missing ACL identifier.\n',
    isMap ? 'map' : 'acl', isMap ? UNKNOWN_MAP : UNKNOWN_ACL, (r, _w, v) => { patRefClearVer(r, v < 0 ? r.currVer : v); return raw(''); }, true);
}

/** `prepare acl|map <ref>`: a new empty version for `add ... @<ver>` and `commit`. */
function prepare(isMap: boolean): CliCommand {
  return refCommand(['prepare', isMap ? 'map' : 'acl'], 1, isMap ? UNKNOWN_MAP : UNKNOWN_ACL, isMap ? 'map' : 'acl',
    isMap ? UNKNOWN_MAP : UNKNOWN_ACL, (r) => ({ text: `New version created: ${patRefPrepare(r)}\n`, severity: LOG_INFO }));
}

/** `commit acl|map @<ver> <ref>`: the version becomes the one requests match, older ones are dropped. */
function commit(isMap: boolean): CliCommand {
  const words = ['commit', isMap ? 'map' : 'acl'];
  return {
    words, usage: null, level: ACCESS_LVL_USER,
    parse(a) {
      internalRefs();
      const w = a.slice(2);
      if (w.length === 0 || !w[0]!.startsWith('@')) return err('Missing version number.\n');
      if (w.length < 2 || w[1] === '') return err(isMap ? 'Missing map identifier.\n' : 'Missing ACL identifier.\n');
      const r = patRefLookup(w[1]!, isMap ? 'map' : 'acl');
      if (r === undefined) return err(isMap ? UNKNOWN_MAP : UNKNOWN_ACL);
      return patRefCommit(r, verNumber(w[0]!)) ? raw('') : err('Version number out of range.\n');
    },
  };
}

export const aclMapCliCommands: readonly CliCommand[] = [
  show(false), show(true), get(false), get(true), add(false), add(true), setMap, del(false), del(true), clear(false), clear(true),
  prepare(false), prepare(true), commit(false), commit(true),
];
