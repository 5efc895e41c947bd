/* UDP syslog listener on node:dgram (IPv4 or IPv6): asks for a large SO_RCVBUF and reports what the kernel granted,
 * hands each datagram to a callback, and reads the socket's kernel drop counter from /proc/net/udp{,6}.
 * Hot path: the message handler (one call per datagram, no per-datagram closure).
 */
import dgram from 'node:dgram';
import fs from 'node:fs';

export type DatagramHandler = (buf: Buffer, peer: string) => void;

export interface UdpListener {
  readonly kind: 'udp';
  readonly address: string;
  readonly port: number;
  /** SO_RCVBUF as granted by the kernel (Linux reports twice the requested value, capped by rmem_max). */
  readonly recvBufferSize: number;
  /** Kernel drops for this socket since it opened (0 when /proc is unavailable). */
  drops(): number;
  close(): Promise<void>;
}

/**
 * Binds `host:port` (port 0 = any). Resolves once bound; rejects with the bind error (EADDRINUSE, EACCES...).
 * Socket errors after binding go to `onError`.
 */
export function listenUdp(host: string, port: number, onMessage: DatagramHandler, onError: (e: Error) => void,
  recvBufferSize = 8 * 1024 * 1024): Promise<UdpListener> {
  const v6 = host.includes(':');
  const sock = dgram.createSocket({ type: v6 ? 'udp6' : 'udp4', recvBufferSize });
  return new Promise((resolve, reject) => {
    sock.once('error', reject);
    sock.on('message', (msg, rinfo) => onMessage(msg, rinfo.address));
    sock.bind(port, host, () => {
      sock.off('error', reject);
      sock.on('error', onError);
      const a = sock.address();
      let granted = 0;
      try { granted = sock.getRecvBufferSize(); } catch { granted = 0; }
      const baseline = readUdpDrops(a.port, v6);
      let last = 0;
      let open = true;
      resolve({
        kind: 'udp', address: a.address, port: a.port, recvBufferSize: granted,
        // Monotonic: once the socket is closed its /proc line is gone, so the last reading stands.
        drops: () => { if (open) last = Math.max(last, readUdpDrops(a.port, v6) - baseline); return last; },
        close: () => new Promise<void>((r) => { last = Math.max(last, readUdpDrops(a.port, v6) - baseline); open = false; sock.close(() => r()); }),
      });
    });
  });
}

/** Sum of the `drops` column of /proc/net/udp (or udp6) for sockets bound to local `port`; 0 if unreadable. */
export function readUdpDrops(port: number, v6: boolean): number {
  let text: string;
  try { text = fs.readFileSync(v6 ? '/proc/net/udp6' : '/proc/net/udp', 'latin1'); } catch { return 0; }
  const want = ':' + port.toString(16).toUpperCase().padStart(4, '0');
  let drops = 0;
  for (const line of text.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 13 || !f[1].endsWith(want)) continue;
    drops += Number(f[f.length - 1]) || 0;
  }
  return drops;
}
