/*
 * Stick tables end to end against HAProxy 2.6.12's goldens (fixtures/stick/<case>/, made by capture.mts there):
 * the same configuration and traffic on Sluice give the same statuses and the same `show table` / `set table` /
 * `clear table` replies (entry pointers and exp= countdowns masked).
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, mkdtempSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { startSluice, stopSluice, freePort } from '../proxy-util.ts';
import {
  rateLimitConfig, connRejectConfig, persistConfig, runRateLimit, runConnReject, runPersist, startBackend,
  persistDownConfig, runPersistDown, tcpConfig, runTcp, persistCookieConfig, runPersistCookie, levelsConfig, runLevels, proxyProtoConfig, runProxyProto, peersTableConfig, runPeersTable,
  responseTrackConfig, runResponseTrack, tcpWaitConfig, runTcpWait, arraysConfig, runArrays, convertersConfig, runConverters,
} from './scenario.ts';
import type { Ports } from './scenario.ts';

const FIX = join(dirname(fileURLToPath(import.meta.url)), '../../../fixtures/stick');

const b1 = await startBackend('s1');
const b2 = await startBackend('s2');
after(() => { b1.server.close(); b2.server.close(); });

async function ports(): Promise<Ports> {
  return { fe: await freePort(), s1: b1.port, s2: b2.port, sock: join(mkdtempSync(join(tmpdir(), 'stick-e2e-')), 'admin.sock') };
}

const CASES: [string, string, (p: Ports) => string, (p: Ports) => Promise<Record<string, string>>][] = [
  ['rate-limit', 'http-request track-sc0 with a 429 above 5 requests per 10 s, gpc0/gpt0 actions and sc_* samples', rateLimitConfig, runRateLimit],
  ['conn-reject', 'tcp-request connection track-sc1 and a reject on src_conn_rate, with a keep-alive connection tracked', connRejectConfig, runConnReject],
  ['persist', 'stick on a header with roundrobin, a table-only backend fed by track-sc2 ... table, and set/clear table', persistConfig, runPersist],
  ['persist-down', 'stick on src: a stuck server in maintenance is skipped and the entry follows the new one', persistDownConfig, runPersistDown],
  ['tcp', 'mode tcp: tcp-request content track-sc0 with a reject on sc0_conn_cnt, stick on src, layer-4 bytes', tcpConfig, runTcp],
  ['persist-cookie', 'stick store-response res.cook(SID) learnt from the server, stick match req.cook(SID)', persistCookieConfig, runPersistCookie],
  ['levels', 'http-response track-sc1, sc-set-gpt0 from a header, a src,ipmask(24) key, CLI at user and operator levels', levelsConfig, runLevels],
  ['proxy-proto', 'accept-proxy: tcp-request connection tracks the peer, tcp-request session the PROXY source; a bad header releases', proxyProtoConfig, runProxyProto],
  ['peers-table', 'a table declared in a peers section, tracked with table <peers>/<name>, listed with the proxy tables', peersTableConfig, runPeersTable],
  ['response-track', 'http-response track-sc1 alone counts the request, 4xx/5xx and bytes; src and sc_* in http-response rules', responseTrackConfig, runResponseTrack],
  ['tcp-wait', 'tcp-request content rules waiting for data run again from the top: sc-inc-gpc0 before the wait counts each pass', tcpWaitConfig, runTcpWait],
  ['arrays', 'gpc(n)/gpc_rate(n,p)/gpt(n) arrays with sc-inc-gpc(1,0), set table and filters on them', arraysConfig, runArrays],
  ['converters', 'table_http_req_rate(t) in an ACL (integer match) and in_table(t) in a rule value', convertersConfig, runConverters],
];

for (const [name, what, cfg, run] of CASES) {
  test(`${what}: same outputs as haproxy 2.6 (${name})`, { timeout: 20000 }, async () => {
    const p = await ports();
    const rt = await startSluice(cfg(p));
    try {
      const out = await run(p);
      for (const [f, text] of Object.entries(out)) {
        assert.equal(text, readFileSync(join(FIX, name, f), 'latin1'), `${name}/${f}`);
      }
    } finally {
      await stopSluice(rt);
    }
  });
}
