// The interactive app: owns the keys, the refresh timer, connection-state updates, server actions
// (with confirmation) and the UI state (view, selection, sort, filter, CLI), and renders <Screen>.
// Views stay pure; this is the only component with effects. Talks to sockets only through
// StatsSource. Called by main.ts; tests mount it with fake sources. Hot path: no (per key/refresh).
import { useApp, useStdin, useStdout } from 'ink';
import { useCallback, useEffect, useRef, useState, type ReactElement } from 'react';
import type { ColumnSpec, CliState, ErrorEvent, InstanceModel, RowLine, SortState, StatsSource, TableLine, ViewId } from './types.ts';
import { Screen, viewHeight } from './views/screen.tsx';
import { STATUS_COLUMNS } from './views/status.tsx';
import { TRAFFIC_COLUMNS } from './views/traffic.tsx';
import { HTTP_COLUMNS } from './views/http.tsx';
import { ERRORS_COLUMNS } from './views/errors.tsx';
import { HELP_LINES } from './views/help.tsx';
import { buildLines, lastRowIndex, moveSelection, scrollTop, selectedIndex } from './rows.ts';
import { emptyInstance, refreshInstance } from './refresh.ts';
import { decodeKeys, type KeyEvent } from './keys.ts';
import { planAction, type ActionId, type ActionPlan } from './actions.ts';
import { cliAppend, cliDenied, cliKey, cliLog, emptyCli } from './cli-input.ts';
import { isServer } from './model.ts';
import { hatopError } from './errors.ts';

export interface ErrorSource {
  readonly source: string;
  poll(): readonly ErrorEvent[];
}

export interface AppProps {
  readonly sources: readonly StatsSource[];
  readonly intervalMs: number;
  readonly initialView?: ViewId;
  /** No actions and no CLI view (HATop's -n). */
  readonly readOnly?: boolean;
  /** Fixed size (tests); by default the terminal's, followed on resize. */
  readonly width?: number;
  readonly height?: number;
  readonly now?: () => Date;
  readonly errors?: ErrorSource | null;
}

export const VIEW_ORDER: readonly ViewId[] = ['status', 'traffic', 'http', 'errors', 'cli'];
export const INTERVAL_MIN_MS = 500;
export const INTERVAL_MAX_MS = 30_000;

export function columnsFor(view: ViewId): readonly ColumnSpec[] {
  switch (view) {
    case 'traffic':
      return TRAFFIC_COLUMNS;
    case 'http':
      return HTTP_COLUMNS;
    case 'errors':
      return ERRORS_COLUMNS;
    default:
      return STATUS_COLUMNS;
  }
}

type Prompt =
  | { readonly kind: 'filter'; readonly text: string }
  | { readonly kind: 'weight'; readonly text: string; readonly inst: number; readonly key: string }
  | { readonly kind: 'confirm'; readonly text: string; readonly inst: number; readonly id: string; readonly plan: ActionPlan };

interface Ui {
  readonly view: ViewId;
  readonly prevView: ViewId;
  readonly selected: string;
  readonly top: number;
  readonly sort: SortState;
  readonly filter: string;
  readonly prompt: Prompt | null;
  readonly menu: boolean;
  readonly message: string;
  readonly messageColor: string | undefined;
  readonly pending: ReadonlySet<string>;
  readonly cli: CliState;
  readonly helpTop: number;
  readonly intervalMs: number;
  readonly showErrors: boolean;
  readonly escPending: boolean;
}

const KEY_ACTIONS: Readonly<Record<string, ActionId>> = {
  e: 'enable', d: 'disable', D: 'drain', m: 'maint', R: 'ready', '+': 'weight+10', '-': 'weight-10',
  f1: 'enable-all', f2: 'disable-all', f3: 'drain-all', f4: 'weight-reset', f5: 'weight-10', f6: 'weight-1',
  f7: 'weight+1', f8: 'weight+10', f9: 'enable', f10: 'disable', f11: 'drain',
};

function useTerminalSize(fixedW?: number, fixedH?: number): [number, number] {
  const { stdout } = useStdout();
  // One line short of the terminal: a frame as tall as the screen makes ink clear it on every render.
  const read = (): [number, number] => [fixedW ?? (stdout.columns || 80), fixedH ?? Math.max(10, (stdout.rows || 24) - 1)];
  const [size, setSize] = useState(read);
  useEffect(() => {
    if (fixedW !== undefined && fixedH !== undefined) return;
    const onResize = (): void => setSize(read());
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
  }, [stdout, fixedW, fixedH]);
  return size;
}

export function App(props: AppProps): ReactElement {
  const { sources, readOnly = false } = props;
  const nowFn = props.now ?? (() => new Date());
  const { exit } = useApp();
  const { internal_eventEmitter, setRawMode, isRawModeSupported } = useStdin();
  const [width, height] = useTerminalSize(props.width, props.height);
  const [insts, setInsts] = useState<InstanceModel[]>(() => sources.map(emptyInstance));
  const [errEvents, setErrEvents] = useState<readonly ErrorEvent[]>([]);
  const [ui, setUi] = useState<Ui>(() => ({
    view: props.initialView ?? 'status',
    prevView: 'status',
    selected: '',
    top: 0,
    sort: { col: '', desc: true },
    filter: '',
    prompt: null,
    menu: false,
    message: '',
    messageColor: undefined,
    pending: new Set(),
    cli: emptyCli(),
    helpTop: 0,
    intervalMs: props.intervalMs,
    showErrors: props.errors != null,
    escPending: false,
  }));
  const instsRef = useRef(insts);
  instsRef.current = insts;
  const uiRef = useRef(ui);
  uiRef.current = ui;
  const busy = useRef(false);
  const timer = useRef<NodeJS.Timeout | null>(null);
  const stopped = useRef(false);

  // Table lines, selection and scroll derived from (models, UI state). Keys use it on the state
  // of the moment, not the last render's: typed-ahead keys (`/bk/s1<enter>d`) must see the filter.
  const cache = useRef<{ insts: unknown; filter: string; sort: SortState; cols: unknown; lines: TableLine[] } | null>(null);
  const derive = (u: Ui, ins: readonly InstanceModel[]) => {
    const cols = columnsFor(u.view);
    let c = cache.current;
    if (!c || c.insts !== ins || c.filter !== u.filter || c.sort !== u.sort || c.cols !== cols) {
      c = { insts: ins, filter: u.filter, sort: u.sort, cols, lines: buildLines(ins, u.filter, u.sort, cols) };
      cache.current = c;
    }
    const lines = c.lines;
    const vh = viewHeight(ins.length, height, u.showErrors && props.errors != null);
    const bodyH = vh - 1;
    const sel = selectedIndex(lines, u.selected);
    const top = scrollTop(u.top, sel, bodyH, lines.length);
    const selLine = sel >= 0 ? lines[sel] : undefined;
    const selRow: RowLine | null = selLine?.kind === 'row' ? selLine : null;
    return { columns: cols, lines, vh, bodyH, sel, top, selRow };
  };
  const { lines, bodyH, top, selRow } = derive(ui, insts);

  // Refresh loop: all instances in parallel, one state update per round (the throttled render).
  const refresh = useCallback(async (): Promise<void> => {
    if (busy.current || stopped.current) return;
    busy.current = true;
    if (timer.current) clearTimeout(timer.current);
    timer.current = null;
    try {
      const prev = instsRef.current;
      const next = await Promise.all(sources.map((s, i) => refreshInstance(s, prev[i]!, () => nowFn().getTime())));
      if (stopped.current) return;
      instsRef.current = next;
      setInsts(next);
      if (props.errors) setErrEvents(props.errors.poll());
      setUi((u) => (u.pending.size === 0 ? u : { ...u, pending: new Set() }));
    } finally {
      busy.current = false;
      if (!stopped.current) timer.current = setTimeout(() => void refresh(), uiRef.current.intervalMs);
    }
  }, [sources]);

  useEffect(() => {
    stopped.current = false;
    void refresh();
    // Connection state changes show at once, batched to one update per 100 ms.
    let pendingConn: NodeJS.Timeout | null = null;
    const offs = sources.map((s) =>
      s.onConn(() => {
        if (pendingConn) return;
        pendingConn = setTimeout(() => {
          pendingConn = null;
          setInsts((cur) => cur.map((m, i) => ({ ...m, conn: sources[i]!.conn() })));
        }, 100);
      }),
    );
    return () => {
      stopped.current = true;
      if (timer.current) clearTimeout(timer.current);
      if (pendingConn) clearTimeout(pendingConn);
      for (const off of offs) off();
    };
  }, [sources, refresh]);

  const runPlan = useCallback(
    async (inst: number, id: string, plan: ActionPlan): Promise<void> => {
      const src = sources[inst]!;
      setUi((u) => ({ ...u, pending: new Set([...u.pending, id]), message: 'running: ' + plan.cmds.join('; '), messageColor: undefined }));
      const problems: string[] = [];
      let log: string[] = [];
      for (const cmd of plan.cmds) {
        const r = await src.request(cmd);
        log = log.concat(cliLog(nowFn(), cmd, r.text));
        const t = r.text.trim();
        if (!r.ok || t !== '') problems.push(`${cmd}: ${t}`);
      }
      setUi((u) => ({
        ...u,
        cli: cliAppend(u.cli, log),
        message: problems.length ? problems.join(' | ') : 'done: ' + plan.cmds.join('; '),
        messageColor: problems.length ? 'red' : 'green',
        pending: problems.length === plan.cmds.length ? new Set([...u.pending].filter((p) => p !== id)) : u.pending,
      }));
      void refresh();
    },
    [sources, refresh],
  );

  const runCli = useCallback(
    async (line: string, inst: number): Promise<void> => {
      if (line === '') {
        setUi((u) => ({ ...u, cli: cliAppend(u.cli, ['- ' + nowFn().toString().slice(0, 24) + ' ' + '-'.repeat(40)]) }));
        return;
      }
      const denied = cliDenied(line);
      if (denied) {
        setUi((u) => ({ ...u, cli: cliAppend(u.cli, [denied, '']) }));
        return;
      }
      const r = await sources[inst]!.request(line);
      setUi((u) => ({ ...u, cli: cliAppend(u.cli, cliLog(nowFn(), line, r.ok ? r.text : '* ' + r.text)) }));
    },
    [sources],
  );

  const startAction = (u: Ui, action: ActionId, selRow: RowLine | null): Ui => {
    if (readOnly) return { ...u, message: hatopError('READ_ONLY_ACTION'), messageColor: 'yellow' };
    if (!selRow) return u;
    const snap = instsRef.current[selRow.inst]?.snap;
    if (!snap) return u;
    const plan = planAction(action, selRow.row, snap);
    if (typeof plan === 'string') return { ...u, message: plan, messageColor: 'yellow', menu: false };
    if (plan.confirm) {
      return { ...u, menu: false, prompt: { kind: 'confirm', text: '', inst: selRow.inst, id: selRow.id, plan } };
    }
    void runPlan(selRow.inst, selRow.id, plan);
    return { ...u, menu: false };
  };

  const onPromptKey = (u: Ui, p: Prompt, k: KeyEvent): Ui => {
    if (p.kind === 'confirm') {
      if (k.name === 'char' && (k.ch === 'y' || k.ch === 'Y')) {
        void runPlan(p.inst, p.id, p.plan);
        return { ...u, prompt: null };
      }
      return { ...u, prompt: null, message: 'cancelled', messageColor: 'yellow' };
    }
    if (k.name === 'escape') {
      return p.kind === 'filter' ? { ...u, prompt: null, filter: '' } : { ...u, prompt: null };
    }
    if (k.name === 'enter') {
      if (p.kind === 'filter') return { ...u, prompt: null };
      const snap = instsRef.current[p.inst]?.snap;
      const row = snap?.byKey.get(p.key);
      if (!snap || !row) return { ...u, prompt: null };
      const plan = planAction('set-weight', row, snap, p.text);
      if (typeof plan === 'string') return { ...u, prompt: null, message: plan, messageColor: 'yellow' };
      const id = p.inst + '|' + p.key;
      if (plan.confirm) return { ...u, prompt: { kind: 'confirm', text: '', inst: p.inst, id, plan } };
      void runPlan(p.inst, id, plan);
      return { ...u, prompt: null };
    }
    let text = p.text;
    if (k.name === 'backspace') text = text.slice(0, -1);
    else if (k.name === 'char') text += k.ch;
    else return u;
    if (p.kind === 'filter') return { ...u, prompt: { ...p, text }, filter: text, top: 0 };
    return { ...u, prompt: { ...p, text: text.replace(/[^0-9%]/g, '').slice(0, 5) } };
  };

  const switchView = (u: Ui, v: ViewId): Ui => {
    if (v === 'cli' && readOnly) return { ...u, message: hatopError('READ_ONLY_CLI'), messageColor: 'yellow' };
    if (v === u.view) return { ...u, escPending: false };
    const sortKeep = columnsFor(v).some((c) => c.id === u.sort.col);
    return { ...u, view: v, prevView: u.view, menu: false, escPending: false, sort: sortKeep ? u.sort : { col: '', desc: true } };
  };

  // Keys arriving in one burst are handled in order, each seeing the state the previous one left.
  const setUiNow = (nu: Ui): void => {
    uiRef.current = nu;
    setUi(nu);
  };

  const onKey = (k: KeyEvent): void => {
    const u = uiRef.current;
    const { columns, lines, vh, bodyH, sel, top, selRow } = derive(u, instsRef.current);
    if (k.name === 'char' && k.ch.length > 1 && !u.prompt && u.view !== 'cli') {
      // Typed ahead or pasted outside a text field: one key per character.
      for (const c of k.ch) onKey({ name: 'char', ch: c });
      return;
    }
    if (k.name === 'ctrl-c') {
      stopped.current = true;
      exit();
      return;
    }
    if (u.prompt) {
      setUiNow(onPromptKey(u, u.prompt, k));
      return;
    }
    const page = Math.max(1, bodyH - 1);
    if (k.name.startsWith('alt-') && k.ch >= '1' && k.ch <= '5') return setUiNow(switchView(u, VIEW_ORDER[Number(k.ch) - 1]!));
    if (u.view === 'cli') {
      if (u.escPending && k.name === 'char' && k.ch >= '1' && k.ch <= '5') return setUiNow(switchView(u, VIEW_ORDER[Number(k.ch) - 1]!));
      if (u.escPending && k.name === 'escape') return setUiNow(switchView(u, u.prevView));
      if (k.name === 'escape') return setUiNow({ ...u, escPending: true });
      const step = cliKey(u.cli, k, page);
      setUiNow({ ...u, cli: step.st, escPending: false });
      if (step.run !== null) void runCli(step.run, selRow ? selRow.inst : 0);
      return;
    }
    if (k.name === 'escape') {
      if (u.menu) return setUiNow({ ...u, menu: false });
      if (u.escPending) return setUiNow(switchView(u, u.prevView));
      return setUiNow({ ...u, escPending: true });
    }
    const moveTo = (idx: number): void => {
      const l = lines[idx];
      if (l?.kind !== 'row') return;
      setUiNow({ ...u, selected: l.id, top: scrollTop(top, idx, bodyH, lines.length), escPending: false, menu: false });
    };
    if (u.view === 'help') {
      const maxTop = Math.max(0, HELP_LINES.length - (vh - 1));
      const dt = k.name === 'up' ? -1 : k.name === 'down' ? 1 : k.name === 'pageup' ? -page : k.name === 'pagedown' ? page : 0;
      if (dt !== 0) return setUiNow({ ...u, helpTop: Math.max(0, Math.min(maxTop, u.helpTop + dt)) });
    }
    const action = KEY_ACTIONS[k.name === 'char' ? k.ch : k.name];
    switch (k.name) {
      case 'up':
        return moveTo(moveSelection(lines, sel, -1));
      case 'down':
        return moveTo(moveSelection(lines, sel, 1));
      case 'pageup':
        return moveTo(moveSelection(lines, sel, -10));
      case 'pagedown':
        return moveTo(moveSelection(lines, sel, 10));
      case 'home':
      case 'ctrl-a':
        return moveTo(moveSelection(lines, -1, 0));
      case 'end':
      case 'ctrl-e':
        return moveTo(lastRowIndex(lines));
      case 'tab':
      case 'backtab': {
        const i = VIEW_ORDER.indexOf(u.view);
        const n = VIEW_ORDER.length - (readOnly ? 1 : 0);
        const next = i < 0 ? 0 : (i + (k.name === 'tab' ? 1 : n - 1)) % n;
        return setUiNow(switchView(u, VIEW_ORDER[next]!));
      }
      case 'enter':
        if (selRow && isServer(selRow.row) && !readOnly) setUiNow({ ...u, menu: !u.menu });
        return;
      default:
        break;
    }
    if (action && (k.name !== 'char' || u.view !== 'help')) return setUiNow(startAction(u, action, selRow));
    if (k.name !== 'char') return;
    const c = k.ch;
    if (c === 'q' || c === 'Q') {
      stopped.current = true;
      exit();
      return;
    }
    if (c >= '1' && c <= '5') return setUiNow(switchView(u, VIEW_ORDER[Number(c) - 1]!));
    if (c === 'h' || c === 'H' || c === '?') return setUiNow(switchView(u, u.view === 'help' ? u.prevView : 'help'));
    if (c === '/') return setUiNow({ ...u, prompt: { kind: 'filter', text: u.filter } });
    if (c === 'r') {
      void refresh();
      return;
    }
    if (c === '<' || c === '>') {
      const iv = Math.max(INTERVAL_MIN_MS, Math.min(INTERVAL_MAX_MS, c === '>' ? u.intervalMs / 2 : u.intervalMs * 2));
      return setUiNow({ ...u, intervalMs: iv, message: `refresh every ${iv / 1000}s`, messageColor: undefined });
    }
    if (c === 'E' && props.errors) return setUiNow({ ...u, showErrors: !u.showErrors });
    if (c === 's' || c === 'S') {
      const ids = columns.filter((x) => x.sortValue).map((x) => x.id);
      if (c === 'S') return setUiNow({ ...u, sort: { col: u.sort.col || ids[0]!, desc: !u.sort.desc } });
      const i = ids.indexOf(u.sort.col);
      return setUiNow({ ...u, sort: { col: i + 1 < ids.length ? ids[i + 1]! : '', desc: u.sort.desc }, top: 0 });
    }
    if (c === 'w' && selRow && isServer(selRow.row)) {
      if (readOnly) return setUiNow({ ...u, message: hatopError('READ_ONLY_ACTION'), messageColor: 'yellow' });
      return setUiNow({ ...u, menu: false, prompt: { kind: 'weight', text: '', inst: selRow.inst, key: selRow.row.key } });
    }
    if (c === ' ' && selRow && isServer(selRow.row) && !readOnly) {
      const ins = selRow.row.key;
      const cli = { ...u.cli, input: u.cli.input + ins, cursor: u.cli.input.length + ins.length };
      return setUiNow({ ...switchView(u, 'cli'), cli });
    }
  };

  const onKeyRef = useRef(onKey);
  onKeyRef.current = onKey;
  useEffect(() => {
    // Raw events, not useInput: useInput does not report F1-F12, which HATop's hotkeys use.
    if (isRawModeSupported) setRawMode(true);
    const h = (data: string): void => {
      for (const k of decodeKeys(data)) onKeyRef.current(k);
    };
    internal_eventEmitter.on('input', h);
    return () => {
      internal_eventEmitter.off('input', h);
      if (isRawModeSupported) setRawMode(false);
    };
  }, [internal_eventEmitter, setRawMode, isRawModeSupported]);

  let message = ui.message;
  let messageColor = ui.messageColor;
  const p = ui.prompt;
  if (p?.kind === 'confirm') {
    message = p.plan.confirm + ' [y/N]';
    messageColor = 'yellow';
  } else if (p?.kind === 'filter') {
    message = 'filter: ' + p.text + '_';
    messageColor = undefined;
  } else if (p?.kind === 'weight') {
    message = `set weight ${p.key} (0-256 or N%): ${p.text}_`;
    messageColor = undefined;
  } else if (ui.menu) {
    message =
      'HOTKEYS: e=ENABLE d=DISABLE D=DRAIN m=MAINT R=READY +/-=W+-10 w=SET-W  F1/F2/F3=ENABLE/DISABLE/DRAIN ALL BACKENDS  F4=W-RESET  ESC=CLOSE';
    messageColor = 'cyan';
  } else if (message === '' && ui.filter !== '') {
    message = `filter: ${ui.filter}  (/ to edit, ESC in the filter to clear)`;
  }
  let hint: string;
  if (ui.view === 'cli') hint = 'PGUP/PGDOWN=SCROLL ';
  else if (ui.view === 'help') hint = 'UP/DOWN=SCROLL H=BACK Q=QUIT ';
  else {
    const sortTxt = ui.sort.col ? `SORT=${ui.sort.col}${ui.sort.desc ? ' v' : ' ^'} ` : '';
    const where = selRow ? `[#${selRow.row.num.iid}/#${selRow.row.num.sid}] ` : '';
    const acts = selRow && isServer(selRow.row) ? (readOnly ? 'READ-ONLY ' : 'ENTER=MENU SPACE=CLI ') : '';
    hint = `${sortTxt}${acts}/=FILTER H=HELP Q=QUIT ${where}`;
  }
  return (
    <Screen
      insts={insts}
      view={ui.view}
      width={width}
      height={height}
      now={nowFn()}
      intervalMs={ui.intervalMs}
      lines={lines}
      table={{ width, height: bodyH, selected: selRow?.id ?? '', top, sort: ui.sort, pending: ui.pending, fleet: insts.length > 1 }}
      cli={ui.cli}
      cliInst={selRow ? selRow.inst : 0}
      helpTop={ui.helpTop}
      message={message}
      messageColor={messageColor}
      hint={hint}
      errPanel={ui.showErrors && props.errors ? { events: errEvents, source: props.errors.source } : null}
    />
  );
}
