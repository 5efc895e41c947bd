/*
 * PCRE2's compile errors as haproxy 2.6.12 reports them for ACL regexes: every pattern of
 * fixtures/proxy/pcre2-errors/patterns.txt gets 2.6.12's verdict (haproxy.txt: the refused ones with their error text
 * and offset; the others are valid), except the two the scan does not know (listed).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { pcreCompileError, pcreErrorText, pcreRegExp } from '../../../proxy/acl/pcre-error.ts';

const fx = (f: string) => readFileSync(new URL('../../../fixtures/proxy/pcre2-errors/' + f, import.meta.url), 'latin1');
/** PCRE2 refuses them, the scan does not see it (JavaScript accepts them too). */
const UNKNOWN = new Set(['(?<=(a|bc))d', '\\p{Foo}']);

test('ACL regexes: the error and offset haproxy 2.6.12 reports, or none, for each pattern', () => {
  const want = new Map<string, string>();
  for (const l of fx('haproxy.txt').split('\n')) {
    const m = /^regex '(.*)' is invalid \(/.exec(l);
    if (m !== null) want.set(m[1], l.replace(/\.$/, ''));
  }
  const pats = fx('patterns.txt').split('\n').filter((p) => p !== '');
  assert.equal(pats.length, 92);
  assert.equal(want.size, 60);
  const got: string[] = [], exp: string[] = [];
  for (const p of pats) {
    if (UNKNOWN.has(p)) continue;
    const e = pcreCompileError(p, false);
    got.push(e === null ? `${p}: valid` : pcreErrorText(p, e));
    exp.push(want.get(p) ?? `${p}: valid`);
  }
  assert.deepEqual(got, exp);
});

test('regsub compiles with captures: a backreference to a plain group exists there', () => {
  assert.equal(pcreCompileError('(a)\\1', true), null);
  assert.deepEqual(pcreCompileError('(a)\\1', false), { text: 'reference to non-existent subpattern', offset: 4 });
  assert.deepEqual(pcreCompileError('(a)\\2', true), { text: 'reference to non-existent subpattern', offset: 4 });
});

test('600 random patterns: 2.6.12\'s verdict, error text and offset on each (a pattern the scan passes compiles in JavaScript)', () => {
  const want = new Map<string, string>();
  for (const l of fx('fuzz-haproxy.txt').split('\n')) {
    const m = /^regex '(.*)' is invalid \(/.exec(l);
    if (m !== null) want.set(m[1], l.replace(/\.$/, ''));
  }
  const pats = fx('fuzz-patterns.txt').split('\n').filter((p) => p !== '');
  assert.equal(pats.length, 600);
  const got: string[] = [], exp: string[] = [];
  for (const p of pats) {
    const e = pcreCompileError(p, false);
    let v: string;
    if (e !== null) v = pcreErrorText(p, e);
    else { try { new RegExp(p); v = `${p}: valid`; } catch { v = `${p}: refused by JavaScript`; } }
    got.push(v);
    exp.push(want.get(p) ?? `${p}: valid`);
  }
  assert.deepEqual(got, exp);
});

test('a leading (?i) (PCRE2 inline option) is the i flag in JavaScript', () => {
  assert.equal(pcreRegExp('(?i)^/admin', '').test('/ADMIN/x'), true);
  assert.equal(pcreRegExp('^/admin', '').test('/ADMIN/x'), false);
  assert.equal(pcreRegExp('(?i)x', 'g').flags, 'gi');
});
