/*
 * `http-request wait-for-body`, `option http-buffer-request` before the rules and the req.body* fetches, compared
 * with HAProxy 2.6.12 (fixtures/proxy/wait-for-body: capture.ts ran this against haproxy, see CMD). Body-based
 * routing (JSON substring, urlencoded parameter of a chunked body), what each server receives, a partial body
 * with at-least, 408 after the wait's time and after `timeout http-request`, Expect: 100-continue, a pipelined
 * request after a buffered body, a client shutting its side during the wait (CR--, no server connection). Lines: reply (dates masked), then what the servers got; log lines masked to
 * `frontend backend/server Tr-sign status bytes termination request`. Shared by the test and the capture.
 */
import net from 'node:net';

export function waitBodyConfig(fe: number, fe2: number, srv: readonly number[], logPort: number): string {
  return `global\n log 127.0.0.1:${logPort} local0\n` +
    `defaults\n mode http\n log global\n option httplog\n timeout connect 1s\n timeout client 3s\n timeout server 3s\n timeout http-request 600ms\n` +
    `frontend fe\n bind 127.0.0.1:${fe}\n http-request set-var(txn.pre) req.body_len\n http-request wait-for-body time 400ms at-least 6 if METH_POST\n` +
    ` acl gql req.body -m sub mutation\n acl bob req.body_param(user) -m str bob\n` +
    ` http-request set-header X-Len "%[req.body_len]/%[req.body_size]/%[var(txn.pre)]"\n` +
    ` use_backend be_gql if gql\n use_backend be_bob if bob\n default_backend be_def\n` +
    `frontend fe2\n bind 127.0.0.1:${fe2}\n default_backend be_buf\n` +
    `backend be_gql\n server s 127.0.0.1:${srv[0]}\nbackend be_bob\n server s 127.0.0.1:${srv[1]}\nbackend be_def\n server s 127.0.0.1:${srv[2]}\n` +
    `backend be_buf\n option http-buffer-request\n http-request set-header X-Body %[req.body,lower]\n server s 127.0.0.1:${srv[2]}\n`;
}

/** Three origin servers answering each request with what they received (head lines sorted out: x-len, x-body). */
export async function waitBodyOrigins(): Promise<{ ports: number[]; got: string[]; close: () => void }> {
  const got: string[] = [];
  const servers: net.Server[] = [];
  const ports: number[] = [];
  for (const name of ['A', 'B', 'C']) {
    const srv = net.createServer((c) => {
      c.on('error', () => {});
      let a = '';
      c.on('data', (d) => {
        a += d.toString('latin1');
        for (;;) {
          const he = a.indexOf('\r\n\r\n');
          if (he < 0) return;
          const head = a.slice(0, he);
          const cl = /content-length: *(\d+)/i.exec(head);
          let body: string, used: number;
          if (cl !== null) { const n = Number(cl[1]); if (a.length < he + 4 + n) return; body = a.slice(he + 4, he + 4 + n); used = he + 4 + n; }
          else if (/transfer-encoding: *chunked/i.test(head)) { const z = a.indexOf('0\r\n\r\n', he + 4); if (z < 0) return; body = a.slice(he + 4, z + 5); used = z + 5; }
          else { body = ''; used = he + 4; }
          const keep = head.split('\r\n').filter((l, i) => i === 0 || /^(x-len|x-body|expect|content-length|transfer-encoding):/i.test(l));
          got.push(name + ' ' + JSON.stringify(keep.join('|') + ' ' + body));
          a = a.slice(used);
          c.write('HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok');
        }
      });
    });
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    servers.push(srv);
    ports.push((srv.address() as net.AddressInfo).port);
  }
  return { ports, got, close: () => { for (const s of servers) s.close(); } };
}

type Step = string | number;
/** [frontend index (0 = fe, 1 = fe2), parts: text sent, or a pause in ms]. */
const CASES: [number, Step[]][] = [
  [0, ['POST /q HTTP/1.1\r\nhost: a\r\ncontent-length: 17\r\nconnection: close\r\n\r\n', 150, '{"q":"mutation"}x']],
  [0, ['POST /q HTTP/1.1\r\nhost: a\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n', 150, '4\r\nuser\r\n', 100, '4\r\n=bob\r\n0\r\n\r\n']],
  [0, ['POST /q HTTP/1.1\r\nhost: a\r\ncontent-length: 19\r\nconnection: close\r\n\r\n', 150, 'user=al', 150, 'x&mutation=1']],
  [0, ['POST /q HTTP/1.1\r\nhost: a\r\ncontent-length: 8\r\nconnection: close\r\n\r\n', 100, 'ab']],
  [0, ['GET /g HTTP/1.1\r\nhost: a\r\nconnection: close\r\n\r\n']],
  [1, ['POST /b HTTP/1.1\r\nhost: a\r\ncontent-length: 5\r\nexpect: 100-continue\r\nconnection: close\r\n\r\n', 150, 'HeLLo']],
  [1, ['POST /b HTTP/1.1\r\nhost: a\r\ncontent-length: 9\r\n\r\nabc', 150, 'defghi', 'GET /n HTTP/1.1\r\nhost: a\r\nconnection: close\r\n\r\n']],
  [1, ['POST /b HTTP/1.1\r\nhost: a\r\ncontent-length: 9\r\n\r\nabc']],
  [0, ['POST /f HTTP/1.1\r\nhost: a\r\ncontent-length: 9\r\n\r\nab', 100, 'FIN']],
];

function run(port: number, parts: Step[]): Promise<string> {
  return new Promise((res) => {
    const c = net.connect(port, '127.0.0.1');
    const o: Buffer[] = [];
    c.on('data', (d) => o.push(d));
    c.on('error', () => {});
    const t = setTimeout(() => c.destroy(), 2500);
    c.on('close', () => { clearTimeout(t); res(Buffer.concat(o).toString('latin1').replace(/date: [^\r]*\r\n/gi, '')); });
    let i = 0;
    const next = (): void => {
      if (i >= parts.length) return;
      const p = parts[i++];
      if (typeof p === 'number') { setTimeout(next, p); return; }
      if (p === 'FIN') { c.end(); return; }                // the client shuts its side while the body is awaited
      c.write(p);
      next();
    };
    c.on('connect', next);
  });
}

/** Runs every case in turn: its reply, then what the servers received for it. */
export async function runWaitBody(fe: readonly number[], got: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const [f, parts] of CASES) {
    const from = got.length;
    out.push(JSON.stringify(await run(fe[f], parts)));
    for (let k = from; k < got.length; k++) out.push('  ' + got[k]);
  }
  return out;
}

/** A httplog line without what varies between runs: `fe be/srv Tr<0|Tr>=0 status bytes term "request"`. */
export function maskWaitBodyLog(line: string): string {
  const m = /\] (\S+) (\S+) (-?\d+)\/\S+ (-?\d+) (\d+) \S+ \S+ (\S{4}) .* ("[^"]*")$/.exec(line);
  return m === null ? line : `${m[1]} ${m[2]} ${Number(m[3]) < 0 ? 'Tr=-1' : 'Tr>=0'} ${m[4]} ${m[5]} ${m[6]} ${m[7]}`;
}
