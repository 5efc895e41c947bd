/*
 * ACL fetches as sample values: a set-var expression, a rule value or a `%[...]` may use any fetch of the ACL table
 * (acl/fetches.ts plus the ones modules register) that log/sample.ts has no value fetch of its own for. The value is
 * the last one the fetch walks (a header's last occurrence, as 2.6's sample fetches give), a number for integer
 * fetches, 1/0 for booleans. Registered into log/sample.ts (registerLogArgFetches) by proxy/modules.ts, tried after
 * every other resolver. Hot path: per evaluation of such a sample (one string per value seen).
 */
import type { AclPatterns, FetchDef, MatchFn, SampleCtx } from './types.ts';
import { ACL_M_INT } from './types.ts';
import { FETCHES } from './fetches.ts';
import { sampleLive } from '../log/sample.ts';

type Value = string | number | null;

let captured: Value = null;
let capturedInt = false;
const capture: MatchFn = (_p, buf, s, e) => {
  const t = buf.toString('latin1', s, e);
  captured = capturedInt && /^-?\d+$/.test(t) ? Number(t) : t;
  return false;          // go on: the last value wins
};
const NO_PATTERNS = {} as AclPatterns;

/** Response-side fetches read the response head while http-response rules run. */
function isResponseFetch(name: string): boolean {
  return name.startsWith('res.') || name === 'shdr' || name === 'status';
}

/** The value of ACL fetch `def` on the live stream with argument `arg`. */
function runValue(def: FetchDef, arg: Buffer, res: boolean): Value {
  const c: SampleCtx | null = res && sampleLive.res !== null ? sampleLive.res : sampleLive.req;
  if (c === null) return null;
  if (def.bool) return def.run(c, arg, capture, NO_PATTERNS) ? 1 : 0;
  captured = null;
  capturedInt = def.defaultMatch === ACL_M_INT;
  def.run(c, arg, capture, NO_PATTERNS);
  const v = captured;
  captured = null;
  return v;
}

/**
 * `head` (`req.hdr_cnt(host)`, `always_true`) as a log/sample.ts fetch; undefined when no ACL fetch has that name,
 * when a needed argument is missing or when the fetch refuses its argument.
 */
export function aclValueFetch(head: string): ((s: unknown) => Value) | undefined {
  const open = head.indexOf('(');
  if (open >= 0 && !head.endsWith(')')) return undefined;
  const name = open < 0 ? head : head.slice(0, open);
  const def = FETCHES.get(name);
  if (def === undefined) return undefined;
  let raw = open < 0 ? '' : head.slice(open + 1, -1).trim();
  if (raw === '' && def.needsArg) return undefined;
  if (raw === '' && /hdr$/.test(name)) return () => null;      // 2.6: a header fetch without a name gives nothing
  if (!def.rawArg) { const comma = raw.indexOf(','); if (comma >= 0) raw = raw.slice(0, comma).trim(); }
  if (def.checkArg !== undefined && def.checkArg(raw) !== null) return undefined;
  const arg = Buffer.from(def.argCase === true || def.rawArg === true ? raw : raw.toLowerCase(), 'latin1');
  const res = isResponseFetch(name);
  return () => runValue(def, arg, res);
}
