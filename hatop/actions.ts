// Server actions as runtime API commands: enable/disable, drain, maint/ready, weight steps and set
// weight on the selected server, and HATop's F1-F3 "same server name in all backends" (each command
// built from its own backend: HATop's F3 used the selected row's backend for all). Weight steps start
// from uweight (the configured/user weight), not the scaled weight. Pure; app.tsx runs the plans.
// Hot path: no.
import type { Snapshot, StatRow } from './types.ts';
import { isServer } from './model.ts';
import { hatopError } from './errors.ts';

export type ActionId =
  | 'enable' | 'disable' | 'drain' | 'maint' | 'ready'
  | 'weight+10' | 'weight-10' | 'weight+1' | 'weight-1' | 'weight-reset' | 'set-weight'
  | 'enable-all' | 'disable-all' | 'drain-all';

export interface ActionPlan {
  readonly cmds: readonly string[];
  /** Question to confirm with `y`, or null when the action runs at once. */
  readonly confirm: string | null;
}

export const WEIGHT_MAX = 256;

function weightOf(r: StatRow): number {
  const w = Number.isNaN(r.num.uweight) ? r.num.weight : r.num.uweight;
  return Number.isNaN(w) ? 0 : w;
}

function step(r: StatRow, d: number): string {
  const w = Math.max(0, Math.min(WEIGHT_MAX, weightOf(r) + d));
  return `set weight ${r.key} ${w}`;
}

/** Every server named like `r` in any backend of the snapshot, in config order. */
function sameName(r: StatRow, snap: Snapshot): StatRow[] {
  return snap.rows.filter((x) => x.str.svname === r.str.svname && isServer(x));
}

/** Plans action `id` on row `r`. `arg` is the weight text for 'set-weight' (passed as typed, so
 * HAProxy's own error text comes back for bad values). Returns an error string for rows that are
 * not servers. */
export function planAction(id: ActionId, r: StatRow, snap: Snapshot, arg = ''): ActionPlan | string {
  if (!isServer(r)) return hatopError('NOT_SERVER');
  const k = r.key;
  switch (id) {
    case 'enable':
      return { cmds: [`enable server ${k}`], confirm: null };
    case 'disable':
      return { cmds: [`disable server ${k}`], confirm: `disable server ${k}?` };
    case 'drain':
      return { cmds: [`set server ${k} state drain`], confirm: `drain ${k} (state drain)?` };
    case 'maint':
      return { cmds: [`set server ${k} state maint`], confirm: `put ${k} in maintenance (state maint)?` };
    case 'ready':
      return { cmds: [`set server ${k} state ready`], confirm: null };
    case 'weight+10':
      return { cmds: [step(r, 10)], confirm: null };
    case 'weight-10':
      return { cmds: [step(r, -10)], confirm: null };
    case 'weight+1':
      return { cmds: [step(r, 1)], confirm: null };
    case 'weight-1':
      return { cmds: [step(r, -1)], confirm: null };
    case 'weight-reset':
      return { cmds: [`set weight ${k} 100%`], confirm: null };
    case 'set-weight': {
      const w = arg.trim();
      if (w === '') return hatopError('NO_WEIGHT');
      return { cmds: [`set weight ${k} ${w}`], confirm: w === '0' ? `set weight of ${k} to 0 (no new traffic)?` : null };
    }
    case 'enable-all':
    case 'disable-all':
    case 'drain-all': {
      const all = sameName(r, snap);
      const verb = id === 'enable-all' ? 'enable' : id === 'disable-all' ? 'disable' : 'drain';
      const cmds = all.map((x) =>
        verb === 'drain' ? `set server ${x.key} state drain` : `${verb} server ${x.key}`,
      );
      const where = all.map((x) => x.str.pxname).join(', ');
      return { cmds, confirm: verb === 'enable' ? null : `${verb} ${r.str.svname} in ${all.length} backend(s): ${where}?` };
    }
  }
}
