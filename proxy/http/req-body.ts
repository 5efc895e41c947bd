/*
 * Helpers for waiting on a request body before the rules go on (`option http-buffer-request`, `http-request
 * wait-for-body`): de-chunking what was received for the req.body* fetches, telling whether a chunked body ended, and
 * the wait request of the option. Called by http/stream.ts only when a proxy waits for bodies or a rule reads one.
 * Hot path: no (configured features only).
 */
import { ChunkState, chunkDecode } from './chunked.ts';
import { CHK_ST_DONE } from './types.ts';
import { RULES_WAIT_BODY, type RuleOut } from './rules.ts';

const st = new ChunkState();
const EMPTY = Buffer.alloc(0);

/** The data of the chunks in buf[s, e), in a new Buffer (allocates; empty on a malformed or empty body). */
export function chunkedData(buf: Buffer, s: number, e: number): Buffer {
  st.reset();
  if (chunkDecode(st, buf, s, e) < 0 || st.dataBytes === 0) return EMPTY;
  const out = Buffer.allocUnsafe(st.dataBytes);
  let o = 0;
  for (let i = 0; i < st.nspans; i++) o += buf.copy(out, o, st.spans[2 * i], st.spans[2 * i + 1]);
  return out;
}

/** True when buf[s, e) holds a whole chunked body, or a malformed one (the forwarding will reject it). */
export function chunkedEnds(buf: Buffer, s: number, e: number): boolean {
  st.reset();
  return chunkDecode(st, buf, s, e) < 0 || st.state === CHK_ST_DONE;
}

/** `option http-buffer-request`: a wait at the proxy's first rule for the whole body, bounded by `timeout http-request`. */
export function bufferRequestWait(out: RuleOut): number {
  out.waitAt = 0; out.waitMs = -1; out.waitLeast = 0;
  return RULES_WAIT_BODY;
}
