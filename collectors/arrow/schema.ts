/* The log record schema (DESIGN.md "The log record"): column names, storage kinds, DuckDB types and the three
 * tables. The Apache Arrow form is in arrow-schema.ts, so that loading this module does not load apache-arrow
 * (~300 ms of start-up under tsx). Used by the batcher, every sink, and halog's --duckdb/--parquet output. Hot path: no.
 */
import {
  CK_I32, CK_BOOL, CK_TS, CK_I64, CK_DICT, CK_STR, COL_COUNT,
  COL_TS, COL_CLIENT_IP, COL_CLIENT_PORT, COL_FRONTEND, COL_TRANSPORT, COL_BACKEND, COL_SERVER, COL_TR, COL_TW, COL_TC,
  COL_TR_SRV, COL_TA, COL_TA_PLUS, COL_TT, COL_STATUS, COL_BYTES_READ, COL_REQ_COOKIE, COL_RES_COOKIE, COL_TERM_STATE,
  COL_ACTCONN, COL_FECONN, COL_BECONN, COL_SRV_CONN, COL_RETRIES, COL_REDISPATCHED, COL_SRV_QUEUE, COL_BACKEND_QUEUE,
  COL_REQ_HEADERS, COL_RES_HEADERS, COL_METHOD, COL_URI, COL_HTTP_VERSION, COL_LOG_TS, COL_HOST, COL_PROGRAM, COL_PID,
  COL_FACILITY, COL_SEVERITY, COL_EXTRA, COL_RECEIVED, COL_PEER, COL_REASON, COL_MESSAGE, COL_CLIENT_IP4,
  COL_REQ_HEADERS_ID, COL_RES_HEADERS_ID, COL_CTX, COL_SPARSE, COL_CONNS, COL_QUEUES,
} from './types.ts';
import type { ColumnKind, ColumnSpec, TableSpec } from './types.ts';

const SQL: Record<ColumnKind, string> = {
  [CK_I32]: 'INTEGER', [CK_BOOL]: 'BOOLEAN', [CK_TS]: 'TIMESTAMP', [CK_I64]: 'BIGINT', [CK_DICT]: 'VARCHAR',
  [CK_STR]: 'VARCHAR',
};
const col = (id: number, name: string, kind: ColumnKind): ColumnSpec => ({ id, name, kind, sql: SQL[kind] });

/** Indexed by column id. */
export const LOG_COLUMNS: readonly ColumnSpec[] = [
  col(COL_TS, 'ts', CK_TS), col(COL_CLIENT_IP, 'client_ip', CK_STR), col(COL_CLIENT_PORT, 'client_port', CK_I32),
  col(COL_FRONTEND, 'frontend', CK_DICT), col(COL_TRANSPORT, 'transport', CK_DICT), col(COL_BACKEND, 'backend', CK_DICT),
  col(COL_SERVER, 'server', CK_DICT), col(COL_TR, 'tr', CK_I32), col(COL_TW, 'tw', CK_I32), col(COL_TC, 'tc', CK_I32),
  col(COL_TR_SRV, 'tr_srv', CK_I32), col(COL_TA, 'ta', CK_I32), col(COL_TA_PLUS, 'ta_plus', CK_BOOL),
  col(COL_TT, 'tt', CK_I32), col(COL_STATUS, 'status', CK_I32), col(COL_BYTES_READ, 'bytes_read', CK_I64),
  col(COL_REQ_COOKIE, 'req_cookie', CK_STR), col(COL_RES_COOKIE, 'res_cookie', CK_STR),
  col(COL_TERM_STATE, 'term_state', CK_DICT), col(COL_ACTCONN, 'actconn', CK_I32), col(COL_FECONN, 'feconn', CK_I32),
  col(COL_BECONN, 'beconn', CK_I32), col(COL_SRV_CONN, 'srv_conn', CK_I32), col(COL_RETRIES, 'retries', CK_I32),
  col(COL_REDISPATCHED, 'redispatched', CK_BOOL), col(COL_SRV_QUEUE, 'srv_queue', CK_I32),
  col(COL_BACKEND_QUEUE, 'backend_queue', CK_I32), col(COL_REQ_HEADERS, 'req_headers', CK_STR),
  col(COL_RES_HEADERS, 'res_headers', CK_STR), col(COL_METHOD, 'method', CK_DICT), col(COL_URI, 'uri', CK_STR),
  col(COL_HTTP_VERSION, 'http_version', CK_DICT), col(COL_LOG_TS, 'log_ts', CK_TS), col(COL_HOST, 'host', CK_DICT),
  col(COL_PROGRAM, 'program', CK_DICT), col(COL_PID, 'pid', CK_I32), col(COL_FACILITY, 'facility', CK_I32),
  col(COL_SEVERITY, 'severity', CK_I32), col(COL_EXTRA, 'extra', CK_STR), col(COL_RECEIVED, 'received', CK_TS),
  col(COL_PEER, 'peer', CK_DICT), col(COL_REASON, 'reason', CK_DICT), col(COL_MESSAGE, 'message', CK_STR),
  { id: COL_CLIENT_IP4, name: 'client_ip4', kind: CK_I64, sql: 'UINTEGER' },
  col(COL_REQ_HEADERS_ID, 'req_headers_id', CK_DICT), col(COL_RES_HEADERS_ID, 'res_headers_id', CK_DICT),
  col(COL_CTX, 'ctx', CK_DICT), col(COL_SPARSE, 'sparse', CK_STR), col(COL_CONNS, 'conns', CK_I64),
  col(COL_QUEUES, 'queues', CK_I32),
];

/**
 * Columns the DuckDB base tables do not store one by one: a row's values of these (those its table has) are one
 * dictionary id in column `ctx`, whose log_dict value is the comma-separated list of them ('' = NULL; dictionary
 * columns as their ids), and the views expand it again. They are constant or take a few values over long runs
 * (one frontend, host and pid, a few backends, servers, methods); DuckDB's INSERT + CHECKPOINT costs 15-30 ns per
 * column per row whatever the values (even all NULL), one INTEGER instead of 13 columns saves most of that.
 * The order is the order of the values in the log_dict text; append only.
 */
export const CTX_COLUMNS: readonly number[] = [
  COL_FRONTEND, COL_TRANSPORT, COL_BACKEND, COL_SERVER, COL_HOST, COL_PROGRAM, COL_PID, COL_FACILITY, COL_SEVERITY,
  COL_METHOD, COL_HTTP_VERSION, COL_TA_PLUS, COL_REDISPATCHED,
];

/**
 * String columns the DuckDB base tables store as an id into log_dict (column `id`) while the dictionary has room
 * (HEADERS_DICT_MAX values), and as text otherwise: captured headers mostly repeat a few values (Host, a few User-Agents),
 * and a short VARCHAR costs DuckDB's INSERT several times an INTEGER's.
 */
export const DICT_STAGED: readonly { readonly str: number; readonly id: number }[] = [
  { str: COL_REQ_HEADERS, id: COL_REQ_HEADERS_ID }, { str: COL_RES_HEADERS, id: COL_RES_HEADERS_ID },
];
if (LOG_COLUMNS.length !== COL_COUNT || LOG_COLUMNS.some((c, i) => c.id !== i)) throw new Error('LOG_COLUMNS out of order');

/**
 * String columns the DuckDB base tables keep in one VARCHAR column `sparse`: NULL when all of a row's are NULL, else
 * a JSON object of its non-NULL ones (`{"req_cookie":"..."}`), which the views take apart again. Each is NULL in
 * most rows of most logs (client_ip and the headers hold only what client_ip4 and the header ids cannot; cookies and
 * extra only with such log formats), and an all-NULL VARCHAR column still costs DuckDB's INSERT + CHECKPOINT ~35 ns
 * per row: bench:collect's 1 M rows 0.83 -> 0.63 CPU us/row without five of them (medians of 5 interleaved).
 */
export const SPARSE_COLUMNS: readonly number[] = [COL_CLIENT_IP, COL_REQ_COOKIE, COL_RES_COOKIE, COL_REQ_HEADERS, COL_RES_HEADERS, COL_EXTRA];

/** A field of a PACKED column: column `id`'s value in bits [shift, shift + bits). */
export interface PackedMember { readonly id: number; readonly shift: number; readonly bits: number }

/**
 * Integer columns the DuckDB base tables keep as bit fields of one column `id` (BIGINT conns: 63 bits, INTEGER
 * queues: 31): a row's group value is set when every member of the row is non-NULL and in 0 .. 2^bits - 1; otherwise
 * it is NULL and the row's non-NULL members are numbers in its `sparse` JSON (`{"actconn":70000}`), which the views
 * read instead. DuckDB's INSERT + CHECKPOINT costs ~16 ns per INTEGER column per row whatever its values: halog
 * corpus http rows (staged files, CPU us/row, 3 alternated runs) 0.90-0.96 -> 0.77-0.88, file 8.4-8.7 -> 9.4 MB (a
 * bit-packed group is as wide as its highest varying field); one BIGINT for all seven: 0.74-0.85 but 10 MB, stored
 * uncompressed wherever retries or a queue varied. Counters that vary most are in the low bits. Append only.
 */
export const PACKED: readonly { readonly id: number; readonly members: readonly PackedMember[] }[] = [
  {
    id: COL_CONNS,
    members: [{ id: COL_ACTCONN, shift: 0, bits: 16 }, { id: COL_FECONN, shift: 16, bits: 16 }, { id: COL_BECONN, shift: 32, bits: 16 },
      { id: COL_SRV_CONN, shift: 48, bits: 15 }],
  },
  { id: COL_QUEUES, members: [{ id: COL_RETRIES, shift: 0, bits: 7 }, { id: COL_SRV_QUEUE, shift: 7, bits: 12 }, { id: COL_BACKEND_QUEUE, shift: 19, bits: 12 }] },
];
/** The members of every PACKED group. */
export const PACKED_MEMBERS: readonly PackedMember[] = PACKED.flatMap((g) => g.members);
const isPacked = (id: number): boolean => PACKED_MEMBERS.some((m) => m.id === id);

const ENVELOPE = [COL_LOG_TS, COL_HOST, COL_PROGRAM, COL_PID, COL_FACILITY, COL_SEVERITY];

export const HTTP_LOG_TABLE: TableSpec = {
  name: 'http_log',
  columns: [
    COL_TS, COL_CLIENT_IP, COL_CLIENT_PORT, COL_FRONTEND, COL_TRANSPORT, COL_BACKEND, COL_SERVER, COL_TR, COL_TW, COL_TC,
    COL_TR_SRV, COL_TA, COL_TA_PLUS, COL_STATUS, COL_BYTES_READ, COL_REQ_COOKIE, COL_RES_COOKIE, COL_TERM_STATE,
    COL_ACTCONN, COL_FECONN, COL_BECONN, COL_SRV_CONN, COL_RETRIES, COL_REDISPATCHED, COL_SRV_QUEUE, COL_BACKEND_QUEUE,
    COL_REQ_HEADERS, COL_RES_HEADERS, COL_METHOD, COL_URI, COL_HTTP_VERSION, ...ENVELOPE, COL_EXTRA,
  ],
};

export const TCP_LOG_TABLE: TableSpec = {
  name: 'tcp_log',
  columns: [
    COL_TS, COL_CLIENT_IP, COL_CLIENT_PORT, COL_FRONTEND, COL_TRANSPORT, COL_BACKEND, COL_SERVER, COL_TW, COL_TC, COL_TT,
    COL_TA_PLUS, COL_BYTES_READ, COL_TERM_STATE, COL_ACTCONN, COL_FECONN, COL_BECONN, COL_SRV_CONN, COL_RETRIES,
    COL_REDISPATCHED, COL_SRV_QUEUE, COL_BACKEND_QUEUE, ...ENVELOPE, COL_EXTRA,
  ],
};

export const RAW_LOG_TABLE: TableSpec = {
  name: 'raw_log',
  columns: [COL_RECEIVED, COL_PEER, COL_REASON, ...ENVELOPE, COL_MESSAGE],
};

export const LOG_TABLES: readonly TableSpec[] = [HTTP_LOG_TABLE, TCP_LOG_TABLE, RAW_LOG_TABLE];

/** Dictionary table of the DuckDB layout: (col, id) → value for every CK_DICT column (col = column id). */
export const DICT_TABLE_SQL = 'CREATE TABLE IF NOT EXISTS log_dict (col INTEGER, id INTEGER, value VARCHAR)';

/** Name of the base table holding a table's rows, with dictionary columns stored as INTEGER ids. */
export function rowsTableName(t: TableSpec): string {
  return t.name + '_rows';
}

const baseCache = new Map<TableSpec, number[]>();

/**
 * The columns of a table's base table, in order: the table's columns except CTX_COLUMNS and SPARSE_COLUMNS, then ctx
 * (their values as one id), sparse (the others' as JSON), then client_ip4 when it has client_ip. The base
 * table stores a dotted IPv4 client address as that number (client_ip NULL) and any other address as client_ip text;
 * the view turns the number back into the same text. DuckDB INSERT + CHECKPOINT of bench:collect's 1 M httplog rows
 * (CPU us/row, medians of 4 interleaved runs, load 5-7): 1.24 -> 1.12 (a high-cardinality VARCHAR costs hashing,
 * string statistics and FSST per value, more than a UINTEGER plus a NULL VARCHAR), file 23.9 -> 19.7 MB. Then the
 * ids of DICT_STAGED columns (their text column keeps only values without an id), then the PACKED groups.
 */
export function baseColumns(t: TableSpec): readonly number[] {
  let c = baseCache.get(t);
  if (c === undefined) {
    c = t.columns.filter((id) => !CTX_COLUMNS.includes(id) && !SPARSE_COLUMNS.includes(id) && !isPacked(id));
    if (t.columns.some((id) => CTX_COLUMNS.includes(id))) c.push(COL_CTX);
    if (t.columns.some((id) => SPARSE_COLUMNS.includes(id))) c.push(COL_SPARSE);
    if (t.columns.includes(COL_CLIENT_IP)) c.push(COL_CLIENT_IP4);
    for (const d of DICT_STAGED) if (t.columns.includes(d.str)) c.push(d.id);
    for (const g of PACKED) if (g.members.some((m) => t.columns.includes(m.id))) c.push(g.id);
    baseCache.set(t, c);
  }
  return c;
}

/**
 * Compression fixed per column in the base tables, so DuckDB skips analysing the other methods for each row group.
 * uri is a high-cardinality string, which DuckDB compresses with FSST anyway; its dictionary analysis (a hash per
 * value) cost more than the FSST compression itself. DuckDB INSERT + CHECKPOINT of 1 M httplog rows (CPU us/row,
 * medians of 3-4 interleaved runs): bench:collect's file 1.55 -> 1.28, the same 23.9 MB; the halog bench corpus
 * 1.34 -> 1.23, 26.8 -> 28.3 MB. Fixing every string column to FSST saved a little more but grew the file 1.8x
 * (constant captured headers are better as a dictionary). client_ip (FSST until client_ip4) is left to DuckDB: it is
 * NULL in rows of dotted IPv4 clients, and FSST forced on such a column stored it uncompressed (+4 MB per 1 M rows).
 */
const COMPRESSION: Readonly<Record<number, string>> = { [COL_URI]: 'fsst' };

/** The base table's SQL type of column `id`. */
function baseType(id: number): string {
  return LOG_COLUMNS[id].kind === CK_DICT ? 'INTEGER' : LOG_COLUMNS[id].sql;
}

/** `CREATE TABLE IF NOT EXISTS` for the base table (identifiers quoted: `server` is reserved in DuckDB). */
export function createTableSql(t: TableSpec): string {
  const cols = baseColumns(t).map((id) => baseColumnSql(id));
  return 'CREATE TABLE IF NOT EXISTS ' + rowsTableName(t) + ' (' + cols.join(', ') + ')';
}

/** Column definition of column `id` in a base table (for CREATE TABLE and ALTER TABLE ADD COLUMN). */
export function baseColumnSql(id: number): string {
  return '"' + LOG_COLUMNS[id].name + '" ' + baseType(id) + (COMPRESSION[id] !== undefined ? ' USING COMPRESSION ' + COMPRESSION[id] : '');
}

/** The client_ip4 number as dotted text (NULL when it is NULL). */
const IP4_TEXT = "(r.client_ip4 >> 24)::VARCHAR || '.' || ((r.client_ip4 >> 16) & 255)::VARCHAR || '.' || " +
  "((r.client_ip4 >> 8) & 255)::VARCHAR || '.' || (r.client_ip4 & 255)::VARCHAR";

/** log_dict's values of column `col` as a list indexed by id (ids are 1, 2, ... in order: DuckDbSink.open checks). */
const dictValues = (col: number): string => '(SELECT list(value ORDER BY id) FROM log_dict WHERE col = ' + col + ')';

/**
 * Column `id` (a CTX_COLUMNS member) of every ctx value, as a list indexed by ctx id: dictionary ids for dictionary
 * columns, else the column's own type.
 */
function ctxValues(id: number): string {
  const c = LOG_COLUMNS[id];
  const type = c.kind === CK_DICT ? 'INTEGER' : c.sql;
  return "(SELECT list(nullif(string_split(value, ',')[" + (CTX_COLUMNS.indexOf(id) + 1) + "], '')::" + type +
    ' ORDER BY id) FROM log_dict WHERE col = ' + COL_CTX + ')';
}

/**
 * SQL of a row's ctx text (the log_dict value that CTX_COLUMNS are merged into) computed from a base table `r` of an
 * older layout that has those columns: the same text ctxKey in staged-parquet.ts makes (DuckDbSink migrates such
 * tables). `has` lists the columns the old table has.
 */
export function ctxKeySql(t: TableSpec, has: readonly string[]): string {
  return CTX_COLUMNS.map((id) => {
    const c = LOG_COLUMNS[id];
    if (!t.columns.includes(id) || !has.includes(c.name)) return "''";
    return 'coalesce(r."' + c.name + '"' + (c.kind === CK_BOOL ? '::INTEGER' : '') + "::VARCHAR, '')";
  }).join(" || ',' || ");
}

/**
 * SQL of a row's sparse JSON computed from a base table `r` of an older layout with the SPARSE_COLUMNS `has` lists
 * (NULL values come out as JSON nulls, which the views read as NULL like a missing key).
 */
export function sparseSql(t: TableSpec, has: readonly string[]): string {
  const names = SPARSE_COLUMNS.filter((id) => t.columns.includes(id)).map((id) => LOG_COLUMNS[id].name).filter((n) => has.includes(n));
  if (names.length === 0) return 'NULL';
  return 'CASE WHEN coalesce(' + names.map((n) => 'r."' + n + '"').join(', ') + ') IS NULL THEN NULL ELSE json_object(' +
    names.map((n) => "'" + n + "', r.\"" + n + '"').join(', ') + ')::VARCHAR END';
}

/** SQL of a row's PACKED group `g` computed from a base table `r` of an older layout with its members as columns. */
export function packedSql(t: TableSpec, g: (typeof PACKED)[number]): string {
  const ms = g.members.filter((m) => t.columns.includes(m.id));
  const fits = ms.map((m) => 'r."' + LOG_COLUMNS[m.id].name + '" BETWEEN 0 AND ' + (2 ** m.bits - 1)).join(' AND ');
  const sum = ms.map((m) => '(r."' + LOG_COLUMNS[m.id].name + '"::BIGINT << ' + m.shift + ')').join(' + ');
  return 'CASE WHEN ' + fits + ' THEN (' + sum + ')::' + LOG_COLUMNS[g.id].sql + ' END';
}

/**
 * SQL of a row's sparse JSON from `sparse`, the SQL of its value without the PACKED members, and the base table `r`
 * of an older layout with those columns: with the non-NULL members of each group whose value (packedSql) is NULL.
 */
export function sparseWithPackedSql(t: TableSpec, sparse: string): string {
  for (const g of PACKED) {
    const names = g.members.filter((m) => t.columns.includes(m.id)).map((m) => LOG_COLUMNS[m.id].name);
    if (names.length === 0) continue;
    sparse = 'CASE WHEN (' + packedSql(t, g) + ') IS NOT NULL OR coalesce(' + names.map((n) => 'r."' + n + '"').join(', ') +
      ') IS NULL THEN ' + sparse + " ELSE json_merge_patch(coalesce(" + sparse + ", '{}'), json_object(" +
      names.map((n) => "'" + n + "', r.\"" + n + '"').join(', ') + '))::VARCHAR END';
  }
  return sparse;
}

/**
 * The view named like the table (`http_log`, ...) that resolves dictionary ids to strings, so queries see plain
 * VARCHAR columns. Ids are stored instead of strings because DuckDB appends INTEGER columns about twice as fast as
 * short VARCHARs (143 k vs 313 k rows/s for http_log on this machine, bench/collectors/udp.bench.ts). An id indexes
 * its column's list of values, one uncorrelated subquery per column that DuckDB drops when the column is not used:
 * LEFT JOINs on log_dict (one per column) ran in every query. halog corpus (5.1 M rows), `SELECT quantile_disc(tr,
 * 0.5), count(ta), max(tc)`: 370-440 -> 70 ms; GROUP BY backend, server: 780-980 -> 220-270 ms.
 */
export function createViewSql(t: TableSpec): string {
  const sel: string[] = [];
  for (const id of t.columns) {
    const c = LOG_COLUMNS[id];
    const staged = DICT_STAGED.find((d) => d.str === id);
    const text = SPARSE_COLUMNS.includes(id) || isPacked(id) ? "json_extract_string(r.sparse, '$." + c.name + "')" : 'r."' + c.name + '"';
    const group = PACKED.find((g) => g.members.some((m) => m.id === id));
    if (group !== undefined) {
      const m = group.members.find((x) => x.id === id) as PackedMember;
      const v = 'r.' + LOG_COLUMNS[group.id].name;
      sel.push('CASE WHEN ' + v + ' IS NULL THEN CAST(' + text + ' AS INTEGER) ELSE ((' + v + ' >> ' + m.shift + ') & ' +
        (2 ** m.bits - 1) + ')::INTEGER END AS "' + c.name + '"');
    } else if (CTX_COLUMNS.includes(id)) {
      const v = ctxValues(id) + '[r.ctx]';
      sel.push((c.kind === CK_DICT ? dictValues(id) + '[' + v + ']' : v) + ' AS "' + c.name + '"');
    } else if (c.kind === CK_DICT) sel.push(dictValues(id) + '[r."' + c.name + '"] AS "' + c.name + '"');
    else if (id === COL_CLIENT_IP) sel.push('coalesce(' + text + ', ' + IP4_TEXT + ') AS client_ip');
    else if (staged !== undefined) {
      sel.push('coalesce(' + dictValues(staged.id) + '[r."' + LOG_COLUMNS[staged.id].name + '"], ' + text + ') AS "' + c.name + '"');
    } else sel.push(text + ' AS "' + c.name + '"');
  }
  return 'CREATE OR REPLACE VIEW ' + t.name + ' AS SELECT ' + sel.join(', ') + ' FROM ' + rowsTableName(t) + ' r';
}
