/*
 * `cookie ... maxidle/maxlife`: the inserted cookie carries "|<last seen>|<first seen>" dates, a request's cookie
 * past maxidle or maxlife (or over a day ahead) is ignored, a valid one is re-sent to move its dates on; same answers
 * as HAProxy 2.6.12 on the same config and client (fixtures/http/cookie-dates, ports remapped).
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { freePort, startSluice, stopSluice } from '../proxy-util.ts';
import { cookieDatesOrigins, cookieDatesScenario } from '../../../fixtures/http/cookie-dates/scenario.mts';

const fx = (f: string) => readFileSync(new URL('../../../fixtures/http/cookie-dates/' + f, import.meta.url), 'latin1');

test('maxidle/maxlife cookie dates: inserted, checked and refreshed like HAProxy 2.6', async () => {
  const [o1, o2] = [await freePort(), await freePort()];
  const fe = [await freePort(), await freePort(), await freePort(), await freePort()];
  const origins = await cookieDatesOrigins([o1, o2]);
  let cfg = fx('cookie-dates.cfg').replaceAll('127.0.0.1:18878', `127.0.0.1:${o1}`).replaceAll('127.0.0.1:18879', `127.0.0.1:${o2}`);
  fe.forEach((p, i) => { cfg = cfg.replace(`127.0.0.1:1887${i + 1}`, `127.0.0.1:${p}`); });
  const rt = await startSluice(cfg);
  after(async () => { await stopSluice(rt); for (const o of origins) o.close(); });
  assert.deepEqual(await cookieDatesScenario(fe), fx('golden.txt').trimEnd().split('\n'));
});
