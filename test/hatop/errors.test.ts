import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { HATOP_ERRORS, hatopError } from '../../hatop/errors.ts';

test('error codes are unique, prefixed and every message is non-empty', () => {
  const codes = Object.values(HATOP_ERRORS).map((e) => e.code);
  assert.equal(new Set(codes).size, codes.length);
  for (const [id, e] of Object.entries(HATOP_ERRORS)) {
    assert.equal(e.code, 'HATOP_E_' + id);
    assert.ok(e.text.trim().length > 0);
    assert.ok((e.text.match(/%s/g) ?? []).length <= 1);
  }
});

test('details are substituted', () => {
  assert.equal(hatopError('NOT_CONNECTED', 'ECONNREFUSED'), 'not connected: ECONNREFUSED');
  assert.equal(hatopError('TIMEOUT', 200), 'timeout after 200 ms');
});

test('every catalog entry is used by hatop and no module spells a catalog text inline', () => {
  const dir = new URL('../../hatop/', import.meta.url);
  const files = readdirSync(dir, { recursive: true }).map(String).filter((f) => /\.tsx?$/.test(f) && f !== 'errors.ts');
  const src = files.map((f) => readFileSync(new URL(f, dir), 'utf8')).join('\n');
  for (const [id, e] of Object.entries(HATOP_ERRORS)) {
    assert.ok(src.includes(`hatopError('${id}'`), `${id} unused`);
    // One-word texts ('closed') collide with other literals such as connection phases.
    if (!e.text.includes('%s') && e.text.includes(' ')) assert.ok(!src.includes(`'${e.text}'`), `${id} spelled inline`);
  }
});
