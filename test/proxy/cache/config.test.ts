/*
 * Loading `cache` sections and the `filter` keyword: the defaults 2.6 gives (max-age 60, max-object-size a 256th of
 * the total, 10 secondary entries, no vary processing), the values set, and the filters 2.6 has and Sluice refuses
 * (spoe, trace, fcgi-app, opentracing) reported with file:line.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { loadConfig } from '../../../proxy/config/loader.ts';
import { buildRegistry } from '../../../proxy/modules.ts';
import { cachesOf } from '../../../proxy/cache/section.ts';
import { proxyFilters } from '../../../proxy/cache/filter.ts';

function load(text: string): ReturnType<typeof loadConfig> {
  const f = join(mkdtempSync(join(tmpdir(), 'sluice-cache-cfg-')), 'c.cfg');
  writeFileSync(f, text);
  return loadConfig([f], buildRegistry(), {});
}

const FE = `defaults
    mode http
    timeout client 1s
    timeout server 1s
    timeout connect 1s
frontend f
    bind 127.0.0.1:27499
`;

test('cache sections get 2.6 defaults and their own values', () => {
  const cfg = load(`cache a
    total-max-size 2
cache b
    total-max-size 64
    max-object-size 1000
    max-age 5
    process-vary on
    max-secondary-entries 3
` + FE + `    http-request cache-use a
    http-response cache-store b
`);
  assert.equal(cfg.alerts, 0, cfg.messages.map((m) => m.text).join('\n'));
  const a = cachesOf(cfg.global).get('a')!;
  assert.deepEqual([a.maxBlocks, a.maxObjSz, a.maxAge, a.processVary, a.maxSecondary], [2048, 8192, 60, false, 10]);
  const b = cachesOf(cfg.global).get('b')!;
  assert.deepEqual([b.maxBlocks, b.maxObjSz, b.maxAge, b.processVary, b.maxSecondary], [65536, 1000, 5, true, 3]);
  const fe = cfg.frontends.get('f')!;
  assert.deepEqual(proxyFilters(fe).map((x) => [x.name, x.implicit]), [['a', true], ['b', true]]);
});

test('an explicit filter cache replaces the implicit one at its own place', () => {
  const cfg = load('cache a\n    total-max-size 1\n' + FE + '    http-request cache-use a\n    filter compression\n    filter cache a\n');
  const fe = cfg.frontends.get('f')!;
  assert.deepEqual(proxyFilters(fe).map((x) => x.kind + ':' + x.name + ':' + x.implicit), ['compression::false', 'cache:a:false']);
});

for (const name of ['spoe engine x config /dev/null', 'trace', 'fcgi-app php', 'opentracing config x']) {
  test(`filter ${name.split(' ')[0]} is refused as a 2.6 filter Sluice does not have, with file:line`, () => {
    const cfg = load(FE + `    filter ${name}\n`);
    assert.equal(cfg.alerts, 1, cfg.messages.map((x) => x.text).join("\n"));
    const m = cfg.messages.find((x) => x.text.includes("'filter'"))!;
    assert.match(m.text, /^parsing \[.*c\.cfg:8\] : 'filter' : '[a-z-]+' is a HAProxy 2\.6 filter not supported by sluice yet/);
  });
}
