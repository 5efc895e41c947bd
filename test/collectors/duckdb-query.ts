// Test helper: run one SQL statement against a DuckDB file (or ':memory:') and return JSON-safe row objects.
import { DuckDBInstance } from '@duckdb/node-api';

export async function query(db: string, sql: string): Promise<Record<string, unknown>[]> {
  const inst = await DuckDBInstance.create(db);
  const c = await inst.connect();
  const rows = (await c.runAndReadAll(sql)).getRowObjectsJson() as Record<string, unknown>[];
  c.closeSync();
  inst.closeSync();
  return rows;
}
