import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cliAppend, cliDenied, cliKey, cliLog, emptyCli } from '../../hatop/cli-input.ts';
import { CLI_MAX_HISTORY, CLI_MAX_INPUT, CLI_MAX_LINES } from '../../hatop/types.ts';
import type { CliState } from '../../hatop/types.ts';

const ch = (c: string) => ({ name: 'char', ch: c });
const k = (name: string) => ({ name, ch: '' });
function type(st: CliState, s: string): CliState {
  return cliKey(st, ch(s), 10).st;
}

test('line editing inserts at the cursor and deletes around it', () => {
  let st = type(emptyCli(), 'show sat');
  st = cliKey(st, k('left'), 10).st;
  st = cliKey(st, k('left'), 10).st;
  st = type(st, 't');
  assert.equal(st.input, 'show stat');
  st = cliKey(st, k('home'), 10).st;
  st = cliKey(st, k('delete'), 10).st;
  assert.equal(st.input, 'how stat');
  st = cliKey(st, k('end'), 10).st;
  st = cliKey(st, k('backspace'), 10).st;
  assert.equal(st.input, 'how sta');
});

test('enter returns the line, history recalls it, duplicates are not stored twice', () => {
  let st = emptyCli();
  for (const c of ['show info', 'show info', 'show stat']) {
    const r = cliKey(type(st, c), k('enter'), 10);
    assert.equal(r.run, c);
    st = r.st;
  }
  assert.deepEqual(st.history, ['show info', 'show stat']);
  st = cliKey(st, k('up'), 10).st;
  assert.equal(st.input, 'show stat');
  st = cliKey(st, k('up'), 10).st;
  assert.equal(st.input, 'show info');
  st = cliKey(st, k('down'), 10).st;
  st = cliKey(st, k('down'), 10).st;
  assert.equal(st.input, '');
  assert.equal(cliKey(emptyCli(), k('enter'), 10).run, '');
});

test('input, history and scrollback are bounded', () => {
  let st = type(emptyCli(), 'x'.repeat(CLI_MAX_INPUT + 50));
  assert.equal(st.input.length, CLI_MAX_INPUT);
  st = emptyCli();
  for (let i = 0; i < CLI_MAX_HISTORY + 5; i++) st = cliKey(type(st, 'c' + i), k('enter'), 10).st;
  assert.equal(st.history.length, CLI_MAX_HISTORY);
  st = cliAppend(st, Array.from({ length: CLI_MAX_LINES + 10 }, (_, i) => String(i)));
  assert.equal(st.out.length, CLI_MAX_LINES);
  assert.equal(st.out.at(-1), String(CLI_MAX_LINES + 9));
  st = cliKey(st, k('pageup'), 10).st;
  assert.equal(st.scroll, 10);
  st = cliKey(st, k('pagedown'), 10).st;
  assert.equal(st.scroll, 0);
});

test('session commands are refused, others allowed', () => {
  assert.equal(cliDenied('quit'), '* command not allowed: quit');
  assert.equal(cliDenied(' prompt '), '* command not allowed: prompt');
  assert.equal(cliDenied('set  timeout cli 5'), '* command not allowed: set timeout cli 5');
  assert.equal(cliDenied('show stat'), '');
});

test('a logged command has the date, the command and the reply lines', () => {
  const d = new Date(Date.UTC(2026, 0, 2));
  const l = cliLog(d, 'get weight bk/s1', '100 (initial 100)\n');
  assert.equal(l[0], '* ' + d.toString().slice(0, 24));
  assert.deepEqual(l.slice(1), ['> get weight bk/s1', '100 (initial 100)', '']);
  assert.deepEqual(cliLog(d, 'disable server bk/s1', '').slice(1), ['> disable server bk/s1', '']);
});
