/*
 * `balance static-rr`: weighted round robin with the configured weights; runtime weight changes only switch a server
 * between 0% and 100% (srvSetWeight refuses other values for non-dynamic algorithms, as HAProxy). Hot path: yes.
 */
import type { LbAlgo } from './types.ts';
import type { WrrState } from './wrr-state.ts';
import { newWrrState, wrrPick } from './wrr-state.ts';

export const staticRr: LbAlgo = {
  name: 'static-rr',
  dynamic: false,
  needsHttp: false,
  init(be, servers) { be.lbState = newWrrState(servers, (s) => s.iweight); },
  pick(be, _req, avoid) { return wrrPick(be.lbState as WrrState, avoid); },
  onTake() {},
  onDrop() {},
};
