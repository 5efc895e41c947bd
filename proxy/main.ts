#!/usr/bin/env -S -u NODE_EXTRA_CA_CERTS MALLOC_MMAP_THRESHOLD_=131072 node --max-semi-space-size=2 --v8-pool-size=1 --no-icu-timezone-data --compact-on-every-full-gc
// V8 flags. A 2 MB young generation (node's default grows to 16 MB semi-spaces; 1 MB cost ~5 us CPU per keep-alive
// request; 2 MB against 4 MB: same CPU per keep-alive and close request in 6-round A/Bs, 4-5 MB less RSS, now that
// close sessions are no longer kept by the scavenges, see streams.ts). V8's default old-generation sizing: the 32 MB
// initial limit once set here is not needed since that fix (--trace-gc-nvp: survival under 6 % without it, one
// mark-compact in 20 s of keep-alive then close load) and cost 2-3 MB of peak RSS (4 alternated rounds: 70.6-71.0
// -> 67.5-68.7 MB; CPU per keep-alive 29.1 -> 28.2 us, per close session 127.8 -> 125.5 us, medians). One V8 background thread
// instead of four (fewer stacks and malloc arenas; 2-core target) ~1.3 MB; local time from libc as HAProxy does, not
// ICU's zone data (never touched then) ~0.4 MB. Compaction on every full GC while starting only (runWorker turns it
// off once listening): the start-up mark-compact (the only one in a bench run, --trace-gc) then leaves the module
// loader's fragmented old space packed (a few ms more, once); peak VmRSS under keep-alive / close load -1.45 /
// -1.7 MB (paired medians, lower in 10/10 alternated rounds). No full GC runs under load, so nothing per request:
// same-time A/B (both proxies loaded together, both orders) +0.5 us keep-alive, -1.5 us close, in the noise. Left on,
// every later full GC of a large heap (big stick tables) would evacuate it all. -D and -W children inherit them
// (execArgv). Environment: NODE_EXTRA_CA_CERTS makes node parse that CA bundle at start-up (1.8 MB of RSS for the
// Debian bundle; Sluice never uses node's default CA store: `verify required` needs a ca-file, as in 2.6).
// MALLOC_MMAP_THRESHOLD_=131072: a fixed threshold (glibc's own rises to the largest block freed, up to 32 MiB), so
// the large one-off blocks of start-up (the bundle's parse and compile) get their own mapping, given back when freed,
// instead of growing the brk heap, which a small live block at its top then keeps from shrinking (~4 MB). Not lower:
// at 32 KiB, V8's 32 KiB zone segments become mappings (strace -k: TurboFan's concurrent compile jobs,
// OptimizingCompileDispatcher on the V8 worker, in bursts when the traffic changes and code deoptimises); with 64 KiB
// Buffer pools that measured 0.6-0.9 mmaps per close session and ~+20 us (5b3d9ed). With 8 KiB pools, 32 KiB showed
// no mmap per session in steady state and no RSS difference (+-2 MB noise between identical processes).
// Buffer pools stay node's 8 KiB: 128 KiB pools (at the threshold: swept pools unmapped instead of raising the brk
// heap's high-water mark) lowered peak RSS by 2-7 MB under load but cost ~+12 us per close session and ~+3 us per
// keep-alive request (same-time A/B behind nginx, 2 x 4 interleaved pairs, 2026-11-24).
/*
 * `sluice`: the haproxy-like command line. Parses -f (files or directories, repeatable), -c (check only), -d/-D,
 * -W (master-worker), -p pidfile, -sf/-st pids, -q, -v/-vv; loads the configuration, prints HAProxy-style
 * [ALERT]/[WARNING] lines, starts backends, checks, frontends and the stats sockets, and handles signals: SIGTERM/
 * SIGINT stop, SIGUSR1 graceful stop, SIGHUP/SIGUSR2 reload (in-process, listeners kept; bad config keeps the old
 * one), SIGTTOU/SIGTTIN pause/resume listeners (used by -sf handover and the master). Hot path: no.
 */
import { writeFileSync, realpathSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { fileURLToPath } from 'node:url';
import { spawn } from 'node:child_process';
import cluster from 'node:cluster';
import type { Worker } from 'node:cluster';
import { buildRegistry, wireRuntime } from './modules.ts';
import { loadConfig, CFG_ALERT, CFG_WARNING, CFG_ALERT_NOTE } from './config/loader.ts';
import { CFG_COND_FEATURES } from './config/cond-blocks.ts';
import type { LoadedConfig } from './config/loader.ts';
import { startRuntime, gracefulStop, resolveServerAddrs } from './runtime.ts';
import type { Runtime } from './runtime.ts';
import { emitEvent, eventPrefix, EV_ALERT, EV_NOTICE, EV_WARNING } from './events.ts';
import { pauseAllListeners, resumeAllListeners } from './frontend.ts';
import { startupLogAppend } from './stats/startup-logs.ts';

export const SLUICE_VERSION = '0.1.0';

export interface CliOpts {
  files: string[];
  check: boolean;
  debug: boolean;
  daemon: boolean;
  master: boolean;
  pidfile: string;
  softStop: number[];   // -sf
  hardStop: number[];   // -st
  quiet: boolean;
  maxconn: number;      // -n
  version: number;      // 1 = -v, 2 = -vv
  chdir: string;        // -C
  help: boolean;        // -h, --help
  err: string;
}

export function parseArgs(argv: readonly string[]): CliOpts {
  const o: CliOpts = { files: [], check: false, debug: false, daemon: false, master: false, pidfile: '', softStop: [], hardStop: [], quiet: false, maxconn: 0, version: 0, chdir: '', help: false, err: '' };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    switch (a) {
      case '-f': case '-C':
        if (i + 1 >= argv.length) { o.err = `option '${a}' requires an argument`; return o; }
        if (a === '-f') o.files.push(argv[++i]); else o.chdir = argv[++i];
        break;
      case '-c': o.check = true; break;
      case '-d': case '-dV': case '-db': o.debug = true; break;
      case '-D': o.daemon = true; break;
      case '-W': case '-Ws': o.master = true; break;
      case '-q': o.quiet = true; break;
      case '-V': o.quiet = false; break;
      case '-v': o.version = Math.max(o.version, 1); break;
      case '-vv': o.version = 2; break;
      case '-p': if (i + 1 >= argv.length) { o.err = `option '-p' requires an argument`; return o; } o.pidfile = argv[++i]; break;
      case '-n': o.maxconn = Number(argv[++i] ?? '0'); break;
      case '-sf': case '-st': {
        const list = a === '-sf' ? o.softStop : o.hardStop;
        while (i + 1 < argv.length && /^\d+$/.test(argv[i + 1])) list.push(Number(argv[++i]));
        break;
      }
      case '-h': case '--help': o.help = true; break;
      case '--': break;
      default:
        if (a.startsWith('-')) { o.err = `unknown option '${a}'`; return o; }
        o.files.push(a);
    }
  }
  return o;
}

const USAGE = 'Usage : sluice [-f <cfgfile|cfgdir>]* [ -vdVD ] [ -n <maxconn> ] [ -p <pidfile> ] [ -C <dir> ] [ -c ] [ -W ] [ -q ] [ -sf/-st <pid>* ]\n';

const HELP = USAGE +
  '        -f <cfg> loads a configuration file or every *.cfg of a directory (repeatable; files after -- too)\n' +
  '        -c check mode: validate the configuration, print [ALERT]/[WARNING] file:line messages, exit 0 or 1\n' +
  '        -v displays the version ; -vv the build options\n' +
  '        -d, -db stay in the foreground (debug) ; -D goes daemon ; -C changes to <dir> before loading files\n' +
  '        -W, -Ws master-worker mode: on reload a new worker takes over and the old one finishes its connections\n' +
  '        -q quiet mode (no warnings) ; -V verbose\n' +
  '        -n sets the global maxconn ; -p writes the pid to <pidfile>\n' +
  '        -sf/-st <pid>* asks these processes to finish their connections (SIGUSR1) / to stop (SIGTERM) once started\n' +
  'Signals: SIGTERM/SIGINT stop, SIGUSR1 graceful stop, SIGHUP/SIGUSR2 reload the configuration (listeners kept).\n';

function usage(msg: string): never {
  process.stderr.write(`[ALERT]    (${process.pid}) : ${msg}\n` + USAGE);
  process.exit(1);
}

/** Prints the load messages like haproxy (stderr) plus the final summary lines. Returns the exit code for -c. */
export function reportConfig(cfg: LoadedConfig, quiet: boolean, out: (s: string) => void = (s) => process.stderr.write(s)): number {
  // -q silences everything, alerts included (haproxy 2.6: `-c -q` only answers with its exit status)
  if (quiet) return cfg.alerts > 0 ? 1 : 0;
  for (const m of cfg.messages) {
    if (m.level === CFG_WARNING && quiet) continue;
    const lvl = m.level === CFG_ALERT || m.level === CFG_ALERT_NOTE ? EV_ALERT : m.level === CFG_WARNING ? EV_WARNING : EV_NOTICE;
    out(eventPrefix(lvl) + 'config : ' + m.text + '\n');
  }
  if (cfg.alerts > 0) {
    if (!cfg.aborted) out(eventPrefix(EV_ALERT) + 'config : Fatal errors found in configuration.\n');
    return 1;
  }
  return 0;
}

/** haproxy -c exits 2 when nothing listens: no enabled proxy with a bind and no stats socket (an empty file too). */
function hasListener(cfg: LoadedConfig): boolean {
  const stats = cfg.global.ext.get('stats') as { sockets?: unknown[] } | undefined;
  if (stats?.sockets !== undefined && stats.sockets.length > 0) return true;
  for (const px of cfg.proxies) if (!px.disabled && px.binds.length > 0) return true;
  return false;
}

function signalPids(pids: readonly number[], sig: NodeJS.Signals): void {
  for (const p of pids) { try { process.kill(p, sig); } catch { /* gone */ } }
}

async function runWorker(o: CliOpts): Promise<void> {
  const reg = buildRegistry();
  wireRuntime();
  const cfg = loadConfig(o.files, reg);
  if (reportConfig(cfg, o.quiet, (s) => { process.stderr.write(s); startupLogAppend(s); }) !== 0) process.exit(1);
  if (o.maxconn > 0) cfg.global.maxconn = o.maxconn;
  // -sf/-st handover: the old processes release their listeners before we bind, and take them back if we fail
  const old = [...o.softStop, ...o.hardStop];
  // a -W worker shares the master's listening sockets with the old worker: no need to free them first, and no
  // window where new connections are refused; a standalone process must make the old one close them (~100 ms)
  const shared = cluster.isWorker;
  if (old.length > 0 && !shared) { signalPids(old, 'SIGTTOU'); await new Promise((r) => setTimeout(r, 100)); }
  let rt: Runtime;
  try {
    rt = await startRuntime(cfg);
  } catch (e) {
    for (const line of (e as Error).message.split('\n')) emitEvent(EV_ALERT, line);
    if (old.length > 0 && !shared) signalPids(old, 'SIGTTIN');
    process.exit(1);
  }
  setFlagsFromString('--no-compact-on-every-full-gc');  // start-up only (shebang)
  if (o.softStop.length > 0) signalPids(o.softStop, 'SIGUSR1');
  if (o.hardStop.length > 0) signalPids(o.hardStop, 'SIGTERM');
  const pidfile = o.pidfile !== '' ? o.pidfile : cfg.global.pidfile;
  if (pidfile !== '' && !o.master) writeFileSync(pidfile, `${process.pid}\n`);
  if (process.send) process.send({ sluice: 'ready' });
  let current = rt;
  let reloading = false;
  const reload = async () => {
    if (reloading) return;
    reloading = true;
    try {
      const ncfg = loadConfig(o.files, buildRegistry());
      if (reportConfig(ncfg, o.quiet) !== 0) {
        emitEvent(EV_ALERT, 'Reload failed: the new configuration has errors; keeping the current one.');
        return;
      }
      current = await startRuntime(ncfg, current);
      emitEvent(EV_NOTICE, 'Reloaded configuration.');
    } catch (e) {
      emitEvent(EV_ALERT, `Reload failed: ${(e as Error).message}; keeping the current configuration.`);
    } finally { reloading = false; }
  };
  process.on('SIGHUP', () => { void reload(); });
  process.on('SIGUSR2', () => { void reload(); });
  process.on('SIGTTOU', () => { void pauseAllListeners(); });
  process.on('SIGTTIN', () => { resumeAllListeners(); });
  process.on('SIGUSR1', () => {
    void gracefulStop(current).then(() => process.exit(0));
  });
  // 2.6.12 dies at once on SIGTERM: requests under way get no reply and no log line, their connections just close
  const hard = () => { process.exit(0); };
  process.on('SIGTERM', hard);
  process.on('SIGINT', hard);
}

/**
 * Master-worker (-W): keeps one worker (a node:cluster worker), re-executes a new one on SIGUSR2/SIGHUP which takes
 * over with -sf. The master holds the listening sockets and shares them with every worker (SCHED_NONE: the kernel
 * hands connections to whichever worker accepts), so the new worker listens before the old one stops: no connection
 * is refused during a reload.
 */
function runMaster(o: CliOpts, argv: readonly string[]): void {
  const script = fileURLToPath(import.meta.url);
  const baseArgs = argv.filter((a) => a !== '-W' && a !== '-Ws' && a !== '-D');
  let worker: Worker | null = null;
  let stopping = false;
  if (o.pidfile !== '') writeFileSync(o.pidfile, `${process.pid}\n`);
  cluster.schedulingPolicy = cluster.SCHED_NONE;
  const spawnWorker = (prev: Worker | null) => {
    const args = [...baseArgs];
    if (prev !== null && prev.process.pid !== undefined) args.push('-sf', String(prev.process.pid));
    cluster.setupPrimary({ exec: script, execArgv: process.execArgv, args, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const w = cluster.fork();
    const pid = w.process.pid;
    w.on('message', (m: { sluice?: string }) => {
      if (m && m.sluice === 'ready') {
        worker = w;
        emitEvent(EV_NOTICE, `New worker (${pid}) forked`);
      }
    });
    w.on('exit', (code) => {
      if (w === worker && !stopping) {
        emitEvent(EV_ALERT, `Current worker (${pid}) exited with code ${code ?? 0}`);
        worker = null;
        process.exit(code ?? 1);
      } else if (w !== worker && prev !== null && worker === prev) {
        emitEvent(EV_ALERT, `Reload failed: new worker (${pid}) exited with code ${code ?? 0}; the current worker keeps running.`);
      }
    });
    return w;
  };
  spawnWorker(null);
  const reload = () => { emitEvent(EV_NOTICE, 'Reloading HAProxy'); spawnWorker(worker); };
  process.on('SIGUSR2', reload);
  process.on('SIGHUP', reload);
  const stop = (sig: NodeJS.Signals) => () => {
    stopping = true;
    if (worker && worker.process.pid !== undefined) {
      worker.once('exit', () => process.exit(0));
      worker.process.kill(sig);
    } else process.exit(0);
  };
  process.on('SIGTERM', stop('SIGTERM'));
  process.on('SIGINT', stop('SIGTERM'));
  process.on('SIGUSR1', stop('SIGUSR1'));
}

/**
 * `-c`: loads `files`, prints the messages (`err`), resolves the servers' names as 2.6 does during -c (a name that
 * does not resolve fails the check, before the "Warnings were found." line), then the verdict (`out`). Resolves to
 * the exit status: 0 valid, 1 errors, 2 valid without any listener.
 */
export async function checkConfig(files: string[], quietFlag: boolean, err: (s: string) => void = (s) => process.stderr.write(s),
  out: (s: string) => void = (s) => process.stdout.write(s)): Promise<number> {
  const cfg = loadConfig(files, buildRegistry());
  const quiet = quietFlag || cfg.global.ext.get('quiet') === true; // `quiet` in global is -q (2.6)
  // ... from its line on: what came before it was printed already in 2.6
  if (!quietFlag && cfg.quietAt > 0) reportConfig({ ...cfg, messages: cfg.messages.slice(0, cfg.quietAt), alerts: 0 }, false, err);
  const rc = reportConfig(cfg, quiet, err);
  if (rc !== 0) return rc;
  const errs = await resolveServerAddrs(cfg);
  if (errs.length > 0) {
    if (!quiet) for (const line of errs) err(eventPrefix(EV_ALERT) + line + '\n');
    return 1;
  }
  if (cfg.warnings > 0 && !quiet) out('Warnings were found.\n');
  if (!hasListener(cfg)) {
    if (!quiet) out('Configuration file has no error but will not start (no listener) => exit(2).\n');
    return 2;
  }
  if (!quiet) out('Configuration file is valid\n');
  return 0;
}

function main(): void {
  const argv = process.argv.slice(2);
  const o = parseArgs(argv);
  if (o.err !== '') usage(o.err);
  if (o.help) { process.stdout.write(HELP); process.exit(0); }
  if (o.chdir !== '') {
    try { process.chdir(o.chdir); } catch (e) { usage(`cannot change to directory '${o.chdir}': ${(e as Error).message}`); }
  }
  if (o.version > 0) {
    process.stdout.write(`Sluice version ${SLUICE_VERSION} (HAProxy 2.6 compatible configuration) - Node.js ${process.version}\n`);
    if (o.version > 1) process.stdout.write(`Running on: ${process.platform} ${process.arch}\nBuild options: TypeScript; TLS: node:tls, OpenSSL ${process.versions.openssl}; no Lua, no HTTP/2\n` +
      `Feature list : ${CFG_COND_FEATURES}\n`);
    process.exit(0);
  }
  if (o.files.length === 0) usage('No configuration file specified.');
  if (o.check) {
    void checkConfig(o.files, o.quiet).then((rc) => process.exit(rc));
    return;
  }
  if (o.daemon && !o.debug && process.env.SLUICE_DAEMONIZED !== '1') {
    const script = fileURLToPath(import.meta.url);
    const child = spawn(process.execPath, [...process.execArgv, script, ...argv.filter((a) => a !== '-D')], {
      detached: true, stdio: 'ignore', env: { ...process.env, SLUICE_DAEMONIZED: '1' },
    });
    child.unref();
    process.exit(0);
  }
  if (o.master) { runMaster(o, argv); return; }
  void runWorker(o);
}

/** True when this file is the command being run: directly, or through a bin symlink (node_modules/.bin, npx, npm i -g). */
function invokedAsCommand(): boolean {
  const arg = process.argv[1];
  if (arg === undefined) return false;
  let real = arg;
  try { real = realpathSync(arg); } catch { /* keep the path as given */ }
  return fileURLToPath(import.meta.url).replace(/\.ts$/, '.js') === real.replace(/\.ts$/, '.js');
}
if (invokedAsCommand()) main();
