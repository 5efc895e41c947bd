// One refresh of one instance: `show info` then `show stat` over its StatsSource, parsed and
// combined with the previous model into rates and sparkline history. Touches no socket itself
// (only StatsSource.request). Called by app.tsx on each interval and by main.ts for --once.
// Hot path: no (parsing cost is in model.ts).
import type { InstanceModel, StatsSource } from './types.ts';
import { parseInfo, parseStat } from './model.ts';
import { deriveRates } from './rates.ts';
import { pushHistory } from './history.ts';
import { hatopError } from './errors.ts';

export function emptyInstance(src: StatsSource): InstanceModel {
  return { label: src.label, conn: src.conn(), error: '', snap: null, rates: null, history: new Map() };
}

/** Fetches and parses a new snapshot. On failure the previous snapshot is kept and `error` says
 * why (transport error, or HAProxy's reply when it is not CSV, e.g. "Permission denied"). */
export async function refreshInstance(src: StatsSource, prev: InstanceModel, now: () => number): Promise<InstanceModel> {
  const infoR = await src.request('show info');
  if (!infoR.ok) return { ...prev, conn: src.conn(), error: infoR.text };
  const statR = await src.request('show stat');
  if (!statR.ok) return { ...prev, conn: src.conn(), error: statR.text };
  const info = parseInfo(infoR.text);
  // an old process after a reload (haproxy -sf, master-worker) says Stopping: 1 and lives as long as this session:
  // leave it, the socket path now leads to the new process
  if (info !== null && info.raw.get('Stopping') === '1' && src.reconnect !== undefined) src.reconnect(hatopError('STOPPING'));
  const snap = parseStat(statR.text, now(), info);
  if (typeof snap === 'string') return { ...prev, conn: src.conn(), error: snap };
  const rates = deriveRates(prev.snap, snap);
  return {
    label: src.label,
    conn: src.conn(),
    error: info ? '' : 'show info: ' + infoR.text.trim().slice(0, 80),
    snap,
    rates,
    history: pushHistory(prev.history, snap, rates),
  };
}
