import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { cannedReply, cannedMuxReply, HTTP_ERR_CODES } from '../../../proxy/http/canned-errors.ts';

const dir = new URL('../../../fixtures/http/cases/', import.meta.url);

test('every deny_status reply is byte-identical to HAProxy 2.6', () => {
  assert.equal(HTTP_ERR_CODES.length, 18);
  for (const code of HTTP_ERR_CODES) {
    const want = fs.readFileSync(new URL(`canned-${code}/response.bin`, dir));
    assert.deepEqual(cannedReply(code), want, `status ${code}`);
  }
});

test('parser-error and timeout replies match HAProxy 2.6 captures', () => {
  assert.deepEqual(cannedMuxReply(400), fs.readFileSync(new URL('bad-method-char/response.bin', dir)));
  assert.deepEqual(cannedMuxReply(408), fs.readFileSync(new URL('timeout-http-request-empty/response.bin', dir)));
  assert.deepEqual(cannedMuxReply(422), fs.readFileSync(new URL('te-gzip-chunked/response.bin', dir)));
});

test('stream errors (502, 503, 504) match the real server-side failures', () => {
  assert.deepEqual(cannedReply(502), fs.readFileSync(new URL('server-bad-response/response.bin', dir)));
  assert.deepEqual(cannedReply(503), fs.readFileSync(new URL('no-server/response.bin', dir)));
  assert.deepEqual(cannedReply(504), fs.readFileSync(new URL('server-timeout/response.bin', dir)));
});
