// The header: a reverse title bar (name, version, clock), then the `show info` essentials (node,
// pid, uptime, threads, connections bar, rates, tasks, run queue, proxies/services) and the socket's
// connection state; one compact line per instance in fleet mode. Text is concatenated, never placed
// at fixed columns, so a long version string cannot overlap the PID (HATop's defect). Pure.
// Hot path: no.
import { Box, Text } from 'ink';
import type { ReactElement } from 'react';
import type { ConnState, InstanceModel } from '../types.ts';
import { bar, fmtNum, padEnd } from '../format.ts';

export const HATOP_VERSION = '0.1.0';

/** `up (admin)`, `connecting...`, `down: ECONNREFUSED, retry in 2s (attempt 3)`, `closed`. */
export function connText(c: ConnState, now: number): string {
  switch (c.phase) {
    case 'up':
      return c.level ? `up (${c.level})` : 'up';
    case 'connecting':
      return 'connecting...';
    case 'closed':
      return 'closed';
    default: {
      const secs = Math.max(0, Math.ceil((c.retryAt - now) / 1000));
      return `down: ${c.error}, retry in ${secs}s (attempt ${c.attempt})`;
    }
  }
}

export function connColor(c: ConnState): string {
  return c.phase === 'up' ? 'green' : c.phase === 'down' ? 'red' : 'yellow';
}

function services(m: InstanceModel): [number, number] {
  if (!m.snap) return [0, 0];
  return [m.snap.groups.length, m.snap.rows.length];
}

function n(v: number): string {
  return Number.isNaN(v) ? '-' : String(v);
}

/** Lines below the title bar: 3 for one instance, one per instance in fleet mode. */
export function headerHeight(nInst: number): number {
  return 1 + (nInst > 1 ? nInst : 3);
}

function SingleInfo(props: { m: InstanceModel; now: number; intervalMs: number }): ReactElement {
  const { m, now, intervalMs } = props;
  const i = m.snap?.info ?? null;
  const [px, svc] = services(m);
  const conns = i ? `[${bar(i.currConns, i.maxconn, 20) || ' '.repeat(20)}] ${n(i.currConns)}/${n(i.maxconn)}` : '-';
  const l1 = i
    ? `  Node: ${i.node || '-'}   PID: ${n(i.pid)}   Uptime: ${i.uptime || '-'}   Threads: ${n(i.nbthread)}   Procs: ${n(i.nbproc)}`
    : '  (no `show info` yet)';
  const l2 = i
    ? `  Connections: ${conns}   ConnRate: ${n(i.connRate)}/${n(i.maxConnRate)}   SessRate: ${n(i.sessRate)}/${n(i.maxSessRate)}   Tasks: ${n(i.tasks)}   Queue: ${n(i.runQueue)}   Idle: ${n(i.idlePct)}%`
    : '';
  return (
    <>
      <Text wrap="truncate-end">{l1}</Text>
      <Text wrap="truncate-end">{l2}</Text>
      {/* the socket state first when it is not up: on a narrow terminal it must not be the part cut off */}
      {m.conn.phase === 'up' ? (
        <Text wrap="truncate-end">
          {`  Proxies: ${px}   Services: ${svc}${intervalMs > 0 ? `   Refresh: ${intervalMs / 1000}s` : ''}   Socket: ${m.label} `}
          <Text color={connColor(m.conn)}>{connText(m.conn, now)}</Text>
          {m.error ? <Text color="red">{'  ' + m.error}</Text> : null}
        </Text>
      ) : (
        <Text wrap="truncate-end">
          {'  Socket: '}
          <Text color={connColor(m.conn)}>{connText(m.conn, now)}</Text>
          {m.error ? <Text color="red">{'  ' + m.error}</Text> : null}
          {`   (${m.label})   Proxies: ${px}   Services: ${svc}`}
        </Text>
      )}
    </>
  );
}

function FleetLine(props: { m: InstanceModel; now: number; labelW: number }): ReactElement {
  const { m, now, labelW } = props;
  const i = m.snap?.info ?? null;
  const [px, svc] = services(m);
  const body = i
    ? `${i.name} ${i.version}  pid ${n(i.pid)}  up ${i.uptime}  conns ${n(i.currConns)}/${fmtNum(i.maxconn, 6)}  sess/s ${n(i.sessRate)}/${n(i.maxSessRate)}  tasks ${n(i.tasks)}  runq ${n(i.runQueue)}  px ${px} svc ${svc}  `
    : '';
  return (
    <Text wrap="truncate-end">
      {'  ' + padEnd(m.label, labelW) + ' '}
      {body}
      <Text color={connColor(m.conn)}>{connText(m.conn, now)}</Text>
      {m.error ? <Text color="red">{'  ' + m.error}</Text> : null}
    </Text>
  );
}

export function Header(props: {
  insts: readonly InstanceModel[];
  width: number;
  now: Date;
  intervalMs: number;
}): ReactElement {
  const { insts, width, now, intervalMs } = props;
  const first = insts[0]?.snap?.info ?? null;
  let title = ` hatop ${HATOP_VERSION}`;
  const clock = now.toString().slice(0, 24) + ' ';
  const room = Math.max(0, width - clock.length);
  if (insts.length > 1) title += ` - fleet of ${insts.length} sockets`;
  else if (first) {
    // drop the release date rather than cut it in the middle (80 columns do not hold it with the clock)
    const full = `${title} - ${first.name} ${first.version}${first.releaseDate ? ` (released ${first.releaseDate})` : ''}`;
    title = full.length <= room ? full : `${title} - ${first.name} ${first.version}`;
  }
  // a title that does not fit is cut with '…' and keeps one space before the clock
  const bar1 = padEnd(title.length >= room ? title.slice(0, Math.max(0, room - 2)) + '…' : title, room) + clock;
  const labelW = Math.min(30, Math.max(...insts.map((m) => m.label.length), 4));
  return (
    <Box flexDirection="column" width={width}>
      <Text inverse wrap="truncate-end">{bar1.slice(0, width)}</Text>
      {insts.length === 1 ? (
        <SingleInfo m={insts[0]!} now={now.getTime()} intervalMs={intervalMs} />
      ) : (
        insts.map((m, k) => <FleetLine key={k} m={m} now={now.getTime()} labelW={labelW} />)
      )}
    </Box>
  );
}
