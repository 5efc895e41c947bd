// serversLine hashes a server name 4 bytes at a time while it looks for the name's end; ServerStats.slot
// (used by the parallel merge) hashes stored names with serverNameHash. Both must agree for every name
// length and for names that hold control bytes or end at the very end of the buffer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseHalogArgs } from '../../../halog/flags.ts';
import { HalogScanner } from '../../../halog/scan/scanner.ts';
import { OutBuf } from '../../../halog/output.ts';
import type { HalogOptions } from '../../../halog/types.ts';

function scanner(): HalogScanner {
  const parsed = parseHalogArgs(['-srv']);
  assert.equal(parsed.kind, 'run');
  return new HalogScanner((parsed as { opts: HalogOptions }).opts, new OutBuf(-1), new OutBuf(-1));
}

/* One log line with server field `name`, 0-terminated, placed at the end of its buffer when `atEnd`. */
function line(name: Buffer, tail: string, atEnd: boolean): { buf: Buffer; start: number } {
  const head = Buffer.from('Nov 23 20:20:39 logsrv haproxy[6939]: 10.0.0.1:37210 [23/Nov/2026:20:20:39.081] web2 ', 'latin1');
  const body = Buffer.concat([head, name, Buffer.from(tail, 'latin1'), Buffer.from([0])]);
  const pad = atEnd ? 0 : 64;
  const buf = Buffer.alloc(16 + body.length + pad, 0x41);
  body.copy(buf, 16);
  return { buf, start: 16 };
}

const names: Buffer[] = [];
for (let len = 1; len <= 13; len++) names.push(Buffer.from('app/srv-long-name'.slice(0, len), 'latin1'));
names.push(Buffer.from('\tapp/a1', 'latin1'), Buffer.from('app\t/a1', 'latin1'), Buffer.from('app/a\x011', 'latin1'));
names.push(Buffer.from([0xe9, 0x80, 0xff, 0x2f, 0x61]), Buffer.from('app/\x7fx', 'latin1'));

test('every server name scanned by serversLine is found again by ServerStats.slot (same hash both ways)', () => {
  for (const atEnd of [false, true]) {
    for (const tail of [' 0/0/1/6/7 200 94 - - ---- 8/2/5/1/0 0/0 "GET / HTTP/1.1"', '']) {
      const sc = scanner();
      for (const n of names) {
        const { buf, start } = line(n, tail, atEnd);
        sc.line(buf, start);
        sc.line(buf, start);
      }
      assert.equal(sc.servers.keys.size, names.length, 'one entry per distinct name');
      for (let i = 0; i < names.length; i++) {
        assert.deepEqual(Buffer.from(sc.servers.keys.key(i)), names[i]);
        assert.equal(sc.servers.slot(names[i], 0, names[i].length), i * 11, 'slot() finds the scanned entry');
      }
      assert.equal(sc.servers.keys.size, names.length, 'slot() inserted nothing new');
    }
  }
});
