/* Docker's json-file log driver (/var/lib/docker/containers/<id>/<id>-json.log, HAProxy logging to stdout in a
 * container): one `{"log":"<line>\n","stream":"stdout","time":"..."}` object per line, the HAProxy line JSON-escaped
 * (`\"GET / HTTP/1.1\"`) and cut into several objects past 16 KiB (only the last one ends in `\n`). sluice-collect's
 * --read hands such files here instead of to the byte-level reader: each line is unwrapped and ingested. Not a fast
 * path (JSON.parse per line, ~1-2 us); other files never come here. Hot path: no.
 */
import fs from 'node:fs';
import readline from 'node:readline';
import zlib from 'node:zlib';
import type { Ingest } from './ingest.ts';

const DOCKER_PREFIX = Buffer.from('{"log":');

/** Reads the first bytes of `path` (a plain or gzipped file; '-' is stdin, never docker here): true for json-file logs. */
export async function isDockerJsonFile(path: string): Promise<boolean> {
  if (path === '-') return false;
  const fh = await fs.promises.open(path, 'r');
  try {
    const head = Buffer.alloc(512);
    const n = (await fh.read(head, 0, head.length, 0)).bytesRead;
    if (n >= 2 && head[0] === 0x1f && head[1] === 0x8b) {
      try {
        const plain = zlib.gunzipSync(head.subarray(0, n), { finishFlush: zlib.constants.Z_SYNC_FLUSH });
        return plain.subarray(0, DOCKER_PREFIX.length).equals(DOCKER_PREFIX);
      } catch {
        return false;
      }
    }
    return n >= DOCKER_PREFIX.length && head.subarray(0, DOCKER_PREFIX.length).equals(DOCKER_PREFIX);
  } finally {
    await fh.close();
  }
}

/**
 * Ingests a json-file log: the `log` strings of consecutive objects are joined until one ends in `\n`, then ingested
 * as one message (UTF-8, without the `\n`). A line that is not such an object is ingested as it is (a raw_log row).
 * Waits for room in the ingest queue every 1024 lines; stops when the ingest failed.
 */
export async function ingestDockerJson(path: string, ingest: Ingest): Promise<void> {
  const fh = await fs.promises.open(path, 'r');
  try {
    const magic = Buffer.alloc(2);
    const gz = (await fh.read(magic, 0, 2, 0)).bytesRead === 2 && magic[0] === 0x1f && magic[1] === 0x8b;
    const rs = fh.createReadStream({ start: 0, autoClose: false });
    let input: NodeJS.ReadableStream = rs;
    if (gz) {
      const z = zlib.createGunzip();
      rs.on('error', (e) => z.destroy(e));
      input = rs.pipe(z);
    }
    const rl = readline.createInterface({ input, crlfDelay: Infinity });
    let pending = '';
    let n = 0;
    for await (const line of rl) {
      if (line.length === 0) continue;
      let log: unknown;
      try { log = (JSON.parse(line) as { log?: unknown }).log; } catch { log = undefined; }
      if (typeof log !== 'string') {
        const b = Buffer.from(line, 'utf8');
        ingest.onMessage(b, 0, b.length, '', Date.now());
      } else {
        pending += log;
        // a line longer than any message the ingest keeps goes on as it is (a raw_log `oversized` row), so a file of
        // parts that never end in '\n' cannot grow `pending` without bound
        if (!pending.endsWith('\n') && pending.length <= ingest.maxMessage) continue;
        const b = Buffer.from(pending, 'utf8');
        pending = '';
        const e = b[b.length - 1] === 10 ? b.length - 1 : b.length;
        if (e > 0) ingest.onMessage(b, 0, e, '', Date.now());
      }
      if ((++n & 1023) === 0) {
        await ingest.waitForRoom(2);
        if (ingest.failed) { rl.close(); return; }
      }
    }
    if (pending.length > 0) {
      const b = Buffer.from(pending, 'utf8');
      ingest.onMessage(b, 0, b.length, '', Date.now());
    }
  } finally {
    await fh.close();
  }
}
