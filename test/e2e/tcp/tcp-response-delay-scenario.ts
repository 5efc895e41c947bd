/*
 * `tcp-response inspect-delay` with `tcp-response content` rules in mode http backends, compared with haproxy 2.6.12
 * (fixtures/proxy/tcp-response-http-delay, capture.ts there, CMD): the rules run once the response head is in
 * (res.hdr), WAIT_END does not wait, a reject closes the client without a response (`PD--`, the server's status,
 * Tr -1). Lines: reply per request, then the masked log lines. Shared by the test and the capture.
 */
import net from 'node:net';

export function resDelayConfig(fe: number, srv: number, logPort: number): string {
  return `global\n log 127.0.0.1:${logPort} local0\ndefaults\n mode http\n log global\n option httplog\n` +
    ` timeout connect 1s\n timeout client 3s\n timeout server 3s\n` +
    `frontend fe\n bind 127.0.0.1:${fe}\n use_backend b2 if { path_beg /w }\n default_backend b1\n` +
    `backend b1\n tcp-response inspect-delay 1s\n tcp-response content reject if { res.hdr(x-bad) -m found }\n server s 127.0.0.1:${srv}\n` +
    `backend b2\n tcp-response inspect-delay 1s\n tcp-response content accept if WAIT_END\n server s 127.0.0.1:${srv}\n`;
}

/** A server answering each request, with `x-bad: 1` when the path holds /bad. */
export async function resDelayServer(): Promise<{ port: number; close: () => void }> {
  const srv = net.createServer((c) => {
    c.on('error', () => {});
    c.on('data', (d) => c.write('HTTP/1.1 200 OK\r\ncontent-length: 2\r\n' + (d.includes('/bad') ? 'x-bad: 1\r\n' : '') + '\r\nok'));
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  return { port: (srv.address() as net.AddressInfo).port, close: () => srv.close() };
}

function one(port: number, path: string): Promise<string> {
  return new Promise((res) => {
    const c = net.connect(port, '127.0.0.1', () => c.write(`GET ${path} HTTP/1.1\r\nhost: a\r\nconnection: close\r\n\r\n`));
    let got = '';
    c.on('data', (d) => { got += d.toString('latin1'); });
    c.on('error', () => {});
    const t = setTimeout(() => c.destroy(), 2500);
    c.on('close', () => { clearTimeout(t); res(JSON.stringify(got)); });
  });
}

export async function runResDelay(port: number): Promise<string[]> {
  const out: string[] = [];
  for (const p of ['/ok', '/bad', '/w', '/wbad']) out.push(await one(port, p));
  return out;
}

/** `fe be/srv Tr<0|Tr>=0 status bytes term "request"` of a httplog line. */
export function maskResDelayLog(line: string): string {
  const m = /\] (\S+) (\S+) \S+\/\S+\/\S+\/(-?\d+)\/\S+ (-?\d+) (\d+) \S+ \S+ (\S{4}) .* ("[^"]*")$/.exec(line);
  return m === null ? line : `${m[1]} ${m[2]} ${Number(m[3]) < 0 ? 'Tr=-1' : 'Tr>=0'} ${m[4]} ${m[5]} ${m[6]} ${m[7]}`;
}
