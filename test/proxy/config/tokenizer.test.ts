import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tokenizeLine } from '../../../proxy/config/tokenizer.ts';

const env = { FOO: 'foo', EMPTY: '' };

test('blanks separate words and # starts a comment, even inside a word', () => {
  assert.deepEqual(tokenizeLine('  timeout   client\t5s  # comment', env).args, ['timeout', 'client', '5s']);
  assert.deepEqual(tokenizeLine('hdr X5 a#b', env).args, ['hdr', 'X5', 'a']);
});

test('double quotes keep blanks, expand ${VAR}, $VAR and ${VAR-default}, and glue to neighbours', () => {
  assert.deepEqual(tokenizeLine('x "a b ${FOO} $FOO" "${NOPE}|${FOO-d}|${NOPE-def}"', env).args, ['x', 'a b foo foo', '|foo|def']);
  assert.deepEqual(tokenizeLine(`x "\${FOO}"x"y"'z'`, env).args, ['x', 'fooxyz']);
});

test('single quotes are literal: no escapes, no variables', () => {
  assert.deepEqual(tokenizeLine(`x 'sq \${FOO} \\" \\x41'`, env).args, ['x', 'sq ${FOO} \\" \\x41']);
});

test('backslash escapes outside single quotes, variables not expanded unquoted (as haproxy 2.6.12)', () => {
  assert.deepEqual(tokenizeLine('x es\\ c\\"a\\\'p\\\\e\\x41\\$FOO${FOO}$FOO', env).args, ['x', 'es c"a\'p\\eA\\$FOO${FOO}$FOO']);
  assert.deepEqual(tokenizeLine('x "\\t|\\x41|\\$|\\\\|\\#"', env).args, ['x', '\t|A|$|\\|#']);
});

test('an empty word ends the arguments, as 2.6 (its keywords stop at the first empty one)', () => {
  assert.deepEqual(tokenizeLine('a "" b', env).args, ['a']);
  assert.deepEqual(tokenizeLine('http-response set-header Server ""', env).args, ['http-response', 'set-header', 'Server']);
  assert.deepEqual(tokenizeLine('a "$SLUICE_UNSET_VAR" b', env).args, ['a']);
  assert.deepEqual(tokenizeLine('a "$SLUICE_UNSET_VAR"x b', env).args, ['a', 'x', 'b']);
});

test('a "$" not followed by a letter or "_" is 2.6\'s error, at the character after it', () => {
  const r = tokenizeLine('  acl x path "a$,b"', env);
  assert.equal(r.err, 'forbidden first char in environment variable name');
  assert.equal(r.errPos, 16);
  assert.equal(tokenizeLine('a "$1"', env).err, 'forbidden first char in environment variable name');
  assert.deepEqual(tokenizeLine("a '$1' $1", env).args, ['a', '$1', '$1']);
});

test('an unmatched quote is an error with its position', () => {
  const r = tokenizeLine('  maxconn "100', env);
  assert.equal(r.err, 'unmatched quote');
  assert.equal(r.errPos, 10);
});

test('a bad hexadecimal escape is an error', () => {
  assert.match(tokenizeLine('x \\xZZ', env).err, /hexadecimal/);
});
