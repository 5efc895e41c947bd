/* The columns of the batch a line parser writes, bound once per batch: `c.tr[row] = v` instead of
 * `w.i32[COL_TR][row] = v`. An imported column id is a module binding that V8 re-loads and hole-checks at each use,
 * then the array of columns is indexed and the element's map checked: ~10 instructions per stored field, 25 fields
 * per httplog line. Used by httplog.ts, tcplog.ts, fields.ts and the collector's envelope (ingest.ts).
 * Hot path: yes (bind is per batch; the fields are read per line).
 */
import {
  COL_ACTCONN, COL_BACKEND, COL_BACKEND_QUEUE, COL_BECONN, COL_BYTES_READ, COL_CLIENT_PORT, COL_FACILITY, COL_FECONN,
  COL_FRONTEND, COL_HOST, COL_HTTP_VERSION, COL_LOG_TS, COL_METHOD, COL_PID, COL_PROGRAM, COL_REDISPATCHED,
  COL_RETRIES, COL_SERVER, COL_SEVERITY, COL_SRV_CONN, COL_SRV_QUEUE, COL_STATUS, COL_TA, COL_TA_PLUS, COL_TC,
  COL_TERM_STATE, COL_TR, COL_TR_SRV, COL_TRANSPORT, COL_TS, COL_TT, COL_TW,
} from '../arrow/types.ts';
import {
  COL_CLIENT_IP, COL_REQ_COOKIE, COL_REQ_HEADERS, COL_RES_COOKIE, COL_RES_HEADERS, COL_URI,
} from '../arrow/types.ts';
import type { LogRowWriter } from '../arrow/types.ts';
import { LogStrColumn } from '../arrow/batcher.ts';
import type { LogBatch } from '../arrow/batcher.ts';

const NO_I32: Int32Array<ArrayBufferLike> = new Int32Array(0);
const NO_F64: Float64Array<ArrayBufferLike> = new Float64Array(0);
/** Stands for a string column the table does not have (its parser never writes it). */
const NO_STR = new LogStrColumn(0, 0);

export class RowCols {
  /** The batch's i32 column list the fields below belong to (a batch keeps its typed arrays for life). */
  owner: Int32Array[] | null = null;
  ts = NO_F64; logTs = NO_F64; bytesRead = NO_F64;
  clientPort = NO_I32; frontend = NO_I32; transport = NO_I32; backend = NO_I32; server = NO_I32;
  tr = NO_I32; tw = NO_I32; tc = NO_I32; trSrv = NO_I32; ta = NO_I32; taPlus = NO_I32; tt = NO_I32; status = NO_I32;
  termState = NO_I32; actconn = NO_I32; feconn = NO_I32; beconn = NO_I32; srvConn = NO_I32; retries = NO_I32;
  redispatched = NO_I32; srvQueue = NO_I32; backendQueue = NO_I32; method = NO_I32; httpVersion = NO_I32;
  host = NO_I32; program = NO_I32; pid = NO_I32; facility = NO_I32; severity = NO_I32;
  clientIp = NO_STR; reqCookie = NO_STR; resCookie = NO_STR; reqHeaders = NO_STR; resHeaders = NO_STR; uri = NO_STR;

  /** Binds the columns of `w` unless they are bound already. `w` is a LogBatch (the only LogRowWriter the collectors
   * pass: its string columns are appended to directly). */
  bind(w: LogRowWriter): void {
    if (w.i32 !== this.owner) this.rebind(w);
  }

  private rebind(w: LogRowWriter): void {
    const i = w.i32;
    const f = w.f64;
    this.owner = i;
    this.ts = f[COL_TS]; this.logTs = f[COL_LOG_TS]; this.bytesRead = f[COL_BYTES_READ];
    this.clientPort = i[COL_CLIENT_PORT]; this.frontend = i[COL_FRONTEND]; this.transport = i[COL_TRANSPORT];
    this.backend = i[COL_BACKEND]; this.server = i[COL_SERVER];
    this.tr = i[COL_TR]; this.tw = i[COL_TW]; this.tc = i[COL_TC]; this.trSrv = i[COL_TR_SRV]; this.ta = i[COL_TA];
    this.taPlus = i[COL_TA_PLUS]; this.tt = i[COL_TT]; this.status = i[COL_STATUS]; this.termState = i[COL_TERM_STATE];
    this.actconn = i[COL_ACTCONN]; this.feconn = i[COL_FECONN]; this.beconn = i[COL_BECONN];
    this.srvConn = i[COL_SRV_CONN]; this.retries = i[COL_RETRIES]; this.redispatched = i[COL_REDISPATCHED];
    this.srvQueue = i[COL_SRV_QUEUE]; this.backendQueue = i[COL_BACKEND_QUEUE]; this.method = i[COL_METHOD];
    this.httpVersion = i[COL_HTTP_VERSION]; this.host = i[COL_HOST]; this.program = i[COL_PROGRAM];
    this.pid = i[COL_PID]; this.facility = i[COL_FACILITY]; this.severity = i[COL_SEVERITY];
    const str = (w as LogBatch).str;
    this.clientIp = str[COL_CLIENT_IP] ?? NO_STR; this.reqCookie = str[COL_REQ_COOKIE] ?? NO_STR;
    this.resCookie = str[COL_RES_COOKIE] ?? NO_STR; this.reqHeaders = str[COL_REQ_HEADERS] ?? NO_STR;
    this.resHeaders = str[COL_RES_HEADERS] ?? NO_STR; this.uri = str[COL_URI] ?? NO_STR;
  }
}
