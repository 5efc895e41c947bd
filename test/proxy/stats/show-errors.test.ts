import { test, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { goldenSource } from './fixture-model.ts';
import { captureHttpError, clearErrorCaptures, errorEventCount } from '../../../proxy/stats/errors-capture.ts';
import { showErrors, dumpTextLines } from '../../../proxy/stats/cli-errors.ts';
import type { CliEnv, CliSession } from '../../../proxy/stats/types.ts';
import { defaultServerStateApi } from '../../../proxy/stats/srv-admin.ts';

const dir = new URL('../../../fixtures/stats/show-errors/', import.meta.url);
const read = (f: string): Buffer => readFileSync(new URL(f, dir));
const mask = (s: string): string => s.replace(/\d\d\/\w{3}\/\d{4}:\d\d:\d\d:\d\d\.\d{3}/g, 'DATE').replace(/src 127\.0\.0\.1:\d+/g, 'src CLIENT');

function env(): CliEnv {
  const src = goldenSource();
  // ids as in the capture: fe #2, bk #4
  src.proxies[1]!.id = 4;
  return { src, api: defaultServerStateApi, sessions: new Set<CliSession>(), killSession: () => false };
}
const sess = { id: 1, level: 3, prompt: false, severityOutput: 0, timeoutMs: 0, proto: 'unix_stream', peer: 'unix:1', acceptMs: 0, closing: false };

beforeEach(() => clearErrorCaptures());

test('show errors with no capture prints the header only', () => {
  const r = showErrors.parse(['show', 'errors'], sess, env());
  assert.match(r.text, /^Total events captured on \[\d\d\/\w{3}\/\d{4}:[\d:.]+\] : 0\n$/);
});

test('an invalid request is dumped like HAProxy 2.6 (escapes, 70-char lines, + continuation)', () => {
  const e = env();
  const fe = e.src.proxies[0]!;
  fe.name = 'fe';
  const bin = read('request.bin');
  captureHttpError(fe, false, null, null, '127.0.0.1:1234', bin, 0, bin.length, 136);
  const out = showErrors.parse(['show', 'errors'], sess, e).text + '\n';
  assert.equal(mask(out), mask(read('request.out').toString('latin1')));
  assert.equal(errorEventCount(), 1);
});

test('an invalid response is stored on the backend with frontend and server', () => {
  const e = env();
  const fe = e.src.proxies[0]!;
  fe.name = 'fe';
  const bk = e.src.proxies[1]!;
  const bin = read('response.bin');
  captureHttpError(bk, true, fe, bk.servers[0]!, '127.0.0.1:1', bin, 0, bin.length, 20);
  assert.equal(mask(showErrors.parse(['show', 'errors'], sess, e).text + '\n'), mask(read('response.out').toString('latin1')));
  assert.doesNotMatch(showErrors.parse(['show', 'errors', '-1', 'request'], sess, e).text, /invalid response/);
  assert.match(showErrors.parse(['show', 'errors', '-1', 'response'], sess, e).text, /invalid response/);
  assert.match(showErrors.parse(['show', 'errors', 'bk'], sess, e).text, /invalid response/);
  assert.equal(showErrors.parse(['show', 'errors', 'nope'], sess, e).text, 'No such proxy.\n');
});

test('dump lines split after LF and at 70 output characters', () => {
  assert.equal(dumpTextLines(Buffer.from('ab\r\ncd')), '  00000  ab\\r\\n\n  00004  cd\n');
  assert.equal(dumpTextLines(Buffer.from('x'.repeat(75))), '  00000  ' + 'x'.repeat(70) + '\n  00070+ xxxxx\n');
});

test('show errors reads its proxy word like 2.6: a name, else atoi() (0 refused, negative all, unknown id none)', () => {
  const e = env();
  const bk = e.src.proxies[1]!;
  const bin = read('response.bin');
  captureHttpError(bk, true, e.src.proxies[0]!, bk.servers[0]!, '127.0.0.1:1', bin, 0, bin.length, 20);
  const text = (w: string[]): string => showErrors.parse(['show', 'errors', ...w], sess, e).text;
  assert.equal(text(['request']), 'No such proxy.\n');          // the 3rd word is always the proxy
  assert.equal(text(['0']), 'No such proxy.\n');
  assert.match(text(['-1']), /invalid response/);
  assert.match(text(['4abc']), /invalid response/);             // atoi: id 4
  assert.match(text(['+4', 'response']), /invalid response/);
  assert.doesNotMatch(text(['99']), /invalid response/);        // no proxy with id 99: the header only
  assert.match(text(['99']), /^Total events captured on /);
});
