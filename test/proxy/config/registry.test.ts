import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KeywordRegistry, bestMatch } from '../../../proxy/config/registry.ts';
import { buildRegistry } from '../../../proxy/modules.ts';

test('bestMatch suggests close typos and nothing for unrelated words', () => {
  assert.equal(bestMatch('defualt_backend', ['default_backend', 'bind', 'mode']), 'default_backend');
  assert.equal(bestMatch('wieght', ['weight', 'backup']), 'weight');
  assert.equal(bestMatch('foo', ['maxconn', 'daemon']), '');
});

test('lookup picks the longest registered multi-word name', () => {
  const reg = new KeywordRegistry();
  const seen: string[] = [];
  reg.register([
    { section: 'listen', name: 'option', parse: () => seen.push('option') },
    { section: 'listen', name: 'option httplog', parse: () => seen.push('option httplog') },
  ]);
  const m = reg.lookup('backend', ['option', 'httplog', 'clf']);
  assert.equal(m?.kw.name, 'option httplog');
  assert.equal(m?.nwords, 2);
  assert.equal(reg.lookup('frontend', ['option', 'other'])?.kw.name, 'option');
  assert.equal(reg.lookup('global', ['option']), null);
});

test('registering a keyword twice in one section throws', () => {
  const reg = new KeywordRegistry();
  reg.register([{ section: 'global', name: 'maxconn', parse: () => {} }]);
  assert.throws(() => reg.register([{ section: 'global', name: 'maxconn', parse: () => {} }]), /twice/);
});

test('the full registry builds (every module keyword registered once) and has every balance algorithm', () => {
  const reg = buildRegistry();
  for (const a of ['roundrobin', 'static-rr', 'leastconn', 'first', 'source', 'uri', 'url_param', 'hdr', 'random']) {
    assert.ok(reg.lbAlgos.has(a), a);
  }
  assert.ok(reg.lookup('backend', ['server', 's1', '1.2.3.4:80']));
  assert.ok(reg.serverKws.has('weight') && reg.serverKws.has('check') && reg.bindKws.has('name'));
});
