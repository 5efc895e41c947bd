import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkConfig } from '../../../proxy/main.ts';
import { addEventSink, removeEventSink, setEventStderr, eventPrefix } from '../../../proxy/events.ts';

// fixtures/configs/real: configurations shaped like the ones people run (Debian-style globals, rate limiting,
// Patroni/Galera/Redis checks, Docker resolvers, 1.x-era keywords, TLS passthrough, mTLS, WAF/Lua/SPOE, SRV
// discovery, ...), each with haproxy 2.6.12's whole `-c` answer (stderr with pids masked and [NOTICE] lines
// dropped, stdout, exit status) made by make-goldens.sh there. Where Sluice differs on purpose (an unsupported
// feature refused by name, a tuning it ignores with a warning), KNOWN below says why and which lines differ.
// The whole `-c` path runs (checkConfig): parsing, the post-parse checks and the servers' name resolution.
const dir = join(import.meta.dirname, '../../../fixtures/configs/real');
const cases = readdirSync(dir).filter((f) => f.endsWith('.cfg')).sort();

let events = '';
const sink = (level: number, text: string): void => { events += eventPrefix(level) + text + '\n'; };
addEventSink(sink);
setEventStderr(false);
after(() => { removeEventSink(sink); setEventStderr(true); });

const mask = (s: string): string => s.replace(/^(\[[A-Z]+\] +)\(\d+\)/gm, '$1(PID)');

/**
 * Accepted differences, each with its reason: the lines only Sluice prints (`sluiceOnly`) and only haproxy 2.6.12
 * prints (`goldenOnly`) are taken out of both answers, the rest must still be equal; `status` and `stdout` are
 * Sluice's own when they differ from the golden.
 */
interface Known { why: string; sluiceOnly: RegExp[]; goldenOnly?: RegExp[]; status?: number; stdout?: string }
const KNOWN: Record<string, Known> = {
  'ignored-tunings': {
    why: 'threads, CPU pinning, socket buffer sizes, ulimit-n and splicing have no counterpart in one Node.js process: accepted with a warning naming what is ignored',
    sluiceOnly: [/is ignored by sluice|is accepted but ignored by sluice|sluice runs one event loop per process/],
  },
  'quic-and-sni-expr': {
    why: "a server 'sni' expression other than req.hdr(), str() and ssl_fc_sni (here req.ssl_sni) is refused by name",
    sluiceOnly: [/'sni' : sluice supports req\.hdr/],
  },
  'socks4-relay': {
    why: "'socks4' servers are not supported yet (refused by name); the parse error then skips 2.6's post-parse warning",
    sluiceOnly: [/'socks4' is a HAProxy 2.6 server keyword not supported by sluice yet/, /Error\(s\) found in configuration file/, /Fatal errors found/],
    goldenOnly: [/log format ignored for proxy 'smtp_relay'/], status: 1, stdout: '',
  },
  'waf-lua-challenge': {
    why: 'no Lua: lua-load is refused by name (2.6.12 loads the script, then refuses the lua.* action it did not register)',
    sluiceOnly: [/'lua-load' is a HAProxy 2.6 keyword not supported by sluice yet/],
  },
  'waf-spoe-filter': {
    why: "no SPOE: the filter and send-spoe-group are refused by name (2.6.12 reads the agent's file and goes on)",
    sluiceOnly: [/'spoe' is a HAProxy 2.6 filter not supported by sluice yet/, /action 'send-spoe-group' is not supported by Sluice yet/],
    goldenOnly: [/No SPOE agent found/, /placed after a 'use_backend' rule/, /Fatal errors found/],
  },
};
const without = (text: string, res: readonly RegExp[]): string =>
  text.split(/(?<=\n)/).filter((l) => !res.some((r) => r.test(l))).join('');

test('the real-world set is there, and every KNOWN difference names a case of it', () => {
  assert.ok(cases.length >= 50, `${cases.length} cases`);
  for (const c of Object.keys(KNOWN)) assert.ok(cases.includes(c + '.cfg'), c);
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
      const k = KNOWN[c];
      const golden = readFileSync(c + '.stderr', 'latin1');
      if (k !== undefined) {
        // each pattern must still be needed: a fixed difference is taken out of KNOWN
        for (const r of k.sluiceOnly) assert.ok(r.test(mask(err)), `KNOWN ${c}: Sluice no longer prints ${r}`);
        for (const r of k.goldenOnly ?? []) assert.ok(r.test(golden), `KNOWN ${c}: ${r} is not in the golden`);
      }
      assert.equal(without(mask(err), k?.sluiceOnly ?? []), without(golden, k?.goldenOnly ?? []), 'stderr');
      assert.equal(out, k?.stdout ?? readFileSync(c + '.stdout', 'latin1'), 'stdout');
      assert.equal(rc, k?.status ?? Number(readFileSync(c + '.status', 'latin1')), 'exit status');
    } finally { process.chdir(cwd); }
  });
}
