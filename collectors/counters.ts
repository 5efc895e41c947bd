/* Collector counters (one model read by --stats, SIGUSR1 and the Prometheus endpoint) and their text renderings.
 * Hot path: the fields are incremented per message; rendering is not.
 */
import { PARSE_ERR_COUNT, PARSE_REASONS } from './httplog/types.ts';

export class CollectCounters {
  received = 0;
  receivedBytes = 0;
  parsed = 0;
  /** unparsed[code] by PARSE_ERR_* code (index 0 unused). */
  readonly unparsed = new Float64Array(PARSE_ERR_COUNT);
  /** Rows dropped because the batch queue was full (writers too slow). */
  droppedQueue = 0;
  /** Kernel drops on our UDP sockets (/proc/net/udp{,6} `drops`), refreshed by refreshSocketDrops(). */
  droppedSocket = 0;
  /** Datagrams dropped because the receive thread's ring was full (the parser fell behind by --ring-mb). */
  droppedRing = 0;
  rowsWritten = 0;
  batches = 0;
  writeErrors = 0;
  writeMsTotal = 0;
  writeMsMax = 0;
  writeMsLast = 0;
  readonly startedAt = Date.now();

  get unparsedTotal(): number {
    let n = 0;
    for (let i = 1; i < this.unparsed.length; i++) n += this.unparsed[i];
    return n;
  }

  recordWrite(ms: number, rows: number): void {
    this.batches++;
    this.rowsWritten += rows;
    this.writeMsTotal += ms;
    this.writeMsLast = ms;
    if (ms > this.writeMsMax) this.writeMsMax = ms;
  }

  /** One human-readable line (for --stats and SIGUSR1). */
  summary(): string {
    const reasons: string[] = [];
    for (let i = 1; i < this.unparsed.length; i++) if (this.unparsed[i] > 0) reasons.push(PARSE_REASONS[i] + '=' + this.unparsed[i]);
    const avg = this.batches > 0 ? this.writeMsTotal / this.batches : 0;
    return 'received=' + this.received + ' parsed=' + this.parsed + ' unparsed=' + this.unparsedTotal +
      (reasons.length ? ' (' + reasons.join(' ') + ')' : '') + ' dropped_socket=' + this.droppedSocket +
      ' dropped_ring=' + this.droppedRing + ' dropped_queue=' + this.droppedQueue + ' rows_written=' + this.rowsWritten + ' batches=' + this.batches +
      ' write_ms_avg=' + avg.toFixed(1) + ' write_ms_max=' + this.writeMsMax.toFixed(1);
  }

  /** Prometheus text exposition format 0.0.4. */
  prometheus(): string {
    const out: string[] = [];
    const metric = (name: string, type: string, help: string, lines: string[]): void => {
      out.push('# HELP sluice_collect_' + name + ' ' + help, '# TYPE sluice_collect_' + name + ' ' + type);
      for (const l of lines) out.push('sluice_collect_' + name + l);
    };
    metric('received_total', 'counter', 'Messages received.', [' ' + this.received]);
    metric('received_bytes_total', 'counter', 'Bytes received.', [' ' + this.receivedBytes]);
    metric('parsed_total', 'counter', 'Messages parsed into http_log or tcp_log rows.', [' ' + this.parsed]);
    const un: string[] = [];
    for (let i = 1; i < this.unparsed.length; i++) un.push('{reason="' + PARSE_REASONS[i] + '"} ' + this.unparsed[i]);
    metric('unparsed_total', 'counter', 'Messages kept in raw_log, by reason.', un);
    metric('dropped_total', 'counter', 'Messages lost, by cause.',
      ['{cause="socket"} ' + this.droppedSocket, '{cause="ring"} ' + this.droppedRing, '{cause="queue"} ' + this.droppedQueue]);
    metric('rows_written_total', 'counter', 'Rows written by the sinks.', [' ' + this.rowsWritten]);
    metric('batches_total', 'counter', 'Record batches written.', [' ' + this.batches]);
    metric('write_errors_total', 'counter', 'Sink write failures.', [' ' + this.writeErrors]);
    metric('write_seconds_total', 'counter', 'Time spent writing batches.', [' ' + this.writeMsTotal / 1000]);
    metric('write_seconds_max', 'gauge', 'Slowest batch write.', [' ' + this.writeMsMax / 1000]);
    return out.join('\n') + '\n';
  }
}
