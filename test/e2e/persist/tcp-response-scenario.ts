/*
 * The traffic of the tcp-response golden (fixtures/persist/tcp-response/, captured from HAProxy 2.6 by capture.mts):
 * `tcp-response content accept|reject|close` with and without `tcp-response inspect-delay`, on res.len /
 * res.payload / WAIT_END. One origin answers by what the client says first (see ORIGIN). Shared by the capture
 * script (real HAProxy) and tcp-response.test.ts (Sluice).
 */
import net from 'node:net';
import { tcpGoldenDefaults, tcpTalk } from './scenario-util.ts';

export interface TcpResPorts { rej: number; wait: number; close: number; silent: number; vars: number; srv: number; log: number }

export function tcpResConfig(p: TcpResPorts): string {
  return tcpGoldenDefaults(p.log) + `
listen rej
    bind 127.0.0.1:${p.rej}
    tcp-response content reject if { res.payload(0,3) -m str BAD }
    server s 127.0.0.1:${p.srv}

listen wait
    bind 127.0.0.1:${p.wait}
    tcp-response inspect-delay 300ms
    tcp-response content accept if { res.len ge 10 }
    tcp-response content reject if WAIT_END
    server s 127.0.0.1:${p.srv}

listen close
    bind 127.0.0.1:${p.close}
    tcp-response inspect-delay 1s
    tcp-response content close if { res.payload(0,4) -m str QUIT }
    server s 127.0.0.1:${p.srv}

listen silent
    bind 127.0.0.1:${p.silent}
    tcp-response content reject if { res.len lt 4 }
    server s 127.0.0.1:${p.srv}

listen vars
    bind 127.0.0.1:${p.vars}
    tcp-request inspect-delay 1s
    tcp-request content set-var(txn.q) req.payload(0,3) if { req.len ge 3 }
    tcp-request content set-var-fmt(txn.f) "len=%[req.len]" if { req.len ge 3 }
    tcp-request content reject if { var(txn.f) -m str len=4 }
    tcp-response inspect-delay 1s
    tcp-response content set-var(txn.r) res.payload(0,3) if { res.len ge 3 }
    tcp-response content reject if { var(txn.q) -m str BAD } { var(txn.r) -m str BAD }
    tcp-response content accept if { res.len gt 0 }
    server s 127.0.0.1:${p.srv}
`;
}

/**
 * The origin: BAD -> "BAD reply\\n", stays open; OK -> "OK fine\\n" and closes; SLOW -> "abc", 100 ms later
 * "defghijklmn" and closes; QUIT -> "QUIT now\\n", stays open; SHORT -> "ab", stays open; SILENT -> nothing for
 * 150 ms, then "late reply\\n" and closes.
 */
export function tcpResOrigin(): Promise<{ port: number; close(): void }> {
  const socks = new Set<net.Socket>();
  const server = net.createServer((s) => {
    socks.add(s);
    s.on('close', () => socks.delete(s));
    s.on('error', () => {});
    s.once('data', (d) => {
      const w = d.toString('latin1').trim();
      if (w === 'BAD') s.write('BAD reply\n');
      else if (w === 'OK') s.end('OK fine\n');
      else if (w === 'SLOW') { s.write('abc'); setTimeout(() => s.end('defghijklmn'), 100); }
      else if (w === 'QUIT') s.write('QUIT now\n');
      else if (w === 'SHORT') s.write('ab');
      else if (w === 'SILENT') setTimeout(() => s.end('late reply\n'), 150);
    });
  });
  return new Promise((r) => server.listen(0, '127.0.0.1', () => r({
    port: (server.address() as net.AddressInfo).port,
    close: () => { server.close(); for (const s of socks) s.destroy(); },
  })));
}

/** Sends `msg`, returns what came back and how it ended ("closed" by the proxy, or "open" after 1.5 s). */
async function talk(port: number, msg: string): Promise<string> {
  const r = await tcpTalk(port, [msg + '\n'], 1500);
  return JSON.stringify(r.data) + (r.closed ? ' closed' : ' open');
}

/** Runs the cases in order; returns one line per case: "<listen> <msg> -> <data> <closed|open>". */
export async function runTcpResScenario(p: TcpResPorts): Promise<string[]> {
  const cases: [keyof TcpResPorts, string][] = [
    ['rej', 'OK'], ['rej', 'BAD'], ['wait', 'SLOW'], ['wait', 'SHORT'], ['wait', 'OK'],
    ['close', 'QUIT'], ['close', 'OK'], ['silent', 'SILENT'], ['silent', 'SHORT'],
    ['vars', 'BAD'], ['vars', 'OK'], ['vars', 'SLOW'], ['vars', 'SHORT'], ['vars', 'OK2'],
  ];
  const out: string[] = [];
  for (const [l, m] of cases) {
    out.push(l + ' ' + m + ' -> ' + await talk(p[l], m));
    await new Promise((r) => setTimeout(r, 30));     // the proxy sees a client's close before the next client comes
  }
  return out;
}
