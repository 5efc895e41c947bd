/*
 * Build step after `tsc` (npm run build): bundles the proxy into one minified CommonJS file, dist/proxy/main.cjs (the
 * `sluice` bin, shebang kept), and its log worker next to it (dist/proxy/log-worker.cjs, found by log/sender.ts
 * relative to the bundle). Why (peak VmRSS under bench:proxy load, alternated rounds, medians): ~200 ES modules of
 * commented source kept in V8's heap plus the ESM loader's module records and its 4 libuv threads (it reads
 * sources through fs/promises) cost ~5 MB idle; the bundle's one-time parse at start-up left ~4 MB of glibc heap that
 * never shrinks (hence MALLOC_MMAP_THRESHOLD_ in the shebang). A CommonJS bundle beat an ESM one by ~2.5 MB.
 * dist/proxy/main.js (tsc's output) still runs the same code unbundled (tests, tsx). Hot path: no.
 */
import { build } from 'esbuild';
import { chmodSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist/proxy');
await build({
  absWorkingDir: root,
  entryPoints: ['proxy/main.ts', 'proxy/log/log-worker.ts'],
  entryNames: '[name]',
  outdir: out,
  outExtension: { '.js': '.cjs' },
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  packages: 'external',
  minify: true,
  // import.meta.url of every bundled module is the bundle's own URL (main.ts re-runs it for -D/-W, sender.ts finds
  // the worker next to it)
  define: { 'import.meta.url': '__sluice_bundle_url' },
  banner: { js: '"use strict";var __sluice_bundle_url=require("node:url").pathToFileURL(__filename).href;' },
  sourcemap: true,
  logLevel: 'warning',
});
chmodSync(join(out, 'main.cjs'), 0o755);
