/*
 * The `set-var(<var>[,<cond>...])` and `unset-var(<var>)` converters: store (or drop) a variable of the stream while
 * the sample goes through unchanged (`http-request set-header x %[req.hdr(y),set-var(txn.y)]`). Conditions are
 * accepted and not evaluated, as the set-var action does. Registered into log/converters.ts by proxy/modules.ts.
 * Hot path: per evaluation of such a sample.
 */
import type { Conv } from '../log/converters.ts';
import { sampleLive } from '../log/sample.ts';
import { varNameOk, varSet, varUnset } from './vars.ts';
import { varsOf } from '../tcp/vars.ts';

/** The converter for `text`, or undefined when it is not one of these (or names no valid variable). */
export function varConverter(text: string): Conv | undefined {
  const m = /^(set-var|unset-var)\(([^,)]+)(?:,[^)]*)?\)$/.exec(text);
  if (m === null) return undefined;
  const name = m[2].trim().toLowerCase();
  if (!varNameOk(name)) return undefined;
  if (m[1] === 'unset-var') {
    return (v) => { const c = sampleLive.req; if (c !== null && c.vars !== undefined) varUnset(c.vars, name); return v; };
  }
  return (v) => {
    const c = sampleLive.req;
    // a tcp stream's variables exist once set: created here too (`{ req.ssl_sni,lower,set-var(sess.sni) -m found }`)
    if (v !== null && c !== null) varSet(varsOf(c), name, typeof v === 'number' ? v : String(v));
    return v;
  };
}
