/*
 * Build step after `tsc` (npm run build): bundles @duckdb/node-api's ~120 CommonJS modules into one file,
 * dist/collectors/sinks/duckdb-node-api.cjs, which sinks/duckdb-api.ts loads instead of the package when it is there.
 * Why: every thread that uses DuckDB (the sink worker of each --duckdb load, halog --sql) requires the package at
 * start-up, before it can open the database; one file costs ~55 ms of CPU there instead of ~110-140 (3 alternated
 * runs, dlopen of the native binding included). The native binding (@duckdb/node-bindings) stays external. Hot path: no.
 */
import { build } from 'esbuild';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
await build({
  absWorkingDir: root,
  entryPoints: ['node_modules/@duckdb/node-api/lib/index.js'],
  outfile: join(root, 'dist/collectors/sinks/duckdb-node-api.cjs'),
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: ['@duckdb/node-bindings'],
  logLevel: 'warning',
});
