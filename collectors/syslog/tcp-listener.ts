/* TCP (and unix stream socket) syslog listener: one RFC 6587 decoder per connection, frames handed to a callback
 * with the peer address. Connections are tracked so close() can end them. Hot path: the data handler.
 */
import net from 'node:net';
import fs from 'node:fs';
import { SyslogStreamDecoder } from './octet-counting.ts';
import type { FrameHandler } from './octet-counting.ts';

/** Called per frame: buf[start,end) with the peer address; `cut` as octet-counting.ts's FrameHandler. */
export type StreamFrameHandler = (buf: Buffer, start: number, end: number, peer: string, cut: number) => void;

export interface StreamListener {
  readonly kind: 'tcp' | 'unix';
  readonly address: string;
  readonly port: number;
  connections(): number;
  close(): Promise<void>;
}

class Conn {
  readonly decoder: SyslogStreamDecoder;
  readonly peer: string;
  readonly emit: FrameHandler;
  constructor(peer: string, maxFrame: number, onFrame: StreamFrameHandler) {
    this.peer = peer;
    this.decoder = new SyslogStreamDecoder(maxFrame);
    this.emit = (buf, s, e, cut) => onFrame(buf, s, e, peer, cut);
  }
}

/**
 * Listens on TCP `host:port`, or on a unix stream socket when `path` is given (a stale socket file is replaced).
 * Resolves when listening; rejects with the listen error.
 */
export function listenStream(where: { host: string; port: number } | { path: string }, onFrame: StreamFrameHandler,
  onError: (e: Error) => void, maxFrame = 65536): Promise<StreamListener> {
  const socks = new Set<net.Socket>();
  const server = net.createServer((s) => {
    const c = new Conn('path' in where ? 'unix:' + where.path : (s.remoteAddress ?? '') + ':' + (s.remotePort ?? 0), maxFrame, onFrame);
    socks.add(s);
    s.on('data', (d: Buffer) => c.decoder.push(d, c.emit));
    s.on('end', () => c.decoder.end(c.emit));
    s.on('error', () => { /* a peer reset only ends that connection */ });
    // A peer that never closed its half (destroyed at shutdown, or reset) still hands over its unterminated frame.
    s.on('close', () => { c.decoder.end(c.emit); socks.delete(s); });
  });
  if ('path' in where) { try { if (fs.statSync(where.path).isSocket()) fs.unlinkSync(where.path); } catch { /* absent */ } }
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    const ready = (): void => {
      server.off('error', reject);
      server.on('error', onError);
      const a = server.address();
      resolve({
        kind: 'path' in where ? 'unix' : 'tcp',
        address: typeof a === 'string' ? a : a?.address ?? '',
        port: typeof a === 'object' && a ? a.port : 0,
        connections: () => socks.size,
        close: async () => {
          // Waits for every connection's own 'close' handler (its unterminated frame) too: the server's close
          // callback runs first, and the collector then stopped ingesting before the frame arrived.
          const done = [...socks].map((s) => new Promise<void>((r) => s.once('close', () => r())));
          for (const s of socks) s.end();
          const stopped = new Promise<void>((r) => server.close(() => r()));
          setTimeout(() => { for (const s of socks) s.destroy(); }, 500).unref();
          await Promise.all([stopped, ...done]);
        },
      });
    };
    if ('path' in where) server.listen(where.path, ready);
    else server.listen(where.port, where.host, ready);
  });
}
