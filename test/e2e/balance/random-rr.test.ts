/*
 * Random roundrobin scenarios replayed through Sluice's roundrobin against the picks of HAProxy 2.6.12
 * (fixtures/lb/random-rr, see CMD): weights, backups with and without allbackups, and set weight / maint / ready /
 * drain between requests. Every pick must be 2.6's, including after failing over to backups whose group changed
 * while unused.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { roundrobin } from '../../../proxy/lb/roundrobin.ts';
import type { Proxy, Server } from '../../../proxy/model/types.ts';
import { PR_O_ALLBACKUPS, SRV_ST_RUNNING, SRV_ADMF_FMAINT, SRV_ADMF_FDRAIN } from '../../../proxy/model/types.ts';

interface RrCase { bk: string; weights: number[]; bck: boolean[]; all: boolean; steps: ({ cli: string } | { req: true })[] }
const D = new URL('../../../fixtures/lb/random-rr/', import.meta.url);
const cases = JSON.parse(readFileSync(new URL('cases.json', D), 'latin1')) as RrCase[];
const picks = JSON.parse(readFileSync(new URL('picks.json', D), 'latin1')) as string[][];

for (const [ci, c] of cases.entries()) {
  test(`${c.bk}: weights ${c.weights.join(',')}${c.bck.some((b) => b) ? ', backups ' + c.bck.map((b, i) => (b ? 's' + (i + 1) : '')).filter(Boolean).join(',') : ''}${c.all ? ', allbackups' : ''}`, () => {
    const servers = c.weights.map((w, i) => ({ name: 's' + (i + 1), id: i + 1, uweight: w, eweight: w, backup: c.bck[i], maxconn: 0,
      served: 0, queued: 0, curState: SRV_ST_RUNNING, adminState: 0 }) as unknown as Server);
    const be = { lbState: null, servers, options: c.all ? PR_O_ALLBACKUPS : 0 } as unknown as Proxy;
    // the backend's usable set, as backend/server.ts recalcBackend hands it over
    const recalc = (): void => {
      const u = servers.filter((s) => s.adminState === 0 && s.eweight > 0);
      const act = u.filter((s) => !s.backup);
      const bck = u.filter((s) => s.backup);
      roundrobin.init(be, act.length > 0 ? act : bck.length === 0 ? [] : c.all ? bck : [bck[0]!]);
    };
    recalc();
    const got: string[] = [];
    for (const st of c.steps) {
      if ('cli' in st) {
        const m = /set (weight|server) \S+\/s(\d+) (?:state )?(\S+)/.exec(st.cli)!;
        const s = servers[Number(m[2]) - 1]!;
        if (m[1] === 'weight') s.uweight = s.eweight = Number(m[3]);
        else s.adminState = m[3] === 'maint' ? SRV_ADMF_FMAINT : m[3] === 'drain' ? SRV_ADMF_FDRAIN : 0;
        recalc();
        got.push('-');
      } else got.push(roundrobin.pick(be, null, null)?.name ?? 'x');
    }
    assert.deepEqual(got, picks[ci]);
  });
}
