/*
 * Errorfiles on /dev/null (fixtures/http/empty-errorfile, captured from HAProxy 2.6.12 by capture.mts there): the
 * `errorfile 408 /dev/null` users set against browsers' pre-connections, and the same for the H1 layer's 400 and for a
 * stream reply (deny 503). Each exchange runs on its own connection; its result is the reply bytes and whether the
 * proxy closed the connection within 400 ms of the last byte. Shared with test/e2e/http/empty-errorfile.test.ts.
 */
import net from 'node:net';
import { goldenDefaults } from './golden-util.ts';

export function emptyErrorfileConfig(p: { fe: number; srv: number; log: number }): string {
  return goldenDefaults(p.log) + `    timeout http-request 300ms
    errorfile 400 /dev/null
    errorfile 408 /dev/null
    errorfile 503 /dev/null

frontend fe
    bind 127.0.0.1:${p.fe}
    http-request deny deny_status 503 if { path /d }
    default_backend be

backend be
    server s1 127.0.0.1:${p.srv}
`;
}

/** Writes `chunks` (numbers: pauses in ms), then waits until 400 ms pass without a byte; the reply and 'closed'/'open'. */
function exchange(port: number, chunks: (string | number)[]): Promise<string> {
  return new Promise((resolve) => {
    const c = net.connect(port, '127.0.0.1');
    const got: Buffer[] = [];
    let t: NodeJS.Timeout | null = null;
    const done = (how: string): void => { if (t !== null) clearTimeout(t); c.destroy(); resolve(Buffer.concat(got).toString('latin1') + '|' + how); };
    const arm = (): void => { if (t !== null) clearTimeout(t); t = setTimeout(() => done('open'), 400); };
    c.on('data', (d) => { got.push(d); arm(); });
    c.on('end', () => done('closed'));
    c.on('error', () => done('closed'));
    c.on('connect', async () => {
      for (const x of chunks) {
        if (typeof x === 'number') await new Promise((r) => setTimeout(r, x));
        else c.write(x);
      }
      arm();
    });
  });
}

export async function runEmptyErrorfileScenario(fe: number): Promise<string[]> {
  const r = (path: string): string => `GET ${path} HTTP/1.1\r\nhost: e\r\n\r\n`;
  const out: string[] = [];
  out.push(await exchange(fe, ['GET / HTTP/1.1\r\nhost e\r\n\r\n']));        // the H1 layer's 400
  out.push(await exchange(fe, ['GET / HTTP/1.1\r\n']));                      // its 408 (timeout http-request)
  out.push(await exchange(fe, []));                                          // a pre-connection's 408
  out.push(await exchange(fe, [r('/ok'), 100, r('/d'), 100, r('/after')]));  // deny 503: nothing, then the close
  return out;
}
