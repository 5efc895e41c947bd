// The embedded CLI's line editor and output buffer as pure state transitions: editing keys,
// 100-entry history, 1000-line scrollback, HATop's deny list (`prompt`, `set timeout cli`, `quit`
// would break hatop's own session). Called by app.tsx. Hot path: no.
import type { CliState } from './types.ts';
import { CLI_MAX_HISTORY, CLI_MAX_INPUT, CLI_MAX_LINES } from './types.ts';
import type { KeyEvent } from './keys.ts';
import { hatopError } from './errors.ts';

export const CLI_WELCOME: readonly string[] = [
  '',
  '    Welcome to the embedded runtime API shell. Type `help` for the command reference.',
  '',
];

export function emptyCli(): CliState {
  return { out: CLI_WELCOME, input: '', cursor: 0, history: [], histPos: 0, scroll: 0 };
}

/** Appends output lines, keeping the last CLI_MAX_LINES; scrolling resets to the bottom. */
export function cliAppend(st: CliState, lines: readonly string[]): CliState {
  const out = st.out.concat(lines);
  return { ...st, out: out.length > CLI_MAX_LINES ? out.slice(out.length - CLI_MAX_LINES) : out, scroll: 0 };
}

/** Lines logged for one command and its reply (HATop's `* date` / `> cmd` / reply layout). */
export function cliLog(date: Date, cmd: string, reply: string): string[] {
  const body = reply.endsWith('\n') ? reply.slice(0, -1) : reply;
  const lines = ['* ' + date.toString().slice(0, 24), '> ' + cmd];
  if (body !== '') for (const l of body.split('\n')) lines.push(l);
  lines.push('');
  return lines;
}

/** Why a command is refused, or '' when it may run. */
export function cliDenied(cmd: string): string {
  const c = cmd.trim().replace(/\s+/g, ' ');
  if (c === 'prompt' || c === 'quit' || c.startsWith('set timeout cli') || c.startsWith('prompt ')) {
    return hatopError('CLI_DENIED', c);
  }
  return '';
}

export interface CliStep {
  readonly st: CliState;
  /** A line to run (ENTER), '' for an empty ENTER (marker), null when nothing runs. */
  readonly run: string | null;
}

/** Applies one key to the editor; `page` is the scroll step for PGUP/PGDOWN. */
export function cliKey(st: CliState, k: KeyEvent, page: number): CliStep {
  const { input, cursor } = st;
  switch (k.name) {
    case 'char': {
      const room = CLI_MAX_INPUT - input.length;
      if (room <= 0) return { st, run: null };
      const ins = k.ch.slice(0, room);
      return { st: { ...st, input: input.slice(0, cursor) + ins + input.slice(cursor), cursor: cursor + ins.length }, run: null };
    }
    case 'backspace':
      if (cursor === 0) return { st, run: null };
      return { st: { ...st, input: input.slice(0, cursor - 1) + input.slice(cursor), cursor: cursor - 1 }, run: null };
    case 'delete':
      return { st: { ...st, input: input.slice(0, cursor) + input.slice(cursor + 1) }, run: null };
    case 'left':
      return { st: { ...st, cursor: Math.max(0, cursor - 1) }, run: null };
    case 'right':
      return { st: { ...st, cursor: Math.min(input.length, cursor + 1) }, run: null };
    case 'home':
    case 'ctrl-a':
      return { st: { ...st, cursor: 0 }, run: null };
    case 'end':
    case 'ctrl-e':
      return { st: { ...st, cursor: input.length }, run: null };
    case 'up': {
      if (st.histPos <= 0) return { st, run: null };
      const h = st.history[st.histPos - 1]!;
      return { st: { ...st, histPos: st.histPos - 1, input: h, cursor: h.length }, run: null };
    }
    case 'down': {
      if (st.histPos >= st.history.length) return { st, run: null };
      const pos = st.histPos + 1;
      const h = pos === st.history.length ? '' : st.history[pos]!;
      return { st: { ...st, histPos: pos, input: h, cursor: h.length }, run: null };
    }
    case 'pageup':
      return { st: { ...st, scroll: Math.min(Math.max(0, st.out.length - 1), st.scroll + page) }, run: null };
    case 'pagedown':
      return { st: { ...st, scroll: Math.max(0, st.scroll - page) }, run: null };
    case 'enter': {
      const line = input.trim();
      let history = st.history;
      if (line !== '' && history[history.length - 1] !== line) {
        history = history.concat(line);
        if (history.length > CLI_MAX_HISTORY) history = history.slice(history.length - CLI_MAX_HISTORY);
      }
      return { st: { ...st, input: '', cursor: 0, history, histPos: history.length, scroll: 0 }, run: line };
    }
    default:
      return { st, run: null };
  }
}
