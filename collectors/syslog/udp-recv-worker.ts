/* UDP receive thread: binds the socket, copies every datagram into the shared ring (udp-ring.ts) and nothing else,
 * so the socket buffer is drained even while the ingest thread parses or hands batches to the sinks.
 * Started by udp-listener.ts (listenUdpThreaded). Hot path: yes (one ring copy per datagram).
 */
import dgram from 'node:dgram';
import { parentPort, workerData } from 'node:worker_threads';
import { openUdpRing, ringPush } from './udp-ring.ts';

const cfg = workerData as { host: string; port: number; rcvbuf: number; ctrl: SharedArrayBuffer; data: SharedArrayBuffer };
const port = parentPort;
if (!port) throw new Error('udp-recv-worker must run in a worker thread');
const ring = openUdpRing(cfg.ctrl, cfg.data);
const peers = new Map<string, Uint8Array>();
const sock = dgram.createSocket({ type: cfg.host.includes(':') ? 'udp6' : 'udp4', recvBufferSize: cfg.rcvbuf });
sock.on('message', (msg, rinfo) => {
  let p = peers.get(rinfo.address);
  if (p === undefined) {
    if (peers.size > 10000) peers.clear();
    p = Buffer.from(rinfo.address, 'latin1');
    peers.set(rinfo.address, p);
  }
  ringPush(ring, msg, p);
});
sock.once('error', (e) => port.postMessage({ t: 'error', message: e.message }));
sock.bind(cfg.port, cfg.host, () => {
  const a = sock.address();
  let granted = 0;
  try { granted = sock.getRecvBufferSize(); } catch { granted = 0; }
  port.postMessage({ t: 'ready', address: a.address, port: a.port, rcvbuf: granted });
});
port.on('message', (m: { t: string }) => {
  if (m.t === 'close') sock.close(() => port.postMessage({ t: 'closed' }));
});
