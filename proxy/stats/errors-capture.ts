/*
 * The `show errors` capture store: the HTTP side calls captureHttpError() when it rejects a request (400 from the
 * parser) or a server response (502), and the last event of each kind is kept per proxy (requests on the frontend,
 * responses on the backend), with a global event counter, as HAProxy does. Copies at most CAPTURE_MAX bytes.
 * Hot path: no (only on protocol errors).
 */
import type { Proxy, Server } from '../model/types.ts';
import type { ErrorSnapshot } from './types.ts';

/** Bytes kept per capture (tune.bufsize). */
export const CAPTURE_MAX = 16384;

const reqErrors = new Map<Proxy, ErrorSnapshot>();
const rspErrors = new Map<Proxy, ErrorSnapshot>();
let events = 0;

/**
 * Records a protocol error. `px` is the frontend (request) or backend (response) that rejected the message, `other`
 * the backend (for a request, null if none chosen yet) or frontend (for a response); `buf[start, end)` the message
 * bytes as received, `errPos` the offending byte relative to `start` (-1 if unknown); `src` the client `ip:port`.
 * Does not keep `buf` (copies the bytes).
 */
export function captureHttpError(px: Proxy, isResp: boolean, other: Proxy | null, srv: Server | null, src: string,
  buf: Buffer, start: number, end: number, errPos: number): void {
  const len = Math.min(end - start, CAPTURE_MAX);
  const copy = Buffer.allocUnsafe(len > 0 ? len : 0);
  if (len > 0) buf.copy(copy, 0, start, start + len);
  const snap: ErrorSnapshot = {
    whenMs: Date.now(), px, isResp, otherPx: other, srv, eventId: events++, src, buf: copy, errPos,
  };
  (isResp ? rspErrors : reqErrors).set(px, snap);
}

/** Total events captured since start (the `show errors` header count). */
export function errorEventCount(): number { return events; }

/** The last captured request (isResp false) or response error of `px`, or undefined. */
export function lastError(px: Proxy, isResp: boolean): ErrorSnapshot | undefined {
  return (isResp ? rspErrors : reqErrors).get(px);
}

/** Forgets every capture (tests). */
export function clearErrorCaptures(): void { reqErrors.clear(); rspErrors.clear(); events = 0; }
