/*
 * The JSON converters: json_query(<path>[,int]) on a JSON text, jwt_header_query / jwt_payload_query([<path>][,int])
 * on a JSON Web Token (base64url part 1 or 2; nothing without a path, as 2.6.12 answers). Paths are the dotted / bracketed subset 2.6 documents: `$`, `.name`
 * (`\.` keeps a dot in a name), `['name']`, `[index]`. Strings give their text, booleans 1/0, integers their value,
 * other numbers their text (or, with 'int', their integer part: none when not a number); objects and arrays give no
 * sample. Registered into log/converters.ts by proxy/modules.ts. Hot path: per evaluation (parses the JSON).
 */
import type { Conv, SampleValue } from '../log/converters.ts';

/** The path's steps (names and indexes), or null when it is not one this subset reads. */
function parsePath(p: string): (string | number)[] | null {
  if (!p.startsWith('$')) return null;
  const out: (string | number)[] = [];
  let i = 1;
  while (i < p.length) {
    if (p[i] === '.') {
      let name = '';
      i++;
      while (i < p.length && p[i] !== '.' && p[i] !== '[') {
        if (p[i] === '\\' && i + 1 < p.length) i++;
        name += p[i++];
      }
      if (name === '') return null;
      out.push(name);
    } else if (p[i] === '[') {
      const end = p.indexOf(']', i);
      if (end < 0) return null;
      const inner = p.slice(i + 1, end).trim();
      const q = /^'(.*)'$|^"(.*)"$/.exec(inner);
      if (q !== null) out.push(q[1] ?? q[2]);
      else if (/^\d+$/.test(inner)) out.push(Number(inner));
      else return null;
      i = end + 1;
    } else return null;
  }
  return out;
}

function query(text: string, steps: readonly (string | number)[], asInt: boolean): SampleValue {
  let v: unknown;
  try { v = JSON.parse(text); } catch { return null; }
  for (const s of steps) {
    if (v === null || typeof v !== 'object') return null;
    v = (v as Record<string | number, unknown>)[s];
  }
  if (typeof v === 'string') return asInt ? (/^-?\d+$/.test(v) ? Number(v) : null) : v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'number') {
    if (asInt) return Number.isFinite(v) ? Math.trunc(v) : null;
    return Number.isInteger(v) ? v : String(v);
  }
  return null;
}

function b64url(s: string): string | null {
  if (!/^[A-Za-z0-9_-]*$/.test(s)) return null;
  return Buffer.from(s, 'base64url').toString('latin1');
}

/** The converter for `text`, or undefined / 2.6's complaint. */
export function jsonConverter(text: string): Conv | string | undefined {
  const m = /^(json_query|jwt_header_query|jwt_payload_query)(?:\((.*)\))?$/.exec(text);
  if (m === null) return undefined;
  const args = (m[2] ?? '').split(',').map((a) => a.trim());
  const jwt = m[1] !== 'json_query';
  const path = args[0] === '' && jwt ? '' : args[0];
  if (!jwt && (path === undefined || path === '')) return 'missing args';
  const steps = path === '' ? [] : parsePath(path);
  if (steps === null) return undefined;
  const outType = args[1] ?? '';
  if (outType !== '' && outType !== 'int') return `output_type only supports "int" as argument`;
  const asInt = outType === 'int';
  if (!jwt) return (v) => (v === null ? null : query(String(v), steps, asInt));
  const part = m[1] === 'jwt_header_query' ? 0 : 1;
  return (v) => {
    if (v === null) return null;
    const p = String(v).split('.');
    if (p.length !== 3) return null;
    const json = b64url(p[part]);
    if (json === null) return null;
    return path === '' ? null : query(json, steps, asInt);      // 2.6.12 gives nothing without a path
  };
}
