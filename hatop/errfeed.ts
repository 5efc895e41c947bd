// Tails a collector's JSON-lines file (one log record per line, field names of DESIGN.md's
// `http_log` table) and keeps the latest error records: 5xx, status -1 (no response) or an
// abnormal termination state. Reads only bytes appended since the last poll; a file that shrank
// (rotated/truncated) is read again from the start. Decoupled from collectors/: only the file path
// and the field names are shared. Called by app.tsx on each refresh. Hot path: no.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import type { ErrorEvent } from './types.ts';

const CHUNK = 256 * 1024;

function str(v: unknown): string {
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '';
}

function tsText(v: unknown): string {
  if (typeof v === 'number') return new Date(v).toISOString().slice(11, 19);
  const s = str(v);
  const t = s.indexOf('T');
  return t > 0 ? s.slice(t + 1, t + 9) : s;
}

/** The error event in one JSON line, or null for a non-error record or a bad line. */
export function errorFromJson(line: string): ErrorEvent | null {
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return null;
  }
  if (o === null || typeof o !== 'object') return null;
  const status = typeof o.status === 'number' ? o.status : Number(o.status ?? NaN);
  const term = str(o.term_state);
  const abnormal = term.length > 0 && term[0] !== '-';
  if (!(status >= 500 || status === -1 || abnormal)) return null;
  return {
    ts: tsText(o.ts ?? o.log_ts),
    frontend: str(o.frontend),
    backend: str(o.backend),
    server: str(o.server),
    status: Number.isNaN(status) ? -1 : status,
    termState: term,
    method: str(o.method),
    uri: str(o.uri),
    clientIp: str(o.client_ip),
  };
}

export class ErrorFeed {
  readonly source: string;
  private readonly max: number;
  private offset = 0;
  private rest = '';
  private events: ErrorEvent[] = [];
  /** Lines that were not JSON objects (counted, skipped). */
  bad = 0;

  /** `fromEnd`: start at the current end of the file (only errors from now on). */
  constructor(path: string, max = 50, fromEnd = false) {
    this.source = path;
    this.max = max;
    if (fromEnd) {
      try {
        const fd = openSync(path, 'r');
        this.offset = fstatSync(fd).size;
        closeSync(fd);
      } catch {
        this.offset = 0;
      }
    }
  }

  /** Reads what was appended and returns the latest errors, oldest first. A missing file is not an
   * error (the collector may start later). */
  poll(): readonly ErrorEvent[] {
    let fd: number;
    try {
      fd = openSync(this.source, 'r');
    } catch {
      return this.events;
    }
    try {
      const size = fstatSync(fd).size;
      if (size < this.offset) {
        this.offset = 0;
        this.rest = '';
      }
      const buf = Buffer.allocUnsafe(CHUNK);
      let added = false;
      while (this.offset < size) {
        const n = readSync(fd, buf, 0, Math.min(CHUNK, size - this.offset), this.offset);
        if (n <= 0) break;
        this.offset += n;
        const text = this.rest + buf.toString('utf8', 0, n);
        const lastNl = text.lastIndexOf('\n');
        this.rest = lastNl < 0 ? text : text.slice(lastNl + 1);
        let pos = 0;
        while (pos <= lastNl) {
          const nl = text.indexOf('\n', pos);
          const line = text.slice(pos, nl);
          pos = nl + 1;
          if (line.trim() === '') continue;
          const ev = errorFromJson(line);
          if (ev === null) {
            if (line.trimStart()[0] !== '{') this.bad++;
            continue;
          }
          this.events.push(ev);
          added = true;
        }
      }
      if (added && this.events.length > this.max) this.events = this.events.slice(this.events.length - this.max);
      else if (added) this.events = this.events.slice();
    } finally {
      closeSync(fd);
    }
    return this.events;
  }
}
