/*
 * `sluice -c` on TLS configurations prints what haproxy 2.6.12 `-c` prints (fixtures/ssl/check, made by
 * make-goldens.sh there): missing certificate / CA / crt-list files, a PEM without key, a bind without crt, a server
 * verifying without CA, bad versions and verify methods, missing arguments, and a valid configuration using most
 * keywords (with 2.6's "no-sslv3/no-tlsv1x are ignored" warnings).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { checkGoldenTests } from '../../e2e/check-golden-util.ts';

const cases = checkGoldenTests(join(import.meta.dirname, '../../../fixtures/ssl/check'));

test('the TLS golden set is there', () => {
  assert.ok(cases.length >= 6, `${cases.length} cases`);
});
