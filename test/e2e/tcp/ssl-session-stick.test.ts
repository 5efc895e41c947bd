/*
 * SSL session-id affinity in mode tcp (payload_lv, req_ssl_hello_type / rep_ssl_hello_type, stick store-response
 * on the ServerHello) as haproxy 2.6.12: fixtures/proxy/ssl-session-stick (CMD). With `tcp-response inspect-delay`
 * a resumed session comes back to its server; without it (2.6's documentation example) the rules run before the
 * ServerHello, nothing is learnt, and round robin decides.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startSluice, stopSluice, freePort } from '../proxy-util.ts';
import { sslStickConfig, sslStickServers, runSslStick } from './ssl-session-stick-scenario.ts';

const fx = (f: string): string[] =>
  readFileSync(new URL('../../../fixtures/proxy/ssl-session-stick/' + f, import.meta.url), 'latin1').split('\n').slice(0, -1);

for (const delay of [true, false]) {
  test(`stick on / store-response payload_lv(43,1) ${delay ? 'with' : 'without'} tcp-response inspect-delay, as haproxy 2.6.12`, async () => {
    const o = await sslStickServers();
    const fe = await freePort();
    const rt = await startSluice(sslStickConfig(fe, o.ports, delay));
    after(async () => { await stopSluice(rt); o.close(); });
    assert.deepEqual(await runSslStick(fe), fx(delay ? 'expected.txt' : 'expected-no-delay.txt'));
  });
}
