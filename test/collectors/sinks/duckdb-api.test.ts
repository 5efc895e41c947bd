import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

// npm run build (pretest) bundles @duckdb/node-api into dist/ (collectors/bundle-duckdb.mjs); dist's duckDbApi loads it.
test('dist: duckDbApi loads the bundled @duckdb/node-api, which runs queries like the package', async () => {
  const dist = new URL('../../../dist/collectors/sinks/duckdb-api.js', import.meta.url);
  const { duckDbApi, BUNDLED_API } = await import(dist.href) as typeof import('../../../collectors/sinks/duckdb-api.ts');
  assert.equal(fs.existsSync(BUNDLED_API), true);
  const api = duckDbApi();
  assert.notEqual(createRequire(import.meta.url).cache[fileURLToPath(BUNDLED_API)], undefined);
  const inst = await api.DuckDBInstance.create(':memory:');
  const con = await inst.connect();
  const r = await con.runAndReadAll("SELECT 42::INTEGER AS n, 'x' || 'y' AS s, [1, 2]::INTEGER[] AS l");
  assert.deepEqual(r.getRowObjectsJson(), [{ n: 42, s: 'xy', l: [1, 2] }]);
  const app = await con.run('CREATE TABLE t (a INTEGER, b VARCHAR)').then(() => con.createAppender('t'));
  app.appendInteger(7); app.appendVarchar('seven'); app.endRow(); app.closeSync();
  assert.deepEqual((await con.runAndReadAll('SELECT * FROM t')).getRowObjectsJson(), [{ a: 7, b: 'seven' }]);
  con.closeSync();
  inst.closeSync();
});
