/* Config and requests of the Debian errorfiles golden (fixtures/http/debian), shared with its capture script. */
import { readFileSync } from 'node:fs';
import net from 'node:net';

/** Debian's `defaults` section (without `log global`) and a frontend on `port` whose backend has no server. */
export function debianErrorConfig(port: number): string {
  const text = readFileSync(new URL('../../../fixtures/configs/debian-default.cfg', import.meta.url), 'latin1');
  const defaults = text.slice(text.indexOf('\ndefaults') + 1).replace(/\tlog\tglobal\n/, '');
  return defaults + `\nfrontend fe\n  bind 127.0.0.1:${port}\n  default_backend none\nbackend none\n`;
}

function raw(port: number, data: string): Promise<Buffer> {
  return new Promise((res, rej) => {
    const c = net.connect(port, '127.0.0.1');
    const out: Buffer[] = [];
    const done = (): void => { clearTimeout(t); c.destroy(); res(Buffer.concat(out)); };
    const t = setTimeout(done, 500);        // a kept-alive connection: the reply is complete by then
    c.on('data', (d) => out.push(d));
    c.on('error', rej);
    c.on('close', done);
    c.on('connect', () => c.write(data));
  });
}

export async function debianRequests(port: number): Promise<Record<string, Buffer>> {
  return {
    '503-close': await raw(port, 'GET / HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n'),
    '503-keepalive': await raw(port, 'GET / HTTP/1.1\r\nhost: x\r\n\r\n'),
    '400': await raw(port, 'GET / HTTP/1.1\r\nbad header\r\n\r\n'),
  };
}
