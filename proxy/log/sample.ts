/*
 * `%[fetch,conv,...]` in log formats: compiles the subset of HAProxy sample fetches that a finished stream's log
 * fields can answer (addresses, names, captures, status, request line parts, unique id) and the `lower`/`upper`
 * converters into one function of the StreamLog. Fetches needing the live message (req.hdr, cookies, ...) are
 * rejected at load with a clear error. Callers: log/format.ts. Hot path: the returned function runs per log line.
 */
import type { StreamLog } from '../model/types.ts';

type Fetch = (s: StreamLog) => string | number | null;

function captureReq(i: number): Fetch {
  return (s) => (i < s.reqCaptures.length ? s.reqCaptures[i] : null);
}
function captureRes(i: number): Fetch {
  return (s) => (i < s.resCaptures.length ? s.resCaptures[i] : null);
}

const FETCHES: ReadonlyMap<string, Fetch> = new Map<string, Fetch>([
  ['src', (s) => s.clientIp],
  ['src_port', (s) => s.clientPort],
  ['dst', (s) => s.frontendIp],
  ['dst_port', (s) => s.frontendPort],
  ['fe_name', (s) => s.frontend.name],
  ['be_name', (s) => (s.backend === null ? null : s.backend.name)],
  ['srv_name', (s) => (s.server === null ? null : s.server.name)],
  ['status', (s) => (s.status < 0 ? null : s.status)],
  ['txn.status', (s) => (s.status < 0 ? null : s.status)],
  ['method', (s) => (s.method === '' ? null : s.method)],
  ['capture.req.method', (s) => (s.method === '' ? null : s.method)],
  ['capture.req.uri', (s) => (s.uri === '' ? null : s.uri)],
  ['capture.req.ver', (s) => (s.httpVersion === '' ? null : s.httpVersion.slice(5))],
  ['path', (s) => { const q = s.uri.indexOf('?'); return s.uri === '' ? null : q < 0 ? s.uri : s.uri.slice(0, q); }],
  ['query', (s) => { const q = s.uri.indexOf('?'); return q < 0 ? null : s.uri.slice(q + 1); }],
  ['unique-id', (s) => (s.uniqueId === '' ? null : s.uniqueId)],
  ['bytes_in', (s) => s.bytesIn],
  ['bytes_out', (s) => s.bytesOut],
]);

type Conv = (v: string | number | null) => string | number | null;
const CONVERTERS: ReadonlyMap<string, Conv> = new Map<string, Conv>([
  ['lower', (v) => (typeof v === 'string' ? v.toLowerCase() : v)],
  ['upper', (v) => (typeof v === 'string' ? v.toUpperCase() : v)],
]);

/** Compiles `expr` (e.g. `capture.req.hdr(0),lower`); returns the function or an error message. */
export function compileLogSample(expr: string): Fetch | string {
  const parts = splitTopLevel(expr);
  const head = parts[0].trim();
  let fetch: Fetch | undefined;
  const m = /^(capture\.(?:req|res)\.hdr)\((\d+)\)$/.exec(head);
  if (m !== null) {
    const idx = Number(m[2]);
    fetch = m[1] === 'capture.req.hdr' ? captureReq(idx) : captureRes(idx);
  } else {
    fetch = FETCHES.get(head.endsWith('()') ? head.slice(0, -2) : head);
  }
  if (fetch === undefined) return "unknown or unsupported sample fetch method '" + head + "' in log-format";
  const convs: Conv[] = [];
  for (let i = 1; i < parts.length; i++) {
    const c = CONVERTERS.get(parts[i].trim());
    if (c === undefined) return "unknown or unsupported converter '" + parts[i].trim() + "' in log-format";
    convs.push(c);
  }
  if (convs.length === 0) return fetch;
  const f = fetch;
  return (s) => {
    let v = f(s);
    for (let i = 0; i < convs.length; i++) v = convs[i](v);
    return v;
  };
}

/** Splits on commas outside parentheses. */
function splitTopLevel(expr: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < expr.length; i++) {
    const c = expr[i];
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === ',' && depth === 0) { out.push(expr.slice(start, i)); start = i + 1; }
  }
  out.push(expr.slice(start));
  return out;
}
