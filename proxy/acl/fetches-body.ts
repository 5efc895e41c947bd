/*
 * Request body fetches: `req.body` (binary: needs -m in an ACL, as 2.6), `req.body_len`, `req.body_size`,
 * `req.body_param([<name>])` (a urlencoded body's parameters, `&`-separated, names case-sensitive, values not
 * decoded), as ACL criteria and as log-format / rule-value samples. They read what the stream received so far
 * (SampleCtx.bodyView, http/stream.ts): `http-request wait-for-body` or `option http-buffer-request` make that the
 * whole body. Registered by proxy/modules.ts. Hot path: only for rules that use them.
 */
import type { FetchDef, SampleCtx } from './types.ts';
import type { StreamLog } from '../model/types.ts';
import { ACL_M_INT } from './types.ts';
import { sampleLive } from '../log/sample.ts';

type LogFetch = (s: StreamLog) => string | number | null;

const span = new Int32Array(2);
const intBuf = Buffer.allocUnsafe(24);

function bodyOf(ctx: SampleCtx | null): Buffer | null {
  const v = ctx === null ? undefined : ctx.bodyView;
  return v === undefined ? null : v.bodyData(span);
}

/** Writes `n` in decimal into intBuf; returns its length (ACL int matchers read digits from bytes). */
function intText(n: number): number { return intBuf.write(String(n), 0, 'latin1'); }

/**
 * The next value of parameter `name` (any parameter when `name` is empty) in buf[from, e): its span in `val`
 * (val[0] = start, val[1] = end) and where to look for the next one; -1 when there is no more.
 */
const val = new Int32Array(2);
function nextParam(buf: Buffer, from: number, e: number, name: Buffer): number {
  let i = from;
  const n = name.length;
  while (i < e) {
    let amp = buf.indexOf(0x26, i);
    if (amp < 0 || amp > e) amp = e;
    let eq = buf.indexOf(0x3d, i);
    if (eq < 0 || eq > amp) eq = amp;
    if (n === 0 ? eq > i : eq - i === n && buf.compare(name, 0, n, i, eq) === 0) {
      val[0] = eq < amp ? eq + 1 : amp; val[1] = amp;
      return amp + 1;
    }
    i = amp + 1;
  }
  return -1;
}

const reqBody: FetchDef = {
  name: 'req.body', defaultMatch: -1, needsArg: false, bool: false,
  run(ctx, _arg, match, p) {
    const b = bodyOf(ctx);
    return b !== null && match(p, b, span[0], span[1]);
  },
};

const reqBodyLen: FetchDef = {
  name: 'req.body_len', defaultMatch: ACL_M_INT, needsArg: false, bool: false,
  run(ctx, _arg, match, p) {
    if (ctx.bodyView === undefined) return false;
    const n = bodyOf(ctx) === null ? 0 : span[1] - span[0];
    return match(p, intBuf, 0, intText(n));
  },
};

const reqBodySize: FetchDef = {
  name: 'req.body_size', defaultMatch: ACL_M_INT, needsArg: false, bool: false,
  run(ctx, _arg, match, p) {
    const v = ctx.bodyView;
    return v !== undefined && match(p, intBuf, 0, intText(v.bodySize()));
  },
};

const reqBodyParam: FetchDef = {
  name: 'req.body_param', defaultMatch: -1, needsArg: false, bool: false, argCase: true,
  run(ctx, arg, match, p) {
    const b = bodyOf(ctx);
    if (b === null) return false;
    const e = span[1];
    for (let i = nextParam(b, span[0], e, arg); i >= 0; i = nextParam(b, i, e, arg)) if (match(p, b, val[0], val[1])) return true;
    return false;
  },
};

/** ACL criteria; a defaultMatch of -1 makes the ACL compiler ask for `-m` as 2.6 does for binary samples. */
export const BODY_ACL_FETCHES: readonly FetchDef[] = [reqBody, reqBodyLen, reqBodySize, reqBodyParam];

/** `%[req.body]`, `%[req.body_len]`, `%[req.body_size]`, `%[req.body_param(<name>)]` in log-format values. */
export function bodyLogArgFetch(head: string): LogFetch | undefined {
  if (head === 'req.body') {
    return () => { const b = bodyOf(sampleLive.req); return b === null ? null : b.toString('latin1', span[0], span[1]); };
  }
  if (head === 'req.body_len') {
    return () => { const c = sampleLive.req; if (c === null || c.bodyView === undefined) return null; return bodyOf(c) === null ? 0 : span[1] - span[0]; };
  }
  if (head === 'req.body_size') {
    return () => { const c = sampleLive.req; return c === null || c.bodyView === undefined ? null : c.bodyView.bodySize(); };
  }
  if (head === 'req.body_param' || head.startsWith('req.body_param(')) {
    const name = Buffer.from(head.length > 15 && head.endsWith(')') ? head.slice(15, -1) : '', 'latin1');
    return () => {
      const b = bodyOf(sampleLive.req);
      if (b === null) return null;
      return nextParam(b, span[0], span[1], name) < 0 ? null : b.toString('latin1', val[0], val[1]);
    };
  }
  return undefined;
}
