/*
 * Proxies `disabled` in the configuration, as haproxy 2.6.12 shows them on the stats socket
 * (fixtures/proxy/disabled-proxies): absent from show stat (csv and typed, so from the stats page and Prometheus too),
 * still listed by show backend, their servers numbered 0 in show servers state.
 */
import { test, after } from 'node:test';
import { readFileSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { freePort, startSluice, stopSluice } from '../proxy-util.ts';
import { replayCli } from './cli-replay.ts';
import type { Runtime } from '../../../proxy/runtime.ts';

const fx = (f: string): string => readFileSync(new URL('../../../fixtures/proxy/disabled-proxies/' + f, import.meta.url), 'latin1');

/** Rows cut to what identifies them (names, status, ids); the time since the last change masked. */
function normalize(text: string): string {
  return text.split('\n').map((l) => {
    if (/^[A-Z]\.\d+\.\d+\.\d+\./.test(l)) return /\.(pxname|svname|status|iid|sid)\.1:/.test(l) ? l : null;
    if (l.includes(',')) { const v = l.split(','); return [v[0], v[1], v[17], v[27], v[28]].join(','); }
    const f = l.split(' ');
    if (f.length === 25 && /^\d+$/.test(f[0]!)) { f[9] = 'T'; return f.join(' '); }
    return l;
  }).filter((l) => l !== null).join('\n');
}

test('disabled proxies: left out of show stat, listed by show backend, servers without id, as 2.6.12', async () => {
  const port = await freePort();
  const sock = join(mkdtempSync(join(tmpdir(), 'sluice-dispx-')), 'stats.sock');
  const cfg = fx('haproxy.cfg').replace('127.0.0.1:18779', `127.0.0.1:${port}`).replace('/tmp/compat/h.sock', sock)
    .replace('127.0.0.1:18791', `127.0.0.1:${await freePort()}`).replace('127.0.0.1:18793', `127.0.0.1:${await freePort()}`);
  let rt: Runtime | null = await startSluice(cfg);
  after(async () => { if (rt !== null) await stopSluice(rt); });
  await replayCli({ cmds: fx('cmds.txt'), gold: fx('replies.txt'), sock, port, send: (l) => l, norm: normalize });
  await stopSluice(rt);
  rt = null;
});
