// hatop's command line: parses flags, opens one StatsClient per `-s`/`-t` socket, then either prints
// one frame to stdout (`--once`, scriptable) or runs the full-screen app on the alternate screen.
// Loaded by main.ts after it has chosen React's production build. Hot path: no.
import { Command, InvalidArgumentError } from 'commander';
import { createElement } from 'react';
import { render, renderToString } from 'ink';
import type { StatsSource, Target, ViewId } from './types.ts';
import { parseTarget } from './target.ts';
import { StatsClient } from './client.ts';
import { App, VIEW_ORDER, columnsFor } from './app.tsx';
import { emptyInstance, refreshInstance } from './refresh.ts';
import { buildLines } from './rows.ts';
import { Screen } from './views/screen.tsx';
import { headerHeight, HATOP_VERSION } from './views/header.tsx';
import { emptyCli } from './cli-input.ts';
import { ErrorFeed } from './errfeed.ts';
import { ERR_PANEL_ROWS } from './views/screen.tsx';

function collect(v: string, prev: string[]): string[] {
  return prev.concat(v);
}

function intervalArg(v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0.5 || n > 30) throw new InvalidArgumentError('interval must be 0.5-30 seconds');
  return n;
}

function modeArg(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 5) throw new InvalidArgumentError('mode must be 1-5');
  return n;
}

const program = new Command()
  .name('hatop')
  .description('Interactive monitor for the HAProxy / Sluice stats socket (runtime API)')
  .version(HATOP_VERSION)
  .option('-s, --unix-socket <path>', 'unix stats socket (repeat for a fleet view)', collect, [])
  .option('-t, --tcp-socket <host:port>', 'TCP stats socket (repeat for a fleet view)', collect, [])
  .option('-i, --interval <seconds>', 'refresh interval, 0.5-30 s', intervalArg, 3)
  .option('-m, --mode <n>', 'start view: 1 STATUS, 2 TRAFFIC, 3 HTTP, 4 ERRORS, 5 CLI', modeArg, 1)
  .option('-n, --read-only', 'no server actions and no CLI view')
  .option('-e, --errors <file>', "tail a collector's JSON-lines file and show its latest errors")
  .option('--once', 'print one frame to stdout and exit (no keys, no alternate screen)')
  .option('--width <cols>', 'frame width for --once (default: terminal width or 160)', (v) => Number(v))
  .option('--timeout <ms>', 'per-command timeout', (v) => Number(v), 5000)
  .addHelpText(
    'after',
    '\nKeys: 1-5 views, arrows/PgUp/PgDn move, h help, q quit, / filter, s sort, e/d/D/m/R/+/-/w server actions.',
  );

async function once(sources: StatsSource[], view: ViewId, width: number, errors: ErrorFeed | null, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs * 3;
  let insts = sources.map(emptyInstance);
  // Wait for every socket's session (bounded), then take one sample.
  while (sources.some((s) => s.conn().phase === 'connecting') && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 20));
  }
  insts = await Promise.all(sources.map((s, i) => refreshInstance(s, insts[i]!, Date.now)));
  const lines = buildLines(insts, '', { col: '', desc: true }, columnsFor(view));
  const height = headerHeight(insts.length) + 1 + 1 + lines.length + 2 + (errors ? ERR_PANEL_ROWS + 1 : 0);
  const frame = renderToString(
    createElement(Screen, {
      insts,
      view,
      width,
      height,
      now: new Date(),
      intervalMs: 0,
      lines,
      table: { width, height: lines.length, selected: '', top: 0, sort: { col: '', desc: true }, pending: new Set<string>(), fleet: insts.length > 1 },
      cli: emptyCli(),
      helpTop: 0,
      message: '',
      hint: '',
      errPanel: errors ? { events: errors.poll(), source: errors.source } : null,
    }),
    { columns: width },
  );
  process.stdout.write(frame.replace(/[ \t]+$/gm, '') + '\n');
  const failed = insts.filter((m) => !m.snap);
  for (const m of failed) process.stderr.write(`hatop: ${m.label}: ${m.error || 'no data'}\n`);
  return failed.length ? 1 : 0;
}

async function main(): Promise<void> {
  program.parse();
  const o = program.opts<{
    unixSocket: string[];
    tcpSocket: string[];
    interval: number;
    mode: number;
    readOnly?: boolean;
    errors?: string;
    once?: boolean;
    width?: number;
    timeout: number;
  }>();
  const targets: Target[] = [];
  for (const s of o.unixSocket) {
    const t = parseTarget(s, false);
    if (typeof t === 'string') program.error(`hatop: ${t}`);
    else targets.push(t);
  }
  for (const s of o.tcpSocket) {
    const t = parseTarget(s, true);
    if (typeof t === 'string') program.error(`hatop: ${t}`);
    else targets.push(t);
  }
  if (targets.length === 0) program.error('hatop: give at least one stats socket with -s <path> or -t <host:port>');
  const sources = targets.map((t) => new StatsClient(t, { timeoutMs: o.timeout, cliTimeoutSec: Math.max(60, o.interval * 3) }));
  const view = VIEW_ORDER[o.mode - 1]!;
  const errors = o.errors ? new ErrorFeed(o.errors) : null;
  if (o.once) {
    const code = await once(sources, view === 'cli' ? 'status' : view, o.width ?? (process.stdout.columns || 160), errors, o.timeout);
    for (const s of sources) s.close();
    process.exitCode = code;
    return;
  }
  if (!process.stdin.isTTY) program.error('hatop: needs a terminal (use --once for scripts)');
  // Alternate screen: the operator's scrollback is left as it was on exit.
  process.stdout.write('\x1b[?1049h\x1b[H');
  const restore = (): void => {
    process.stdout.write('\x1b[?1049l');
  };
  const app = render(
    createElement(App, {
      sources,
      intervalMs: o.interval * 1000,
      initialView: o.readOnly && view === 'cli' ? 'status' : view,
      readOnly: o.readOnly ?? false,
      errors,
    }),
    { exitOnCtrlC: false, patchConsole: false },
  );
  try {
    await app.waitUntilExit();
  } finally {
    restore();
    for (const s of sources) s.close();
  }
}

export function runHatop(): void {
  main().catch((err: unknown) => {
    process.stderr.write(`hatop: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 2;
  });
}
