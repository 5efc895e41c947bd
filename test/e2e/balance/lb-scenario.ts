/*
 * The balancing golden (fixtures/lb/servers.txt, captured from HAProxy 2.6.12 by fixtures/lb/capture.mts, see CMD):
 * one backend per case (roundrobin/static-rr weights, leastconn/first ties, map-based and consistent hashing on
 * uri/hdr/source/url_param with each hash function, runtime `set weight` and maintenance through the stats socket),
 * a deterministic list of steps per case, and the server that answered each request. Shared with lb.test.ts, which
 * replays the same steps through Sluice. Hot path: no.
 */
import net from 'node:net';
import { rawRequest } from '../http/golden-util.ts';

/** A step: a request (uri, optional x-key header, optional client source address) or a CLI command. */
export type LbStep = { uri: string; key?: string; src?: string } | { cli: string } | { hold: true } | { release: true };

/** `srv`: extra keywords on every server line (e.g. maxconn). */
export interface LbCase { name: string; lines: string; weights: number[]; steps: LbStep[]; srv?: string }

const HOLD: LbStep = { hold: true };
const RELEASE: LbStep = { release: true };
const holds = (n: number): LbStep[] => Array.from({ length: n }, () => HOLD);

const KEYS = ['alice', 'bob', 'carol', 'dave', 'eve', 'frank', 'grace', 'heidi', 'ivan', 'judy', 'mallory', 'niaj',
  'olivia', 'peggy', 'rupert', 'sybil', 'trent', 'victor', 'walter', 'xavier', 'yolanda', 'zoe', 'a', 'b', 'cc',
  '', '0', '/', 'some/longer/key/with/parts', 'Z9'];

function uris(n: number): LbStep[] {
  const out: LbStep[] = [];
  for (let i = 0; i < n; i++) out.push({ uri: '/' + KEYS[i % KEYS.length] + (i >= KEYS.length ? '/' + i : '') });
  return out;
}
function hdrs(n: number): LbStep[] {
  const out: LbStep[] = [];
  for (let i = 0; i < n; i++) out.push({ uri: '/h', key: KEYS[i % KEYS.length] + (i >= KEYS.length ? String(i) : '') });
  return out;
}
function srcs(n: number): LbStep[] {
  const out: LbStep[] = [];
  for (let i = 0; i < n; i++) out.push({ uri: '/s', src: '127.0.' + (i % 3) + '.' + (1 + ((i * 37) % 250)) });
  return out;
}
function plain(n: number): LbStep[] { return Array.from({ length: n }, (_, i) => ({ uri: '/r' + i })); }

function rr(name: string, algo: string, weights: number[], n: number): LbCase {
  return { name, lines: 'balance ' + algo, weights, steps: plain(n) };
}

export function lbCases(): LbCase[] {
  const c: LbCase[] = [];
  for (const algo of ['roundrobin', 'static-rr']) {
    const a = algo === 'roundrobin' ? 'rr' : 'srr';
    c.push(rr(a + '_111', algo, [1, 1, 1], 9));
    c.push(rr(a + '_12', algo, [1, 2], 12));
    c.push(rr(a + '_21', algo, [2, 1], 12));
    c.push(rr(a + '_123', algo, [1, 2, 3], 24));
    c.push(rr(a + '_511', algo, [5, 1, 1], 21));
    c.push(rr(a + '_3254', algo, [3, 2, 5, 4], 42));
    c.push(rr(a + '_100_1', algo, [100, 1, 7], 40));
  }
  c.push({ name: 'rr_setw', lines: 'balance roundrobin', weights: [1, 1, 1], steps: [...plain(7),
    { cli: 'set weight rr_setw/s2 3' }, ...plain(15), { cli: 'set server rr_setw/s1 state maint' }, ...plain(8),
    { cli: 'set server rr_setw/s1 state ready' }, ...plain(10), { cli: 'set weight rr_setw/s3 0' }, ...plain(7)] });
  const up = (bk: string, cmd: string): LbStep => ({ cli: cmd.replace('%', bk + '/') });
  c.push({ name: 'rr_up1', lines: 'balance roundrobin', weights: [1, 2, 3], steps: [...plain(5), up('rr_up1', 'set server %s3 state maint'),
    ...plain(4), up('rr_up1', 'set server %s3 state ready'), ...plain(14)] });
  c.push({ name: 'rr_up2', lines: 'balance roundrobin', weights: [1, 1, 1, 1], steps: [...plain(9), up('rr_up2', 'set server %s2 state maint'),
    ...plain(5), up('rr_up2', 'set server %s2 state ready'), ...plain(12), up('rr_up2', 'set server %s4 state maint'), ...plain(1),
    up('rr_up2', 'set server %s4 state ready'), ...plain(9)] });
  c.push({ name: 'rr_w2', lines: 'balance roundrobin', weights: [2, 1, 1], steps: [...plain(3), up('rr_w2', 'set weight %s3 4'),
    ...plain(14), up('rr_w2', 'set weight %s1 1'), ...plain(10), up('rr_w2', 'set weight %s2 7'), ...plain(12)] });
  c.push({ name: 'rr_w3', lines: 'balance roundrobin', weights: [1, 1], steps: [...plain(1), up('rr_w3', 'set weight %s2 5'), ...plain(12),
    up('rr_w3', 'set weight %s2 1'), ...plain(5)] });
  c.push({ name: 'lc_setw', lines: 'balance leastconn', weights: [1, 1, 1], steps: [...plain(4), up('lc_setw', 'set weight %s2 3'), ...plain(6),
    up('lc_setw', 'set server %s1 state maint'), ...plain(3), up('lc_setw', 'set server %s1 state ready'), ...plain(6)] });
  let n = 0;
  for (const w of [[1, 1, 1], [1, 2, 3], [3, 1, 1], [2, 2, 1], [1, 1, 1, 1, 1]]) {
    for (const x of [1, w.length]) {
      for (const [n1, n2] of [[3, 2], [7, 3]]) {
        const bk = 'rr_back' + (n++);
        c.push({ name: bk, lines: 'balance roundrobin', weights: w, steps: [...plain(n1), up(bk, 'set server %s' + x + ' state maint'),
          ...plain(n2), up(bk, 'set server %s' + x + ' state ready'), ...plain(14)] });
      }
    }
  }
  n = 0;
  for (const w of [[1, 1, 1], [1, 2, 3], [3, 1, 1]]) {
    for (const [x, nw] of [[1, 4], [w.length, 2]]) {
      for (const n1 of [2, 5]) {
        const bk = 'rr_rew' + (n++);
        c.push({ name: bk, lines: 'balance roundrobin', weights: w, steps: [...plain(n1), up(bk, 'set weight %s' + x + ' ' + nw), ...plain(14)] });
      }
    }
  }
  c.push({ name: 'srr_maint', lines: 'balance static-rr', weights: [1, 2, 3], steps: [...plain(7),
    { cli: 'set server srr_maint/s3 state maint' }, ...plain(7), { cli: 'set server srr_maint/s3 state ready' }, ...plain(13)] });
  // busy servers: held requests (answered at `release`) keep connections open
  c.push({ name: 'lc_busy', lines: 'balance leastconn', weights: [1, 1, 1], steps: [...holds(2), ...plain(3), RELEASE, ...plain(3)] });
  c.push({ name: 'lc_busy_w', lines: 'balance leastconn', weights: [1, 2, 3], steps: [...holds(5), ...plain(4), RELEASE, ...plain(3)] });
  c.push({ name: 'lc_busy_w2', lines: 'balance leastconn', weights: [3, 1, 2], steps: [...holds(7), ...plain(3), RELEASE, ...holds(2), ...plain(3), RELEASE] });
  c.push({ name: 'first_mc', lines: 'balance first', weights: [1, 1, 1], srv: 'maxconn 2', steps: [...holds(3), ...plain(2), ...holds(2), ...plain(2), RELEASE, ...plain(2)] });
  c.push({ name: 'rr_full', lines: 'balance roundrobin', weights: [1, 2, 1], srv: 'maxconn 1', steps: [...plain(2), ...holds(2), ...plain(5), RELEASE, ...plain(6)] });
  c.push({ name: 'srr_full', lines: 'balance static-rr', weights: [1, 2, 1], srv: 'maxconn 1', steps: [...plain(2), ...holds(2), ...plain(5), RELEASE, ...plain(6)] });
  c.push({ name: 'lc_ties', lines: 'balance leastconn', weights: [1, 1, 1, 1], steps: plain(12) });
  c.push({ name: 'lc_w', lines: 'balance leastconn', weights: [1, 2, 3], steps: plain(12) });
  c.push({ name: 'first', lines: 'balance first', weights: [1, 1, 1], steps: plain(5) });
  const DOMAINS = ['haproxy.1wt.eu', 'www.example.com', 'example.com', 'a.b.c.d.example.co.uk',
    'www.example.com:8443', 'localhost', 'WWW.Example.COM', 'x.y', 'single', '.lead.dot', 'trail.dot.', 'a..b.c', '10.0.0.1', '',
    'ab:12', 'one.two:3.four', 'ab.'].sort((a, b) => a.length - b.length || (a < b ? -1 : 1));
  // 2.6 also looks at the byte just after the value (a '.' there moves the hashed label), which is whatever an earlier
  // request left in memory: keys are sent shortest first, and 'example.com:8080' is left out (its server varies)
  const QUERIES = ['/a?x=1', '/a?x=2', '/a/b/c?q', '/a/b/c/d/e?z=9&y=8', '/long/path/for/len?k=v', '/?', '/x/y?', '/img/a.png'];
  for (const ht of ['map-based', 'consistent']) {
    const h = ht === 'map-based' ? 'map' : 'ch';
    c.push({ name: h + '_dom', lines: 'balance hdr(x-key) use_domain_only\n    hash-type ' + ht, weights: [1, 1, 1, 1, 1],
      steps: DOMAINS.map((d) => ({ uri: '/d', key: d })) });
    c.push({ name: h + '_whole', lines: 'balance uri whole\n    hash-type ' + ht, weights: [1, 1, 1, 1], steps: QUERIES.map((u) => ({ uri: u })) });
    c.push({ name: h + '_dlen', lines: 'balance uri depth 2 len 5\n    hash-type ' + ht, weights: [1, 1, 1, 1], steps: QUERIES.map((u) => ({ uri: u })) });
    c.push({ name: h + '_uri', lines: 'balance uri\n    hash-type ' + ht, weights: [1, 1, 1, 1], steps: uris(60) });
    c.push({ name: h + '_uri_w', lines: 'balance uri\n    hash-type ' + ht, weights: [1, 2, 3, 1], steps: uris(60) });
    c.push({ name: h + '_uri_w10', lines: 'balance uri\n    hash-type ' + ht, weights: [10, 20, 5], steps: uris(40) });
    c.push({ name: h + '_hdr', lines: 'balance hdr(x-key)\n    hash-type ' + ht, weights: [1, 1, 1, 1, 1], steps: hdrs(60) });
    c.push({ name: h + '_src', lines: 'balance source\n    hash-type ' + ht, weights: [1, 1, 1, 1, 1], steps: srcs(30) });
    c.push({ name: h + '_urlp', lines: 'balance url_param k\n    hash-type ' + ht, weights: [1, 1, 1],
      steps: [...KEYS.slice(0, 20).map((k) => ({ uri: '/p?x=1&k=' + k })), ...plain(6)] });
    for (const fn of ['sdbm', 'djb2', 'wt6', 'crc32']) {
      for (const av of ['', ' avalanche']) {
        if (fn === 'sdbm' && av === '') continue;
        c.push({ name: h + '_' + fn + (av === '' ? '' : '_av'), lines: 'balance uri\n    hash-type ' + ht + ' ' + fn + av,
          weights: [1, 1, 1, 1], steps: uris(40) });
      }
    }
    c.push({ name: h + '_sdbm', lines: 'balance uri\n    hash-type ' + ht + ' sdbm', weights: [1, 1, 1, 1], steps: uris(40) });
    c.push({ name: h + '_src_crc', lines: 'balance source\n    hash-type ' + ht + ' crc32', weights: [1, 1, 2, 1], steps: srcs(30) });
    c.push({ name: h + '_moves', lines: 'balance uri\n    hash-type ' + ht, weights: [1, 1, 1, 1], steps: [...uris(40),
      { cli: `set server ${h}_moves/s2 state maint` }, ...uris(40), { cli: `set server ${h}_moves/s2 state ready` }, ...uris(40),
      ...(ht === 'consistent' ? [{ cli: `set weight ${h}_moves/s3 3` }, ...uris(40), { cli: `set weight ${h}_moves/s3 0` }, ...uris(40)] : [])] });
  }
  return c;
}

/** `balance random` (2 draws) over idle equal servers: only the shares can be compared (the ring makes them unequal). */
export const RANDOM_WEIGHTS = [1, 1, 1, 1];
export const RANDOM_REQUESTS = 1200;

/** Sends RANDOM_REQUESTS requests to the `rnd` backend; returns requests per server. */
export async function runRandomTally(fe: number): Promise<Record<string, number>> {
  const t: Record<string, number> = {};
  for (let i = 0; i < RANDOM_REQUESTS; i++) {
    const r = await rawRequest(fe, 'GET / HTTP/1.1\r\nhost: h\r\nx-bk: rnd\r\nconnection: close\r\n\r\n', 3000);
    const sv = r.slice(r.indexOf('\r\n\r\n') + 4);
    t[sv] = (t[sv] ?? 0) + 1;
  }
  return t;
}

/** The configuration: a frontend routing on `x-bk` to one backend per case, a stats socket at `sock`. */
export function lbConfig(fe: number, ports: number[], sock: string): string {
  const cases = lbCases();
  let s = `global
    stats socket ${sock} level admin

defaults
    mode http
    timeout connect 2s
    timeout client 5s
    timeout server 5s

frontend fe
    bind 127.0.0.1:${fe}
`;
  for (const k of cases) s += `    use_backend ${k.name} if { req.hdr(x-bk) -m str ${k.name} }\n`;
  s += `    use_backend rnd if { req.hdr(x-bk) -m str rnd }\n\nbackend rnd\n    balance random\n`;
  RANDOM_WEIGHTS.forEach((w, i) => { s += `    server s${i + 1} 127.0.0.1:${ports[i]} weight ${w}\n`; });
  for (const k of cases) {
    s += `\nbackend ${k.name}\n    ${k.lines}\n`;
    k.weights.forEach((w, i) => { s += `    server s${i + 1} 127.0.0.1:${ports[i]} weight ${w}${k.srv !== undefined ? ' ' + k.srv : ''}\n`; });
  }
  return s;
}

export interface LbOrigins { ports: number[]; close(): void; held(): number; releaseOne(): void }

/** Five origins answering "sN" and closing; requests for /hold wait, answered one by one by releaseOne(). */
export async function lbOrigins(): Promise<LbOrigins> {
  const list: net.Server[] = [];
  const ports: number[] = [];
  const waiting: (() => void)[] = [];
  for (let i = 1; i <= 5; i++) {
    const name = 's' + i;
    const srv = net.createServer((c) => {
      c.on('error', () => {});
      let acc = '';
      c.on('data', (d) => {
        acc += d.toString('latin1');
        if (!acc.includes('\r\n\r\n')) return;
        const answer = (): void => { c.end('HTTP/1.1 200 OK\r\ncontent-length: ' + name.length + '\r\nconnection: close\r\n\r\n' + name); };
        if (acc.startsWith('GET /hold ')) waiting.push(answer); else answer();
      });
    });
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    list.push(srv);
    ports.push((srv.address() as net.AddressInfo).port);
  }
  return {
    ports,
    close: () => { for (const s of list) s.close(); },
    held: () => waiting.length,
    releaseOne: () => { const f = waiting.shift(); if (f !== undefined) f(); },
  };
}

/** Runs every case (or those named in `only`); lines "case step -> server" (CLI steps: "case cli <cmd> -> <answer>"). */
export async function runLbScenario(fe: number, sock: string, o: LbOrigins, only: string[] | null = null): Promise<string[]> {
  const out: string[] = [];
  for (const k of lbCases()) {
    if (only !== null && !only.includes(k.name)) continue;
    let pending: Promise<string>[] = [];
    for (const st of k.steps) {
      if ('hold' in st) {
        const before = o.held();
        pending.push(rawRequest(fe, 'GET /hold HTTP/1.1\r\nhost: h\r\nx-bk: ' + k.name + '\r\nconnection: close\r\n\r\n', 3000));
        const end = Date.now() + 2000;
        while (o.held() === before && Date.now() < end) await new Promise((r) => setTimeout(r, 5));
        continue;
      }
      if ('release' in st) {
        // one at a time, in arrival order, so the servers see their connections end in a fixed order
        for (let i = 0; i < pending.length; i++) {
          o.releaseOne();
          const r = await pending[i];
          out.push(k.name + ' hold' + i + ' -> ' + r.slice(r.indexOf('\r\n\r\n') + 4));
        }
        pending = [];
        continue;
      }
      if ('cli' in st) {
        const a = await rawRequest({ path: sock }, st.cli + '\n', 3000);
        out.push(k.name + ' cli ' + st.cli + ' -> ' + a.trim().replace(/\n/g, ' '));
        continue;
      }
      const raw = 'GET ' + st.uri + ' HTTP/1.1\r\nhost: h\r\nx-bk: ' + k.name + '\r\n' + (st.key !== undefined ? 'x-key: ' + st.key + '\r\n' : '') + 'connection: close\r\n\r\n';
      const r = await rawRequest({ port: fe, host: '127.0.0.1', localAddress: st.src }, raw, 3000);
      out.push(k.name + ' ' + st.uri + (st.key !== undefined ? ' key=' + st.key : '') + (st.src !== undefined ? ' src=' + st.src : '') + ' -> ' + r.slice(r.indexOf('\r\n\r\n') + 4));
    }
  }
  return out;
}
