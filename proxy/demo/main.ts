#!/usr/bin/env node
/*
 * `npm start`: a self-contained demo. Starts three demo HTTP backends on loopback (9001-9003), the sluice proxy on
 * fixtures/demo/sluice.cfg (HTTP on 8080, TCP on 8081, stats socket /tmp/sluice-demo.sock, logs to udp 5514), the
 * collector (sluice-collect) when it is built, light generated traffic, and prints what to try next. Ctrl-C stops all.
 * Hot path: no.
 */
import { createServer, request } from 'node:http';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
// dist/proxy/demo/main.js or proxy/demo/main.ts: the package root is three or two levels up
const root = existsSync(join(here, '../../../package.json')) ? resolve(here, '../../..') : resolve(here, '../..');
const cfg = join(root, 'fixtures/demo/sluice.cfg');
const children: ChildProcess[] = [];

for (const [i, port] of [9001, 9002, 9003].entries()) {
  createServer((req, res) => {
    if (req.url === '/health') { res.end('ok\n'); return; }
    // some errors, so that halog and the stats show more than 200s
    if (req.url === '/missing') { res.statusCode = 404; res.end('not found\n'); return; }
    if (Math.random() < 0.02) { res.statusCode = 500; res.end('oops\n'); return; }
    setTimeout(() => { res.setHeader('content-type', 'text/plain'); res.end(`hello from app${i + 1} (${req.method} ${req.url})\n`); }, 5 + Math.random() * 30);
  }).listen(port, '127.0.0.1');
}

function startNode(script: string, args: string[]): ChildProcess {
  const isTs = script.endsWith('.ts');
  const p = spawn(process.execPath, [...(isTs ? ['--import', 'tsx'] : []), script, ...args], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  children.push(p);
  return p;
}

// the proxy as the `sluice` command runs (the bundle, through its shebang's node flags and environment), else from source
const proxyBin = join(root, 'dist/proxy/main.cjs');
if (existsSync(proxyBin)) children.push(spawn(proxyBin, ['-f', cfg], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] }));
else startNode(join(root, 'proxy/main.ts'), ['-f', cfg]);
const collector = join(root, 'dist/collectors/main.js');
const haveCollector = existsSync(collector);
if (haveCollector) startNode(collector, ['--listen', 'udp://127.0.0.1:5514', '--duckdb', '/tmp/sluice-demo.duckdb', '--json', '/tmp/sluice-demo.jsonl']);

const paths = ['/', '/products', '/cart', '/api/items?id=1', '/api/items?id=2', '/static/app.js', '/missing'];
setInterval(() => {
  const r = request({ host: '127.0.0.1', port: 8080, path: paths[Math.floor(Math.random() * paths.length)] }, (res) => res.resume());
  r.on('error', () => {});
  r.end();
}, 200).unref();

setTimeout(() => {
  process.stdout.write(`
  Sluice demo running
    HTTP  : curl -i http://127.0.0.1:8080/            (3 backends, roundrobin, health checks)
    TCP   : node -e "require('net').connect(8081).pipe(process.stdout)"
    stats : http://127.0.0.1:8404/stats   or   echo 'show stat' | socat - /tmp/sluice-demo.sock
    prom  : curl http://127.0.0.1:8404/metrics
    hatop : npx hatop -s /tmp/sluice-demo.sock${haveCollector ? ' -e /tmp/sluice-demo.jsonl' : ''}
    logs  : udp 127.0.0.1:5514 ${haveCollector ? '-> sluice-collect -> /tmp/sluice-demo.duckdb and /tmp/sluice-demo.jsonl' : '(build the collector: npm run build)'}
    after Ctrl-C: npx halog --sql status /tmp/sluice-demo.duckdb    (the collector holds the file while it runs)
    Ctrl-C stops everything.
`);
}, 1000);

function stop(): void { for (const c of children) if (c.exitCode === null) c.kill('SIGTERM'); process.exit(0); }
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
