// Stats socket client: the only hatop module that touches a socket. One persistent session in prompt
// mode (`prompt`, then each reply ends with "\n> "), a FIFO of commands sent one at a time, a timeout
// per command, reconnect with exponential back-off, and the connection state for the header.
// It does not parse replies (model.ts does). Called by main.ts; app.tsx sees it as a StatsSource.
// Hot path: no (a few commands per refresh).
import net from 'node:net';
import { StringDecoder } from 'node:string_decoder';
import type { CliResult, ConnState, StatsSource, Target } from './types.ts';
import { hatopError } from './errors.ts';

export interface ClientOptions {
  /** Per-command bound; the session is dropped and reopened when a reply takes longer. Default 5000. */
  readonly timeoutMs?: number;
  /** First reconnect delay, doubled per failure up to backoffMaxMs. Defaults 250 / 5000. */
  readonly backoffMinMs?: number;
  readonly backoffMaxMs?: number;
  /** Idle timeout asked of the server with `set timeout cli`, seconds. Default 60 (as HATop). */
  readonly cliTimeoutSec?: number;
}

interface Pending {
  readonly cmd: string;
  readonly internal: boolean;
  readonly resolve: (r: CliResult) => void;
}

const PROMPT_END = '\n> ';

/** Strips the prompt terminator: "out\n\n> " -> "out\n", "\n> " -> "", "garbage\n> " -> "garbage". */
export function replyBody(buf: string): string {
  return buf.slice(0, buf.length - PROMPT_END.length);
}

function onSocketError(this: net.Socket, err: NodeJS.ErrnoException): void {
  // The 'close' event follows; remember the code for the state line.
  (this as net.Socket & { lastErr?: string }).lastErr = err.code ?? err.message;
}

export class StatsClient implements StatsSource {
  readonly label: string;
  private readonly target: Target;
  private readonly timeoutMs: number;
  private readonly backoffMinMs: number;
  private readonly backoffMaxMs: number;
  private readonly cliTimeoutSec: number;
  private sock: net.Socket | null = null;
  private decoder = new StringDecoder('utf8');
  private buf = '';
  private inflight: Pending | null = null;
  private readonly queue: Pending[] = [];
  private timer: NodeJS.Timeout | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private state: ConnState = { phase: 'connecting', attempt: 0, error: '', retryAt: 0, level: '' };
  private readonly listeners = new Set<(st: ConnState) => void>();
  private closed = false;

  constructor(target: Target, opts: ClientOptions = {}) {
    this.target = target;
    this.label = target.label;
    this.timeoutMs = opts.timeoutMs ?? 5000;
    this.backoffMinMs = opts.backoffMinMs ?? 250;
    this.backoffMaxMs = opts.backoffMaxMs ?? 5000;
    this.cliTimeoutSec = opts.cliTimeoutSec ?? 60;
    this.open();
  }

  conn(): ConnState {
    return this.state;
  }

  onConn(cb: (st: ConnState) => void): () => void {
    this.listeners.add(cb);
    return () => this.listeners.delete(cb);
  }

  /** Queues one command (no newline inside). Resolves, never rejects: ok=false on transport errors,
   * including "not connected" while the session is down (callers retry on their next refresh). */
  request(cmd: string): Promise<CliResult> {
    if (cmd.includes('\n')) return Promise.resolve({ ok: false, text: hatopError('CMD_NEWLINE') });
    if (this.closed) return Promise.resolve({ ok: false, text: hatopError('CLOSED') });
    if (this.state.phase === 'down') {
      return Promise.resolve({ ok: false, text: hatopError('NOT_CONNECTED', this.state.error) });
    }
    return new Promise((resolve) => {
      this.queue.push({ cmd, internal: false, resolve });
      this.pump();
    });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.failAll(hatopError('CLOSED'));
    if (this.sock) {
      if (this.state.phase === 'up') this.sock.end('quit\n');
      else this.sock.destroy();
      this.sock.unref();
    }
    this.setState({ ...this.state, phase: 'closed', retryAt: 0 });
  }

  reconnect(why: string): void {
    const s = this.sock as (net.Socket & { lastErr?: string }) | null;
    if (this.closed || s === null || this.state.phase !== 'up') return;
    s.lastErr = why;
    s.end('quit\n');
    // a server that does not close on `quit` is dropped after the per-command bound
    setTimeout(() => { if (!s.destroyed) s.destroy(); }, this.timeoutMs).unref();
  }

  private setState(st: ConnState): void {
    this.state = st;
    for (const cb of this.listeners) cb(st);
  }

  private open(): void {
    this.buf = '';
    this.decoder = new StringDecoder('utf8');
    this.setState({ ...this.state, phase: 'connecting', retryAt: 0 });
    const t = this.target;
    const sock = t.kind === 'unix' ? net.createConnection(t.path) : net.createConnection(t.port, t.host);
    this.sock = sock;
    sock.on('error', onSocketError);
    sock.on('connect', () => this.onConnect());
    sock.on('data', (d: Buffer) => this.onData(sock, d));
    sock.on('close', () => this.onClose(sock));
  }

  private onConnect(): void {
    // Session set-up runs ahead of anything queued: prompt mode, a long idle timeout, our level.
    const setup: Pending[] = [
      { cmd: 'prompt', internal: true, resolve: () => {} },
      { cmd: `set timeout cli ${this.cliTimeoutSec}`, internal: true, resolve: () => {} },
      {
        cmd: 'show cli level',
        internal: true,
        resolve: (r) => {
          const lvl = r.text.trim();
          const level = lvl === 'admin' || lvl === 'operator' || lvl === 'user' ? lvl : '';
          this.setState({ phase: 'up', attempt: 0, error: '', retryAt: 0, level });
        },
      },
    ];
    this.queue.unshift(...setup);
    this.pump();
  }

  private pump(): void {
    if (this.inflight || !this.sock || this.sock.connecting || this.sock.destroyed) return;
    const next = this.queue.shift();
    if (!next) return;
    this.inflight = next;
    this.buf = '';
    this.timer = setTimeout(() => this.onTimeout(), this.timeoutMs);
    this.sock.write(next.cmd + '\n');
  }

  private onData(sock: net.Socket, d: Buffer): void {
    if (sock !== this.sock) return;
    this.buf += this.decoder.write(d);
    // The `prompt` command's own reply is "\n> " too, so one rule delimits every reply.
    if (!this.inflight || !this.buf.endsWith(PROMPT_END)) return;
    const done = this.inflight;
    this.inflight = null;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const text = replyBody(this.buf);
    this.buf = '';
    done.resolve({ ok: true, text });
    this.pump();
  }

  private onTimeout(): void {
    this.timer = null;
    const s = this.sock as (net.Socket & { lastErr?: string }) | null;
    if (s) {
      s.lastErr = hatopError('TIMEOUT', this.timeoutMs);
      s.destroy();
    }
  }

  private failAll(why: string): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const all = this.inflight ? [this.inflight, ...this.queue] : [...this.queue];
    this.inflight = null;
    this.queue.length = 0;
    for (const p of all) p.resolve({ ok: false, text: why });
  }

  private onClose(sock: net.Socket): void {
    if (sock !== this.sock) return;
    this.sock = null;
    if (this.closed) return;
    const err = (sock as net.Socket & { lastErr?: string }).lastErr ?? 'connection closed by peer';
    this.failAll(hatopError('CONN_LOST', err));
    const attempt = this.state.attempt + 1;
    const delay = Math.min(this.backoffMaxMs, this.backoffMinMs * 2 ** Math.min(attempt - 1, 20));
    this.setState({ phase: 'down', attempt, error: err, retryAt: Date.now() + delay, level: this.state.level });
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (!this.closed) this.open();
    }, delay);
  }
}
