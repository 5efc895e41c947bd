// Benchmark helper process: sends RFC 3164 HAProxy datagrams to 127.0.0.1:PORT at RATE per second for SECONDS,
// paced per millisecond, then prints {"sent":N,"errors":E,"seconds":S} on stdout (sent excludes failed sends). Hot path: yes (the send loop).
import dgram from 'node:dgram';
import { makeHttpLogLines } from './input.ts';

const [port, rate, seconds] = process.argv.slice(2).map(Number);
const msgs = makeHttpLogLines(4096).map((l) => Buffer.from('<134>Nov 23 20:18:12 lb1 haproxy[4174]: ' + l + '\n', 'latin1'));
const sock = dgram.createSocket({ type: 'udp4', sendBufferSize: 4 * 1024 * 1024 });
sock.connect(port, '127.0.0.1', () => {
  const total = rate * seconds;
  const t0 = performance.now();
  let sent = 0;
  let inflight = 0;
  let errors = 0;
  const done = (e: Error | null): void => { inflight--; if (e) errors++; };
  const tick = (): void => {
    const due = Math.min(total, Math.floor(((performance.now() - t0) / 1000) * rate));
    while (sent < due && inflight < 20000) { inflight++; sock.send(msgs[sent & 4095], done); sent++; }
    if (sent < total) setImmediate(tick);
    else {
      const wait = (): void => { if (inflight > 0) setImmediate(wait); else { process.stdout.write(JSON.stringify({ sent: sent - errors, errors, seconds: (performance.now() - t0) / 1000 }) + '\n'); sock.close(); } };
      wait();
    }
  };
  tick();
});
