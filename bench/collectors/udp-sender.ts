// Benchmark helper process: sends RFC 3164 HAProxy httplog datagrams to 127.0.0.1:PORT at RATE per second for
// SECONDS, then prints {"sent":N,"errors":E,"seconds":S,"cpuUsPerDatagram":C} on stdout. Each datagram carries its
// sequence number (`?seq=0000000042&...` in the URI, 0-based) so the receiver's rows can be checked one by one.
// Cheap on purpose (it shares the 2 cores with the collector under test): 4096 pre-built datagrams whose 10 seq
// digits are patched in place, written synchronously with write(2) on the connected socket's fd (no Buffer, callback
// or event per datagram), paced per millisecond in bursts with the thread asleep in between. Hot path: yes.
import dgram from 'node:dgram';
import fs from 'node:fs';
import { udpFdHandle } from '../../proxy/log/udp-fd.ts';
import { makeHttpLogLines } from './input.ts';

const [port, rate, seconds] = process.argv.slice(2).map(Number);
const SEQ_DIGITS = 10;
const msgs = makeHttpLogLines(4096).map((l) => Buffer.from('<134>Nov 23 20:18:12 lb1 haproxy[4174]: ' +
  l.replace('?page=', '?seq=' + '0'.repeat(SEQ_DIGITS) + '&page=') + '\n', 'latin1'));
const seqAt = msgs.map((m) => m.indexOf('?seq=') + 5);
if (seqAt.some((a) => a < 5)) throw new Error('udp-sender: no ?page= in a template line');

function patchSeq(m: Buffer, at: number, seq: number): void {
  for (let i = at + SEQ_DIGITS - 1; i >= at; i--) { m[i] = 48 + (seq % 10); seq = Math.floor(seq / 10); }
}

const sock = dgram.createSocket({ type: 'udp4', sendBufferSize: 4 * 1024 * 1024 });
sock.connect(port, '127.0.0.1', () => {
  const h = udpFdHandle(sock);
  if (h === null) throw new Error('udp-sender: no fd for the UDP socket');
  const fd = h.fd;
  const total = rate * seconds;
  const sleeper = new Int32Array(new SharedArrayBuffer(4));
  Error.stackTraceLimit = 0;
  let sent = 0;
  let errors = 0;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  while (sent < total) {
    const due = Math.min(total, Math.floor(((performance.now() - t0) / 1000) * rate));
    while (sent < due) {
      const k = sent & 4095;
      const m = msgs[k];
      patchSeq(m, seqAt[k], sent);
      try { fs.writeSync(fd, m); sent++; } catch (e) {
        // A full send buffer: wait a little and send the same datagram again; anything else is counted and skipped.
        if ((e as NodeJS.ErrnoException).code === 'EAGAIN' || (e as NodeJS.ErrnoException).code === 'ENOBUFS') { Atomics.wait(sleeper, 0, 0, 1); break; }
        errors++;
        sent++;
      }
    }
    if (sent < due) continue;
    Atomics.wait(sleeper, 0, 0, 1);
  }
  const seconds2 = (performance.now() - t0) / 1000;
  const cu = process.cpuUsage(c0);
  process.stdout.write(JSON.stringify({ sent: sent - errors, errors, seconds: seconds2, cpuUsPerDatagram: (cu.user + cu.system) / Math.max(1, sent) }) + '\n');
  sock.close();
});
