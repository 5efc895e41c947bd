/* Writes bytes as the inside of a JSON string: '"' and '\' backslash-escaped, control bytes as \u00XX, every other
 * byte copied (invalid UTF-8 is replaced later, as in any string column). Shared by the `extra` object of httplog's
 * text after the request (httplog/after-request.ts) and the sparse column's JSON (sinks/staged-parquet.ts).
 * Hot path: yes (per row); the caller sizes `out` for 6 bytes per input byte.
 */

const HEX = Buffer.from('0123456789abcdef', 'latin1');

/** Writes the escaped src[s, e) into out at o; returns the new end. */
export function putJsonString(out: Uint8Array, o: number, src: Uint8Array, s: number, e: number): number {
  for (let i = s; i < e; i++) {
    const c = src[i];
    if (c >= 32 && c !== 34 && c !== 92) out[o++] = c;
    else if (c === 34 || c === 92) { out[o++] = 92; out[o++] = c; }
    else { out[o++] = 92; out[o++] = 117; out[o++] = 48; out[o++] = 48; out[o++] = HEX[c >> 4]; out[o++] = HEX[c & 15]; }
  }
  return o;
}
