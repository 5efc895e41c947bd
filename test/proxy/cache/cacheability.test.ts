/*
 * proxy/cache/cacheability.ts on head Buffers parsed by the H1 parser: request and response cacheability flags,
 * max-age arithmetic, Vary signatures, Accept-Encoding / Content-Encoding bitmaps, HTTP dates, ETag matching; each
 * rule as haproxy 2.6.12 applies it (fixtures/cache/http holds the end-to-end evidence).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { H1Msg, h1Parse } from '../../../proxy/http/h1-parser.ts';
import {
  headerValues, requestCacheability, responseCacheability, calcMaxAge, varySignature, acceptEncodingBits,
  contentEncodingBits, parseHttpDate, etagsMatch, refererHash,
} from '../../../proxy/cache/cacheability.ts';
import { VARY_ACCEPT_ENCODING, VARY_REFERER, ENC_GZIP, ENC_BR, ENC_IDENTITY, ENC_OTHER } from '../../../proxy/cache/types.ts';

function head(text: string, response = false): { buf: Buffer; hdr: Int32Array; nhdr: number } {
  const buf = Buffer.from(text.replace(/\n/g, '\r\n') + '\r\n\r\n', 'latin1');
  const m = new H1Msg(response, 101);
  assert.ok(h1Parse(m, buf, buf.length, buf.length) > 0, 'parses');
  return { buf, hdr: m.hdr, nhdr: m.nhdr };
}
const req = (h: string): ReturnType<typeof head> => head('GET / HTTP/1.1\nhost: x' + (h !== '' ? '\n' + h : ''));
const rsp = (h: string): ReturnType<typeof head> => head('HTTP/1.1 200 OK' + (h !== '' ? '\n' + h : ''), true);

function reqFlags(h: string): { ignore: boolean; cacheable: boolean; cook: boolean } {
  const f = { ignore: false, cacheable: true, cook: true };
  requestCacheability(req(h), f);
  return f;
}
function rspCacheable(h: string, status = 200): boolean {
  const f = { ignore: false, cacheable: true, cook: true };
  responseCacheability(rsp(h), status, f);
  return f.cacheable && f.cook;
}

test('header values are split on commas outside quotes, or taken whole', () => {
  const v = rsp('cache-control: max-age=10, private\ncache-control: no-cache="a,b"');
  assert.deepEqual(headerValues(v, 'cache-control', false), ['max-age=10', 'private', 'no-cache="a,b"']);
  assert.deepEqual(headerValues(v, 'cache-control', true), ['max-age=10, private', 'no-cache="a,b"']);
  assert.deepEqual(headerValues(v, 'expires', false), []);
});

test('requests: Authorization, Cache-Control no-cache / max-age, and Pragma without Cache-Control bypass the cache', () => {
  assert.deepEqual(reqFlags(''), { ignore: false, cacheable: true, cook: true });
  assert.deepEqual(reqFlags('authorization: Basic x'), { ignore: true, cacheable: false, cook: false });
  assert.equal(reqFlags('cache-control: no-cache').ignore, true);
  assert.equal(reqFlags('cache-control: max-age=0').ignore, true);
  assert.equal(reqFlags('cache-control: min-fresh=3').ignore, true);
  assert.deepEqual(reqFlags('cache-control: no-store'), { ignore: false, cacheable: false, cook: false });
  assert.equal(reqFlags('pragma: no-cache').ignore, true);
  assert.equal(reqFlags('pragma: no-cache\ncache-control: foo').ignore, false);
});

test('responses: freshness or a validator is required; private, no-store, no-cache, max-age=0 and Pragma refuse', () => {
  assert.equal(rspCacheable(''), false);
  assert.equal(rspCacheable('cache-control: max-age=10'), true);
  assert.equal(rspCacheable('cache-control: s-maxage=10'), true);
  assert.equal(rspCacheable('etag: "a"'), true);
  assert.equal(rspCacheable('last-modified: Tue, 01 Jan 2019 00:00:00 GMT'), true);
  assert.equal(rspCacheable('expires: Tue, 01 Jan 2019 00:00:00 GMT'), true);
  assert.equal(rspCacheable('cache-control: public'), false);
  assert.equal(rspCacheable('cache-control: max-age=10, private'), false);
  assert.equal(rspCacheable('cache-control: max-age=10, PRIVATE'), false);
  assert.equal(rspCacheable('cache-control: private="x", max-age=10'), true);
  assert.equal(rspCacheable('cache-control: max-age=0'), false);
  assert.equal(rspCacheable('cache-control: max-age=00'), true);
  assert.equal(rspCacheable('cache-control: no-store\ncache-control: public, max-age=5'), true);
  assert.equal(rspCacheable('cache-control: public\ncache-control: no-store, max-age=5'), false);
  assert.equal(rspCacheable('cache-control: no-cache="set-cookie", max-age=5'), false);
  assert.equal(rspCacheable('cache-control: max-age=5\npragma: no-cache'), false);
  assert.equal(rspCacheable('cache-control: max-age=5\nset-cookie: a=b'), true);
  assert.equal(rspCacheable('cache-control: max-age=5', 101), false);
});

test('max-age: s-maxage over max-age over Expires, capped by the cache; negative or empty values are -1', () => {
  const now = parseHttpDate('Tue, 01 Jan 2030 00:00:00 GMT');
  assert.deepEqual(calcMaxAge(rsp('cache-control: max-age=100'), 60, now), [60, 100]);
  assert.deepEqual(calcMaxAge(rsp('cache-control: max-age=30'), 60, now), [30, 30]);
  assert.deepEqual(calcMaxAge(rsp('cache-control: max-age=30, s-maxage=20'), 60, now), [20, 20]);
  assert.deepEqual(calcMaxAge(rsp('cache-control: max-age="40"'), 60, now), [40, 40]);
  assert.deepEqual(calcMaxAge(rsp('cache-control: max-age=-1'), 60, now), [-1, 0]);
  assert.deepEqual(calcMaxAge(rsp('expires: Tue, 01 Jan 2030 00:00:10 GMT'), 60, now), [10, 10]);
  assert.deepEqual(calcMaxAge(rsp('expires: Mon, 31 Dec 2029 00:00:00 GMT'), 60, now), [0, 0]);
  assert.deepEqual(calcMaxAge(rsp('expires: garbage'), 60, now), [0, 0]);
  assert.deepEqual(calcMaxAge(rsp('etag: "x"'), 60, now), [60, 0]);
});

test('Vary: accept-encoding and referer only, any case, several values or lines', () => {
  assert.equal(varySignature(rsp('')), 0);
  assert.equal(varySignature(rsp('vary: Accept-Encoding')), VARY_ACCEPT_ENCODING);
  assert.equal(varySignature(rsp('vary: referer, accept-encoding')), VARY_ACCEPT_ENCODING | VARY_REFERER);
  assert.equal(varySignature(rsp('vary: referer\nvary: user-agent')), -1);
  assert.equal(varySignature(rsp('vary: *')), -1);
});

test('Accept-Encoding bitmap: identity implied, q=0 rejects, * accepts all, none accepts all, unknown sets OTHER', () => {
  assert.equal(acceptEncodingBits(req('')), 0xffffffff);
  assert.equal(acceptEncodingBits(req('accept-encoding: gzip')), ENC_GZIP | ENC_IDENTITY);
  assert.equal(acceptEncodingBits(req('accept-encoding: x-gzip, BR')), ENC_GZIP | ENC_BR | ENC_IDENTITY);
  assert.equal(acceptEncodingBits(req('accept-encoding: gzip;q=0')), ENC_IDENTITY);
  assert.equal(acceptEncodingBits(req('accept-encoding: identity;q=0, br')), ENC_BR);
  assert.equal(acceptEncodingBits(req('accept-encoding: *, gzip;q=0')), (0xffffffff & ~ENC_GZIP) >>> 0);
  assert.equal(acceptEncodingBits(req('accept-encoding: foo')), ENC_OTHER | ENC_IDENTITY);
  assert.equal(acceptEncodingBits(req('accept-encoding: ' + Array(16).fill('gzip').join(', '))), -1);
  assert.equal(contentEncodingBits(rsp('')), ENC_IDENTITY);
  assert.equal(contentEncodingBits(rsp('content-encoding: gzip')), ENC_GZIP);
  assert.equal(contentEncodingBits(rsp('content-encoding: foo')), -1);
});

test('HTTP dates in the three formats; bad ones are -1', () => {
  assert.equal(parseHttpDate('Sun, 06 Nov 1994 08:49:37 GMT'), 784111777);
  assert.equal(parseHttpDate('Sunday, 06-Nov-94 08:49:37 GMT'), 784111777);
  assert.equal(parseHttpDate('Sun Nov  6 08:49:37 1994'), 784111777);
  assert.equal(parseHttpDate('06 Nov 1994'), -1);
  assert.equal(parseHttpDate('Sun, 06 Foo 1994 08:49:37 GMT'), -1);
});

test('ETags compare weakly; a referer hash is stable and 0 without the header', () => {
  assert.equal(etagsMatch('"a"', '"a"'), true);
  assert.equal(etagsMatch('"a"', 'W/"a"'), true);
  assert.equal(etagsMatch('W/"a"', '"a"'), true);
  assert.equal(etagsMatch('"a"', '"b"'), false);
  assert.equal(etagsMatch('a', 'a'), false);
  assert.equal(refererHash(req('')), 0);
  assert.equal(refererHash(req('referer: http://a/')), refererHash(req('referer: http://a/')));
  assert.notEqual(refererHash(req('referer: http://a/')), refererHash(req('referer: http://b/')));
});

test('random header values never throw and give values in range', () => {
  let seed = 12345;
  const rnd = (n: number): number => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed % n; };
  const alphabet = 'abcdefgimnoprstxz*;=q0.1,"\' -WG/';
  for (let i = 0; i < 2000; i++) {
    let v = '';
    for (let j = rnd(40); j > 0; j--) v += alphabet[rnd(alphabet.length)];
    const names = ['cache-control', 'accept-encoding', 'content-encoding', 'vary', 'expires', 'pragma', 'etag'];
    const h = rsp(names[rnd(names.length)] + ': ' + v);
    const r = req('accept-encoding: ' + v + '\nreferer: ' + v);
    const f = { ignore: false, cacheable: true, cook: true };
    responseCacheability(h, 200, f);
    requestCacheability(r, f);
    const [eff] = calcMaxAge(h, 60, 1000);
    assert.ok(eff >= -1 && eff <= 60);
    assert.ok([-1, 0, 1, 2, 3].includes(varySignature(h)));
    const ae = acceptEncodingBits(r);
    assert.ok(ae >= -1 && ae <= 0xffffffff);
    assert.ok(contentEncodingBits(h) >= -1);
    assert.ok(parseHttpDate(v) >= -1);
  }
});
