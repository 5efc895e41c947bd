/*
 * The traffic of the hash-balance-factor golden (fixtures/persist/hash-balance/, captured from HAProxy 2.6 by
 * capture.mts): `balance uri` + `hash-type consistent` with bounded loads. Requests arrive one after the other and
 * the origins hold them, so each new request sees the load the previous ones left; which server got each is compared.
 */
import net from 'node:net';

export interface HbPorts { fe: number; a: number; b: number; c: number }

export function hbConfig(p: HbPorts): string {
  return `defaults
    mode http
    timeout connect 2s
    timeout client 5s
    timeout server 5s

listen hb
    bind 127.0.0.1:${p.fe}
    balance uri
    hash-type consistent
    hash-balance-factor 125
    server s1 127.0.0.1:${p.a}
    server s2 127.0.0.1:${p.b}
    server s3 127.0.0.1:${p.c} weight 2
`;
}

/** Origins that hold each request until release(); `got` counts requests received. */
export function hbOrigins(): Promise<{ ports: number[]; got(): number; release(): void; close(): void }> {
  const held: [net.Socket, string][] = [];
  let got = 0;
  const servers: net.Server[] = [];
  const mk = (name: string): Promise<number> => {
    const s = net.createServer((c) => {
      c.on('error', () => {});
      c.once('data', () => { got++; held.push([c, name]); });
    });
    servers.push(s);
    return new Promise((r) => s.listen(0, '127.0.0.1', () => r((s.address() as net.AddressInfo).port)));
  };
  return Promise.all([mk('s1'), mk('s2'), mk('s3')]).then((ports) => ({
    ports,
    got: () => got,
    release: () => { for (const [c, n] of held.splice(0)) c.end('HTTP/1.1 200 OK\r\ncontent-length: 3\r\nconnection: close\r\n\r\n' + n + '\n'); },
    close: () => { for (const s of servers) s.close(); for (const [c] of held) c.destroy(); },
  }));
}

/** Sends the paths one by one (each held), releases them all, returns "path -> server" lines. */
export async function runHb(fe: number, o: { got(): number; release(): void }): Promise<string[]> {
  const paths = ['/a', '/a', '/a', '/a', '/b', '/a', '/c', '/a', '/a', '/b', '/b', '/b'];
  const done: Promise<string>[] = [];
  for (let i = 0; i < paths.length; i++) {
    done.push(new Promise((resolve) => {
      const c = net.connect(fe, '127.0.0.1');
      let acc = '';
      c.on('data', (d) => { acc += d.toString('latin1'); });
      c.on('error', () => {});
      c.on('close', () => resolve(paths[i] + ' -> ' + acc.slice(acc.indexOf('\r\n\r\n') + 4).trim()));
      c.write('GET ' + paths[i] + ' HTTP/1.1\r\nhost: hb\r\nconnection: close\r\n\r\n');
    }));
    const end = Date.now() + 2000;
    while (o.got() < i + 1 && Date.now() < end) await new Promise((r) => setTimeout(r, 5));
  }
  o.release();
  return Promise.all(done);
}
