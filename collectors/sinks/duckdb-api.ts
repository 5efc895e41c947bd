/* Loads @duckdb/node-api with require() rather than an ESM import: importing a CommonJS package from ESM makes
 * Node run its CommonJS export lexer over the package's ~90 modules (and optimize the lexer), ~130 ms more CPU at
 * every start of a thread that uses DuckDB (import 216-330 ms, require 91-107 ms, 3 alternated runs, load 2-5).
 * In dist/ the package is one bundled file made by the build (collectors/bundle-duckdb.mjs): require 107-139 ->
 * 52-64 ms CPU; run from the sources (tsx), the package itself. Hot path: no.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type * as DuckDbApi from '@duckdb/node-api';

let api: typeof DuckDbApi | null = null;

/** The bundle's path next to this module (only dist/ has it). */
export const BUNDLED_API = new URL('./duckdb-node-api.cjs', import.meta.url);

/** The @duckdb/node-api module, loaded on first call. */
export function duckDbApi(): typeof DuckDbApi {
  if (api === null) {
    const req = createRequire(import.meta.url);
    api = (fs.existsSync(BUNDLED_API) ? req(fileURLToPath(BUNDLED_API)) : req('@duckdb/node-api')) as typeof DuckDbApi;
  }
  return api;
}
