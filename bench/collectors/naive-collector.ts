// The naive reference for the benchmark: what a quick collector looks like — dgram (default buffer) or file lines,
// one regex per line into a string array per row, DuckDB appender row by row (VARCHAR everywhere dictionary-free),
// flushed every second. Prints "ready" when listening and the counters on SIGTERM / at end of file.
import dgram from 'node:dgram';
import fs from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';

const RE = /^(?:<\d+>)?\w{3} +\d+ [\d:]+ (\S+) (\w+)\[(\d+)\]: ([\d.:a-f]+):(\d+) \[([^\]]+)\] (\S+) ([^/ ]+)\/(\S+) (-?\d+)\/(-?\d+)\/(-?\d+)\/(-?\d+)\/\+?(-?\d+) (-?\d+) \+?(\d+) (\S+) (\S+) (\S+) (\d+)\/(\d+)\/(\d+)\/(\d+)\/\+?(\d+) (\d+)\/(\d+) (?:\{([^}]*)\} )?(?:\{([^}]*)\} )?"(\S+) (.*?)(?: (HTTP\/[\d.]+))?"$/;
const [mode, arg, dbPath] = process.argv.slice(2);
const startup = performance.now();
const inst = await DuckDBInstance.create(dbPath);
const con = await inst.connect();
await con.run('CREATE TABLE IF NOT EXISTS http_log (host VARCHAR, program VARCHAR, pid INTEGER, client_ip VARCHAR, client_port INTEGER, ts VARCHAR, frontend VARCHAR, backend VARCHAR, server VARCHAR, tr INTEGER, tw INTEGER, tc INTEGER, tr_srv INTEGER, ta INTEGER, status INTEGER, bytes_read BIGINT, req_cookie VARCHAR, res_cookie VARCHAR, term_state VARCHAR, actconn INTEGER, feconn INTEGER, beconn INTEGER, srv_conn INTEGER, retries INTEGER, srv_queue INTEGER, backend_queue INTEGER, req_headers VARCHAR, res_headers VARCHAR, method VARCHAR, uri VARCHAR, http_version VARCHAR)');
const ap = await con.createAppender('http_log');
const INT = new Set([3, 5, 10, 11, 12, 13, 14, 15, 20, 21, 22, 23, 24, 25, 26]);
let received = 0;
let parsed = 0;
function onLine(line: string): void {
  received++;
  const m = RE.exec(line.trimEnd());
  if (!m) return;
  for (let i = 1; i <= 31; i++) {
    const v = m[i];
    if (v === undefined) ap.appendNull();
    else if (i === 16) ap.appendBigInt(BigInt(v));
    else if (INT.has(i)) ap.appendInteger(Number(v));
    else ap.appendVarchar(v);
  }
  ap.endRow();
  parsed++;
}
const finish = (): void => {
  ap.flushSync();
  ap.closeSync();
  process.stderr.write('naive: received=' + received + ' parsed=' + parsed + '\n');
  process.exit(0);
};
if (mode === 'udp') {
  const s = dgram.createSocket({ type: 'udp4', recvBufferSize: 8 * 1024 * 1024 });
  s.on('message', (m) => onLine(m.toString('latin1')));
  s.bind(Number(arg), '127.0.0.1', () => process.stderr.write('naive: listening on udp://127.0.0.1:' + s.address().port + '\nready\n'));
  setInterval(() => ap.flushSync(), 1000);
  process.on('SIGTERM', finish);
} else {
  process.stderr.write('naive: startup_ms=' + Math.round(startup) + '\n');
  const text = fs.readFileSync(arg, 'latin1');
  let s = 0;
  for (;;) { const e = text.indexOf('\n', s); if (e < 0) break; onLine(text.slice(s, e)); s = e + 1; }
  finish();
}
