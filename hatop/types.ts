// Types shared by hatop's modules (the `-t.h` of hatop/): stats socket targets and replies, parsed
// `show info`/`show stat` snapshots, derived rates, display lines and UI state.
// Types and numeric constants only; no implementation. Hot path: no.

/** Where a stats socket lives: `/path`, `unix@/path`, `host:port`, `ipv4@host:port`. */
export type Target =
  | { readonly kind: 'unix'; readonly path: string; readonly label: string }
  | { readonly kind: 'tcp'; readonly host: string; readonly port: number; readonly label: string };

/** One reply. ok=false only for transport failures (not connected, timeout, lost); HAProxy's own
 * refusals ("Permission denied", "No such server.") are ok=true with that text. */
export interface CliResult {
  readonly ok: boolean;
  readonly text: string;
}

export type ConnPhase = 'connecting' | 'up' | 'down' | 'closed';

export interface ConnState {
  readonly phase: ConnPhase;
  /** Failed attempts since the last successful connect. */
  readonly attempt: number;
  /** Last transport error code or message, '' when none. */
  readonly error: string;
  /** Epoch ms of the next reconnect attempt when phase is 'down', else 0. */
  readonly retryAt: number;
  /** `show cli level` answer: 'admin' | 'operator' | 'user', '' when unknown. */
  readonly level: string;
}

/** What the app needs from a stats socket; client.ts implements it, tests fake it. */
export interface StatsSource {
  readonly label: string;
  request(cmd: string): Promise<CliResult>;
  conn(): ConnState;
  /** Subscribe to connection state changes; returns the unsubscribe function. */
  onConn(cb: (st: ConnState) => void): () => void;
  close(): void;
  /** Drops the session (sending `quit`) and reconnects as after a lost connection, `why` shown meanwhile. */
  reconnect?(why: string): void;
}

/** `show info`, the fields the header shows, plus every raw key. Missing numbers are NaN. */
export interface Info {
  readonly raw: ReadonlyMap<string, string>;
  readonly name: string;
  readonly version: string;
  readonly releaseDate: string;
  readonly node: string;
  readonly pid: number;
  readonly nbthread: number;
  readonly nbproc: number;
  readonly uptime: string;
  readonly uptimeSec: number;
  readonly maxconn: number;
  readonly currConns: number;
  readonly connRate: number;
  readonly maxConnRate: number;
  readonly sessRate: number;
  readonly maxSessRate: number;
  readonly maxpipes: number;
  readonly pipesUsed: number;
  readonly tasks: number;
  readonly runQueue: number;
  readonly idlePct: number;
}

/** `type` column values. */
export const STAT_TYPE_FE = 0;
export const STAT_TYPE_BE = 1;
export const STAT_TYPE_SRV = 2;
export const STAT_TYPE_LI = 3;

/** Numeric `show stat` columns hatop reads, by their CSV names. */
export type StatNumCol =
  | 'qcur' | 'qmax' | 'scur' | 'smax' | 'slim' | 'stot' | 'bin' | 'bout' | 'dreq' | 'dresp' | 'ereq'
  | 'econ' | 'eresp' | 'wretr' | 'wredis' | 'weight' | 'act' | 'bck' | 'chkfail' | 'chkdown' | 'lastchg'
  | 'downtime' | 'qlimit' | 'iid' | 'sid' | 'throttle' | 'lbtot' | 'type' | 'rate' | 'rate_lim' | 'rate_max'
  | 'check_code' | 'check_duration' | 'hrsp_1xx' | 'hrsp_2xx' | 'hrsp_3xx' | 'hrsp_4xx' | 'hrsp_5xx'
  | 'hrsp_other' | 'hanafail' | 'req_rate' | 'req_rate_max' | 'req_tot' | 'cli_abrt' | 'srv_abrt'
  | 'lastsess' | 'qtime' | 'ctime' | 'rtime' | 'ttime' | 'eint' | 'uweight';

/** Text `show stat` columns hatop reads. */
export type StatStrCol = 'pxname' | 'svname' | 'status' | 'check_status' | 'last_chk' | 'addr' | 'mode' | 'tracked';

/** One `show stat` row. Numbers are NaN where the CSV field is empty (not applicable). */
export interface StatRow {
  /** `pxname/svname`, unique within one snapshot. */
  readonly key: string;
  readonly str: Readonly<Record<StatStrCol, string>>;
  readonly num: Readonly<Record<StatNumCol, number>>;
}

/** Rows of one proxy in HATop's order: FRONTEND, listeners and servers by sid, BACKEND. */
export interface ProxyGroup {
  readonly iid: number;
  readonly pxname: string;
  readonly rows: readonly StatRow[];
  /** The BACKEND row, when the proxy has one (sparklines hang off it). */
  readonly backend: StatRow | null;
}

export interface Snapshot {
  /** Epoch ms when the `show stat` reply was complete. */
  readonly at: number;
  readonly info: Info | null;
  readonly rows: readonly StatRow[];
  readonly groups: readonly ProxyGroup[];
  readonly byKey: ReadonlyMap<string, StatRow>;
  /** Column names found in the header, to tell a short (older/Sluice) CSV from a full one. */
  readonly columns: readonly string[];
}

/** Per-second rates of one row between two snapshots; 0 when a counter went backwards (cleared). */
export interface RowRates {
  readonly binPs: number;
  readonly boutPs: number;
  readonly sessPs: number;
  readonly reqPs: number;
  readonly rsp5xxPs: number;
  readonly errPs: number;
}

export interface Rates {
  readonly dtMs: number;
  readonly byKey: ReadonlyMap<string, RowRates>;
}

/** Per-backend series for sparklines, oldest first. */
export interface Series {
  /** True when `req` holds session rates (TCP backends have no request counter). */
  readonly sess: boolean;
  readonly req: readonly number[];
  readonly rsp5xx: readonly number[];
}

/** One instance (stats socket) as the views see it. */
export interface InstanceModel {
  readonly label: string;
  readonly conn: ConnState;
  /** Last refresh problem (transport error or an error reply to `show stat`), '' when fine. */
  readonly error: string;
  readonly snap: Snapshot | null;
  readonly rates: Rates | null;
  readonly history: ReadonlyMap<string, Series>;
}

export type ViewId = 'help' | 'status' | 'traffic' | 'http' | 'errors' | 'cli';

/** A line of the proxy table: a `>>> px` group title, a stats row, or a spacer. */
export type TableLine =
  | { readonly kind: 'group'; readonly inst: number; readonly pxname: string; readonly series: Series | null }
  | {
      readonly kind: 'row';
      readonly inst: number;
      readonly id: string;
      /** What the NAME column shows: svname in grouped order, `pxname/svname` in a flat sort. */
      readonly name: string;
      readonly row: StatRow;
      readonly rates: RowRates | null;
    }
  | { readonly kind: 'blank' };

export interface SortState {
  /** Column id of the current view, '' for HATop's grouped order. */
  readonly col: string;
  readonly desc: boolean;
}

/** A recent error from the collector's stream, reduced to what the panel shows. */
export interface ErrorEvent {
  readonly ts: string;
  readonly frontend: string;
  readonly backend: string;
  readonly server: string;
  readonly status: number;
  readonly termState: string;
  readonly method: string;
  readonly uri: string;
  readonly clientIp: string;
}

/** A column of a proxy table view. `text` gets the cell width and returns the unpadded text. */
export interface ColumnSpec {
  /** Stable id, used for sorting (`s`) and shown in the sort indicator. */
  readonly id: string;
  readonly title: string;
  readonly min: number;
  readonly align: 'left' | 'right';
  text(line: RowLine, width: number): string;
  /** Value to sort on; columns without one are skipped by the sort key. */
  sortValue?(line: RowLine): number | string;
  /** Colour of the cell, undefined for the default. */
  color?(line: RowLine): string | undefined;
}

export type RowLine = Extract<TableLine, { kind: 'row' }>;

/** Everything a proxy table view needs besides the lines. */
export interface TableUi {
  readonly width: number;
  readonly height: number;
  readonly selected: string;
  readonly top: number;
  readonly sort: SortState;
  /** Row ids with an action in flight, shown as `updating...` until the next refresh. */
  readonly pending: ReadonlySet<string>;
  readonly fleet: boolean;
}

/** State of the embedded CLI view. */
export interface CliState {
  /** Output lines, oldest first, at most CLI_MAX_LINES. */
  readonly out: readonly string[];
  readonly input: string;
  readonly cursor: number;
  readonly history: readonly string[];
  /** Position while browsing history with UP/DOWN; history.length when editing a new line. */
  readonly histPos: number;
  /** Lines scrolled back from the bottom of the output. */
  readonly scroll: number;
}

export const CLI_MAX_LINES = 1000;
export const CLI_MAX_HISTORY = 100;
export const CLI_MAX_INPUT = 200;
