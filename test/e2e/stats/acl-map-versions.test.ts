/*
 * Versioned ACL/map updates of the runtime API (`prepare`, `add @<ver>`, `show @<ver>`, `commit @<ver>`,
 * `clear @<ver>`) and what requests match meanwhile: every reply and response body compared with haproxy 2.6.12's on
 * the same configuration and commands (fixtures/proxy/acl-map-versions), entry pointers and paths taken out.
 */
import { test, after } from 'node:test';
import { readFileSync, mkdtempSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { freePort, startSluice, stopSluice } from '../proxy-util.ts';
import { replayCli } from './cli-replay.ts';

const dir = new URL('../../../fixtures/proxy/acl-map-versions/', import.meta.url);
const fx = (f: string): string => readFileSync(new URL(f, dir), 'latin1');

test('prepare / add @ver / commit / clear acl|map: replies and matching as haproxy 2.6.12', async () => {
  const tmp = mkdtempSync(join(tmpdir(), 'sluice-aclver-')) + '/';
  for (const f of ['m.map', 'a.acl']) copyFileSync(new URL(f, dir), tmp + f);
  const port = await freePort();
  const cfg = fx('haproxy.cfg').replaceAll('/tmp/compat/', tmp).replace('127.0.0.1:18779', `127.0.0.1:${port}`);
  const rt = await startSluice(cfg);
  after(async () => { await stopSluice(rt); });
  await replayCli({
    cmds: fx('cmds.txt'), gold: fx('replies.txt'), sock: tmp + 'h.sock', port,
    send: (l) => l.replaceAll('/tmp/compat/', tmp),
    norm: (t) => t.replaceAll(tmp, '/tmp/compat/').replace(/0x[0-9a-f]+/g, 'P').replace(/at file '[^']*' line/g, "at file 'CFG' line")
      .replace(/acl 'path' file '[^']*'/g, "acl 'path' file 'CFG'"),
  });
});
