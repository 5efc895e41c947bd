/* What an httplog line carries after its quoted request, as the row's `extra` JSON object: `option httpslog`'s
 * `%[fc_err]/%[ssl_fc_err,hex]/%[ssl_c_err]/%[ssl_c_ca_err]/%[ssl_fc_is_resumed] %[ssl_fc_sni]/%sslv/%sslc` under the
 * keys a --log-format of that string gives (custom-format.ts), any other text (a custom format's `%ID` ...) whole as
 * `after_request`. Values are kept as written ('-' included). Used by httplog.ts.
 * Hot path: yes for httpslog lines (JSON built in a reused byte buffer, no strings per line).
 */
import { COL_EXTRA } from '../arrow/types.ts';
import type { LogRowWriter } from '../arrow/types.ts';
import { putJsonString } from '../json-bytes.ts';

/** JSON prefixes of httpslog's 8 fields: `{"k":"` for the first, `","k":"` for the others. */
const HTTPSLOG_KEYS = ['fc_err', 'ssl_fc_err,hex', 'ssl_c_err', 'ssl_c_ca_err', 'ssl_fc_is_resumed', 'ssl_fc_sni', 'sslv', 'sslc']
  .map((k, i) => Buffer.from((i === 0 ? '{"' : '","') + k + '":"', 'latin1'));
const OTHER_KEY = Buffer.from('{"after_request":"', 'latin1');

/** The JSON being built; grown when a line needs more. */
let out = Buffer.allocUnsafe(1024);
let n = 0;

function put(b: Uint8Array): void {
  for (let i = 0; i < b.length; i++) out[n++] = b[i];
}

/**
 * Writes buf[s, e) (the text after the request's closing quote, its leading space included) into the row's `extra`.
 * httpslog's fields are recognised by their shape: two space-separated words of 5 and 3 '/'-separated values.
 */
export function writeAfterRequest(buf: Uint8Array, s: number, e: number, w: LogRowWriter): void {
  if (s < e && buf[s] === 32) s++;
  if (s >= e) return;
  if (out.length < 6 * (e - s) + 256) out = Buffer.allocUnsafe(6 * (e - s) + 256);
  n = 0;
  // httpslog: slash positions of `a/b/c/d/e f/g/h`, one space between the two words
  let k = 0;
  let space = -1;
  let ok = true;
  for (let i = s; i < e; i++) {
    const c = buf[i];
    if (c === 47) { if (space < 0 ? k >= 4 : k >= 6) { ok = false; break; } k++; }
    else if (c === 32) { if (space >= 0 || k !== 4) { ok = false; break; } space = i; }
  }
  if (ok && k === 6) {
    let f = 0;
    let v = s;
    for (let i = s; i <= e; i++) {
      if (i === e || buf[i] === 47 || buf[i] === 32) {
        put(HTTPSLOG_KEYS[f++]);
        n = putJsonString(out, n, buf, v, i);
        v = i + 1;
      }
    }
  } else {
    put(OTHER_KEY);
    n = putJsonString(out, n, buf, s, e);
  }
  out[n++] = 34;
  out[n++] = 125;
  w.setStr(COL_EXTRA, out, 0, n);
}
