// A report printed over another report's nodes. halog 2.6 keeps the per-line results in one tree root, so
// when the line action (-ic's per-address stats, -tc/-cc's codes) is not the printed report's own (-st, -srv,
// -tc/-cc, -gt, -ac), it walks those nodes as its own and prints address bits and uninitialised memory: one
// line per node, values that change from run to run. This prints as many lines, in the same shape, with the
// same "lines out", and made-up stable numbers where halog shows addresses. Hot path: no.
import type { HalogScanner } from '../scan/scanner.ts';
import {
  FILT_ACC_COUNT, FILT_ACC_DELAY, FILT_COUNT_COOK_CODES, FILT_COUNT_SRV_STATUS, FILT_COUNT_STATUS,
  FILT_COUNT_TERM_CODES, FILT_GRAPH_TIMERS, FILT_PERCENTILE, LINE_COOKIE_CODES, LINE_IPS, LINE_TERM_CODES,
} from '../types.ts';

/* where halog shows a node's address: a 224-byte step from a heap-like base (allocation order) */
const fakeAddress = (i: number): number => (0x9e2a1000 + i * 224) >>> 0;

/**
 * Prints the report of `sc.filter` over the nodes of a different line action, as halog does; returns
 * false (nothing printed) when the report reads its own nodes or halog's output is not affected.
 */
export function foreignNodesReport(sc: HalogScanner): boolean {
  const f = sc.filter;
  const ips = sc.action === LINE_IPS;
  const codes = sc.action === LINE_TERM_CODES || sc.action === LINE_COOKIE_CODES;
  if (!ips && !codes) return false;
  const n = ips ? sc.urls.keys.size : sc.ints.sorted().keys.length;
  let line: (i: number) => string | null;
  let counted = true;
  if (f & (FILT_ACC_COUNT | FILT_ACC_DELAY)) {
    /* only -ac alone: with -ad every node's 0 delay is below the threshold */
    if (!ips || (f & FILT_ACC_DELAY)) return false;
    line = (i) => (fakeAddress(i) >= (sc.opts.accCount >>> 0) ? '00:00:00.000 0 0 ' + fakeAddress(i) + '\n' : null);
  } else if (f & FILT_GRAPH_TIMERS) {
    if (!ips) return false;
    line = (i) => '0 0 ' + (fakeAddress(i) + 1) + '.000000\n';
    counted = false;
  } else if (f & FILT_PERCENTILE) {
    return false;
  } else if (f & FILT_COUNT_STATUS) {
    if (!ips) return false;
    line = (i) => '0 ' + fakeAddress(i) + '\n';
  } else if (f & FILT_COUNT_SRV_STATUS) {
    sc.out.str('#srv_name 1xx 2xx 3xx 4xx 5xx other tot_req req_ok pct_ok avg_ct avg_rt\n');
    line = () => ' 0 0 0 0 0 0 0 0 0.0 0 ' + (ips ? '97' : '65') + '\n';
  } else if (f & (FILT_COUNT_TERM_CODES | FILT_COUNT_COOK_CODES)) {
    if (!ips) return false;
    line = (i) => '\0\0 ' + fakeAddress(i) + '\n';
  } else {
    return false;
  }
  for (let i = 0; i < n; i++) {
    const s = line(i);
    if (s === null) continue;
    sc.out.str(s);
    if (!counted) continue;
    sc.linesOut++;
    if (sc.linesMax >= 0 && sc.linesOut >= sc.linesMax) break;
  }
  return true;
}
