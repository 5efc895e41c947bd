// Builds the benchmark input in /tmp by replicating the real corpus (fixtures/halog/corpus/syslog.log)
// with variations (client ports, hours, URL suffixes so that -u sees many distinct URLs). Not committed.
// Hot path: no.
import { closeSync, existsSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export function benchInputPath(mb: number): string {
  return `/tmp/sluice-halog-bench-${mb}MB.log`;
}

/** Creates (once) a file of about `mb` MiB and returns its path. */
export function makeBenchInput(root: string, mb: number): string {
  const path = benchInputPath(mb);
  const target = mb * 1024 * 1024;
  if (existsSync(path) && statSync(path).size >= target) return path;
  const lines = readFileSync(join(root, 'fixtures/halog/corpus/syslog.log'), 'latin1').split('\n').filter(Boolean);
  const fd = openSync(path, 'w');
  let written = 0;
  let round = 0;
  while (written < target) {
    const parts: string[] = [];
    for (let i = 0; i < lines.length; i++) {
      let l = lines[i];
      /* vary the port and spread URLs over ~2000 variants per path */
      l = l.replace(/127\.0\.0\.1:(\d+)/, (_m, p: string) => '10.0.' + (round & 255) + '.' + (i & 255) + ':' + p);
      l = l.replace(/"(GET|POST|HEAD) (\/[a-z]+)/, (_m, meth: string, p: string) => '"' + meth + ' ' + p + '/' + ((round * 7 + i) % 2000));
      parts.push(l);
    }
    const buf = Buffer.from(parts.join('\n') + '\n', 'latin1');
    writeSync(fd, buf);
    written += buf.length;
    round++;
  }
  closeSync(fd);
  return path;
}
