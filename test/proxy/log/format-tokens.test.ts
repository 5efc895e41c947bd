import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tokenizeLogFormat, unescapeConfigWord, LF_FLAG_Q, LF_FLAG_X, LF_FLAG_E, LOG_FORMAT_VAR_NAMES, LF_FLAG_NM } from '../../../proxy/log/format-tokens.ts';

const HTTPLOG = '%ci:%cp [%tr] %ft %b/%s %TR/%Tw/%Tc/%Tr/%Ta %ST %B %CC %CS %tsc %ac/%fc/%bc/%sc/%rc %sq/%bq %hr %hs %{+Q}r';

test('the httplog format tokenizes into variables, literals and separators', () => {
  const r = tokenizeLogFormat(HTTPLOG);
  assert.ok(r.ok);
  const kinds = r.items.map((it) => it.kind === 'var' ? '%' + it.name : it.kind === 'text' ? JSON.stringify(it.text) : it.kind);
  assert.deepEqual(kinds.slice(0, 9), ['%ci', '":"', '%cp', 'sep', '"["', '%tr', '"]"', 'sep', '%ft']);
  const last = r.items[r.items.length - 1];
  assert.deepEqual(last, { kind: 'var', name: 'r', add: LF_FLAG_Q, remove: 0 });
  assert.equal(r.items.filter((it) => it.kind === 'var').length, 26);
});

test('a run of spaces is a single separator and a trailing space is kept', () => {
  const r = tokenizeLogFormat('A  %ci   %s end ');
  assert.ok(r.ok);
  assert.deepEqual(r.items, [
    { kind: 'text', text: 'A' }, { kind: 'sep' }, { kind: 'var', name: 'ci', add: 0, remove: 0 }, { kind: 'sep' },
    { kind: 'var', name: 's', add: 0, remove: 0 }, { kind: 'sep' }, { kind: 'text', text: 'end' }, { kind: 'sep' },
  ]);
});

test('%% is a literal percent merged with neighbouring text', () => {
  const r = tokenizeLogFormat('x%%y%%');
  assert.ok(r.ok);
  assert.deepEqual(r.items, [{ kind: 'text', text: 'x%y%' }]);
});

test('flags are parsed: several, removal, and the %o option item', () => {
  const r = tokenizeLogFormat('%{+Q,+X}cp %{-Q}f %{+E}HU %{+Q}o');
  assert.ok(r.ok);
  assert.deepEqual(r.items[0], { kind: 'var', name: 'cp', add: LF_FLAG_Q | LF_FLAG_X, remove: 0 });
  assert.deepEqual(r.items[2], { kind: 'var', name: 'f', add: 0, remove: LF_FLAG_Q });
  assert.deepEqual(r.items[4], { kind: 'var', name: 'HU', add: LF_FLAG_E, remove: 0 });
  assert.deepEqual(r.items[6], { kind: 'options', add: LF_FLAG_Q, remove: 0 });
});

test('a variable name is the longest run of letters', () => {
  const r = tokenizeLogFormat('%cp_%fi:%hrl');
  assert.ok(r.ok);
  assert.deepEqual(r.items.map((it) => it.kind === 'var' ? it.name : it.kind === 'text' ? it.text : '?'), ['cp', '_', 'fi', ':', 'hrl']);
});

test('sample expressions keep their converters and bracketed arguments', () => {
  const r = tokenizeLogFormat('%[capture.req.hdr(0),lower] %{+Q}[src] %[req.hdr(x),regsub(\\[a],b)]');
  assert.ok(r.ok);
  // `rest` is the string from the expression on, which 2.6's sample errors quote
  assert.deepEqual(r.items[0], { kind: 'sample', expr: 'capture.req.hdr(0),lower', add: 0, remove: 0, rest: 'capture.req.hdr(0),lower] %{+Q}[src] %[req.hdr(x),regsub(\\[a],b)]' });
  assert.deepEqual(r.items[2], { kind: 'sample', expr: 'src', add: LF_FLAG_Q, remove: 0, rest: 'src] %[req.hdr(x),regsub(\\[a],b)]' });
  assert.deepEqual(r.items[4], { kind: 'sample', expr: 'req.hdr(x),regsub(\\[a],b)', add: 0, remove: 0, rest: 'req.hdr(x),regsub(\\[a],b)]' });
});

test('flags as 2.6.12 reads them: the name after the last sign of each comma-separated item, others ignored', () => {
  // M ("mandatory") is on by default: -M sets LF_FLAG_NM, +M clears it
  const r = tokenizeLogFormat('%{+Q+X}ci %{+Q-X}ci %{+QX}ci %{+Z,Q,-}ci %{+M,+E}ci %{-M}ci');
  assert.ok(r.ok);
  assert.deepEqual(r.items.filter((it) => it.kind === 'var').map((it) => it.kind === 'var' ? [it.add, it.remove] : []),
    [[LF_FLAG_X, 0], [0, LF_FLAG_X], [0, 0], [0, 0], [LF_FLAG_E, LF_FLAG_NM], [LF_FLAG_NM, 0]]);
});

test('malformed strings are errors with a position, never exceptions', () => {
  const cases: [string, RegExp, number][] = [
    ['abc %', /^truncated line after '%'$/, 4],
    ['%zz', /^no such format variable 'zz'\. If you wanted to emit the '%' character verbatim, you need to use '%%'$/, 0],
    ['x %{+Q', /^truncated line after '\+Q'$/, 2],
    ['%[src', /^missing '\]' after 'src'$/, 0],
    ['%5', /unexpected character '5'/, 0],
    ['%{+Q}', /^parse argument modifier without variable name near '%\{\+Q\}'$/, 0],
    ['%{capture.res.hdr(0)} ', /^parse argument modifier without variable name near '%\{capture\.res\.hdr\(0\)\}'$/, 0],
  ];
  for (const [fmt, re, pos] of cases) {
    const r = tokenizeLogFormat(fmt);
    assert.equal(r.ok, false, fmt);
    if (!r.ok) { assert.match(r.error, re, fmt); assert.equal(r.pos, pos, fmt); }
  }
});

test('config escapes are undone only when asked', () => {
  const raw = '%ci\\ %b\\ \\"%r\\"\\ 100%%';
  const plain = tokenizeLogFormat(raw);
  assert.ok(plain.ok);
  assert.ok(plain.items.some((it) => it.kind === 'text' && it.text.includes('\\')));
  const r = tokenizeLogFormat(raw, { configEscapes: true });
  assert.ok(r.ok);
  assert.deepEqual(r.items.map((it) => it.kind), ['var', 'sep', 'var', 'sep', 'text', 'var', 'text', 'sep', 'text']);
  assert.equal(unescapeConfigWord('"a b"\\x41\\t\'\\n\''), 'a bA\t\\n');
  assert.deepEqual(unescapeConfigWord('"open'), { ok: false, error: 'unterminated " quote', pos: 5 });
});

test('every 2.6 variable name is accepted and names outside the list are not', () => {
  for (const v of LOG_FORMAT_VAR_NAMES) assert.ok(tokenizeLogFormat('%' + v).ok, v);
  for (const v of ['Ci', 'st', 'cc', 'tq', 'HX']) assert.equal(tokenizeLogFormat('%' + v).ok, false, v);
});
