/*
 * `show activity` and `show pools` in 2.6's layout with the numbers Node has: event-loop delay (perf_hooks), CPU
 * time over the last 1 s / 15 s (a 1 s sampler started with the stats sockets), accepted connections and sessions
 * from the counters; V8 heap spaces and Buffer memory as "pools". Counters HAProxy keeps
 * that have no Node equivalent print 0. Hot path: no.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { IntervalHistogram } from 'node:perf_hooks';
import { getHeapSpaceStatistics } from 'node:v8';
import type { CliCommand, CliReply } from './types.ts';
import { ACCESS_LVL_USER, CLI_RAW } from './types.ts';
import { PR_CAP_FE } from '../config/types.ts';

const CPU_RING = 16;
/** CPU ms totals sampled once a second; cpuRing[(cpuAt - k) & 15] is the total k seconds ago. */
const cpuRing = new Float64Array(CPU_RING);
let cpuAt = 0;
let sampler: ReturnType<typeof setInterval> | null = null;
let loopDelay: IntervalHistogram | null = null;

function cpuMs(): number { const c = process.cpuUsage(); return (c.user + c.system) / 1000; }

function onSample(): void {
  cpuAt = (cpuAt + 1) & (CPU_RING - 1);
  cpuRing[cpuAt] = cpuMs();
}

/** Starts the 1 s sampler and the event-loop delay monitor (idempotent; timers are unref'd). */
export function startActivitySampler(): void {
  if (sampler !== null) return;
  const now = cpuMs();
  cpuRing.fill(now);
  sampler = setInterval(onSample, 1000);
  sampler.unref();
  // One sample a second: at 20 ms the monitor's own timer woke an idle proxy 50 times a second (strace: ~100
  // epoll_pwait/s with no traffic); avg_loop_us is a mean over minutes either way.
  loopDelay = monitorEventLoopDelay({ resolution: 1000 });
  loopDelay.enable();
}

export function stopActivitySampler(): void {
  if (sampler !== null) { clearInterval(sampler); sampler = null; }
  if (loopDelay !== null) { loopDelay.disable(); loopDelay = null; }
}

function line(k: string, v: number): string { return k + ': ' + v + ' [ ' + v + ' ]\n'; }

export const showActivity: CliCommand = {
  words: ['show', 'activity'], usage: null, level: ACCESS_LVL_USER,
  parse(_a, _s, env): CliReply {
    const now = Date.now();
    let accepted = 0;
    let sessions = 0;
    for (const p of env.src.proxies) {
      if ((p.cap & PR_CAP_FE) === 0) continue;
      accepted += p.feCounters.cumConn;
      sessions += p.feCounters.cumSess;
    }
    const cpu = cpuMs();
    const ago = (k: number): number => cpuRing[(cpuAt - k) & (CPU_RING - 1)]!;
    const avgLoopUs = loopDelay !== null && loopDelay.count > 0 ? Math.round(loopDelay.mean / 1000) : 0;
    return {
      text: 'thread_id: 1 (1..1)\ndate_now: ' + (now / 1000).toFixed(6) + '\n' + line('ctxsw', 0) + line('tasksw', 0) +
        line('empty_rq', 0) + line('long_rq', 0) + line('loops', 0) + line('wake_tasks', 0) + line('wake_signal', 0) +
        line('poll_io', 0) + line('poll_exp', 0) + line('poll_drop_fd', 0) + line('poll_skip_fd', 0) +
        line('conn_dead', 0) + line('stream_calls', sessions) + line('pool_fail', 0) + line('buf_wait', 0) +
        line('cpust_ms_tot', Math.floor(cpu)) + line('cpust_ms_1s', Math.max(0, Math.floor(cpu - ago(1)))) +
        line('cpust_ms_15s', Math.max(0, Math.floor(cpu - ago(15)))) + line('avg_loop_us', avgLoopUs) +
        line('accepted', accepted) + line('accq_pushed', accepted) + line('accq_full', 0) + line('accq_ring', 0) +
        line('fd_takeover', 0) + '\n',
      severity: CLI_RAW,
    };
  },
};

export const showPools: CliCommand = {
  words: ['show', 'pools'], usage: null, level: ACCESS_LVL_USER,
  parse(): CliReply {
    const m = process.memoryUsage();
    const pools: [string, number, number][] = [];
    for (const sp of getHeapSpaceStatistics()) pools.push([sp.space_name, sp.space_size, sp.space_used_size]);
    pools.push(['external', m.external, m.external], ['array_buffers', m.arrayBuffers, m.arrayBuffers]);
    let out = 'Dumping pools usage. Use SIGQUIT to flush them.\n';
    let alloc = 0;
    let used = 0;
    for (const [name, a, u] of pools) {
      alloc += a; used += u;
      out += '  - Pool ' + name.slice(0, 11) + ' (1 bytes) : ' + a + ' allocated (' + a + ' bytes), ' + u +
        ' used (~0 by thread caches), needed_avg ' + u + ', 0 failures, 1 users, @0x0 [SHARED]\n';
    }
    return { text: out + 'Total: ' + pools.length + ' pools, ' + alloc + ' bytes allocated, ' + used + ' used (~0 by thread caches).\n', severity: CLI_RAW };
  },
};
