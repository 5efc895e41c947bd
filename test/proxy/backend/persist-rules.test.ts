import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { loadConfig } from '../../../proxy/config/loader.ts';
import { buildRegistry } from '../../../proxy/modules.ts';
import type { SampleCtx } from '../../../proxy/acl/types.ts';
import type { Proxy } from '../../../proxy/model/types.ts';
import { SRV_ADMF_FMAINT } from '../../../proxy/model/types.ts';
import { prstFlags, useServerPick } from '../../../proxy/backend/persist-rules.ts';
import { PRST_FORCE, PRST_IGNORE, PRST_OPTION } from '../../../proxy/backend/types.ts';
import { ipv4Value } from '../../../proxy/net/ipv4.ts';

function load(text: string): Map<string, Proxy> {
  const d = mkdtempSync(join(tmpdir(), 'prst-'));
  writeFileSync(join(d, 'c.cfg'), text);
  const cfg = loadConfig([join(d, 'c.cfg')], buildRegistry());
  const alerts = cfg.messages.filter((m) => m.level === 0);
  assert.deepEqual(alerts, []);
  return new Map(cfg.proxies.map((p) => [p.name, p]));
}
function ctx(src: string): SampleCtx {
  return { buf: null, l0s: 0, l0e: 0, l1s: 0, l1e: 0, l2s: 0, l2e: 0, hdr: new Int32Array(0), nhdr: 0, srcIp: src, srcIp4: ipv4Value(src) };
}

const CFG = `
defaults d
  mode tcp
  option persist
  timeout connect 1s
  timeout client 1s
  timeout server 1s
backend inherit
  server s1 127.0.0.1:1
backend b
  no option persist
  ignore-persist if { src 10.0.0.1 }
  force-persist if { src 10.0.0.0/8 }
  use-server s2 if { src 10.0.0.0/8 }
  use-server s1 if { src 192.168.0.0/16 }
  server s1 127.0.0.1:1
  server s2 127.0.0.1:2
`;

test('the first matching force/ignore rule decides; option persist is inherited from defaults and can be negated', () => {
  const px = load(CFG);
  assert.equal(prstFlags(ctx('10.0.0.1'), px.get('b')!), PRST_IGNORE);
  assert.equal(prstFlags(ctx('10.0.0.2'), px.get('b')!), PRST_FORCE);
  assert.equal(prstFlags(ctx('127.0.0.1'), px.get('b')!), 0);
  assert.equal(prstFlags(ctx('127.0.0.1'), px.get('inherit')!), PRST_OPTION);
});

test('use-server picks the first matching rule whose server is up, a server in maintenance only when forced', () => {
  const px = load(CFG);
  const b = px.get('b')!;
  assert.equal(useServerPick(ctx('10.0.0.2'), b, 0)!.name, 's2');
  assert.equal(useServerPick(ctx('192.168.1.1'), b, 0)!.name, 's1');
  assert.equal(useServerPick(ctx('127.0.0.1'), b, 0), null);
  b.servers[1]!.adminState |= SRV_ADMF_FMAINT;
  assert.equal(useServerPick(ctx('10.0.0.2'), b, 0), null);
  assert.equal(useServerPick(ctx('10.0.0.2'), b, PRST_FORCE)!.name, 's2');
  assert.equal(useServerPick(ctx('10.0.0.2'), b, PRST_OPTION)!.name, 's2');
});
