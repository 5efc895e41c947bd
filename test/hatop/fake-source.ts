// A StatsSource answering from recorded HAProxy 2.6 replies, recording every command sent.
import { readFileSync } from 'node:fs';
import type { CliResult, ConnState, StatsSource } from '../../hatop/types.ts';

const FIX = new URL('../../fixtures/hatop/haproxy-2.6/', import.meta.url);
export const readFixture = (f: string): string => readFileSync(new URL(f, FIX), 'utf8');

export class FakeSource implements StatsSource {
  readonly label: string;
  readonly sent: string[] = [];
  info = readFixture('show-info.txt');
  stat = readFixture('show-stat.txt');
  /** Reply text per exact command; anything else (actions) answers '' like HAProxy on success. */
  readonly replies = new Map<string, string>();
  /** Reply to every non-show command (e.g. 'Permission denied\n' for a user-level socket). */
  refuseWith = '';
  state: ConnState = { phase: 'up', attempt: 0, error: '', retryAt: 0, level: 'admin' };
  private readonly subs = new Set<(s: ConnState) => void>();

  constructor(label = '/run/haproxy/admin.sock') {
    this.label = label;
  }

  request(cmd: string): Promise<CliResult> {
    this.sent.push(cmd);
    if (this.state.phase !== 'up') return Promise.resolve({ ok: false, text: `not connected: ${this.state.error}` });
    if (cmd === 'show info') return Promise.resolve({ ok: true, text: this.info });
    if (cmd === 'show stat') return Promise.resolve({ ok: true, text: this.stat });
    const r = this.replies.get(cmd);
    if (r !== undefined) return Promise.resolve({ ok: true, text: r });
    return Promise.resolve({ ok: true, text: this.refuseWith });
  }

  conn(): ConnState {
    return this.state;
  }

  setConn(s: ConnState): void {
    this.state = s;
    for (const cb of this.subs) cb(s);
  }

  onConn(cb: (st: ConnState) => void): () => void {
    this.subs.add(cb);
    return () => this.subs.delete(cb);
  }

  close(): void {}

  actions(): string[] {
    return this.sent.filter((c) => c !== 'show info' && c !== 'show stat');
  }
}

// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;]*[A-Za-z]/g;
export const plain = (s: string | undefined): string => (s ?? '').replace(ANSI, '');

/** Polls `frame()` until `pred` holds; fails after `ms`. */
export async function waitFor(frame: () => string, pred: (f: string) => boolean, ms = 3000): Promise<string> {
  const end = Date.now() + ms;
  for (;;) {
    const f = frame();
    if (pred(f)) return f;
    if (Date.now() > end) throw new Error('timed out waiting; last frame:\n' + f);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export const KEY = {
  up: '\x1b[A',
  down: '\x1b[B',
  enter: '\r',
  escape: '\x1b',
  pageDown: '\x1b[6~',
  f2: '\x1bOQ',
  f3: '\x1bOR',
  backspace: '\x7f',
} as const;
