// halog's main loop for one line: locate the accept date, apply the input filters (-time, -H, -rt/-RT,
// -e/-E, -hs/-HS, -Q/-QS, -tcn/-TCN, -v) and hand matching lines to the per-line action chosen once
// (print, count, or a report's line function). Holds every counter and accumulator of a run.
// Hot path: yes (no allocation per line; one switch on a constant action).
import type { LineSink } from './line-reader.ts';
import type { HalogOptions } from '../types.ts';
import {
  FILT_ACC_COUNT, FILT_ACC_DELAY, FILT_ANY_INPUT, FILT_COUNT_COOK_CODES, FILT_COUNT_IP_COUNT, FILT_COUNT_ONLY,
  FILT_COUNT_SRV_STATUS, FILT_COUNT_STATUS, FILT_COUNT_TERM_CODES, FILT_COUNT_URL_ANY, FILT_ERRORS_ONLY,
  FILT_GRAPH_TIMERS, FILT_HTTP_ONLY, FILT_HTTP_STATUS, FILT_INVERT_ERRORS, FILT_INVERT_HTTP_STATUS,
  FILT_INVERT_TERM_CODE_NAME, FILT_INVERT_TIME_RESP, FILT_PERCENTILE, FILT_QUEUE_ONLY, FILT_QUEUE_SRV_ONLY,
  FILT_QUIET, FILT_TERM_CODE_NAME, FILT_TIME_RESP, FILT2_EXTRACT_CAPTURE, FILT2_TIMESTAMP,
  HALOG_ACCEPT_FIELD, HALOG_SOURCE_FIELD, LINE_ACCEPT_HOLES, LINE_CAPTURE, LINE_COOKIE_CODES, LINE_GRAPHS,
  LINE_IPS, LINE_NONE, LINE_OUTPUT, LINE_SERVERS, LINE_STATUS, LINE_TERM_CODES, LINE_URLS,
} from '../types.ts';
import { fieldStart, scanView, skipChar, str2ic, strEnd } from './fields.ts';
import { acceptTimestamp, resetTimestamps } from './timestamp.ts';
import { OutBuf } from '../output.ts';
import { IntCounts } from '../reports/int-counts.ts';
import { ServerStats, serversLine } from '../reports/servers.ts';
import { UrlStats, ipsLine, urlsLine } from '../reports/urls.ts';
import { statusLine } from '../reports/status-codes.ts';
import { cookieCodesLine, termCodesLine } from '../reports/term-codes.ts';
import { graphsLine } from '../reports/percentiles.ts';
import { acceptHolesLine } from '../reports/accept-holes.ts';
import { captureLine } from '../reports/capture.ts';

/** halog's choice of per-line action (line_filter), before the -ic/-hdr overrides. */
export function lineAction(filter: number, filter2: number): number {
  let kind = LINE_OUTPUT;
  if (filter & (FILT_ACC_COUNT | FILT_ACC_DELAY)) kind = LINE_ACCEPT_HOLES;
  else if (filter & (FILT_GRAPH_TIMERS | FILT_PERCENTILE)) kind = LINE_GRAPHS;
  else if (filter & FILT_COUNT_STATUS) kind = LINE_STATUS;
  else if (filter & FILT_COUNT_COOK_CODES) kind = LINE_COOKIE_CODES;
  else if (filter & FILT_COUNT_TERM_CODES) kind = LINE_TERM_CODES;
  else if (filter & FILT_COUNT_SRV_STATUS) kind = LINE_SERVERS;
  else if (filter & FILT_COUNT_URL_ANY) kind = LINE_URLS;
  else if (filter & FILT_COUNT_ONLY) kind = LINE_NONE;
  if (kind === LINE_NONE) return kind;
  if (filter & FILT_COUNT_IP_COUNT) return LINE_IPS;
  if (filter2 & FILT2_EXTRACT_CAPTURE) return LINE_CAPTURE;
  return kind;
}

const EMPTY_LINE = new Uint8Array(1);

export class HalogScanner implements LineSink {
  opts: HalogOptions;
  filter: number;
  filter2: number;
  action: number;
  linesMax: number;
  linenum = 0;
  linesOut = 0;
  parseErr = 0;
  /* set by the timer readers: 1 when the current line had a negative timer */
  lineErr = 0;
  out: OutBuf;
  err: OutBuf;
  ints = new IntCounts();
  timers: IntCounts[];
  servers = new ServerStats();
  urls = new UrlStats();
  /* scanView() of the buffer of the current line, remade when the reader's buffer changes */
  dv: DataView = scanView(EMPTY_LINE);
  private dvOf: Uint8Array = EMPTY_LINE;
  private hasInputFilters: boolean;
  private acceptField: number;
  private ipField: number;

  constructor(opts: HalogOptions, out: OutBuf, err: OutBuf) {
    this.opts = opts;
    this.filter = opts.filter;
    this.filter2 = opts.filter2;
    this.action = lineAction(opts.filter, opts.filter2);
    this.linesMax = opts.linesMax;
    this.out = out;
    this.err = err;
    this.acceptField = HALOG_ACCEPT_FIELD + opts.skipFields;
    this.ipField = HALOG_SOURCE_FIELD + opts.skipFields;
    this.hasInputFilters = (opts.filter & FILT_ANY_INPUT) !== 0 || (opts.filter2 & FILT2_TIMESTAMP) !== 0;
    if (opts.filter2 & FILT2_TIMESTAMP) resetTimestamps();
    const needTimers = (opts.filter & (FILT_GRAPH_TIMERS | FILT_PERCENTILE)) !== 0;
    this.timers = needTimers ? [this.ints, new IntCounts(), new IntCounts(), new IntCounts(), new IntCounts()] : [this.ints];
  }

  /*
   * Worker threads keep stderr messages as records, so that the main thread can renumber lines:
   * (local line number, line bytes) for "Truncated line", (-1, message bytes) otherwise.
   */
  errRecords: (number | Uint8Array)[] | null = null;

  /** Reports a line whose needed field is missing, unless -q (halog's truncated_line). */
  truncated(buf: Buffer, line: number): void {
    if (this.filter & FILT_QUIET) return;
    if (this.errRecords) {
      this.errRecords.push(this.linenum, Buffer.from(buf.subarray(line, strEnd(buf, line))));
      return;
    }
    this.err.str('Truncated line ' + this.linenum + ': ');
    this.err.bytes(buf, line, strEnd(buf, line));
    this.err.byte(10);
  }

  line(buf: Buffer, line: number): boolean {
    this.linenum++;
    if (buf !== this.dvOf) { this.dv = scanView(buf); this.dvOf = buf; }
    const filter = this.filter;
    let src = -1, acc: number;
    if (this.action === LINE_IPS) {
      src = fieldStart(buf, this.dv, line, this.ipField);
      acc = fieldStart(buf, this.dv, src, 2);
    } else {
      acc = fieldStart(buf, this.dv, line, this.acceptField);
    }
    if (buf[acc] !== 91) { this.parseErr++; return true; }
    const day = buf[acc + 1];
    if (day < 48 || day > 51) { this.parseErr++; return true; }
    let test = 1;
    let time = -1;
    if (this.hasInputFilters) {
      const o = this.opts;
      if (this.filter2 & FILT2_TIMESTAMP) {
        const ts = acceptTimestamp(buf, acc) >>> 0;
        if (!(ts >= o.timeLow && ts <= o.timeHigh)) test = 0;
      }
      if (filter & FILT_HTTP_ONLY) {
        time = fieldStart(buf, this.dv, acc, 4);
        if (buf[time] === 0) { this.truncated(buf, line); return true; }
        let p = time, f = 0;
        while (buf[p] > 32) {
          if (++f === 4) break;
          p = skipChar(buf, p, 47);
        }
        if (f < 4) test = 0;
      }
      if (filter & FILT_TIME_RESP) {
        if (time < 0) {
          time = fieldStart(buf, this.dv, acc, 4);
          if (buf[time] === 0) { this.truncated(buf, line); return true; }
        }
        let p = time, f = 0, tps = 0;
        while (buf[p] > 32) {
          tps = str2ic(buf, p);
          if (tps < 0) tps = -1;
          if (++f === 4) break;
          p = skipChar(buf, p, 47);
        }
        if (f < 4) { this.parseErr++; return true; }
        if (((tps >= o.timeResp ? 1 : 0) ^ (filter & FILT_INVERT_TIME_RESP ? 1 : 0)) === 0) test = 0;
      }
      if (filter & (FILT_ERRORS_ONLY | FILT_HTTP_STATUS)) {
        const b = time >= 0 ? fieldStart(buf, this.dv, time, 2) : fieldStart(buf, this.dv, acc, 5);
        if (buf[b] === 0) { this.truncated(buf, line); return true; }
        const val = str2ic(buf, b);
        if (filter & FILT_ERRORS_ONLY) {
          const isErr = val < 0 || (val >= 500 && val <= 599) ? 1 : 0;
          if ((isErr ^ (filter & FILT_INVERT_ERRORS ? 1 : 0)) === 0) test = 0;
        }
        if (filter & FILT_HTTP_STATUS) {
          const inRange = val >= o.statusLow && val <= o.statusHigh ? 1 : 0;
          if ((inRange ^ (filter & FILT_INVERT_HTTP_STATUS ? 1 : 0)) === 0) test = 0;
        }
      }
      if (filter & (FILT_QUEUE_ONLY | FILT_QUEUE_SRV_ONLY)) {
        let b = time >= 0 ? fieldStart(buf, this.dv, time, 8) : fieldStart(buf, this.dv, acc, 11);
        if (buf[b] === 0) { this.truncated(buf, line); return true; }
        if (buf[b] === 48) {
          if (filter & FILT_QUEUE_SRV_ONLY) test = 0;
          else {
            do {
              b++;
              if (buf[b] === 47) { b++; break; }
            } while (buf[b] !== 0);
            if (!(((buf[b] - 49) & 255) < 9)) test = 0;
          }
        }
      }
      if (filter & FILT_TERM_CODE_NAME) {
        const b = time >= 0 ? fieldStart(buf, this.dv, time, 6) : fieldStart(buf, this.dv, acc, 9);
        if (buf[b] === 0) { this.truncated(buf, line); return true; }
        const same = buf[b] === o.termCode0 && buf[b + 1] === o.termCode1 ? 1 : 0;
        if ((same ^ (filter & FILT_INVERT_TERM_CODE_NAME ? 1 : 0)) === 0) test = 0;
      }
    }
    if (this.opts.invert) test ^= 1;
    if (!test) return true;
    switch (this.action) {
      case LINE_OUTPUT: {
        this.out.bytes(buf, line, strEnd(buf, line));
        this.out.byte(10);
        this.linesOut++;
        break;
      }
      case LINE_NONE: this.linesOut++; break;
      case LINE_STATUS: statusLine(this, buf, line, acc, time); break;
      case LINE_SERVERS: serversLine(this, buf, line, acc, time); break;
      case LINE_URLS: urlsLine(this, buf, line, acc, time); break;
      case LINE_GRAPHS: graphsLine(this, buf, line, acc, time); break;
      case LINE_TERM_CODES: termCodesLine(this, buf, line, acc, time); break;
      case LINE_COOKIE_CODES: cookieCodesLine(this, buf, line, acc, time); break;
      case LINE_ACCEPT_HOLES: acceptHolesLine(this, buf, line, acc); break;
      case LINE_IPS: ipsLine(this, buf, line, acc, time, src); break;
      case LINE_CAPTURE: captureLine(this, buf, line, acc, time); break;
    }
    return !(this.linesMax >= 0 && this.linesOut >= this.linesMax);
  }
}
