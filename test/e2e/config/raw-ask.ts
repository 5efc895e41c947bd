/*
 * A raw HTTP client for the config e2e tests: sends bytes on a new loopback connection and tells what came back and
 * how the connection ended ('end': a FIN, 'reset', or 'open' when still open after `ms`).
 */
import { connect } from 'node:net';

export function rawAsk(port: number, req: string, ms = 2000): Promise<{ data: string; how: string }> {
  return new Promise((resolve) => {
    const c = connect(port, '127.0.0.1', () => c.write(req));
    let data = '';
    let how = '';
    const t = setTimeout(() => { c.destroy(); resolve({ data, how: 'open' }); }, ms);
    c.on('data', (d) => { data += d.toString('latin1'); });
    c.on('end', () => { how = 'end'; c.destroy(); });
    c.on('error', (e) => { how = (e as NodeJS.ErrnoException).code === 'ECONNRESET' ? 'reset' : String(e); });
    c.on('close', () => { clearTimeout(t); if (how !== '') resolve({ data, how }); });
  });
}
