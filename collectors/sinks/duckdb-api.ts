/* Loads @duckdb/node-api with require() rather than an ESM import: importing a CommonJS package from ESM makes
 * Node run its CommonJS export lexer over the package's ~90 modules (and optimize the lexer), ~130 ms more CPU at
 * every start of a thread that uses DuckDB (import 216-330 ms, require 91-107 ms, 3 alternated runs, load 2-5).
 * Hot path: no.
 */
import { createRequire } from 'node:module';
import type * as DuckDbApi from '@duckdb/node-api';

let api: typeof DuckDbApi | null = null;

/** The @duckdb/node-api module, loaded on first call. */
export function duckDbApi(): typeof DuckDbApi {
  api ??= createRequire(import.meta.url)('@duckdb/node-api') as typeof DuckDbApi;
  return api;
}
