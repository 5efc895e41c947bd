import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkConfig } from '../../../proxy/main.ts';
import { addEventSink, removeEventSink, setEventStderr, eventPrefix } from '../../../proxy/events.ts';

// fixtures/configs/real: configurations shaped like the ones people run (Debian-style globals, rate limiting,
// Patroni/Galera/Redis checks, Docker resolvers, 1.x-era keywords, ...), each with haproxy 2.6.12's whole `-c`
// answer (stderr with pids masked and [NOTICE] lines dropped, stdout, exit status) made by make-goldens.sh there.
// The whole `-c` path runs (checkConfig): parsing, the post-parse checks and the servers' name resolution.
const dir = join(import.meta.dirname, '../../../fixtures/configs/real');
const cases = readdirSync(dir).filter((f) => f.endsWith('.cfg')).sort();

let events = '';
const sink = (level: number, text: string): void => { events += eventPrefix(level) + text + '\n'; };
addEventSink(sink);
setEventStderr(false);
after(() => { removeEventSink(sink); setEventStderr(true); });

const mask = (s: string): string => s.replace(/^(\[[A-Z]+\] +)\(\d+\)/gm, '$1(PID)');

test('the real-world set is there', () => {
  assert.ok(cases.length >= 15, `${cases.length} cases`);
});

for (const f of cases) {
  const c = f.slice(0, -4);
  test(`sluice -c answers as haproxy -c: ${c}`, async () => {
    const cwd = process.cwd();
    process.chdir(dir);          // the messages name the file as given; relative certificate and map paths
    try {
      let err = '', out = '';
      events = '';
      const rc = await checkConfig([f], false, (s) => { err += events + s; events = ''; }, (s) => { out += s; });
      err += events;
      assert.equal(mask(err), readFileSync(c + '.stderr', 'latin1'), 'stderr');
      assert.equal(out, readFileSync(c + '.stdout', 'latin1'), 'stdout');
      assert.equal(rc, Number(readFileSync(c + '.status', 'latin1')), 'exit status');
    } finally { process.chdir(cwd); }
  });
}
