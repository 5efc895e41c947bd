#!/usr/bin/env node
/* sluice-collect: receives HAProxy (or Sluice) syslog over UDP / TCP / unix stream sockets, or reads log files, and
 * writes http_log / tcp_log / raw_log rows to DuckDB, hour-partitioned Parquet, an Arrow IPC stream and JSON lines.
 * This file only wires flags, listeners, sinks, signals and the metrics endpoint; the work is in ingest.ts.
 * Hot path: no.
 */
import fs from 'node:fs';
import http from 'node:http';
import { Command, InvalidArgumentError, Option } from 'commander';
import { LogDicts } from './arrow/batcher.ts';
import type { LogBatch } from './arrow/batcher.ts';
import { HTTP_LOG_TABLE, TCP_LOG_TABLE } from './arrow/schema.ts';
import { CollectCounters } from './counters.ts';
import { CLF_LOG_FORMAT, compileLogFormat } from './httplog/custom-format.ts';
import type { CompiledLogFormat } from './httplog/custom-format.ts';
import { Ingest, ingestFiles, warmUpParsers } from './ingest.ts';
import { eachDatagramLine } from './datagram-lines.ts';
import { parseListenAddress } from './listen-address.ts';
import { ingestDockerJson, isDockerJsonFile } from './docker-json.ts';
import type { IngestFormat } from './ingest.ts';
import { ThreadedSink } from './sinks/threaded.ts';
import type { LogSink } from './sinks/types.ts';
import { PARSE_ERR_OVERSIZED, PARSE_ERR_TRUNCATED } from './httplog/types.ts';
import { FRAME_OVERSIZED, FRAME_WHOLE } from './syslog/octet-counting.ts';
import { listenStream } from './syslog/tcp-listener.ts';
import type { StreamListener } from './syslog/tcp-listener.ts';
import { listenUdpThreaded } from './syslog/udp-listener.ts';
import type { UdpListener } from './syslog/udp-listener.ts';
import { listenUnixDgram } from './syslog/unix-dgram.ts';
import type { UnixDgramListener } from './syslog/unix-dgram.ts';

interface Opts {
  listen: string[];
  read: string[];
  duckdb?: string;
  parquet?: string;
  parquetRollSeconds: number;
  arrow?: string;
  json?: string;
  format: 'httplog' | 'tcplog' | 'clf' | 'auto';
  logFormat?: string;
  batchRows?: number;
  flushMs: number;
  rcvbuf: number;
  ringMb: number;
  udpPeer?: boolean;
  recvNice: number;
  recvRt: number;
  maxMessage: number;
  stats?: number | true;
  metrics?: string;
}

type Listener = UdpListener | StreamListener | UnixDgramListener;

const collect = (v: string, prev: string[]): string[] => prev.concat([v]);
const int = (v: string): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('not a positive integer.');
  return n;
};

const niceValue = (v: string): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < -20 || n > 19) throw new InvalidArgumentError('not a nice value (-20..19).');
  return n;
};

const rtPrio = (v: string): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 99) throw new InvalidArgumentError('not a SCHED_FIFO priority (0..99).');
  return n;
};

function fail(msg: string, code = 2): never {
  process.stderr.write('sluice-collect: ' + msg + '\n');
  process.exit(code);
}

async function main(argv: string[]): Promise<void> {
  const program = new Command('sluice-collect')
    .description('Receive HAProxy syslog (UDP/TCP/unix) or read log files into DuckDB, Parquet, Arrow and JSON.')
    .option('--listen <url>', 'udp://host:port, tcp://host:port (RFC 6587 framing), unix:///path (stream) or unix-dgram:///path, ' +
      'or the target of a haproxy.cfg log line (host:port and :port are UDP, tcp@host:port, /path is a unix datagram socket); repeatable', collect, [])
    .option('--read <file>', "ingest a log file (gzipped too; '-' = stdin) then exit; repeatable", collect, [])
    .option('--duckdb <file>', 'DuckDB database file (tables http_log, tcp_log, raw_log)')
    .option('--parquet <dir>', 'hour-partitioned Parquet under dir/<table>/date=YYYY-MM-DD/hour=HH/')
    .option('--parquet-roll-seconds <n>', 'seconds between Parquet files', int, 60)
    .option('--arrow <file>', "Arrow IPC stream of http_log (tcp_log with --format tcplog) to a file or '-'")
    .option('--json <file>', "JSON lines of every row to a file or '-'")
    .addOption(new Option('--format <fmt>', 'log line format').choices(['httplog', 'tcplog', 'clf', 'auto']).default('auto'))
    .option('--log-format <fmt>', 'parse lines with this HAProxy log-format string (as written in haproxy.cfg)')
    .option('--batch-rows <n>', 'rows per record batch (one DuckDB INSERT each outside file loads; default 32768, ' +
      '40960 for --read without --listen)', int)
    .option('--flush-ms <n>', 'flush a non-empty batch at least this often', int, 1000)
    .option('--rcvbuf <bytes>', 'UDP SO_RCVBUF to request (Linux caps it at net.core.rmem_max, then doubles it)', int, 32 * 1024 * 1024)
    .option('--ring-mb <n>', 'user-space datagram buffer between the UDP receive thread and the parser, MiB', int, 64)
    .option('--udp-peer', "keep each UDP datagram's source address (raw_log.peer); ~2 us more CPU per datagram")
    .option('--recv-nice <n>', 'nice value of the UDP receive threads (negative needs root or CAP_SYS_NICE)', niceValue, -10)
    .option('--recv-rt <prio>', 'SCHED_FIFO priority of the UDP receive threads, 0 = off (needs root or CAP_SYS_NICE, and chrt)', rtPrio, 1)
    .option('--max-message <bytes>', 'longer messages go to raw_log as oversized', int, 65535)
    .option('--stats [seconds]', 'print counters to stderr every N seconds (default 10) and at exit')
    .option('--metrics <host:port>', 'serve Prometheus text on http://host:port/metrics')
    .addHelpText('after', '\nSignals: SIGTERM/SIGINT flush every buffered row and exit; SIGUSR1 prints the counters.\n' +
      'Example: sluice-collect --listen udp://127.0.0.1:5514 --duckdb logs.duckdb --stats');
  program.parse(argv);
  const o = program.opts<Opts>();
  if (o.listen.length === 0 && o.read.length === 0) o.listen.push('udp://127.0.0.1:5514');
  if (!o.duckdb && !o.parquet && !o.arrow && !o.json) fail('no output: give --duckdb, --parquet, --arrow or --json');
  if (o.arrow === '-' && o.json === '-') fail("--arrow - and --json - cannot both use stdout");
  for (const f of o.read) {
    if (f === '-') continue;
    try { fs.accessSync(f, fs.constants.R_OK); } catch (e) { fail("--read '" + f + "': " + (e as Error).message.replace(/, \w+ '.*'$/, ''), 1); }
  }
  let metricsAt: { host: string; port: number } | null = null;
  if (o.metrics) {
    const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d+)$/.exec(o.metrics);
    if (!m) fail("--metrics '" + o.metrics + "': expected host:port");
    if (Number(m[3]) > 65535) fail("--metrics '" + o.metrics + "': port out of range");
    metricsAt = { host: m[1] ?? m[2], port: Number(m[3]) };
  }

  let format: IngestFormat;
  let arrowTable = HTTP_LOG_TABLE;
  const clf = compileLogFormat(CLF_LOG_FORMAT) as CompiledLogFormat;
  if (o.logFormat !== undefined) {
    const c = compileLogFormat(o.logFormat, /\\[ "#'\\]/.test(o.logFormat) || /^["']/.test(o.logFormat));
    if ('error' in c) fail('--log-format: ' + c.error + ' at offset ' + c.pos);
    format = { kind: 'custom', parse: c.parse, table: c.table };
    if (c.table === 'tcp_log') arrowTable = TCP_LOG_TABLE;
  } else if (o.format === 'clf') format = { kind: 'custom', parse: clf.parse, table: 'http_log' };
  else if (o.format === 'auto') format = { kind: 'auto', clf: clf.parse };
  else format = { kind: o.format };
  if (o.format === 'tcplog') arrowTable = TCP_LOG_TABLE;

  const dicts = new LogDicts();
  const sinks: LogSink<LogBatch>[] = [];
  try {
    // start(): a new database file or a Parquet directory opens while the first lines are parsed.
    if (o.duckdb) sinks.push(await ThreadedSink.start('duckdb', o.duckdb, dicts));
    if (o.parquet) sinks.push(await ThreadedSink.start('parquet', o.parquet, dicts, o.parquetRollSeconds * 1000));
    for (const s of sinks) if (s instanceof ThreadedSink) s.opened.catch((e: Error) => fail('cannot open output: ' + e.message, 1));
    if (o.arrow || o.json) {
      // Loaded only for these outputs: it loads apache-arrow, ~150 ms of CPU before the first line is parsed.
      const { ArrowStreamSink, JsonLinesSink } = await import('./sinks/stdout.ts');
      if (o.arrow) sinks.push(new ArrowStreamSink(o.arrow, arrowTable));
      if (o.json) sinks.push(new JsonLinesSink(o.json));
    }
  } catch (e) {
    fail('cannot open output: ' + (e as Error).message, 1);
  }

  if (o.listen.length > 0) await warmUpParsers(format);
  const counters = new CollectCounters();
  const listeners: Listener[] = [];
  let shuttingDown = false;
  const log = (s: string): void => { process.stderr.write('sluice-collect: ' + s + '\n'); };

  const shutdown = async (code: number, why: string): Promise<void> => {
    if (shuttingDown) return;
    shuttingDown = true;
    if (why) log(why);
    await Promise.all(listeners.map((l) => l.close().catch(() => undefined)));
    refreshDrops();
    try { await ingest.close(); } catch (e) { log('error while closing: ' + (e as Error).message); code = code || 1; }
    if (o.stats !== undefined) log(counters.summary());
    metricsServer?.close();
    process.exit(code);
  };

  // File loads: 40960 rows, three batches to a DuckDB row group, so bulk INSERTs are whole row groups
  // (sinks/duckdb.ts). Listening: 32768 (100k datagrams/s for 10 s, load ~7: 8.9-9.3 CPU us per datagram, 10.7-10.9
  // with 40960, whose commits reach DuckDB's WAL checkpoint threshold more often).
  const batchRows = o.batchRows ?? (o.read.length > 0 && o.listen.length === 0 ? 40960 : 32768);
  const ingest = new Ingest({
    format, sinks, dicts, counters, batchRows, flushMs: o.flushMs, maxMessage: o.maxMessage,
    // Larger batches are cheaper per row in DuckDB (100k datagrams/s for 8 s, 3 runs: 8.0-8.3 CPU us per datagram
    // with 8192 rows, 6.9-7.4 with 32768); the queue holds ~128k rows whatever the size, the UDP ring the rest.
    maxQueued: Math.max(2, Math.ceil(131072 / batchRows)),
    onFatal: (e) => {
      log('FATAL: writing failed, ingestion stopped: ' + e.message);
      void shutdown(1, '');
    },
  });

  const refreshDrops = (): void => {
    let d = 0;
    let r = 0;
    for (const l of listeners) if (l.kind === 'udp') { d += l.drops(); r += l.ringDrops(); }
    counters.droppedSocket = d;
    counters.droppedRing = r;
  };

  const onMessage = (buf: Uint8Array, s: number, e: number, peer: string, nowMs: number): void => ingest.onMessage(buf, s, e, peer, nowMs);
  const onDatagram = (buf: Uint8Array, s: number, e: number, peer: string, nowMs: number): void =>
    eachDatagramLine(buf, s, e, peer, nowMs, onMessage);
  const onFrame = (buf: Buffer, s: number, e: number, peer: string, cut: number): void => {
    if (cut === FRAME_WHOLE) ingest.onMessage(buf, s, e, peer, Date.now());
    else ingest.onCutFrame(buf, s, e, peer, Date.now(), cut === FRAME_OVERSIZED ? PARSE_ERR_OVERSIZED : PARSE_ERR_TRUNCATED);
  };
  const onUnixDatagram = (buf: Buffer, peer: string): void => eachDatagramLine(buf, 0, buf.length, peer, Date.now(), onMessage);
  const onListenerError = (e: Error): void => log('listener error: ' + e.message);

  try {
    for (const u of o.listen) {
      const l = parseListenAddress(u);
      if (l.proto === 'udp') {
        const x = await listenUdpThreaded(l.host, l.port, onDatagram, onListenerError, o.rcvbuf, o.ringMb * 1024 * 1024,
          () => ingest.hasRoom, o.udpPeer === true, o.recvNice, o.recvRt);
        listeners.push(x);
        log('listening on udp://' + (x.address.includes(':') ? '[' + x.address + ']' : x.address) + ':' + x.port +
          ' (SO_RCVBUF requested ' + o.rcvbuf + ', granted ' + x.recvBufferSize + '; receive thread ' + x.sched + ', nice ' + x.nice + ')');
        if (x.recvBufferSize > 0 && x.recvBufferSize < 2 * o.rcvbuf) {
          log('SO_RCVBUF capped by net.core.rmem_max (' + (x.recvBufferSize >> 1) + '): ~' + Math.round(x.recvBufferSize / 1280 / 100) +
            ' ms of 100k datagrams/s; raise it with: sysctl -w net.core.rmem_max=' + o.rcvbuf);
        }
      } else if (l.proto === 'unix-dgram') {
        listeners.push(listenUnixDgram(l.path, onUnixDatagram, onListenerError));
        log('listening on unix-dgram://' + l.path);
      } else {
        const x = await listenStream(l.proto === 'unix' ? { path: l.path } : { host: l.host, port: l.port }, onFrame,
          onListenerError, o.maxMessage);
        listeners.push(x);
        log('listening on ' + (l.proto === 'unix' ? 'unix://' + l.path : 'tcp://' + (x.address.includes(':') ? '[' + x.address + ']' : x.address) + ':' + x.port));
      }
    }
  } catch (e) {
    await Promise.all(listeners.map((l) => l.close()));
    await ingest.close().catch(() => undefined);
    fail((e as Error).message, 1);
  }

  let metricsServer: http.Server | null = null;
  if (o.metrics && metricsAt) {
    const at = metricsAt;
    metricsServer = http.createServer((req, res) => {
      if (req.url !== '/metrics' && !req.url?.startsWith('/metrics?')) { res.writeHead(404).end(); return; }   // scrapers may add ?params
      refreshDrops();
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(counters.prometheus());
    });
    try {
      // A listen error (address in use, unknown host) used to leave main() waiting forever, without signal handlers.
      await new Promise<void>((r, j) => { (metricsServer as http.Server).once('error', j).listen(at.port, at.host, r); });
    } catch (e) {
      metricsServer = null;
      await Promise.all(listeners.map((l) => l.close().catch(() => undefined)));
      await ingest.close().catch(() => undefined);
      fail("--metrics '" + o.metrics + "': " + (e as Error).message, 1);
    }
    metricsServer.removeAllListeners('error');
    metricsServer.on('error', (e) => log('metrics: ' + e.message));
    const a = metricsServer.address();
    log('metrics on http://' + o.metrics.replace(/:\d+$/, ':' + (typeof a === 'object' && a ? a.port : at.port)) + '/metrics');
  }

  process.on('SIGTERM', () => void shutdown(0, 'SIGTERM: flushing'));
  process.on('SIGINT', () => void shutdown(0, 'SIGINT: flushing'));
  process.on('SIGUSR1', () => { refreshDrops(); log(counters.summary()); });
  if (o.stats !== undefined) {
    const every = o.stats === true ? 10 : Number(o.stats);
    if (!(every > 0)) fail('--stats: expected seconds');
    setInterval(() => { refreshDrops(); log(counters.summary()); }, every * 1000).unref();
  }
  const dropTimer = setInterval(refreshDrops, 1000);
  dropTimer.unref();

  if (o.read.length > 0) {
    try { await readFiles(o.read, ingest); } catch (e) {
      // What was read so far is flushed, then the collector stops (exit 1).
      log('reading failed: ' + (e as Error).message);
      await shutdown(1, '');
    }
  }
  if (o.read.length > 0 && o.listen.length === 0) await shutdown(ingest.failed ? 1 : 0, '');
  if (ingest.failed) await shutdown(1, '');
  if (listeners.length > 0) log('ready');
}

/* --read: docker json-file logs are unwrapped (docker-json.ts); runs of other files go to ingestFiles, in order */
async function readFiles(paths: readonly string[], ingest: Ingest): Promise<void> {
  let plain: string[] = [];
  for (const path of paths) {
    if (!await isDockerJsonFile(path)) { plain.push(path); continue; }
    if (plain.length > 0) await ingestFiles(plain, ingest);
    plain = [];
    if (ingest.failed) return;
    await ingest.bulk(true);
    try {
      await ingestDockerJson(path, ingest);
    } catch (e) {
      throw new Error("'" + path + "': " + (e as Error).message);
    } finally {
      await ingest.bulk(false);
    }
    if (ingest.failed) return;
  }
  if (plain.length > 0) await ingestFiles(plain, ingest);
}

main(process.argv).catch((e: unknown) => fail((e as Error).stack ?? String(e), 1));
