/*
 * `option http-buffer-request` cases (fixtures/http/buffer-request, captured from HAProxy 2.6 by capture.mts there):
 * a body sent 300 ms after its head (the server connection must come after it, with head and body together), the same
 * with Expect: 100-continue (answered by the proxy, Expect not forwarded), and a body that never completes (408 after
 * `timeout http-request`). Lines: reply, then "late|early" connection and what the server got. Shared with the test.
 */
import net from 'node:net';

export function bufferConfig(fe: number, srv: number): string {
  return `defaults\n mode http\n timeout connect 1s\n timeout client 3s\n timeout server 3s\n timeout http-request 500ms\n` +
    `frontend fe\n bind 127.0.0.1:${fe}\n option http-buffer-request\n default_backend b\nbackend b\n server s 127.0.0.1:${srv}\n`;
}

export async function bufferOrigin(): Promise<{ port: number; log: string[]; mark: () => void; close: () => void }> {
  const log: string[] = [];
  let since = Date.now();
  const srv = net.createServer((c) => {
    log.push(Date.now() - since >= 200 ? 'late' : 'early');
    c.on('error', () => {});
    let a = '';
    c.on('data', (d) => { a += d.toString('latin1'); if (/\r\n\r\n[\s\S]*done$/.test(a)) { log.push(JSON.stringify(a)); c.end('HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok'); } });
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  return { port: (srv.address() as net.AddressInfo).port, log, mark: () => { since = Date.now(); }, close: () => srv.close() };
}

const CASES: (string | number)[][] = [
  ['POST /a HTTP/1.1\r\nhost: a\r\ncontent-length: 8\r\n\r\n', 300, 'abcddone'],
  ['POST /b HTTP/1.1\r\nhost: a\r\nexpect: 100-continue\r\ncontent-length: 8\r\n\r\n', 300, 'abcddone'],
  ['POST /c HTTP/1.1\r\nhost: a\r\ncontent-length: 8\r\n\r\nab'],
];

function run(fe: number, parts: (string | number)[]): Promise<string> {
  return new Promise((res) => {
    const c = net.connect(fe, '127.0.0.1');
    const o: Buffer[] = [];
    c.on('data', (d) => o.push(d));
    c.on('error', () => {});
    let t: NodeJS.Timeout | undefined;
    const done = (): void => { clearTimeout(t); c.destroy(); res(JSON.stringify(Buffer.concat(o).toString('latin1'))); };
    c.on('close', done);
    t = setTimeout(done, 1200);
    c.on('connect', async () => {
      for (const p of parts) { if (typeof p === 'number') await new Promise((r) => setTimeout(r, p)); else c.write(p); }
    });
  });
}

export async function runBufferScenario(fe: number, o: { log: string[]; mark: () => void }): Promise<string[]> {
  const out: string[] = [];
  for (const parts of CASES) {
    o.log.length = 0;
    o.mark();
    const reply = await run(fe, parts);
    out.push(reply + ' ' + o.log.join(' ; '));
  }
  return out;
}
