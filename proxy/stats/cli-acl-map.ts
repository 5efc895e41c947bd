/*
 * The runtime API of ACL and map pattern references (acl/pat-ref.ts), with 2.6.12's replies and error texts:
 * `show acl|map [ref]`, `get acl|map <ref> <sample>`, `add acl <ref> <pattern>`, `add map <ref> <key> <value>`,
 * `set map <ref> <key>|#<ptr> <value>`, `del acl|map <ref> <key>|#<ptr>`, `clear acl|map <ref>`. A reference is
 * `#<id>` or its file name. 2.6 checks no level beyond `user` for these. Optional `@<ver>` words are skipped (no
 * versioned updates: prepare/commit stay unsupported). Hot path: no.
 */
import type { CliCommand, CliReply } from './types.ts';
import { ACCESS_LVL_USER, CLI_RAW, LOG_ERR } from './types.ts';
import {
  patRefAll, patRefLookup, patRefDescribe, patRefValidate, patRefAdd, patRefDelete, patRefSet, patRefClear,
} from '../acl/pat-ref.ts';
import type { PatRef } from '../acl/pat-ref.ts';
import { aclInternalRef } from '../acl/compile.ts';

function err(text: string): CliReply { return { text, severity: LOG_ERR }; }
function raw(text: string): CliReply { return { text, severity: CLI_RAW }; }

const UNKNOWN_ACL = 'Unknown ACL identifier. Please use #<id> or <file>.\n';
const UNKNOWN_MAP = 'Unknown map identifier. Please use #<id> or <file>.\n';

// 2.6 lists two ACL references of its internal httpclient proxy after the configuration's, in every process; they
// are made on the first command here, when the configuration's are all known
let internalDone = false;
function internalRefs(): void {
  if (internalDone) return;
  internalDone = true;
  for (let k = 0; k < 2; k++) aclInternalRef("acl 'var' file 'httpclient' line 0", ['src', '0.0.0.0']);
}

/** The arguments after the command words, without a leading `@<ver>`. */
function argsAfter(a: readonly string[], n: number): string[] {
  const r = a.slice(n);
  if (r.length > 0 && r[0]!.startsWith('@')) r.shift();
  return r;
}

function list(isMap: boolean): string {
  let out = '# id (file) description\n';
  const all = patRefAll();
  for (const r of all) if (r.isMap === isMap) out += patRefDescribe(r) + '\n';
  return out;
}

function dump(r: PatRef): string {
  let out = '';
  for (const e of r.entries) out += e.ptr + ' ' + e.key + (r.isMap ? ' ' + e.value : '') + '\n';
  return out;
}

function show(isMap: boolean): CliCommand {
  return {
    words: ['show', isMap ? 'map' : 'acl'], usage: null, level: ACCESS_LVL_USER,
    parse(a) {
    internalRefs();
      internalRefs();
      const w = argsAfter(a, 2);
      if (w.length === 0) return raw(list(isMap));
      const r = patRefLookup(w[0]!, isMap ? 'map' : 'acl');
      if (r === undefined) return err(isMap ? UNKNOWN_MAP : UNKNOWN_ACL);
      return raw(dump(r));
    },
  };
}

function get(isMap: boolean): CliCommand {
  return {
    words: ['get', isMap ? 'map' : 'acl'], usage: null, level: ACCESS_LVL_USER,
    parse(a) {
    internalRefs();
      internalRefs();
      const w = argsAfter(a, 2);
      if (w.length < 2) return err(isMap ? 'Missing map identifier and/or key.\n' : 'Missing ACL identifier and/or key.\n');
      // 2.6's `get map` also answers for an ACL's reference
      const r = patRefLookup(w[0]!, isMap ? 'any' : 'acl');
      if (r === undefined) return err(isMap ? UNKNOWN_MAP : UNKNOWN_ACL);
      const sample = w[1]!;
      let out = '';
      for (const u of r.users) {
        const e = u.lookup(r, sample);
        const head = `type=${u.kind}, case=${u.icase ? 'insensitive' : 'sensitive'}, `;
        if (isMap) {
          out += head + (e === null ? 'found=no\n'
            : `found=yes, idx=${u.tree ? 'tree' : 'list'}, key="${e.key}", value="${e.value}", type="${u.outType === '' ? 'str' : u.outType}"\n`);
        } else {
          out += head + (e === null ? 'match=no\n' : `match=yes, idx=${u.tree ? 'tree' : 'list'}, pattern="${e.key}"\n`);
        }
        break;   // 2.6 answers with the reference's first expression
      }
      return raw(out);
    },
  };
}

const addAcl: CliCommand = {
  words: ['add', 'acl'], usage: null, level: ACCESS_LVL_USER,
  parse(a) {
    internalRefs();
    const w = argsAfter(a, 2);
    if (w.length < 2) return err("'add acl' expects two parameters: ACL identifier and pattern.\n");
    const r = patRefLookup(w[0]!, 'any');
    if (r === undefined) return err(UNKNOWN_ACL);
    if (r.isMap) return err("This ACL is shared with a map containing samples. You must use the command 'add map' to add values.\n");
    const bad = patRefValidate(r, w[1]!);
    if (bad !== '') return err(bad + '.\n');
    patRefAdd(r, w[1]!, '');
    return raw('');
  },
};

const addMap: CliCommand = {
  words: ['add', 'map'], usage: null, level: ACCESS_LVL_USER,
  parse(a) {
    internalRefs();
    const w = argsAfter(a, 2);
    if (w.length < 3) return err("'add map' expects three parameters (map identifier, key and value) or one parameter (map identifier) and a payload\n");
    const r = patRefLookup(w[0]!, 'map');
    if (r === undefined) return err(UNKNOWN_MAP);
    const bad = patRefValidate(r, w[1]!);
    if (bad !== '') return err(bad + '.\n');
    patRefAdd(r, w[1]!, w.slice(2).join(' '));
    return raw('');
  },
};

const setMap: CliCommand = {
  words: ['set', 'map'], usage: null, level: ACCESS_LVL_USER,
  parse(a) {
    internalRefs();
    const w = argsAfter(a, 2);
    if (w.length < 3) return err("'set map' expects three parameters: map identifier, key and value.\n");
    const r = patRefLookup(w[0]!, 'map');
    if (r === undefined) return err(UNKNOWN_MAP);
    if (patRefSet(r, w[1]!, w.slice(2).join(' ')) === 0) return err(w[1]!.startsWith('#') ? 'key or pattern not found.\n' : 'entry not found.\n');
    return raw('');
  },
};

function del(isMap: boolean): CliCommand {
  return {
    words: ['del', isMap ? 'map' : 'acl'], usage: null, level: ACCESS_LVL_USER,
    parse(a) {
    internalRefs();
      internalRefs();
      const w = argsAfter(a, 2);
      if (w.length < 2) return err(`This command expects two parameters: ${isMap ? 'map' : 'ACL'} identifier and key.\n`);
      const r = patRefLookup(w[0]!, isMap ? 'map' : 'acl');
      if (r === undefined) return err(isMap ? UNKNOWN_MAP : UNKNOWN_ACL);
      if (patRefDelete(r, w[1]!) === 0) return err('Key not found.\n');
      return raw('');
    },
  };
}

function clear(isMap: boolean): CliCommand {
  return {
    words: ['clear', isMap ? 'map' : 'acl'], usage: null, level: ACCESS_LVL_USER,
    parse(a) {
    internalRefs();
      internalRefs();
      const w = argsAfter(a, 2);
      if (w.length < 1) return err(isMap ? 'Missing map identifier.\n' : 'Missing ACL identifier.\n');
      const r = patRefLookup(w[0]!, isMap ? 'map' : 'acl');
      if (r === undefined) return err(isMap ? UNKNOWN_MAP : UNKNOWN_ACL);
      patRefClear(r);
      return raw('');
    },
  };
}

export const aclMapCliCommands: readonly CliCommand[] = [
  show(false), show(true), get(false), get(true), addAcl, addMap, setMap, del(false), del(true), clear(false), clear(true),
];
