/*
 * `show servers conn` used_max/need_est against HAProxy 2.6.12 (fixtures/stats/servers-conn, see CMD there): a health
 * check's connection counts as a used one, so a checked server shows 1/1 after its first check, even when DOWN and
 * without traffic; a server without checks 0/0.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkProxy, mkServer } from './fixture-model.ts';
import { srvUsedConnMax, srvNeedConnEst } from '../../../proxy/stats/fill.ts';
import { PR_MODE_HTTP } from '../../../proxy/model/types.ts';
import { PR_CAP_BE } from '../../../proxy/config/types.ts';
import { HCHK_STATUS_INI, HCHK_STATUS_L4OK, HCHK_STATUS_L4CON } from '../../../proxy/checks/types.ts';

test('used_max and need_est of checked and unchecked servers without traffic are 2.6\'s', () => {
  const want = readFileSync(new URL('../../../fixtures/stats/servers-conn/show-servers-conn.txt', import.meta.url), 'latin1')
    .split('\n').filter((l) => l.startsWith('b/')).map((l) => { const w = l.split(' '); return w[0] + ' ' + w[7] + ' ' + w[8]; });
  const bk = mkProxy('b', 2, PR_CAP_BE, PR_MODE_HTTP);
  const nochk = mkServer(bk, 'nochk', 1, 19301);
  const chk = mkServer(bk, 'chk', 2, 19301);
  const down = mkServer(bk, 'chkdown', 3, 19309);
  for (const [sv, st] of [[chk, HCHK_STATUS_L4OK], [down, HCHK_STATUS_L4CON]] as const) { sv.check!.enabled = true; sv.check!.status = st; }
  const now = Date.now();
  const got = [nochk, chk, down].map((sv) => 'b/' + sv.name + ' ' + srvUsedConnMax(sv) + ' ' + srvNeedConnEst(sv, now));
  assert.deepEqual(got, want);
  // before its first check a checked server has used nothing yet
  const fresh = mkServer(bk, 'fresh', 4, 19301);
  fresh.check!.enabled = true; fresh.check!.status = HCHK_STATUS_INI;
  assert.equal(srvUsedConnMax(fresh), 0);
});
