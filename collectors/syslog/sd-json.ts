/* RFC 5424 structured data (`[id name="value" ...][id2 ...]`, as HAProxy's log-format-sd writes it) as a JSON
 * object `{"id":{"name":"value"}}` for the `extra` column, so it can be queried (extra->>'$.sd."id".name').
 * Callers: ingest.ts, only for frames that carry structured data. Hot path: no (builds strings per SD frame).
 */

/** JSON of the SD elements in buf[start, end) (already validated by rfc5424.ts); escapes `\"`, `\\`, `\]` undone. */
export function sdToJson(buf: Uint8Array, start: number, end: number): string {
  const text = Buffer.from(buf.buffer, buf.byteOffset + start, end - start).toString('utf8');
  const out: Record<string, Record<string, string>> = Object.create(null);   // an id "__proto__" stays a key
  let p = 0;
  const n = text.length;
  while (p < n && text[p] === '[') {
    p++;
    let q = p;
    while (q < n && text[q] !== ' ' && text[q] !== ']') q++;
    const params: Record<string, string> = Object.create(null);
    out[text.slice(p, q)] = params;
    p = q;
    while (p < n && text[p] === ' ') {
      p++;
      const eq = text.indexOf('=', p);
      if (eq < 0 || text[eq + 1] !== '"') return JSON.stringify(out);
      const name = text.slice(p, eq);
      let v = '';
      for (p = eq + 2; p < n && text[p] !== '"'; p++) {
        if (text[p] === '\\' && p + 1 < n && (text[p + 1] === '"' || text[p + 1] === '\\' || text[p + 1] === ']')) p++;
        v += text[p];
      }
      params[name] = v;
      p++;
    }
    if (text[p] === ']') p++;
  }
  return JSON.stringify(out);
}
