/* Unix datagram syslog listener (`unix-dgram:///path`: what HAProxy's `log /dev/log` or `log unix@/path` sends to)
 * on the optional native `unix-dgram` package, since node:dgram has no AF_UNIX. One datagram is one message. The
 * addon polls on the main event loop (uv_default_loop), so this listener receives on the main thread, unlike UDP.
 * Linux queues at most net.unix.max_dgram_qlen (10) datagrams per socket; then senders get EAGAIN (HAProxy drops
 * and counts the line), so a collector busy for more than ~10 lines costs lines at the sender: raise the sysctl.
 * A stale socket file at the path is replaced; anything else there is an error. Hot path: the message handler.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';

/** Called per datagram: `buf` is the whole message, `peer` the sender's bound path ('' when it has none). */
export type UnixDatagramHandler = (buf: Buffer, peer: string) => void;

export interface UnixDgramListener {
  readonly kind: 'unix-dgram';
  readonly path: string;
  close(): Promise<void>;
}

interface UnixDgramSocket {
  on(ev: 'message', f: (buf: Buffer, rinfo: { path?: string | null }) => void): void;
  on(ev: 'error', f: (e: Error) => void): void;
  once(ev: 'error', f: (e: Error) => void): void;
  removeAllListeners(ev: string): void;
  bind(path: string): void;
  close(): void;
}

const MISSING = 'unix datagram sockets need the optional package unix-dgram (npm install unix-dgram@2.0.7; it builds with node-gyp)';

/**
 * Binds a unix datagram socket at `path` (absolute) and hands each datagram to `onMessage`. Throws when the package
 * is missing, the path holds something other than a socket, or bind fails (`bind EACCES /path`). Errors after
 * binding go to `onError`; close() closes the socket and removes its file.
 */
export function listenUnixDgram(path: string, onMessage: UnixDatagramHandler, onError: (e: Error) => void): UnixDgramListener {
  let lib: { createSocket(type: 'unix_dgram'): UnixDgramSocket };
  try {
    lib = createRequire(import.meta.url)('unix-dgram') as typeof lib;
  } catch (e) {
    throw new Error(MISSING + ': ' + (e as Error).message.split('\n')[0]);
  }
  let st: fs.Stats | null = null;
  try { st = fs.lstatSync(path); } catch { st = null; }
  if (st !== null) {
    if (!st.isSocket()) throw new Error(path + ' exists and is not a socket');
    fs.unlinkSync(path);   // left by a previous run (a datagram socket's file outlives its process)
  }
  const sock = lib.createSocket('unix_dgram');
  let err: Error | null = null;
  sock.once('error', (e) => { err = e; });
  sock.bind(path);   // emits 'error' or 'listening' before it returns
  if (err !== null) {
    try { sock.close(); } catch { /* not open */ }
    throw namedErrno(err, path);
  }
  sock.removeAllListeners('error');
  sock.on('error', onError);
  sock.on('message', (buf, rinfo) => onMessage(buf, rinfo.path ?? ''));
  let open = true;
  return {
    kind: 'unix-dgram', path,
    close: async () => {
      if (!open) return;
      open = false;
      sock.close();
      fs.rmSync(path, { force: true });
    },
  };
}

/** The package reports `bind -98`: name the errno (EADDRINUSE) and the path, like node's own errors. */
function namedErrno(e: Error, path: string): Error {
  const n = -Number((e as NodeJS.ErrnoException).code);
  const name = Object.entries(os.constants.errno).find(([, v]) => v === n)?.[0];
  return name === undefined ? e : Object.assign(new Error((e as NodeJS.ErrnoException).syscall + ' ' + name + ' ' + path), { code: name });
}
