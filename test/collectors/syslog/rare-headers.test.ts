// Rarer header shapes in front of HAProxy lines: journalctl -o short-full / short-unix / short-monotonic (real
// systemd 252 output, fixtures/collectors/journal), BSD stamps with a year, <PRI> + RFC 3339 + a tag without a host
// or without a space after its colon; and the shapes that must stay messages (a custom format's `%Ts.%ms`).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { newSyslogFrame, parseSyslogFrame } from '../../../collectors/syslog/frame.ts';
import { SYSLOG_FMT_ISO, SYSLOG_FMT_RAW, SYSLOG_FMT_TIMED } from '../../../collectors/syslog/types.ts';

const FIX = new URL('../../../fixtures/collectors/journal/', import.meta.url);
const MSG = '127.0.0.1:33026 [24/Nov/2026:09:31:51.169] fs fs/<NOSRV> 0/-1/-1/-1/0 200 73 - - LR-- 1/1/0/0/0 0/0 "GET /a?b=1 HTTP/1.1"';

interface Hdr { format: number; ts: string | null; pri: number; host: string | null; prog: string | null; pid: number; msg: string }

function frame(line: string): Hdr {
  const buf = Buffer.from(line, 'latin1');
  const f = newSyslogFrame();
  parseSyslogFrame(buf, 0, buf.length, 2026, f);
  const s = (a: number, b: number): string | null => (a < 0 ? null : buf.toString('latin1', a, b));
  return {
    format: f.format, ts: f.tsMs === f.tsMs ? new Date(f.tsMs).toISOString() : null, pri: f.pri,
    host: s(f.hostStart, f.hostEnd), prog: s(f.progStart, f.progEnd), pid: f.pid, msg: buf.toString('latin1', f.msgStart, f.msgEnd),
  };
}

function fileHeaders(name: string): Hdr[] {
  return fs.readFileSync(new URL(name, FIX), 'latin1').split('\n').filter((l) => l !== '').map(frame);
}

test('journalctl -o short-full, short-unix, short-monotonic (systemd 252): stamp, host, tag, pid and message', () => {
  const msgs = fs.readFileSync(new URL('short-full.log', FIX), 'latin1').split('\n').filter((l) => l !== '')
    .map((l) => l.slice(l.indexOf(']: ') + 3));
  assert.equal(msgs[0], MSG);
  const want = (ts: (string | null)[]): Hdr[] => ts.map((t, i) => ({
    format: SYSLOG_FMT_ISO, ts: t, pri: -1, host: 'web-01', prog: 'haproxy', pid: 12, msg: msgs[i],
  }));
  assert.deepEqual(fileHeaders('short-full.log'), want(['2026-11-24T09:31:51.000Z', '2026-11-24T09:31:51.000Z', '2026-11-24T09:32:07.000Z']));
  // another zone: the wall clock as written (as for RFC 3164 stamps)
  assert.deepEqual(fileHeaders('short-full-cet.log'), want(['2026-11-24T10:31:51.000Z', '2026-11-24T10:31:51.000Z', '2026-11-24T10:32:07.000Z']));
  assert.deepEqual(fileHeaders('short-unix.log'), want(['2026-11-24T09:31:51.169Z', '2026-11-24T09:31:51.207Z', '2026-11-24T09:32:07.794Z']));
  assert.deepEqual(fileHeaders('short-monotonic.log'), want([null, null, null]));
});

test('BSD stamps with a year, <PRI> + RFC 3339 with a tag and no host or no space after the colon', () => {
  const h = (format: number, ts: string, pri: number, host: string | null): Hdr => ({ format, ts, pri, host, prog: 'haproxy', pid: 12, msg: MSG });
  assert.deepEqual(frame('Nov 24 2026 09:00:00 web-01 haproxy[12]: ' + MSG), h(SYSLOG_FMT_ISO, '2026-11-24T09:00:00.000Z', -1, 'web-01'));
  assert.deepEqual(frame('Nov  4 2026 09:00:00.250 web-01 haproxy[12]: ' + MSG), h(SYSLOG_FMT_ISO, '2026-11-04T09:00:00.250Z', -1, 'web-01'));
  assert.deepEqual(frame('<134>Nov 24 2025 23:59:59 haproxy[12]: ' + MSG), h(SYSLOG_FMT_TIMED, '2025-11-24T23:59:59.000Z', 134, null));
  assert.deepEqual(frame('<134>2026-11-24T09:00:00+00:00 haproxy[12]:' + MSG), h(SYSLOG_FMT_TIMED, '2026-11-24T09:00:00.000Z', 134, null));
  assert.deepEqual(frame('<134>2026-11-24T09:00:00Z haproxy[12]: ' + MSG), h(SYSLOG_FMT_TIMED, '2026-11-24T09:00:00.000Z', 134, null));
  assert.deepEqual(frame('<134>2026-11-24T10:00:00.5+01:00 web-01 haproxy[12]:' + MSG), h(SYSLOG_FMT_TIMED, '2026-11-24T09:00:00.500Z', 134, 'web-01'));
  assert.deepEqual(frame('2026-11-24T09:00:00+00:00 web-01 haproxy[12]:' + MSG), h(SYSLOG_FMT_ISO, '2026-11-24T09:00:00.000Z', -1, 'web-01'));
});

test('shapes that stay messages: %Ts.%ms first, addresses, bad stamps', () => {
  const ts = '1795488935.694 24/Nov/2026:02:55:35 +0000 "GET" 202';
  assert.deepEqual(frame(ts), { format: SYSLOG_FMT_RAW, ts: null, pri: -1, host: null, prog: null, pid: -1, msg: ts });
  const six = '1795488935.694000 127.0.0.1:1 [24/Nov/2026:02:55:35.694] x';     // 6 digits, but no tag after it
  assert.deepEqual(frame(six), { format: SYSLOG_FMT_RAW, ts: null, pri: -1, host: null, prog: null, pid: -1, msg: six });
  for (const l of [MSG, '192.168.10.1:80 [24/Nov/2026:09:31:51.169] fs x', 'Nov 24 2026 25:00:00 h haproxy[1]: x',
    'Tue 2026-13-24 09:31:51 UTC h haproxy[1]: x', '[12.5 h haproxy[1]: x', 'Nov 24 20X6 09:00:00 h t: x']) {
    const r = frame(l);
    assert.equal(r.format, SYSLOG_FMT_RAW, l);
    assert.equal(r.msg, l);
  }
  // an ISO stamp followed by a message with a bracket stays whole unless `word[digits]:` follows
  const iso = frame('2026-11-24T09:00:00Z ab[x]: ' + MSG);
  assert.deepEqual([iso.prog, iso.msg], [null, 'ab[x]: ' + MSG]);
  const tcp = frame('2026-11-24T09:00:00Z ' + MSG);
  assert.deepEqual([tcp.host, tcp.prog, tcp.msg], [null, null, MSG]);
});
