/*
 * Log senders: one sink per `log` target, created at config finalization. UDP (one connected dgram socket per
 * target), unix datagram (a small perl helper per target, as Node has no AF_UNIX datagram sockets), stdout/stderr
 * (async fd writes, coalesced). Every sink copies the line before returning, never blocks, and drops (and counts in
 * `logCounters`) when its bounded queue is full. Callers: log/emit.ts (send), log/keywords.ts (create), proxy stop
 * (closeLogSinks). Hot path: yes (send).
 */
import dgram from 'node:dgram';
import fs from 'node:fs';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import type { LogSink, LogTarget } from './types.ts';
import { LOG_TGT_UDP, LOG_TGT_UNIX } from './types.ts';

/**
 * Process-wide log counters. The stats module exports `dropped` as `DroppedLogs` in `show info`.
 * `sent` counts lines handed to the kernel or helper; `dropped` lines refused because a queue was full or the target
 * was unusable; `errors` send errors reported by the kernel (e.g. ECONNREFUSED from a closed UDP port).
 */
export const logCounters = { sent: 0, dropped: 0, errors: 0 };

/** Lines a sink may hold before dropping (UDP kernel send queue entries, pending fd/helper writes). */
export const LOG_QUEUE_MAX = 4096;

const openTargets: LogTarget[] = [];

function onSockError(): void {
  logCounters.errors++;
}

class UdpSink implements LogSink {
  readonly sock: dgram.Socket;
  connected = false;
  closed = false;
  /** Lines sent before `connect` completed (at most LOG_QUEUE_MAX), flushed once connected. */
  early: Buffer[] = [];

  constructor(host: string, port: number, family: 4 | 6) {
    this.sock = dgram.createSocket(family === 6 ? 'udp6' : 'udp4');
    this.sock.on('error', onSockError);
    this.sock.unref();
    this.sock.connect(port, host, () => {
      this.connected = true;
      const early = this.early;
      this.early = [];
      for (let i = 0; i < early.length; i++) this.sock.send(early[i]);
    });
  }

  send(line: Buffer): void {
    if (!this.connected) {
      if (this.closed || this.early.length >= LOG_QUEUE_MAX) { logCounters.dropped++; return; }
      this.early.push(line);
      logCounters.sent++;
      return;
    }
    // Without a callback Node tries a synchronous sendto first; only EAGAIN queues in libuv.
    if (this.sock.getSendQueueCount() >= LOG_QUEUE_MAX) { logCounters.dropped++; return; }
    this.sock.send(line);
    logCounters.sent++;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    try { this.sock.close(); } catch { /* already closed */ }
  }
}

/** Async, ordered, coalesced writes to a file descriptor (stdout = 1, stderr = 2). */
class FdSink implements LogSink {
  pending: Buffer[] = [];
  pendingLines = 0;
  writing = false;
  readonly onWritten: (err: NodeJS.ErrnoException | null) => void;

  constructor(readonly fd: number) {
    this.onWritten = (err) => {
      if (err !== null) logCounters.errors++;
      this.writing = false;
      this.flush();
    };
  }

  send(line: Buffer): void {
    if (this.pendingLines >= LOG_QUEUE_MAX) { logCounters.dropped++; return; }
    this.pending.push(line);
    this.pendingLines++;
    logCounters.sent++;
    if (!this.writing) this.flush();
  }

  flush(): void {
    if (this.pending.length === 0) return;
    const chunk = this.pending.length === 1 ? this.pending[0] : Buffer.concat(this.pending);
    this.pending = [];
    this.pendingLines = 0;
    this.writing = true;
    fs.write(this.fd, chunk, 0, chunk.length, null, this.onWritten);
  }

  close(): void {
    this.pending = [];
  }
}

/* Frames on the helper's stdin: 2-byte big-endian length + datagram. */
const UNIX_HELPER = 'use Socket; binmode STDIN; socket(S, PF_UNIX, SOCK_DGRAM, 0) or exit 1; ' +
  'my $a = sockaddr_un($ARGV[0]); my ($h, $m); ' +
  'while (read(STDIN, $h, 2) == 2) { my $n = unpack("n", $h); last if read(STDIN, $m, $n) != $n; send(S, $m, 0, $a); }';

class UnixDgramSink implements LogSink {
  child: ChildProcess | null;
  dead = false;

  constructor(path: string) {
    this.child = spawn('perl', ['-e', UNIX_HELPER, path], { stdio: ['pipe', 'ignore', 'ignore'] });
    this.child.on('error', () => { this.dead = true; });
    this.child.on('exit', () => { this.dead = true; });
    this.child.stdin?.on('error', onSockError);
    this.child.unref();
    (this.child.stdin as unknown as { unref?: () => void } | null)?.unref?.();
  }

  send(line: Buffer): void {
    const w = this.child?.stdin;
    if (this.dead || !w || w.writableLength > LOG_QUEUE_MAX * 256) { logCounters.dropped++; return; }
    const len = line.length > 65535 ? 65535 : line.length;
    const c = Buffer.allocUnsafe(2);
    c.writeUInt16BE(len, 0);
    w.write(c);
    w.write(len === line.length ? line : line.subarray(0, len));
    logCounters.sent++;
  }

  close(): void {
    if (this.child !== null) { this.child.stdin?.end(); this.child = null; }
    this.dead = true;
  }
}

/** Returns the sink of `t`, creating it on first use (one UDP socket / helper / fd writer per target). */
export function openLogSink(t: LogTarget): LogSink {
  if (t.sink !== null) return t.sink;
  const sink: LogSink = t.kind === LOG_TGT_UDP ? new UdpSink(t.host, t.port, t.family)
    : t.kind === LOG_TGT_UNIX ? new UnixDgramSink(t.path) : new FdSink(t.fd);
  t.sink = sink;
  openTargets.push(t);
  return sink;
}

/** Closes every sink opened so far (proxy stop / reload); targets open new ones on their next line. */
export function closeLogSinks(): void {
  for (const t of openTargets) {
    if (t.sink !== null) t.sink.close();
    t.sink = null;
  }
  openTargets.length = 0;
}
