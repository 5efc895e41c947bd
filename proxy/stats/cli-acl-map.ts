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
// are made on the first command here, when the configuration's are all known (again after a reload)
let internalFor: readonly unknown[] | null = null;
function internalRefs(): void {
  if (internalFor === patRefAll()) return;
  internalFor = patRefAll();
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

/**
 * One command on a reference: `need` words after the command (else `missing`), the first one looked up among `kind`
 * references (else `unknown`), then `run` with the reference and the words. Makes the internal references first.
 */
function refCommand(words: string[], need: number, missing: string, kind: 'acl' | 'map' | 'any', unknown: string,
  run: (r: PatRef, w: readonly string[]) => CliReply): CliCommand {
  return {
    words, usage: null, level: ACCESS_LVL_USER,
    parse(a) {
      internalRefs();
      const w = argsAfter(a, words.length);
      if (w.length < need) return err(missing);
      const r = patRefLookup(w[0]!, kind);
      if (r === undefined) return err(unknown);
      return run(r, w);
    },
  };
}

function show(isMap: boolean): CliCommand {
  const one = refCommand(['show', isMap ? 'map' : 'acl'], 1, '', isMap ? 'map' : 'acl', isMap ? UNKNOWN_MAP : UNKNOWN_ACL, (r) => raw(dump(r)));
  return {
    ...one,
    parse(a, s, e) {
      if (argsAfter(a, 2).length > 0) return one.parse(a, s, e);
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
    isMap ? 'map' : 'any', isMap ? UNKNOWN_MAP : UNKNOWN_ACL, (r, w) => {
      if (!isMap && r.isMap) return err("This ACL is shared with a map containing samples. You must use the command 'add map' to add values.\n");
      const bad = patRefValidate(r, w[1]!);
      if (bad !== '') return err(bad + '.\n');
      patRefAdd(r, w[1]!, isMap ? w.slice(2).join(' ') : '');
      return raw('');
    });
}

const setMap = refCommand(['set', 'map'], 3, "'set map' expects three parameters: map identifier, key and value.\n", 'map', UNKNOWN_MAP,
  (r, w) => (patRefSet(r, w[1]!, w.slice(2).join(' ')) === 0 ? err(w[1]!.startsWith('#') ? 'key or pattern not found.\n' : 'entry not found.\n') : raw('')));

function del(isMap: boolean): CliCommand {
  return refCommand(['del', isMap ? 'map' : 'acl'], 2, `This command expects two parameters: ${isMap ? 'map' : 'ACL'} identifier and key.\n`,
    isMap ? 'map' : 'acl', isMap ? UNKNOWN_MAP : UNKNOWN_ACL, (r, w) => (patRefDelete(r, w[1]!) === 0 ? err('Key not found.\n') : raw('')));
}

function clear(isMap: boolean): CliCommand {
  return refCommand(['clear', isMap ? 'map' : 'acl'], 1, isMap ? 'Missing map identifier.\n' : 'Missing ACL identifier.\n',
    isMap ? 'map' : 'acl', isMap ? UNKNOWN_MAP : UNKNOWN_ACL, (r) => { patRefClear(r); return raw(''); });
}

export const aclMapCliCommands: readonly CliCommand[] = [
  show(false), show(true), get(false), get(true), add(false), add(true), setMap, del(false), del(true), clear(false), clear(true),
];
