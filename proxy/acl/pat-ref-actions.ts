/*
 * `http-request|http-response add-acl(<file>) <key fmt>`, `del-acl(<file>) <key fmt>`, `set-map(<file>) <key fmt>
 * <value fmt>`, `del-map(<file>) <key fmt>` (2.6): change the running pattern reference of that ACL or map file as the
 * stats socket's add/del acl, set/add/del map do (acl/pat-ref.ts), so `show acl|map` and later matches see it. As
 * haproxy 2.6.12 (fixtures/proxy/actions/acl-map): add-acl adds a key not there yet, set-map sets every entry of the
 * key or adds one, del-* remove every entry of the key; an empty key or value is an entry too; a file no ACL or map of
 * the configuration loaded changes nothing. The reference is found by file name when the rule first runs. Registered
 * by proxy/modules.ts. Hot path: no (runs when such a rule matches; looking a key up walks the entries, and each change
 * recompiles the users' patterns: O(entries), as the stats socket's commands).
 */
import type { HttpActionKw } from '../http/keywords.ts';
import type { HttpCustomAction, RuleFmt } from '../http/types.ts';
import type { RuleOut } from '../http/rules.ts';
import type { SampleCtx } from './types.ts';
import type { KwCtx } from '../config/types.ts';
import type { PatRef } from './pat-ref.ts';
import { patRefLookup, patRefAdd, patRefDelete, patRefSet } from './pat-ref.ts';
import { ruleFormat } from '../http/rules.ts';
import { compileRuleFormat } from '../http/rule-format.ts';
import { ruleErrorPrefix } from '../http/rule-errors.ts';

const PR_ADD_ACL = 0;
const PR_DEL_ACL = 1;
const PR_SET_MAP = 2;
const PR_DEL_MAP = 3;

/** A key or value: static text, or a log-format string (compiled at load). */
interface PrText { text: string; fmt: RuleFmt | null }

function textOf(t: PrText, ctx: SampleCtx, sess: SampleCtx): string {
  if (t.fmt === null) return t.text;
  const out = (sess as unknown as { ruleOut?: RuleOut }).ruleOut;
  return out === undefined ? '' : ruleFormat(t.fmt, ctx, out);
}

class PatRefAction implements HttpCustomAction {
  readonly op: number; readonly file: string; readonly key: PrText; readonly value: PrText;
  /** The running configuration's reference, found on the first run (undefined: not yet looked up). */
  ref: PatRef | null | undefined = undefined;
  constructor(op: number, file: string, key: PrText, value: PrText) { this.op = op; this.file = file; this.key = key; this.value = value; }
  run(ctx: SampleCtx, sess: SampleCtx): void {
    if (this.ref === undefined) this.ref = patRefLookup(this.file, this.op >= PR_SET_MAP ? 'map' : 'acl') ?? null;
    const r = this.ref;
    if (r === null) return;
    const key = textOf(this.key, ctx, sess);
    switch (this.op) {
      case PR_ADD_ACL: if (!r.entries.some((e) => e.key === key) && keyValid(r, key)) patRefAdd(r, key, ''); break;
      case PR_SET_MAP: {
        const v = textOf(this.value, ctx, sess);
        // an entry already holding this value changes nothing: no recompiling of the users (a set-map per request)
        let have = false, same = true;
        for (const e of r.entries) if (e.key === key) { have = true; if (e.value !== v) { same = false; break; } }
        if (have && same) break;
        if (patRefSet(r, key, v) === 0 && keyValid(r, key)) patRefAdd(r, key, v);
        break;
      }
      default: patRefDelete(r, key); break;
    }
  }
}

/** Whether every compiled user of `r` takes `key` as a pattern (an ip ACL refuses a name). */
function keyValid(r: PatRef, key: string): boolean {
  for (const u of r.users) if (u.validate(key) !== '') return false;
  return true;
}

function prText(v: string, ctx: KwCtx, pre: string): PrText | null {
  if (!v.includes('%')) return { text: v, fmt: null };
  const f = compileRuleFormat(v);
  if (typeof f === 'string') { ctx.alert(pre + f + '.'); return null; }
  return { text: v, fmt: f };
}

function kw(prefix: string, op: number): HttpActionKw {
  return {
    prefix, req: true, res: true,
    parse(args, end, ctx) {
      const act = args[1];
      const pre = ruleErrorPrefix(ctx.proxy!, args[0], act);
      // the file: what the parentheses hold (2.6 takes a missing ')' or none at all too)
      const o = act.indexOf('(');
      const file = o < 0 ? '' : act.slice(o + 1, act.endsWith(')') ? -1 : act.length);
      const want = op === PR_SET_MAP ? 2 : 1;
      if (end - 2 < want) { ctx.alert(pre + `expects exactly ${want} arguments.`); return null; }
      if (end - 2 > want) {
        ctx.alertRaw(`parsing [${ctx.file}:${ctx.line}]: '${args[0]} ${act}' expects either 'if' or 'unless' followed by a condition but found '${args[2 + want]}'.`);
        return null;
      }
      const key = prText(args[2], ctx, pre);
      if (key === null) return null;
      const value = op === PR_SET_MAP ? prText(args[3], ctx, pre) : { text: '', fmt: null };
      if (value === null) return null;
      return new PatRefAction(op, file, key, value);
    },
  };
}

export const patRefActions: readonly HttpActionKw[] = [
  kw('add-acl', PR_ADD_ACL), kw('del-acl', PR_DEL_ACL), kw('set-map', PR_SET_MAP), kw('del-map', PR_DEL_MAP),
];
