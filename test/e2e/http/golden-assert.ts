/*
 * Assertions shared by the golden e2e tests that replay a scenario through Sluice and compare with HAProxy 2.6's
 * captures: responses case by case, and log lines by the fields a test picks once they have all arrived.
 * Not for capture scripts (they write goldens, they do not compare). Hot path: no.
 */
import assert from 'node:assert/strict';

/** `got` equals the golden text `want` split on `\n=====\n`: the same number of cases, then each case. */
export function assertCases(got: string[], want: string): void {
  const cases = want.split('\n=====\n');
  assert.equal(got.length, cases.length);
  for (let i = 0; i < cases.length; i++) assert.equal(got[i], cases[i], 'case ' + i);
}

/**
 * `lines` (filled by a UDP log collector) equal the golden log text line by line through `pick`, compared once as
 * many lines have arrived as the golden has, or after 3 s (datagrams trail the responses).
 */
export async function assertLogLines(lines: string[], want: string, pick: (l: string) => string): Promise<void> {
  const wanted = want.trimEnd().split('\n').map(pick);
  const end = Date.now() + 3000;
  while (lines.length < wanted.length && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
  assert.deepEqual(lines.map(pick), wanted);
}
