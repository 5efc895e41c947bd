import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { freePort, nameServer, exchange, startSluice, stopSluice } from '../proxy-util.ts';
import type { Runtime } from '../../../proxy/runtime.ts';

const servers = await Promise.all([nameServer('s1'), nameServer('s2'), nameServer('s3')]);
const cleanup: (() => Promise<void>)[] = [];
after(async () => { for (const c of cleanup) await c(); for (const s of servers) s.server.close(); });

async function run(balance: string, extra = '', weights = ['', '', '']): Promise<{ port: number; rt: Runtime }> {
  const port = await freePort();
  const rt = await startSluice(`defaults
  mode tcp
  timeout connect 1s
  timeout client 5s
  timeout server 5s
listen l
  bind 127.0.0.1:${port}
  balance ${balance}
${extra}
  server s1 127.0.0.1:${servers[0].port} ${weights[0]}
  server s2 127.0.0.1:${servers[1].port} ${weights[1]}
  server s3 127.0.0.1:${servers[2].port} ${weights[2]}
`);
  cleanup.push(() => stopSluice(rt));
  return { port, rt };
}

async function tally(port: number, n: number): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (let i = 0; i < n; i++) {
    const r = (await exchange(port)).trim();
    out[r] = (out[r] ?? 0) + 1;
  }
  return out;
}

test('roundrobin over real sockets follows the weights', async () => {
  const { port, rt } = await run('roundrobin', '', ['weight 2', 'weight 1', 'weight 1']);
  assert.deepEqual(await tally(port, 8), { s1: 4, s2: 2, s3: 2 });
  await stopSluice(rt);
});

test('a server with a down address is retried then redispatched, and the client still gets an answer', async () => {
  const dead = await freePort();
  const port = await freePort();
  const rt = await startSluice(`defaults
  mode tcp
  timeout connect 200ms
  timeout client 5s
  timeout server 5s
  retries 1
  option redispatch
listen l
  bind 127.0.0.1:${port}
  balance roundrobin
  server dead 127.0.0.1:${dead}
  server s1 127.0.0.1:${servers[0].port}
`);
  cleanup.push(() => stopSluice(rt));
  const got = await tally(port, 4);
  assert.deepEqual(got, { s1: 4 });
  const be = rt.cfg.backends.get('l')!;
  assert.ok(be.beCounters.redispatches >= 1);
  await stopSluice(rt);
});

test('with every server down the client connection is closed without data (no server)', async () => {
  const d1 = await freePort();
  const port = await freePort();
  const rt = await startSluice(`defaults
  mode tcp
  timeout connect 100ms
  timeout client 5s
  timeout server 5s
  retries 0
listen l
  bind 127.0.0.1:${port}
  server dead 127.0.0.1:${d1}
`);
  cleanup.push(() => stopSluice(rt));
  assert.equal(await exchange(port), '');
  assert.equal(rt.cfg.backends.get('l')!.beCounters.failedConns, 1);
  await stopSluice(rt);
});
