import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { newSyslogFrame, parseSyslogFrame } from '../../../collectors/syslog/frame.ts';
import {
  SYSLOG_FMT_ISO, SYSLOG_FMT_LOCAL, SYSLOG_FMT_RAW, SYSLOG_FMT_RFC3164, SYSLOG_FMT_RFC5424, SYSLOG_FMT_SHORT,
  SYSLOG_FMT_TIMED,
} from '../../../collectors/syslog/types.ts';
import type { SyslogFrame } from '../../../collectors/syslog/types.ts';

const FIX = new URL('../../../fixtures/collectors/haproxy-2.6/', import.meta.url);
const lines = (name: string): Buffer[] => {
  const buf = fs.readFileSync(new URL(name, FIX));
  const out: Buffer[] = [];
  for (let s = 0; s < buf.length;) { const e = buf.indexOf(10, s); out.push(buf.subarray(s, e + 1)); s = e + 1; }
  return out;
};
const str = (b: Buffer, s: number, e: number): string | null => (s < 0 ? null : b.toString('latin1', s, e));
const parse = (line: string | Buffer): [SyslogFrame, Buffer] => {
  const b = typeof line === 'string' ? Buffer.from(line, 'latin1') : line;
  const f = newSyslogFrame();
  parseSyslogFrame(b, 0, b.length, 2026, f);
  return [f, b];
};
const MSG = '127.0.0.1:55134 [23/Nov/2026:20:18:12.197] fe_http be_app/s1 0/0/0/4/4 200 160 - - ---- 1/1/0/0/0 0/0 {127.0.0.1:41080|curl/7.88.1} {text/plain} "GET / HTTP/1.1"';

test('every HAProxy 2.6 syslog format of the golden captures yields the same message', () => {
  const expect: Record<string, [number, number, string | null, string | null, number, number | null]> = {
    // format, pri, host, program, pid, ts
    local: [SYSLOG_FMT_LOCAL, 134, null, 'haproxy', 4174, Date.UTC(2026, 10, 23, 20, 18, 12)],
    rfc3164: [SYSLOG_FMT_RFC3164, 134, 'localhost', 'haproxy', 4174, Date.UTC(2026, 10, 23, 20, 18, 12)],
    rfc5424: [SYSLOG_FMT_RFC5424, 134, null, 'haproxy', 4174, Date.UTC(2026, 10, 23, 20, 18, 12, 204)],
    raw: [SYSLOG_FMT_RAW, -1, null, null, -1, null],
    short: [SYSLOG_FMT_SHORT, 6, null, null, -1, null],
    priority: [SYSLOG_FMT_SHORT, 134, null, null, -1, null],
    iso: [SYSLOG_FMT_ISO, -1, null, null, -1, Date.UTC(2026, 10, 23, 20, 18, 12, 204)],
    timed: [SYSLOG_FMT_TIMED, 6, null, null, -1, Date.UTC(2026, 10, 23, 20, 18, 12, 204)],
  };
  for (const [fmt, [format, pri, host, prog, pid, ts]] of Object.entries(expect)) {
    const all = lines('http.' + fmt + '.log');
    assert.equal(all.length, 12, fmt);
    const [f, b] = parse(all[0]);
    assert.equal(f.format, format, fmt);
    assert.equal(f.pri, pri, fmt);
    assert.equal(str(b, f.hostStart, f.hostEnd), host, fmt);
    assert.equal(str(b, f.progStart, f.progEnd), prog, fmt);
    assert.equal(f.pid, pid, fmt);
    assert.equal(Number.isNaN(f.tsMs) ? null : f.tsMs, ts, fmt);
    assert.equal(b.toString('latin1', f.msgStart, f.msgEnd), MSG, fmt);
  }
});

test('RFC 5424 structured data, msgid and BOM are recognised', () => {
  const [f, b] = parse('<165>1 2003-10-11T22:14:15.003-07:00 mymachine evntslog - ID47 [exampleSDID@32473 iut="3" eventSource="Appli\\]cation"][x@1 a="b"] \xef\xbb\xbfAn application event');
  assert.equal(f.format, SYSLOG_FMT_RFC5424);
  assert.equal(f.pri, 165);
  assert.equal(f.tsMs, Date.UTC(2003, 9, 12, 5, 14, 15, 3));
  assert.equal(str(b, f.hostStart, f.hostEnd), 'mymachine');
  assert.equal(str(b, f.progStart, f.progEnd), 'evntslog');
  assert.equal(f.pid, -1);
  assert.equal(str(b, f.msgidStart, f.msgidEnd), 'ID47');
  assert.equal(str(b, f.sdStart, f.sdEnd), '[exampleSDID@32473 iut="3" eventSource="Appli\\]cation"][x@1 a="b"]');
  assert.equal(str(b, f.msgStart, f.msgEnd), 'An application event');
});

test('RFC 3164 with a space-padded day, no pid, and a tag without colon', () => {
  let [f, b] = parse('<13>Feb  5 01:02:03 host1 cron: hello world\r\n');
  assert.equal(f.format, SYSLOG_FMT_RFC3164);
  assert.equal(f.tsMs, Date.UTC(2026, 1, 5, 1, 2, 3));
  assert.equal(str(b, f.hostStart, f.hostEnd), 'host1');
  assert.equal(str(b, f.progStart, f.progEnd), 'cron');
  assert.equal(f.pid, -1);
  assert.equal(str(b, f.msgStart, f.msgEnd), 'hello world');
  [f, b] = parse('<13>Feb 15 01:02:03 host1 just text');
  assert.equal(str(b, f.hostStart, f.hostEnd), 'host1');
  assert.equal(f.progStart, -1);
  assert.equal(str(b, f.msgStart, f.msgEnd), 'just text');
});

test('malformed headers degrade to SHORT or RAW, never throw', () => {
  const cases: [string, number, string][] = [
    ['<999>x', SYSLOG_FMT_RAW, '<999>x'],
    ['<13>Foo 99 xx', SYSLOG_FMT_SHORT, 'Foo 99 xx'],
    ['<13>1 notadate h a p m - msg', SYSLOG_FMT_SHORT, '1 notadate h a p m - msg'],
    ['<13>1 - h a p m [unterminated', SYSLOG_FMT_SHORT, '1 - h a p m [unterminated'],
    ['<', SYSLOG_FMT_RAW, '<'],
    ['', SYSLOG_FMT_RAW, ''],
    ['\x00\x01\xff\n', SYSLOG_FMT_RAW, '\x00\x01\xff'],
  ];
  for (const [line, fmt, msg] of cases) {
    const [f, b] = parse(line);
    assert.equal(f.format, fmt, line);
    assert.equal(str(b, f.msgStart, f.msgEnd), msg, line);
  }
});

test('a frame is parsed the same inside a larger buffer at any offset', () => {
  const all = lines('http.rfc5424.log');
  const big = Buffer.concat(all);
  let off = 0;
  for (const l of all) {
    const f1 = newSyslogFrame();
    parseSyslogFrame(big, off, off + l.length, 2026, f1);
    const [f2] = parse(l);
    assert.equal(f1.msgEnd - f1.msgStart, f2.msgEnd - f2.msgStart);
    assert.equal(f1.msgStart - off, f2.msgStart);
    assert.equal(f1.tsMs, f2.tsMs);
    off += l.length;
  }
});

test('syslog-written log file lines (no PRI) are RFC 3164 with the message after the tag', () => {
  const [f, b] = parse('Nov 23 20:18:12 localhost haproxy[4174]: ' + MSG + '\n');
  assert.equal(f.format, SYSLOG_FMT_RFC3164);
  assert.equal(f.pri, -1);
  assert.equal(str(b, f.hostStart, f.hostEnd), 'localhost');
  assert.equal(f.pid, 4174);
  assert.equal(str(b, f.msgStart, f.msgEnd), MSG);
  const [g, c] = parse('Hello there');
  assert.equal(g.format, SYSLOG_FMT_RAW);
  assert.equal(str(c, g.msgStart, g.msgEnd), 'Hello there');
});

test('rsyslog RFC 3339 file and forward formats: host and tag[pid] after the ISO stamp', () => {
  let [f, b] = parse('2026-11-23T22:53:21.000037+00:00 web-01.prod haproxy[3890]: ' + MSG + '\n');
  assert.equal(f.format, SYSLOG_FMT_ISO);
  assert.equal(f.tsMs, Date.UTC(2026, 10, 23, 22, 53, 21, 0));
  assert.equal(str(b, f.hostStart, f.hostEnd), 'web-01.prod');
  assert.equal(str(b, f.progStart, f.progEnd), 'haproxy');
  assert.equal(f.pid, 3890);
  assert.equal(str(b, f.msgStart, f.msgEnd), MSG);
  [f, b] = parse('<134>2026-11-23T22:53:21.5+01:00 lb1 haproxy: ' + MSG);
  assert.equal(f.format, SYSLOG_FMT_TIMED);
  assert.equal(str(b, f.hostStart, f.hostEnd), 'lb1');
  assert.equal(str(b, f.progStart, f.progEnd), 'haproxy');
  assert.equal(f.pid, -1);
  assert.equal(str(b, f.msgStart, f.msgEnd), MSG);
  // HAProxy's own iso/timed formats: the message starts right after the stamp, addresses are not tags
  for (const msg of [MSG, '::1:33510 [23/Nov/2026:22:59:36.532] www web/web2 0/0/0/9/9 503 114 - - --NI 7/6/4/1/0 0/0 "GET / HTTP/1.1"',
    'host only-one-word', 'a b[12x]: c']) {
    [f, b] = parse('2026-11-23T22:53:21.000037+00:00 ' + msg);
    assert.equal(f.hostStart, -1, msg);
    assert.equal(str(b, f.msgStart, f.msgEnd), msg);
  }
});

test('relay and journal variants: ±hhmm zones, fractional RFC 3164 seconds, an IPv6 address as host', () => {
  // journalctl -o short-iso / short-iso-precise write +0000 (these were raw_log bad_number)
  let [f, b] = parse('2026-11-23T20:18:12+0100 lb1 haproxy[4174]: ' + MSG);
  assert.equal(f.format, SYSLOG_FMT_ISO);
  assert.equal(f.tsMs, Date.UTC(2026, 10, 23, 19, 18, 12));
  assert.equal(str(b, f.progStart, f.progEnd), 'haproxy');
  assert.equal(str(b, f.msgStart, f.msgEnd), MSG);
  [f, b] = parse('<134>2026-11-23T20:18:12.204255-0230 lb1 haproxy[4174]: ' + MSG);
  assert.equal(f.tsMs, Date.UTC(2026, 10, 23, 22, 48, 12, 204));
  assert.equal(str(b, f.msgStart, f.msgEnd), MSG);
  // journalctl -o short-precise, rsyslog/syslog-ng high-precision BSD stamps (were raw_log unknown_format)
  for (const line of ['Nov 23 20:18:12.204255 lb1 haproxy[4174]: ' + MSG, '<134>Nov 23 20:18:12.2 lb1 haproxy[4174]: ' + MSG]) {
    [f, b] = parse(line);
    assert.equal(f.format, SYSLOG_FMT_RFC3164, line);
    assert.equal(f.tsMs, Date.UTC(2026, 10, 23, 20, 18, 12, line.includes('.2 ') ? 200 : 204));
    assert.equal(str(b, f.hostStart, f.hostEnd), 'lb1');
    assert.equal(f.pid, 4174);
    assert.equal(str(b, f.msgStart, f.msgEnd), MSG);
  }
  // a relay that writes the sender's IPv6 address as the host (was: host '2001', message lost its header)
  for (const line of ['<134>Nov 23 20:18:12 2001:db8::1 haproxy[4174]: ' + MSG, '2026-11-23T20:18:12Z 2001:db8::1 haproxy[4174]: ' + MSG]) {
    [f, b] = parse(line);
    assert.equal(str(b, f.hostStart, f.hostEnd), '2001:db8::1', line);
    assert.equal(str(b, f.progStart, f.progEnd), 'haproxy');
    assert.equal(str(b, f.msgStart, f.msgEnd), MSG);
  }
  [f, b] = parse('<134>Nov 23 20:18:12 haproxy: ' + MSG);
  assert.equal(f.format, SYSLOG_FMT_LOCAL);
  assert.equal(str(b, f.msgStart, f.msgEnd), MSG);
  [f, b] = parse('Nov 23 20:18:12.x lb1 haproxy: ' + MSG);
  assert.equal(f.format, SYSLOG_FMT_RAW);
});

test('rsyslog RFC 5424 output (RSYSLOG_SyslogProtocol23Format): the space kept before the message is skipped', () => {
  const [f, b] = parse('<134>1 2026-11-24T10:10:09+00:00 localhost haproxy 23020 - -  ' + MSG);
  assert.equal(f.format, SYSLOG_FMT_RFC5424);
  assert.equal(f.pid, 23020);
  assert.equal(str(b, f.msgStart, f.msgEnd), MSG);
});

test('container log files (CRI): the stream and F/P flag after the stamp are not part of the message', () => {
  for (const line of ['2026-11-23T20:18:12.204255123Z stdout F ' + MSG, '2026-11-23T20:18:12.204255123Z stderr P ' + MSG]) {
    const [f, b] = parse(line);
    assert.equal(f.format, SYSLOG_FMT_ISO, line);
    assert.equal(f.tsMs, Date.UTC(2026, 10, 23, 20, 18, 12, 204));
    assert.equal(f.hostStart, -1);
    assert.equal(str(b, f.msgStart, f.msgEnd), MSG);
  }
  // kubectl logs --timestamps: the message right after the stamp; a host named 'stdout' keeps its tag
  let [f, b] = parse('2026-11-23T20:18:12.204255123Z ' + MSG);
  assert.equal(str(b, f.msgStart, f.msgEnd), MSG);
  [f, b] = parse('2026-11-23T20:18:12Z stdout haproxy[4174]: ' + MSG);
  assert.equal(str(b, f.hostStart, f.hostEnd), 'stdout');
  assert.equal(str(b, f.msgStart, f.msgEnd), MSG);
});

test('RFC 3164 stamps of consecutive lines: repeated, changed, another year, invalid after a valid one', () => {
  const f = newSyslogFrame();
  const stampOf = (line: string, year: number): number => {
    const b = Buffer.from(line);
    parseSyslogFrame(b, 0, b.length, year, f);
    return f.tsMs;
  };
  const a = stampOf('<134>Nov 23 20:18:12 lb1 haproxy[1]: x', 2026);
  assert.equal(a, Date.UTC(2026, 10, 23, 20, 18, 12));
  assert.equal(stampOf('<134>Nov 23 20:18:12 lb1 haproxy[1]: y', 2026), a);
  assert.equal(stampOf('<134>Nov 23 20:18:12 lb1 haproxy[1]: y', 2025), Date.UTC(2025, 10, 23, 20, 18, 12));
  assert.equal(stampOf('Nov 23 20:18:13 lb1 haproxy[1]: z', 2025), Date.UTC(2025, 10, 23, 20, 18, 13));
  assert.equal(stampOf('<134>Nov 23 20:18:13 lb1 haproxy[1]: y', 2026), Date.UTC(2026, 10, 23, 20, 18, 13));
  assert.ok(Number.isNaN(stampOf('<134>Nov 23 20:18:1x lb1 haproxy[1]: y', 2026)));
  assert.ok(Number.isNaN(stampOf('<134>Nov 23 20:61:13 lb1 haproxy[1]: y', 2026)));
  assert.equal(stampOf('<134>Nov 23 20:18:13 lb1 haproxy[1]: y', 2026), Date.UTC(2026, 10, 23, 20, 18, 13));
});

test('RFC 5424 structured data becomes JSON for extra, garbage included, ids like __proto__ kept as keys', async () => {
  const { sdToJson } = await import('../../../collectors/syslog/sd-json.ts');
  const sd = (s: string): unknown => JSON.parse(sdToJson(Buffer.from(s, 'latin1'), 0, s.length));
  assert.deepEqual(sd('[x@1 a="b\\"c" d="e\\]f"][y z=""]'), { 'x@1': { a: 'b"c', d: 'e]f' }, y: { z: '' } });
  assert.deepEqual(sd('[__proto__ x="1"]'), JSON.parse('{"__proto__":{"x":"1"}}'));
  for (const bad of ['[', '[a', '[a b', '[a b=', '[a b="', '[a b=c]', ']]]', '[a b="1"] junk']) assert.doesNotThrow(() => sd(bad), bad);
});
