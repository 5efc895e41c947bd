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

test('no keyword of the ignored or not-yet lists is also registered by a module (such an entry would be dead)', async () => {
  const { IGNORED } = await import('../../../proxy/ignored.ts');
  const { UNSUPPORTED } = await import('../../../proxy/unsupported.ts');
  const reg = buildRegistry();
  const registered = (fam: string, name: string): boolean => (fam === 'server' ? reg.serverKws.has(name)
    : fam === 'bind' ? reg.bindKws.has(name)
    : reg.lookup(fam === 'global' ? 'global' : 'backend', name.split(' ')) !== null || reg.lookup('frontend', name.split(' ')) !== null);
  const dead: string[] = [];
  for (const [fam, kws] of IGNORED) for (const [name] of kws) if (registered(fam, name)) dead.push(`ignored ${fam} ${name}`);
  for (const [fam, names] of UNSUPPORTED) for (const name of names) if (registered(fam, name)) dead.push(`unsupported ${fam} ${name}`);
  assert.deepEqual(dead, []);
});
