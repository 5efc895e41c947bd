/* Allocation of record batch memory in SharedArrayBuffers: a batch filled on the parsing thread is read by the sink
 * worker's Parquet encoder in place (sinks/threaded.ts posts the views, which share the memory instead of copying it).
 * The memory is zeroed. Parsing bench:collect's 1 M rows into such batches costs the same as into ArrayBuffer ones
 * (4 rounds x 2 alternated runs, CPU us/row: 0.86-0.94 either way once warm). Used by batcher.ts. Hot path: no (per
 * batch allocation and growth only).
 */

/** A zeroed Buffer of `n` bytes over its own SharedArrayBuffer. */
export function sharedBytes(n: number): Buffer {
  return Buffer.from(new SharedArrayBuffer(n));
}

export function sharedI32(n: number): Int32Array {
  return new Int32Array(new SharedArrayBuffer(n * 4));
}

export function sharedU8(n: number): Uint8Array {
  return new Uint8Array(new SharedArrayBuffer(n));
}

export function sharedF64(n: number): Float64Array {
  return new Float64Array(new SharedArrayBuffer(n * 8));
}
