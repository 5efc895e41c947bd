// Benchmark inputs for sluice-collect: synthetic HAProxy httplog lines built from the golden captures with varied
// clients, servers, URLs, statuses and timers (deterministic). Not committed; written under /tmp. Hot path: no.
import fs from 'node:fs';

const TEMPLATE_FILE = new URL('../../fixtures/collectors/haproxy-2.6/http.raw.log', import.meta.url);

/** `n` httplog messages (no syslog header), deterministic. */
export function makeHttpLogLines(n: number): string[] {
  const tpl = fs.readFileSync(TEMPLATE_FILE, 'latin1').split('\n').filter((l) => l.includes(' HTTP/1.'));
  const out: string[] = new Array(n);
  const st = [200, 200, 200, 200, 304, 404, 500, 302];
  for (let i = 0; i < n; i++) {
    const t = tpl[i % tpl.length];
    const ms = String(i % 1000).padStart(3, '0');
    out[i] = t
      .replace(/^127\.0\.0\.1:\d+/, '10.' + ((i >> 16) & 255) + '.' + ((i >> 8) & 255) + '.' + (i & 255) + ':' + (1024 + (i % 60000)))
      .replace(/\[23\/Nov\/2026:20:18:\d\d\.\d{3}\]/, '[23/Nov/2026:20:' + String((i >> 12) % 60).padStart(2, '0') + ':' + String((i >> 6) % 60).padStart(2, '0') + '.' + ms + ']')
      .replace(/ be_app\/s\d /, ' be_app/s' + (i % 8) + ' ')
      .replace(/ \d+\/\d+\/\d+\/\d+\/\d+ \d{3} /, ' 0/0/' + (i % 3) + '/' + (i % 97) + '/' + (i % 101) + ' ' + st[i % 8] + ' ')
      .replace(/"(GET|POST|HEAD) \/[^ ]*/, (_m, meth: string) => '"' + meth + ' /api/item/' + (i % 5000) + '?page=' + (i % 7));
  }
  return out;
}

/** A log file as rsyslog writes it (`Mmm dd hh:mm:ss host haproxy[pid]: msg`), created once per size. */
export function makeLogFile(n: number): string {
  const path = '/tmp/sluice-collect-bench-' + n + '.log';
  if (fs.existsSync(path)) return path;
  const lines = makeHttpLogLines(n);
  const fd = fs.openSync(path + '.tmp', 'w');
  for (let i = 0; i < n; i += 10000) {
    fs.writeSync(fd, lines.slice(i, i + 10000).map((l) => 'Nov 23 20:18:12 lb1 haproxy[4174]: ' + l + '\n').join(''));
  }
  fs.closeSync(fd);
  fs.renameSync(path + '.tmp', path);
  return path;
}
