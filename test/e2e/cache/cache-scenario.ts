/*
 * The traffic of the cache golden (fixtures/cache/http/, captured from HAProxy 2.6.12 by capture.mts): which requests
 * are looked up, which responses are stored (status, Cache-Control, Expires, validators, Vary with process-vary,
 * Age, Set-Cookie, framing, size), HEAD and conditional requests on hits, invalidation by POST, expiry, eviction, a
 * cache used from a backend. The origin answers as its query says (status, headers, body size, framing) with a
 * per-path request counter in `x-count`, so a hit shows the count of the stored response. Shared by the capture
 * script and cache.test.ts.
 */
import net from 'node:net';
import { gunzipSync } from 'node:zlib';
import { rawRequest, goldenDefaults } from '../http/golden-util.ts';

export interface CachePorts { fe: number; fv: number; fx: number; fs: number; fb: number; fr: number; fz: number; fl: number; srv: number; log: number; sock: string }

export function cacheConfig(p: CachePorts): string {
  return `global
    stats socket ${p.sock} level admin
` + goldenDefaults(p.log) + `
cache c1
    total-max-size 4
    max-age 60

cache vary
    total-max-size 1
    max-object-size 3000
    process-vary on
    max-secondary-entries 2

cache short
    total-max-size 1
    max-age 2

cache small
    total-max-size 1
    max-object-size 400000

frontend fe
    bind 127.0.0.1:${p.fe}
    http-request cache-use c1
    http-request deny if { req.hdr(x-deny) 1 }
    http-response cache-store c1
    default_backend be

frontend fv
    bind 127.0.0.1:${p.fv}
    http-request cache-use vary
    http-response cache-store vary
    default_backend be

frontend fx
    bind 127.0.0.1:${p.fx}
    filter cache short
    http-request cache-use short if { path_beg /x }
    http-response cache-store short
    default_backend be

frontend fs
    bind 127.0.0.1:${p.fs}
    http-request cache-use small
    http-response cache-store small
    default_backend be

frontend fb
    bind 127.0.0.1:${p.fb}
    default_backend bc

frontend fr
    bind 127.0.0.1:${p.fr}
    http-request cache-use c1
    http-response cache-store c1
    http-response set-header x-fe-rule 1
    http-response set-header x-hit %[res.cache_hit]
    http-response set-header x-name %[res.cache_name]
    http-response set-header x-acl-hit 1 if { res.cache_hit }
    http-response set-header x-acl-name 1 if { res.cache_name c1 }
    http-after-response set-header x-after 1
    compression algo gzip
    compression type text/html
    default_backend br

backend br
    http-response set-header x-be-rule 1
    server s1 127.0.0.1:${p.srv}

frontend fz
    bind 127.0.0.1:${p.fz}
    compression algo gzip
    compression type text/html
    default_backend bz

backend bz
    http-request cache-use c1
    http-response cache-store c1
    server s1 127.0.0.1:${p.srv}

listen fl
    bind 127.0.0.1:${p.fl}
    http-request cache-use c1
    http-response cache-store c1
    server s1 127.0.0.1:${p.srv}

backend bc
    http-request cache-use c1
    http-response cache-store c1
    server s1 127.0.0.1:${p.srv}

backend be
    server s1 127.0.0.1:${p.srv}
`;
}

/**
 * The origin: GET/HEAD/POST /<path>?st=<status>&h=<name>:<value>...&body=<n>&chunked=1|close=1|http10=1 answers
 * that, with `x-count: <requests seen for this path>` first.
 */
export function cacheOrigin(): Promise<{ port: number; close(): void }> {
  const counts = new Map<string, number>();
  const srv = net.createServer((s) => {
    let acc = '';
    s.on('error', () => { /* client gone */ });
    s.on('data', (d) => {
      acc += d.toString('latin1');
      for (;;) {
        const i = acc.indexOf('\r\n\r\n');
        if (i < 0) return;
        const head = acc.slice(0, i);
        const cl = /\r\ncontent-length: *(\d+)/i.exec(head);
        const blen = cl !== null ? Number(cl[1]) : 0;
        if (acc.length < i + 4 + blen) return;
        acc = acc.slice(i + 4 + blen);
        const [meth, target] = head.split(' ');
        const u = new URL(target, 'http://o');
        const n = (counts.get(u.pathname) ?? 0) + 1;
        counts.set(u.pathname, n);
        const q = u.searchParams;
        const size = Number(q.get('body') ?? '5');
        const body = 'b'.repeat(size);
        let h = `HTTP/1.${q.get('http10') !== null ? 0 : 1} ${q.get('st') ?? '200'} R\r\nx-count: ${n}\r\n`;
        for (const v of q.getAll('h')) { const c = v.indexOf(':'); h += v.slice(0, c) + ': ' + v.slice(c + 1) + '\r\n'; }
        const noBody = meth === 'HEAD';
        if (q.get('chunked') !== null) {
          s.write(h + 'transfer-encoding: chunked\r\n\r\n' + (noBody ? '' : (size > 0 ? size.toString(16) + '\r\n' + body + '\r\n' : '') + '0\r\n\r\n'));
        } else if (q.get('close') !== null) {
          s.end(h + '\r\n' + (noBody ? '' : body));
          return;
        } else s.write(h + 'content-length: ' + size + '\r\n\r\n' + (noBody ? '' : body));
      }
    });
  });
  return new Promise((r) => srv.listen(0, '127.0.0.1', () => r({
    port: (srv.address() as net.AddressInfo).port,
    close: () => { srv.close(); },
  })));
}

const MA = 'h=cache-control:max-age%3D100';
const DATE = 'Tue,%2001%20Jan%202019%2000:00:00%20GMT';
const FUTURE = 'Tue,%2001%20Jan%202036%2000:00:00%20GMT';

/** One case: the frontend ('fe', 'fv', ...), then its requests (each on its own connection): [method, target, extra headers]. */
export type CacheCase = [string, [string, string, string][]];

const get = (t: string, hd = ''): [string, string, string] => ['GET', t, hd];
/** The same GET twice: stored by the first if cacheable, then served from the cache. */
const twice = (t: string): [string, string, string][] => [get(t), get(t)];

export const CACHE_CASES: CacheCase[] = [
  ['fe', [get('/basic?' + MA), get('/basic?' + MA), ['HEAD', '/basic?' + MA, ''], get('/basic?' + MA, 'host: other\r\n')]],
  ['fe', [get('/http10?' + MA), ['GET10', '/http10?' + MA, '']]],
  ['fe', [get('/nocache?' + MA), get('/nocache?' + MA, 'cache-control: no-cache\r\n'), get('/nocache?' + MA)]],
  ['fe', [get('/pragma?' + MA), get('/pragma?' + MA, 'pragma: no-cache\r\n'), get('/pragma?' + MA, 'pragma: no-cache\r\ncache-control: x\r\n')]],
  ['fe', [get('/auth?' + MA, 'authorization: x\r\n'), get('/auth?' + MA), get('/auth?' + MA, 'authorization: x\r\n')]],
  ['fe', [get('/maxage-req?' + MA), get('/maxage-req?' + MA, 'cache-control: max-age=0\r\n'), get('/maxage-req?' + MA, 'cache-control: no-store\r\n')]],
  ['fe', [['POST', '/post?' + MA, 'content-length: 0\r\n'], get('/post?' + MA), get('/post?' + MA), ['POST', '/post?' + MA, 'content-length: 2\r\n\r\nab'], get('/post?' + MA)]],
  ['fe', [['HEAD', '/headfirst?' + MA, ''], get('/headfirst?' + MA), get('/headfirst?' + MA)]],
  ['fe', twice('/s201?st=201&' + MA)],
  ['fe', twice('/s404?st=404&' + MA)],
  ['fe', twice('/s301?st=301&' + MA)],
  ['fe', twice('/none')],
  ['fe', twice('/etag?h=etag:"e1"')],
  ['fe', twice('/lastmod?h=last-modified:' + DATE)],
  ['fe', twice('/expired?h=expires:' + DATE)],
  ['fe', twice('/expires?h=expires:' + FUTURE)],
  ['fe', twice('/public?h=cache-control:public')],
  ['fe', twice('/public-etag?h=cache-control:public&h=etag:"p"')],
  ['fe', twice('/private?h=cache-control:max-age%3D100,%20private')],
  ['fe', twice('/PRIVATE?h=cache-control:max-age%3D100,PRIVATE')],
  ['fe', twice('/nostore?h=cache-control:no-store&' + MA)],
  ['fe', twice('/nostore-public?h=cache-control:no-store&h=cache-control:public&' + MA)],
  ['fe', twice('/rsp-nocache?h=cache-control:no-cache&' + MA)],
  ['fe', twice('/maxage0?h=cache-control:max-age%3D0')],
  ['fe', twice('/maxage00?h=cache-control:max-age%3D00')],
  ['fe', twice('/smaxage?h=cache-control:s-maxage%3D50')],
  ['fe', twice('/maxage-neg?h=cache-control:max-age%3D-1')],
  ['fe', twice('/setcookie?h=set-cookie:a%3Db&' + MA)],
  ['fe', twice('/nocache-sc?h=cache-control:no-cache%3D"set-cookie"&' + MA)],
  ['fe', twice('/rsp-pragma?h=pragma:no-cache&' + MA)],
  ['fe', twice('/vary-off?h=vary:accept-encoding&' + MA)],
  ['fe', twice('/age?h=age:30&' + MA)],
  ['fe', twice('/age-stale?h=age:300&' + MA)],
  ['fe', [get('/chunked?chunked=1&body=40&' + MA), get('/chunked?chunked=1&body=40&' + MA), ['HEAD', '/chunked?chunked=1&body=40&' + MA, '']]],
  ['fe', twice('/close?close=1&' + MA)],
  ['fe', twice('/v10?http10=1&' + MA)],
  ['fe', twice('/empty?body=0&' + MA)],
  ['fe', twice('/big?body=17000&' + MA)],
  ['fe', twice('/bigchunked?chunked=1&body=17000&' + MA)],
  ['fe', [get('/cond?h=etag:"c1"&h=last-modified:' + DATE + '&' + MA), get('/cond?h=etag:"c1"&h=last-modified:' + DATE + '&' + MA, 'if-none-match: "c1"\r\n'),
    get('/cond?h=etag:"c1"&h=last-modified:' + DATE + '&' + MA, 'if-none-match: "x", W/"c1"\r\n'),
    get('/cond?h=etag:"c1"&h=last-modified:' + DATE + '&' + MA, 'if-none-match: "x"\r\n'),
    get('/cond?h=etag:"c1"&h=last-modified:' + DATE + '&' + MA, 'if-none-match: *\r\n'),
    get('/cond?h=etag:"c1"&h=last-modified:' + DATE + '&' + MA, 'if-modified-since: Tue, 01 Jan 2019 00:00:00 GMT\r\n'),
    get('/cond?h=etag:"c1"&h=last-modified:' + DATE + '&' + MA, 'if-modified-since: Mon, 31 Dec 2018 00:00:00 GMT\r\n'),
    ['HEAD', '/cond?h=etag:"c1"&h=last-modified:' + DATE + '&' + MA, 'if-none-match: "c1"\r\n']]],
  ['fv', [get('/ae?h=vary:accept-encoding&h=content-encoding:gzip&' + MA, 'accept-encoding: gzip\r\n'),
    get('/ae?h=vary:accept-encoding&h=content-encoding:gzip&' + MA, 'accept-encoding: gzip\r\n'),
    get('/ae?h=vary:accept-encoding&h=content-encoding:gzip&' + MA, 'accept-encoding: br\r\n'),
    get('/ae?h=vary:accept-encoding&h=content-encoding:gzip&' + MA, ''),
    get('/ae?h=vary:accept-encoding&h=content-encoding:gzip&' + MA, 'accept-encoding: gzip;q=0\r\n'),
    get('/ae?h=vary:accept-encoding&h=content-encoding:gzip&' + MA, 'accept-encoding: *\r\n'),
    get('/ae?h=vary:accept-encoding&h=content-encoding:gzip&' + MA, 'accept-encoding: x-gzip, br\r\n')]],
  ['fv', [get('/ae-id?h=vary:accept-encoding&' + MA, 'accept-encoding: br\r\n'), get('/ae-id?h=vary:accept-encoding&' + MA, 'accept-encoding: gzip\r\n'),
    get('/ae-id?h=vary:accept-encoding&' + MA, 'accept-encoding: identity;q=0\r\n')]],
  ['fv', [get('/ref?h=vary:referer,accept-encoding&' + MA, 'referer: a\r\n'), get('/ref?h=vary:referer,accept-encoding&' + MA, 'referer: a\r\n'),
    get('/ref?h=vary:referer,accept-encoding&' + MA, 'referer: b\r\n'), get('/ref?h=vary:referer,accept-encoding&' + MA, 'referer: b\r\n'),
    get('/ref?h=vary:referer,accept-encoding&' + MA, 'referer: c\r\n'), get('/ref?h=vary:referer,accept-encoding&' + MA, 'referer: a\r\n')]],
  ['fv', [get('/ref-only?h=vary:referer&' + MA, 'referer: a\r\n'), get('/ref-only?h=vary:referer&' + MA, 'referer: a\r\n')]],
  ['fv', [get('/ua?h=vary:user-agent&' + MA, 'user-agent: a\r\n'), get('/ua?h=vary:user-agent&' + MA, 'user-agent: a\r\n')]],
  ['fv', twice('/ae-unknown?h=vary:accept-encoding&h=content-encoding:foo&' + MA)],
  ['fv', [get('/objsize?body=2900&' + MA), get('/objsize?body=2900&' + MA), get('/objsize2?body=2700&' + MA), get('/objsize2?body=2700&' + MA)]],
  ['fx', [get('/x/short?' + MA), get('/x/short?' + MA), get('/y/nouse?' + MA), get('/y/nouse?' + MA)]],
  ['fs', [get('/e/a?body=300000&' + MA), get('/e/b?body=300000&' + MA), get('/e/c?body=300000&' + MA), get('/e/a?body=300000&' + MA),
    get('/e/d?body=300000&' + MA), get('/e/a?body=300000&' + MA), get('/e/b?body=300000&' + MA), get('/e/c?body=300000&' + MA)]],
  ['fr', [get('/rules?h=content-type:text/html&body=300&' + MA), get('/rules?h=content-type:text/html&body=300&' + MA),
    get('/rules?h=content-type:text/html&body=300&' + MA, 'accept-encoding: gzip\r\n'), ['HEAD', '/rules?h=content-type:text/html&body=300&' + MA, ''],
    get('/rules-gz?h=content-type:text/html&body=300&' + MA, 'accept-encoding: gzip\r\n'), get('/rules-gz?h=content-type:text/html&body=300&' + MA),
    get('/rules-gz?h=content-type:text/html&body=300&' + MA, 'accept-encoding: gzip\r\n')]],
  ['fe+ka', [get('/ka?' + MA), get('/ka?' + MA), get('/ka?' + MA), ['HEAD', '/ka?' + MA, ''],
    get('/ka-chunked?chunked=1&body=20&' + MA), get('/ka-chunked?chunked=1&body=20&' + MA), get('/ka-close?close=1&' + MA), get('/ka-close?close=1&' + MA)]],
  ['fe+ka', [get('/ka?' + MA, 'if-none-match: *\r\n'), ['GET10', '/ka?' + MA, 'connection: keep-alive\r\n'], get('/ka?' + MA)]],
  ['fz', [get('/fz?h=content-type:text/html&body=300&' + MA, 'accept-encoding: gzip\r\n'), get('/fz?h=content-type:text/html&body=300&' + MA),
    get('/fz?h=content-type:text/html&body=300&' + MA), get('/fz?h=content-type:text/html&body=300&' + MA, 'accept-encoding: gzip\r\n')]],
  ['fl', [get('/listen?' + MA), get('/listen?' + MA), get('/listen?' + MA)]],
  ['fb', [get('/be?' + MA), get('/be?' + MA), get('/be-close?close=1&' + MA), get('/be-close?close=1&' + MA, 'connection: keep-alive\r\n')]],
];

/** A request's bytes: GET10 is an HTTP/1.0 GET. Every request asks for connection: close unless it says keep-alive. */
export function cacheRequest(meth: string, target: string, hd: string): string {
  const v = meth === 'GET10' ? 'HTTP/1.0' : 'HTTP/1.1';
  const m = meth === 'GET10' ? 'GET' : meth;
  const body = hd.indexOf('\r\n\r\n');
  const hdrs = body >= 0 ? hd.slice(0, body + 2) : hd;
  const rest = body >= 0 ? hd.slice(body + 4) : '';
  const host = /^host:/im.test(hdrs) ? '' : 'host: cache.test\r\n';
  const conn = /^connection:/im.test(hdrs) ? '' : 'connection: close\r\n';
  return `${m} ${target} ${v}\r\n${host}${hdrs}${conn}\r\n${rest}`;
}

/** Age values depend on the second the test runs in: masked. Long bodies are summarised as their payload size. */
export function maskResponse(r: string): string {
  const he = r.indexOf('\r\n\r\n');
  const body = he >= 0 ? r.slice(he + 4) : '';
  const head = (he >= 0 ? r.slice(0, he) : r).replace(/\r\nage: \d+/g, '\r\nage: N');
  if (head.includes('\r\nvary: Accept-Encoding\r\ncontent-encoding: gzip') && body.length > 0) {
    // compressed by the proxy: zlib and 2.6's libslz differ in bytes, not in what decompresses
    return `${head}\r\n\r\n<gzip of ${gunzipSync(Buffer.from(dechunk(body), 'latin1')).length} bytes>`;
  }
  if (body.length <= 200) return `${head}\r\n\r\n${body}`;
  // a long body: its payload size (chunk sizes follow each proxy's buffers, not the cache)
  if (!/\r\ntransfer-encoding: chunked/i.test(head)) return `${head}\r\n\r\n<${body.length} bytes>`;
  return `${head}\r\n\r\n<chunked, ${dechunk(body).length} bytes>`;
}

/** The payload of a chunked body. */
function dechunk(body: string): string {
  let out = '';
  for (let i = 0; ;) {
    const e = body.indexOf('\r\n', i);
    const sz = e < 0 ? 0 : parseInt(body.slice(i, e), 16);
    if (!(sz > 0)) break;
    out += body.slice(e + 2, e + 2 + sz);
    i = e + 2 + sz + 2;
  }
  return out;
}

/** Where the response at the start of `s` ends (-1: not complete yet, s.length + 1: it ends with the connection). */
function responseEnd(s: string, head: boolean): number {
  const he = s.indexOf('\r\n\r\n');
  if (he < 0) return -1;
  const h = s.slice(0, he).toLowerCase();
  if (head || / 304 /.test(h.slice(0, 13))) return he + 4;
  const cl = /\r\ncontent-length: *(\d+)/.exec(h);
  if (cl !== null) return s.length >= he + 4 + Number(cl[1]) ? he + 4 + Number(cl[1]) : -1;
  if (h.includes('\r\ntransfer-encoding: chunked')) { const z = s.indexOf('\r\n0\r\n\r\n', he); return z < 0 ? -1 : z + 7; }
  return s.length + 1;
}

/** The requests one after the other on one connection; a response the server closes ends it ('<closed>' after). */
function kaSequence(port: number, reqs: string[]): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const c = net.connect(port, '127.0.0.1');
    const out: string[] = [];
    let acc = '';
    let i = 0;
    const t = setTimeout(() => { c.destroy(); reject(new Error('kaSequence timeout at ' + i)); }, 5000);
    const finish = (): void => { clearTimeout(t); while (out.length < reqs.length) out.push('<closed>'); resolve(out); };
    c.on('data', (d) => {
      acc += d.toString('latin1');
      for (;;) {
        const e = responseEnd(acc, reqs[i].startsWith('HEAD '));
        if (e < 0 || e > acc.length) return;
        out.push(acc.slice(0, e));
        acc = acc.slice(e);
        i++;
        if (i === reqs.length) { c.end(); return; }
        c.write(reqs[i]);
      }
    });
    c.on('error', (err) => { clearTimeout(t); reject(err); });
    c.on('close', () => { if (acc !== '') { out.push(acc); i++; } finish(); });
    c.on('connect', () => c.write(reqs[0]));
  });
}

/** Runs every case in order (the expiry case sleeps past its 2 s max-age); returns the masked responses. */
export async function runCacheScenario(p: CachePorts): Promise<string[]> {
  const out: string[] = [];
  for (const [fe, reqs] of CACHE_CASES) {
    if (fe.endsWith('+ka')) {
      // one keep-alive connection: each request waits for the previous response
      const ka = reqs.map(([m, t, hd]) => cacheRequest(m, t, hd.includes('connection:') ? hd : hd + 'connection: keep-alive\r\n'));
      for (const r of await kaSequence(p[fe.slice(0, -3) as 'fe'], ka)) out.push(maskResponse(r));
      continue;
    }
    const port = p[fe as 'fe'];
    for (const [m, t, hd] of reqs) out.push(maskResponse(await rawRequest(port, cacheRequest(m, t, hd))));
    if (fe === 'fx') {
      await new Promise((r) => setTimeout(r, 3100));
      out.push(maskResponse(await rawRequest(port, cacheRequest('GET', '/x/short?' + MA, ''))));
    }
  }
  return out;
}

const STAT_COLS = ['pxname', 'svname', 'stot', 'bin', 'bout', 'hrsp_2xx', 'req_tot', 'intercepted', 'cache_lookups', 'cache_hits'];

/** `show stat` reduced to the proxies' rows and the columns a cache hit changes (STAT_COLS). */
export function statCacheColumns(csv: string): string {
  const lines = csv.split('\n');
  const cols = lines[0].replace(/^# /, '').split(',');
  const idx = STAT_COLS.map((c) => cols.indexOf(c));
  return STAT_COLS.join(',') + '\n' + lines.slice(1).filter((x) => /,(FRONTEND|BACKEND),/.test(x))
    .map((x) => { const f = x.split(','); return idx.map((i) => f[i]).join(','); }).join('\n') + '\n';
}

/**
 * `show cache` with the pointers, the seconds to expiry and the referer hashes masked (they depend on the process,
 * the clock, and 2.6's random hash seed), sizes over a buffer in KB, the short-lived cache's entries left out.
 */
export function maskShowCache(s: string): string {
  // the entries of `short` (2 s max-age) may have expired by the time the scenario ends on a slow machine
  s = s.replace(/(: short \(shctx:[^\n]*\n)(?:0x[0-9a-f]+ hash:[^\n]*\n)*/, '$1');
  return s.replace(/^0x[0-9a-f]+/gm, 'ADDR').replace(/shctx:0x[0-9a-f]+/g, 'shctx:ADDR').replace(/expire:-?\d+/g, 'expire:N')
    .replace(/(vary:0x[0-9a-f]{8})([0-9a-f]{8})/g, (_m, a: string, b: string) => a + (b === '00000000' ? b : 'REFERER_'))
    // an object over one buffer is stored as the data blocks it arrived in: its size varies by a few bytes even
    // between two identical 2.6 responses, so it is compared in KB
    .replace(/size:(\d+)/g, (m, n: string) => (Number(n) > 16384 ? `size:~${Math.round(Number(n) / 1024)}K` : m));
}
