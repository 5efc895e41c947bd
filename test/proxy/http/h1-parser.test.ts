import { test } from 'node:test';
import assert from 'node:assert/strict';
import { H1Msg, h1Parse } from '../../../proxy/http/h1-parser.ts';
import {
  H1_HDR_STRIDE, H1_MF_CHNK, H1_MF_CLEN, H1_MF_CONN_CLO, H1_MF_EXPECT, H1_MF_TE_CL, H1_MF_VER_11, H1_MF_UPGRADE,
  H1_MF_CONN_UPG, H1_ERR_H2_PRI,
} from '../../../proxy/http/types.ts';

const LIMIT = 16384 - 1024;

interface Summary { ret: string; err: number; flags: number; bodyLen: number; status: number; line: string[]; hdrs: string[]; headEnd: number }

/** Feeds `input` cut at `cuts` into one growing buffer, as the stream does, and summarises the result. */
function feed(input: string, cuts: number[], resp = false, relaxed = false): Summary {
  const src = Buffer.from(input, 'latin1');
  const acc = Buffer.alloc(src.length + 1);
  const m = new H1Msg(resp, 101);
  m.relaxed = relaxed;
  let r = 0;
  let have = 0;
  for (const c of [...cuts, src.length]) {
    if (c <= have) continue;
    src.copy(acc, have, have, c);
    have = c;
    r = h1Parse(m, acc, have, LIMIT);
    if (r !== 0) break;
  }
  const hdrs: string[] = [];
  for (let i = 0; i < m.nhdr; i++) {
    const x = i * H1_HDR_STRIDE;
    if (m.hdr[x] < 0) continue;
    hdrs.push(acc.toString('latin1', m.hdr[x], m.hdr[x + 1]) + '=' + acc.toString('latin1', m.hdr[x + 2], m.hdr[x + 3]));
  }
  return {
    ret: r > 0 ? 'done' : r === 0 ? 'more' : 'error', err: m.err, flags: m.flags, bodyLen: m.bodyLen, status: m.status,
    line: r > 0 ? [acc.toString('latin1', m.l0s, m.l0e), acc.toString('latin1', m.l1s, m.l1e), acc.toString('latin1', m.l2s, m.l2e)] : [],
    hdrs, headEnd: r > 0 ? m.headEnd : -1,     // the head's end only means something once it is accepted
  };
}

/** Parses whole, byte by byte and at 20 random split sets; asserts all agree and returns the whole-input result. */
function parseEveryWay(input: string, resp = false, relaxed = false): Summary {
  const whole = feed(input, [], resp, relaxed);
  const bytes = Array.from({ length: input.length }, (_, i) => i + 1);
  assert.deepEqual(feed(input, bytes, resp, relaxed), whole, 'byte by byte');
  let seed = 12345;
  const rnd = () => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed; };
  for (let k = 0; k < 20; k++) {
    const cuts = Array.from({ length: 3 }, () => rnd() % (input.length + 1)).sort((a, b) => a - b);
    assert.deepEqual(feed(input, cuts, resp, relaxed), whole, `cuts ${cuts}`);
  }
  return whole;
}

test('a simple GET parses into method, uri, version and lowercased headers', () => {
  const s = parseEveryWay('GET /a?b=1 HTTP/1.1\r\nHost: example.com\r\nX-Mixed: Value \r\n\r\n');
  assert.equal(s.ret, 'done');
  assert.deepEqual(s.line, ['GET', '/a?b=1', 'HTTP/1.1']);
  assert.deepEqual(s.hdrs, ['host=example.com', 'x-mixed=Value']);
  assert.ok(s.flags & H1_MF_VER_11);
  assert.equal(s.headEnd, 59);
});

test('an incomplete head asks for more bytes', () => {
  assert.equal(feed('GET / HTTP/1.1\r\nHost: a\r\n', []).ret, 'more');
  assert.equal(feed('GET / HT', []).ret, 'more');
});

test('leading empty lines are skipped and bare LF line ends accepted', () => {
  const s = parseEveryWay('\r\n\nGET / HTTP/1.0\nHost: a\n\n');
  assert.equal(s.ret, 'done');
  assert.deepEqual(s.line, ['GET', '/', 'HTTP/1.0']);
  assert.equal(s.flags & H1_MF_VER_11, 0);
  assert.deepEqual(s.hdrs, ['host=a']);
});

test('obs-fold continues the previous value with spaces', () => {
  const s = parseEveryWay('GET / HTTP/1.1\r\nX-Fold: a\r\n  b\r\nY: c\r\n\r\n');
  assert.deepEqual(s.hdrs, ['x-fold=a    b', 'y=c']);
});

test('content-length lists and equal duplicates collapse to one value', () => {
  const a = parseEveryWay('POST / HTTP/1.1\r\nContent-Length: 5, 5\r\n\r\n');
  assert.equal(a.bodyLen, 5);
  assert.deepEqual(a.hdrs, ['content-length=5']);
  const b = parseEveryWay('POST / HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\n');
  assert.deepEqual(b.hdrs, ['content-length=5']);
  assert.ok(b.flags & H1_MF_CLEN);
});

test('transfer-encoding chunked wins over content-length, which is removed', () => {
  const s = parseEveryWay('POST / HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n');
  assert.deepEqual(s.hdrs, ['transfer-encoding=chunked']);
  assert.ok(s.flags & H1_MF_CHNK);
  assert.ok(s.flags & H1_MF_TE_CL);
  assert.equal(s.flags & H1_MF_CLEN, 0);
});

test('connection, upgrade and expect headers set flags; close/keep-alive-only Connection is dropped', () => {
  const s = parseEveryWay('GET / HTTP/1.1\r\nConnection: close\r\nExpect: 100-continue\r\n\r\n');
  assert.ok(s.flags & H1_MF_CONN_CLO);
  assert.ok(s.flags & H1_MF_EXPECT);
  assert.deepEqual(s.hdrs, ['expect=100-continue']);
  const u = parseEveryWay('GET /ws HTTP/1.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n');
  assert.ok(u.flags & H1_MF_CONN_UPG);
  assert.ok(u.flags & H1_MF_UPGRADE);
  assert.deepEqual(u.hdrs, ['connection=Upgrade', 'upgrade=websocket', 'sec-websocket-key=dGhlIHNhbXBsZSBub25jZQ==']);
});

const BAD400: [string, string][] = [
  ['method with a bad char', 'GE(T / HTTP/1.1\r\n\r\n'],
  ['bad version', 'GET / HTTP/1.x\r\n\r\n'],
  ['HTTP/0.9 line', 'GET /\r\n\r\n'],
  ['space in uri', 'GET /a b HTTP/1.1\r\n\r\n'],
  ['control char in uri', 'GET /a\x01b HTTP/1.1\r\n\r\n'],
  ['empty uri', 'GET  HTTP/1.1\r\n\r\n'],
  ['CR inside a header line', 'GET / HTTP/1.1\r\nHost: a\rX: b\r\n\r\n'],
  ['space before colon', 'GET / HTTP/1.1\r\nHost : a\r\n\r\n'],
  ['space in a name', 'GET / HTTP/1.1\r\nHo st: a\r\n\r\n'],
  ['empty name', 'GET / HTTP/1.1\r\n: b\r\n\r\n'],
  ['no colon', 'GET / HTTP/1.1\r\nNoColon\r\n\r\n'],
  ['different duplicate content-length', 'POST / HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n'],
  ['different content-length list', 'POST / HTTP/1.1\r\nContent-Length: 5, 6\r\n\r\n'],
  ['negative content-length', 'POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n'],
  ['signed content-length', 'POST / HTTP/1.1\r\nContent-Length: +5\r\n\r\n'],
  ['empty content-length', 'POST / HTTP/1.1\r\nContent-Length: \r\n\r\n'],
  ['huge content-length', 'POST / HTTP/1.1\r\nContent-Length: 99999999999999999999999\r\n\r\n'],
  ['transfer-encoding gzip', 'POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n'],
  ['chunked not last', 'POST / HTTP/1.1\r\nTransfer-Encoding: chunked, gzip\r\n\r\n'],
  ['chunked twice', 'POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n'],
  ['two different Host headers', 'GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n'],
];
for (const [what, input] of BAD400) {
  test(`rejects with 400: ${what}`, () => {
    const s = parseEveryWay(input);
    assert.equal(s.ret, 'error');
    assert.equal(s.err, 400);
  });
}

test('a coding before chunked is rejected with 422', () => {
  const s = parseEveryWay('POST / HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n');
  assert.equal(s.err, 422);
});

test('CTL and NUL bytes in values are accepted as HAProxy 2.6 does', () => {
  const s = parseEveryWay('GET / HTTP/1.1\r\nX: a\x01b\x00c\r\n\r\n');
  assert.deepEqual(s.hdrs, ['x=a\x01b\x00c']);
});

test('heads larger than bufsize - maxrewrite fail with 400, even without a line end', () => {
  assert.equal(feed(`GET /${'a'.repeat(17000)} HTTP/1.1\r\n\r\n`, []).err, 400);
  assert.equal(feed(`GET /${'a'.repeat(17000)}`, []).err, 400);
  let h = '';
  for (let i = 0; i < 40; i++) h += `X-${i}: ${'v'.repeat(500)}\r\n`;
  assert.equal(feed(`GET / HTTP/1.1\r\n${h}\r\n`, []).err, 400);
  assert.equal(feed(`GET /${'a'.repeat(8000)} HTTP/1.1\r\n\r\n`, []).ret, 'done');
});

test('more headers than tune.http.maxhdr fail with 400', () => {
  let h = '';
  for (let i = 0; i < 110; i++) h += `X-${i}: v\r\n`;
  assert.equal(feed(`GET / HTTP/1.1\r\n${h}\r\n`, []).err, 400);
  h = '';
  for (let i = 0; i < 99; i++) h += `X-${i}: v\r\n`;
  assert.equal(feed(`GET / HTTP/1.1\r\n${h}\r\n`, []).ret, 'done');
});

test('a response status line gives the status, reason and framing', () => {
  const s = parseEveryWay('HTTP/1.1 404 Not Found\r\nContent-Length: 10\r\nConnection: keep-alive\r\n\r\n', true);
  assert.equal(s.status, 404);
  assert.deepEqual(s.line, ['HTTP/1.1', '404', 'Not Found']);
  assert.equal(s.bodyLen, 10);
  assert.deepEqual(s.hdrs, ['content-length=10']);
});

test('bad response heads fail with 502', () => {
  for (const r of ['HTTP/1.1 2x0 Bogus\r\n\r\n', 'HTTP/1.1 200 OK\r\nBad Name: x\r\n\r\n', 'FOO\r\n\r\n', 'HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n']) {
    const s = parseEveryWay(r, true);
    assert.equal(s.ret, 'error', r);
    assert.equal(s.err, 502, r);
  }
});

test('a response with both content-length and chunked keeps only chunked', () => {
  const s = parseEveryWay('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n', true);
  assert.deepEqual(s.hdrs, ['transfer-encoding=chunked']);
  assert.ok(s.flags & H1_MF_CHNK);
});

test('reset() makes the message reusable for the next one', () => {
  const m = new H1Msg(false, 101);
  const b = Buffer.from('GET /1 HTTP/1.1\r\nContent-Length: 1\r\n\r\nxGET /2 HTTP/1.1\r\n\r\n');
  const e1 = h1Parse(m, b, b.length, LIMIT);
  assert.equal(m.bodyLen, 1);
  m.reset();
  m.next = e1 + 1;
  const e2 = h1Parse(m, b, b.length, LIMIT);
  assert.equal(e2, b.length);
  assert.equal(b.toString('latin1', m.l1s, m.l1e), '/2');
  assert.equal(m.bodyLen, -1);
});

test('Content-Length keeps its leading zeros and a list is cut to its first value (no smuggled body)', () => {
  const z = parseEveryWay('POST / HTTP/1.1\r\nContent-Length: 005\r\n\r\nhello');
  assert.equal(z.bodyLen, 5);
  assert.deepEqual(z.hdrs, ['content-length=005']);
  const l = parseEveryWay('POST / HTTP/1.1\r\nContent-Length: 5 ,5\r\n\r\nhello');
  assert.deepEqual(l.hdrs, ['content-length=5']);
});

test('an obs-folded Content-Length or Transfer-Encoding value is read once complete', () => {
  assert.equal(parseEveryWay('POST / HTTP/1.1\r\nContent-Length:\r\n 5\r\n\r\n').bodyLen, 5);
  assert.ok(parseEveryWay('POST / HTTP/1.1\r\nTransfer-Encoding:\r\n chunked\r\n\r\n').flags & H1_MF_CHNK);
});

test('request lines: SP/HT runs pass, a fragment, a high byte or a target unfit for CONNECT is a 400', () => {
  assert.deepEqual(parseEveryWay('GET\t/a  HTTP/1.1\r\n\r\n').line, ['GET', '/a', 'HTTP/1.1']);
  assert.equal(parseEveryWay('GET /a\x7fb HTTP/1.1\r\n\r\n').ret, 'done');
  for (const l of ['GET /a#f HTTP/1.1', 'GET /\xe9 HTTP/1.1', 'GET /s/x\x7fy HTTP/1.1', 'CONNECT a HTTP/1.1', 'CONNECT /x HTTP/1.1']) {
    const s = parseEveryWay(l + '\r\n\r\n');
    assert.deepEqual([s.ret, s.err], ['error', 400], l);
  }
  // other targets pass the parser; their authority is checked against Host by http/normalize.ts
  for (const l of ['OPTIONS * HTTP/1.1', 'GET http://a/x HTTP/1.1', 'CONNECT a:443 HTTP/1.1', 'GET a:80 HTTP/1.1', 'GET a/b HTTP/1.1']) {
    assert.equal(parseEveryWay(l + '\r\n\r\n').ret, 'done', l);
  }
});

test('Transfer-Encoding with an empty element is a 422; a chunked HTTP/1.0 request closes after', () => {
  assert.deepEqual([parseEveryWay('POST / HTTP/1.1\r\nTransfer-Encoding: ,chunked\r\n\r\n').err], [422]);
  assert.ok(parseEveryWay('POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n').flags & H1_MF_TE_CL);
});

test('Connection loses its close/keep-alive elements the way 2.6 writes it', () => {
  const cases: [string, string][] = [['X-A,keep-alive,  X-B', 'X-A,X-B'], ['X-A, close', 'X-A'], ['keep-alive, Upgrade', 'Upgrade'],
    ['x-a, X-A , keep-alive', 'x-a, X-A ']];
  for (const [v, want] of cases) assert.deepEqual(parseEveryWay(`GET / HTTP/1.1\r\nConnection: ${v}\r\n\r\n`).hdrs, ['connection=' + want], v);
});

test('a WebSocket upgrade without a 24-byte sec-websocket-key is a 400', () => {
  const up = 'GET / HTTP/1.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n';
  assert.equal(parseEveryWay(up + '\r\n').err, 400);
  assert.equal(parseEveryWay(up + 'Sec-WebSocket-Key: k\r\n\r\n').err, 400);
  assert.equal(parseEveryWay(up + 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==x\r\n\r\n').err, 400);
  assert.equal(parseEveryWay(up + 'Sec-WebSocket-Key: k\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n').ret, 'done');
  assert.ok(parseEveryWay(up + 'Sec-WebSocket-Key: !!!!!!!!!!!!!!!!!!!!!!!!\r\n\r\n').flags & H1_MF_CONN_UPG);
});

test('a request or response head passes up to 15281 - 4 x headers bytes (2.6 with tune.bufsize 16384)', () => {
  const head = (n: number): string => { const p = 'GET / HTTP/1.1\r\nHost: a\r\nX-Pad: '; return p + 'p'.repeat(n - p.length - 4) + '\r\n\r\n'; };
  assert.equal(feed(head(15273), []).ret, 'done');
  assert.deepEqual([feed(head(15274), []).ret, feed(head(15274), []).err], ['error', 400]);
  const rsp = (n: number): string => { const p = 'HTTP/1.1 200 OK\r\nContent-Length: 0\r\nX-Pad: '; return p + 'p'.repeat(n - p.length - 4) + '\r\n\r\n'; };
  assert.equal(feed(rsp(15273), [], true).ret, 'done');
  assert.deepEqual([feed(rsp(15274), [], true).err], [502]);
});

test('status lines: any digit count and SP/HT runs pass, a line not opening with HTTP/d.d fails at once', () => {
  assert.equal(parseEveryWay('HTTP/1.1 99 Low\r\n\r\n', true).status, 99);
  assert.equal(parseEveryWay('HTTP/1.1  1000\tBig\r\n\r\n', true).status, 1000);
  assert.deepEqual([parseEveryWay('HTTP/1.1 20x OK\r\n\r\n', true).err], [502]);
  assert.deepEqual([feed('hello without a line end', [], true).ret, feed('hello', [], true).err], ['error', 502]);
  assert.deepEqual([feed('GE(T / HT', []).ret], ['error']);
  assert.equal(feed('GET / HT', []).ret, 'more');
  assert.deepEqual([parseEveryWay('HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n', true).err], [502]);
});

test('a refused head keeps its header names as received; an accepted one has them lowercased', () => {
  const b = Buffer.from('GET / HTTP/1.1\r\nX-Upper: 1\r\nBad Name: 2\r\n\r\n', 'latin1');
  const m = new H1Msg(false, 101);
  assert.equal(h1Parse(m, b, b.length, LIMIT), -1);
  assert.equal(b.toString('latin1', 16, 23), 'X-Upper');
  const ok = Buffer.from('GET / HTTP/1.1\r\nX-Upper: 1\r\n\r\n', 'latin1');
  assert.ok(h1Parse(new H1Msg(false, 101), ok, ok.length, LIMIT) > 0);
  assert.equal(ok.toString('latin1', 16, 23), 'x-upper');
});

test('accept-invalid-http-request: odd header names, URI bytes and versions pass the relaxed parser only', () => {
  const cases = [
    'GET /a HTTP/1.1\r\nhost: x\r\nx(y: 1\r\nx@y: 2\r\nx\x80y: 3\r\n\r\n',
    'GET /a\x80b#frag HTTP/1.1\r\nhost: x\r\n\r\n',
    'GET /a HTTP/1.10\r\nhost: x\r\n\r\n',
    'GET /a HTTP/11.1\r\nhost: x\r\n\r\n',
  ];
  for (const c of cases) {
    assert.equal(parseEveryWay(c).ret, 'error', JSON.stringify(c));
    assert.equal(parseEveryWay(c, false, true).ret, 'done', JSON.stringify(c));
  }
  const h = parseEveryWay(cases[0]!, false, true);
  assert.deepEqual(h.hdrs, ['host=x', 'x(y=1', 'x@y=2', 'x\x80y=3']);
  const v = parseEveryWay(cases[2]!, false, true);
  assert.deepEqual(v.line, ['GET', '/a', 'HTTP/1.10']);
  assert.equal(v.flags & H1_MF_VER_11, 0);     // taken as below 1.1, as 2.6 (it adds connection: keep-alive)
  // as 2.6.12 when relaxed: a space, CTL or DEL in a name, any version of version bytes ("HTTP/1", "1.1"); "????/d.d"
  // is read as d.d
  for (const c of ['GET /a HTTP/1.1\r\nx y: 1\r\nx\x01y\x7f: 2\r\n\r\n', 'GET /a HTTP/1\r\n\r\n', 'GET /a 1.1\r\n\r\n']) {
    assert.equal(parseEveryWay(c, false, true).ret, 'done', JSON.stringify(c));
  }
  assert.equal(parseEveryWay('GET /a XXXX/1.1\r\n\r\n', false, true).flags & H1_MF_VER_11, H1_MF_VER_11);
  // still refused when relaxed: a colon-less or empty name, other version bytes, a space in the URI
  for (const c of ['GET /a HTTP/1.1\r\nx y\r\n\r\n', 'GET /a HTTP/1.1\r\n: 1\r\n\r\n', 'GET /a HTTP/1.x\r\n\r\n', 'GET /a b HTTP/1.1\r\n\r\n']) {
    assert.equal(parseEveryWay(c, false, true).ret, 'error', JSON.stringify(c));
  }
});

test('accept-invalid-http-response: a response header name with odd bytes passes the relaxed parser only', () => {
  const r = 'HTTP/1.1 200 OK\r\nx(y: 1\r\ncontent-length: 2\r\n\r\n';
  assert.equal(parseEveryWay(r, true).ret, 'error');
  const s = parseEveryWay(r, true, true);
  assert.equal(s.ret, 'done');
  assert.deepEqual(s.hdrs, ['x(y=1', 'content-length=2']);
  // 2.6.12: a space or CTL in a name, any version of version bytes ("HTTP/1.10", "HTTP/1.")
  for (const c of ['HTTP/1.1 200 OK\r\nx y: 1\r\nx\x01: 2\r\n\r\n', 'HTTP/1.10 200 OK\r\n\r\n', 'HTTP/1. 200 OK\r\n\r\n']) {
    assert.equal(parseEveryWay(c, true).ret, 'error', JSON.stringify(c));
    assert.equal(parseEveryWay(c, true, true).ret, 'done', JSON.stringify(c));
  }
});

test('the method PRI (any case, target, version) is refused once the head is whole and valid otherwise', () => {
  assert.equal(parseEveryWay('pRi /x HTTP/1.1\r\nHost: a\r\n\r\n').err, H1_ERR_H2_PRI);
  assert.equal(parseEveryWay('PRI * HTTP/2.0\r\n\r\n').err, H1_ERR_H2_PRI);
  assert.equal(parseEveryWay('PRI * HTTP/2.0\r\nHost: a\r\n').ret, 'more');
  assert.equal(parseEveryWay('PRI * HTTP/2.0\r\nHost: a\r\nHost: b\r\n\r\n').err, 400);
  assert.equal(parseEveryWay('PRIX / HTTP/1.1\r\n\r\n').ret, 'done');
});

test('header names: as received while a head is incomplete or refused, all lowercase once it is accepted', () => {
  const long = 'X-' + 'Abcdefghij'.repeat(4);                      // 42 bytes: past the 31 lowered as it is read
  const head = `GET / HTTP/1.1\r\nHost: a\r\n${long}: 1\r\nUser-Agent: t\r\n`;
  // split in two reads: the first call's names are back as received, the whole head comes out lowercase
  const b = Buffer.from(head + '\r\n', 'latin1');
  const m = new H1Msg(false, 101);
  assert.equal(h1Parse(m, b, 40, LIMIT), 0);
  assert.equal(b.toString('latin1', 0, 40), (head + '\r\n').slice(0, 40));
  assert.equal(h1Parse(m, b, b.length, LIMIT), b.length);
  assert.equal(b.toString('latin1'), `GET / HTTP/1.1\r\nhost: a\r\n${long.toLowerCase()}: 1\r\nuser-agent: t\r\n\r\n`);
  // refused on a header line, or once the head is complete (a version 2.6 refuses at the head's end): as received
  for (const bad of [head + 'Bad Name: 2\r\n\r\n', head.replace('HTTP/1.1', 'HTTP/11.1') + '\r\n']) {
    for (const cut of [bad.length, 30, 60]) {
      const r = Buffer.from(bad, 'latin1');
      const mr = new H1Msg(false, 101);
      let res = h1Parse(mr, r, cut, LIMIT);
      if (res === 0) res = h1Parse(mr, r, r.length, LIMIT);
      assert.equal(res, -1);
      assert.equal(r.toString('latin1'), bad);
    }
  }
  // accept-invalid-http-request reads names another way: lowercased at the end too
  const rel = Buffer.from(`GET / HTTP/1.1\r\nX-{Odd}: 1\r\n${long}: 2\r\n\r\n`, 'latin1');
  const mrel = new H1Msg(false, 101);
  mrel.relaxed = true;
  assert.ok(h1Parse(mrel, rel, rel.length, LIMIT) > 0);
  assert.equal(rel.toString('latin1'), `GET / HTTP/1.1\r\nx-{odd}: 1\r\n${long.toLowerCase()}: 2\r\n\r\n`);
});
