/*
 * Shared by the check tests that replay a fixture's haproxy 2.6.12 `option log-health-checks` lines: probe a
 * backend's first server once, and compare each golden line's verdict and reason with Sluice's.
 */
import assert from 'node:assert/strict';
import type { Server as NetServer } from 'node:net';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Proxy } from '../../../proxy/model/types.ts';
import { loadConfig, CFG_ALERT } from '../../../proxy/config/loader.ts';
import { buildRegistry } from '../../../proxy/modules.ts';
import { runProbe, probeReason, type ProbeResult } from '../../../proxy/checks/probe.ts';

/** One check of `be`'s first server (1 s connect and read timeouts, as the fixtures' `timeout check 1s`). */
export function probeBackend(backends: ReadonlyMap<string, Proxy>, be: string): Promise<ProbeResult> {
  const px = backends.get(be)!;
  return new Promise((resolve) => runProbe(px.servers[0], px.httpCheck, 1000, 1000, resolve));
}

/**
 * The verdicts of the golden "Health check for server <be>/s1 succeeded|failed, reason: ..." lines (`want`) and
 * Sluice's on the same backends (`got`), as "<be> <verdict> <reason>" without the duration; probed one after the
 * other, or all at once with `parallel`.
 */
export async function checkVerdicts(golden: string, backends: ReadonlyMap<string, Proxy>, parallel = false): Promise<{ want: string[]; got: string[] }> {
  const want = golden.trimEnd().split('\n').map((l) => {
    const m = /server (\S+)\/s1 (succeeded|failed), reason: (.*), check duration/.exec(l)!;
    return `${m[1]} ${m[2]} ${m[3]}`;
  });
  const one = async (w: string): Promise<string> => {
    const be = w.slice(0, w.indexOf(' '));
    const r = await probeBackend(backends, be);
    return `${be} ${r.ok ? 'succeeded' : 'failed'} ${probeReason(r).replace(/, check duration: \d+ms$/, '')}`;
  };
  const got: string[] = [];
  if (parallel) got.push(...await Promise.all(want.map(one)));
  else for (const w of want) got.push(await one(w));
  return { want, got };
}

/**
 * A fixture's checks.cfg (its `listen l` section dropped) loaded with each fixture port moved to the server listening
 * for it (`[server, fixture port]`, listened on port 0 here; `127.0.0.1:<port> ` and `port <port> ` rewritten), from a
 * file in `dir`. Asserts that it loads without alert; returns the backends.
 */
export async function loadWithServers(cfgText: string, servers: readonly [NetServer, number][], dir: string): Promise<Map<string, Proxy>> {
  let cfg = cfgText.replace(/listen l\n[^]*$/, '');
  for (const [srv, port] of servers) {
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
    const mine = (srv.address() as { port: number }).port;
    cfg = cfg.replaceAll(`127.0.0.1:${port} `, `127.0.0.1:${mine} `).replaceAll(`port ${port} `, `port ${mine} `);
  }
  writeFileSync(join(dir, 'c.cfg'), cfg);
  const c = loadConfig([join(dir, 'c.cfg')], buildRegistry());
  assert.deepEqual(c.messages.filter((m) => m.level === CFG_ALERT).map((m) => m.text), []);
  return c.backends;
}
