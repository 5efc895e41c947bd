/*
 * One `GET <path>` with `connection: close` on a new connection: the reply's status digits ('---' when there is no
 * reply within 2 s). Shared by the scenarios compared with haproxy 2.6.12 (their capture scripts use it too).
 */
import net from 'node:net';

export function httpStatus(port: number, path: string): Promise<string> {
  return new Promise((res) => {
    const c = net.connect(port, '127.0.0.1', () => c.write(`GET ${path} HTTP/1.1\r\nhost: a\r\nconnection: close\r\n\r\n`));
    let got = '';
    c.on('data', (d) => { got += d.toString('latin1'); });
    c.on('error', () => {});
    const t = setTimeout(() => c.destroy(), 2000);
    c.on('close', () => { clearTimeout(t); res(got.slice(9, 12) || '---'); });
  });
}
