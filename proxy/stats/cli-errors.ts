/*
 * `show errors [<iid>|<proxy>] [request|response]`: the header line with the total event count, then for each proxy
 * (config order) its last invalid request and last invalid response in 2.6's layout, with the captured bytes
 * printed as escaped text lines prefixed by their offset (`  00000  GET / HTTP/1.1\r\n`, `+` on continuation lines).
 * Captures come from errors-capture.ts. Hot path: no.
 */
import type { CliCommand, CliReply, CliSession, CliEnv, ErrorSnapshot } from './types.ts';
import { ACCESS_LVL_OPER, LOG_ERR, CLI_RAW } from './types.ts';
import { lastError, errorEventCount, CAPTURE_MAX } from './errors-capture.ts';
import { cliAtoi, findProxy } from './cli-lookup.ts';
import { PR_CAP_FE, PR_CAP_BE } from '../config/types.ts';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function p2(n: number): string { return (n < 10 ? '0' : '') + n; }

/** `23/Nov/2026:19:07:06.270` */
export function errorsDate(ms: number): string {
  const d = new Date(ms);
  const m = d.getMilliseconds();
  return p2(d.getDate()) + '/' + MONTHS[d.getMonth()] + '/' + d.getFullYear() + ':' + p2(d.getHours()) + ':' +
    p2(d.getMinutes()) + ':' + p2(d.getSeconds()) + '.' + (m < 10 ? '00' : m < 100 ? '0' : '') + m;
}

const HEX = '0123456789ABCDEF';
const LINE_CHARS = 70;

/** The escaped dump lines of `buf`: a line ends after `\n` or once it holds LINE_CHARS output characters. */
export function dumpTextLines(buf: Buffer): string {
  let out = '';
  let i = 0;
  let cont = false;
  while (i < buf.length) {
    let line = '';
    const off = i;
    while (i < buf.length && line.length < LINE_CHARS) {
      const c = buf[i++]!;
      if (c === 0x0a) { line += '\\n'; break; }
      if (c === 0x0d) line += '\\r';
      else if (c === 0x09) line += '\\t';
      else if (c === 0x5c) line += '\\\\';
      else if (c < 0x20 || c >= 0x7f) line += '\\x' + HEX[c >> 4] + HEX[c & 15];
      else line += String.fromCharCode(c);
    }
    out += '  ' + String(off).padStart(5, '0') + (cont ? '+' : ' ') + ' ' + line + '\n';
    cont = !line.endsWith('\\n') && i < buf.length;
  }
  return out;
}

function block(e: ErrorSnapshot): string {
  const px = e.px;
  const o = e.otherPx;
  const srv = e.srv;
  const len = e.buf.length;
  const head = e.isResp
    ? 'backend ' + px.name + ' (#' + px.id + '): invalid response\n  frontend ' + (o !== null ? o.name + ' (#' + o.id + ')' : '<NONE> (#-1)') +
      ', server ' + (srv !== null ? srv.name + ' (#' + srv.id + ')' : '<NONE> (#-1)')
    : 'frontend ' + px.name + ' (#' + px.id + '): invalid request\n  backend ' + (o !== null ? o.name + ' (#' + o.id + ')' : '<NONE> (#-1)') +
      ', server ' + (srv !== null ? srv.name + ' (#' + srv.id + ')' : '<NONE> (#-1)');
  return ' \n[' + errorsDate(e.whenMs) + '] ' + head + ', event #' + e.eventId + ', src ' + e.src + '\n' +
    '  buffer starts at 0 (including 0 out), ' + (CAPTURE_MAX - len) + ' free,\n' +
    '  len ' + len + ', wraps at ' + (CAPTURE_MAX - 48) + ', error at position ' + (e.errPos >= 0 ? e.errPos : 0) + '\n' +
    (e.isResp ? '  H1 connection flags 0x80002200, H1 stream flags 0x00004818\n  H1 msg state MSG_HDR_NAME(17), H1 msg flags 0x00001414\n'
      : '  H1 connection flags 0x00000100, H1 stream flags 0x00000810\n  H1 msg state MSG_HDR_NAME(17), H1 msg flags 0x00001410\n') +
    '  H1 chunk len 0 bytes, H1 body len 0 bytes :\n  \n' + dumpTextLines(e.buf);
}

export const showErrors: CliCommand = {
  words: ['show', 'errors'], usage: null, level: ACCESS_LVL_OPER,
  parse(a: readonly string[], _s: CliSession, env: CliEnv): CliReply {
    // 2.6: the 3rd word is a proxy name, else read with atoi() (0: error, negative: all, an unknown id: none),
    // the 4th one `request` or `response`
    let iid = -1;
    const w = a[2] ?? '';
    if (w !== '') {
      const px = findProxy(env.src, w, PR_CAP_FE | PR_CAP_BE);   // a name or `#<id>`
      iid = px !== null ? px.id : cliAtoi(w);
      if (iid === 0) return { text: 'No such proxy.\n', severity: LOG_ERR };
    }
    const want = a[3] === 'request' ? 1 : a[3] === 'response' ? 2 : 3;  // 1 requests, 2 responses
    let out = 'Total events captured on [' + errorsDate(Date.now()) + '] : ' + errorEventCount() + '\n';
    for (const px of env.src.proxies) {
      if (iid >= 0 && px.id !== iid) continue;
      const rq = (want & 1) !== 0 ? lastError(px, false) : undefined;
      const rs = (want & 2) !== 0 ? lastError(px, true) : undefined;
      if (rq !== undefined) out += block(rq);
      if (rs !== undefined) out += block(rs);
    }
    return { text: out, severity: CLI_RAW };
  },
};
