import { test } from 'node:test';
import assert from 'node:assert/strict';
import { H1Msg, h1Parse } from '../../../proxy/http/h1-parser.ts';
import { h1HeadOut, h1HeadOutKept } from '../../../proxy/http/head-out.ts';
import { H1_HDR_STRIDE } from '../../../proxy/http/types.ts';

/** The straightforward text form the encoder must reproduce byte for byte. */
function reference(buf: Buffer, m: H1Msg, line: string | null, extra: string, conn: string, tail: string): string {
  let s = line ?? buf.toString('latin1', m.l0s, m.l2e);
  for (let x = 0; x < m.nhdr * H1_HDR_STRIDE; x += H1_HDR_STRIDE) {
    if (m.hdr[x] < 0) continue;
    s += '\r\n' + buf.toString('latin1', m.hdr[x], m.hdr[x + 1]) + ': ' + buf.toString('latin1', m.hdr[x + 2], m.hdr[x + 3]);
  }
  return s + extra + conn + '\r\n\r\n' + tail;
}

function parse(text: string, response: boolean): { buf: Buffer; m: H1Msg; end: number } {
  const buf = Buffer.from(text, 'latin1');
  const m = new H1Msg(response, 101);
  const end = h1Parse(m, buf, buf.length, 16384);
  assert.ok(end > 0, `parsed: ${JSON.stringify(text)}`);
  return { buf, m, end };
}

const heads: [string, boolean][] = [
  ['GET /k HTTP/1.1\r\nHost: a\r\nUser-Agent: x\r\n\r\n', false],
  ['GET /k HTTP/1.1\r\nHost: a\r\nConnection: keep-alive\r\nAccept: */*\r\n\r\n', false],
  ['GET /k HTTP/1.0\nHost: a\nX-A:b\n\n', false],
  ['POST /p HTTP/1.1\r\nHost:   a  \r\nContent-Length: 5, 5\r\nX-Long-Header-Name-Here: some value that is long\r\n\r\nhello', false],
  ['GET / HTTP/1.1\r\nX-Fold: a\r\n b\r\nHost: h\r\n\r\n', false],
  ['GET / HTTP/1.1\r\n\r\n', false],
  ['HTTP/1.1 200 OK\r\nServer: nginx\r\nContent-Length: 3\r\nConnection: keep-alive\r\nETag: "x"\r\n\r\nabc', true],
  ['HTTP/1.1 204 No Content\r\nDate: now\r\n\r\n', true],
  ['HTTP/1.0 200 OK\r\nContent-Type:text/plain\r\nConnection: close\r\n\r\n', true],
];

test('the encoded head equals the text form for canonical, bare-LF, folded, trimmed and removed headers', () => {
  for (const [text, rsp] of heads) {
    for (const [extra, conn] of [['', ''], ['\r\nx-forwarded-for: 127.0.0.1', '\r\nconnection: close']]) {
      const { buf, m, end } = parse(text, rsp);
      const connBuf = conn === '' ? null : Buffer.from(conn);
      const tail = buf.toString('latin1', end);
      const got = h1HeadOut(buf, m, null, extra, connBuf, tail === '' ? null : buf, end, buf.length);
      assert.equal(got.toString('latin1'), reference(buf, m, null, extra, conn, tail), JSON.stringify(text));
    }
  }
});

test('start lines 2.6 writes differently are re-emitted its way (spacing, version above 1.1, missing reason)', () => {
  const cases: [string, boolean, string][] = [
    ['HTTP/1.1 200\r\nA: b\r\n\r\n', true, 'HTTP/1.1 200 \r\na: b\r\n\r\n'],
    ['HTTP/2.0  099\tLow  x\r\n\r\n', true, 'HTTP/1.1 099 Low  x\r\n\r\n'],
    ['HTTP/1.0 1000 Big\r\n\r\n', true, 'HTTP/1.0 1000 Big\r\n\r\n'],
    ['GET\t/x  HTTP/1.1\r\nHost: a\r\n\r\n', false, 'GET /x HTTP/1.1\r\nhost: a\r\n\r\n'],
    ['GET / HTTP/0.9\r\n\r\n', false, 'GET / HTTP/0.9\r\n\r\n'],
  ];
  for (const [text, rsp, want] of cases) {
    const { buf, m } = parse(text, rsp);
    assert.equal(h1HeadOut(buf, m, null, '', null, null, 0, 0).toString('latin1'), want, JSON.stringify(text));
  }
});

test('a replacement start line is used instead of the original one', () => {
  const { buf, m } = parse('GET /old HTTP/1.1\r\nHost: a\r\n\r\n', false);
  const got = h1HeadOut(buf, m, Buffer.from('GET /new HTTP/1.1'), '', null, null, 0, 0);
  assert.equal(got.toString('latin1'), 'GET /new HTTP/1.1\r\nhost: a\r\n\r\n');
});

test('many non-canonical headers grow the segment list', () => {
  let text = 'GET / HTTP/1.1\r\n';
  for (let i = 0; i < 90; i++) text += `H${i}:v${i}  \r\n`;
  const { buf, m } = parse(text + '\r\n', false);
  const got = h1HeadOut(buf, m, null, '', null, null, 0, 0);
  assert.equal(got.toString('latin1'), reference(buf, m, null, '', '', ''));
});

test('scratch heads reuse one slab until h1HeadOutKept(); a head too big for it gets its own Buffer', () => {
  const { buf, m, end } = parse('HTTP/1.1 200 OK\r\ncontent-length: 3\r\n\r\nabc', true);
  const plain = h1HeadOut(buf, m, null, '', null, buf, end, buf.length);
  const a = h1HeadOut(buf, m, null, '', null, buf, end, buf.length, -1, '', true);
  const b = h1HeadOut(buf, m, null, '', null, buf, end, buf.length, -1, '', true);
  assert.equal(a.toString('latin1'), plain.toString('latin1'));
  assert.equal(b.buffer, a.buffer);
  assert.notEqual(plain.buffer, a.buffer);
  h1HeadOutKept();
  const c = h1HeadOut(buf, m, null, 'x'.repeat(100), null, buf, end, buf.length, -1, '', true);
  assert.notEqual(c.buffer, a.buffer);
  assert.equal(a.toString('latin1'), plain.toString('latin1'));          // the kept one is left alone
  const big = h1HeadOut(buf, m, null, '\r\nx: ' + 'y'.repeat(9000), null, buf, end, buf.length, -1, '', true);
  assert.notEqual(big.buffer, c.buffer);
  assert.equal(big.length, plain.length + 9005);
});
