/*
 * `balance roundrobin`: smooth weighted round robin over the usable servers, with weights changeable at runtime
 * (`set weight` re-inits the state through backend/server.ts). Hot path: yes (pick).
 */
import type { LbAlgo } from './types.ts';
import type { WrrState } from './wrr-state.ts';
import { newWrrState, wrrPick } from './wrr-state.ts';

export const roundrobin: LbAlgo = {
  name: 'roundrobin',
  dynamic: true,
  needsHttp: false,
  init(be, servers) { be.lbState = newWrrState(servers, (s) => s.eweight); },
  pick(be, _req, avoid) { return wrrPick(be.lbState as WrrState, avoid); },
  onTake() {},
  onDrop() {},
};
