// Types for halog's SQL reports over collected data (DuckDB files, Parquet directories, loaded logs).
// Hot path: no.

/** One report: `sql(src)` returns a query over `src`, a relation with http_log's columns. */
export interface SqlReport {
  readonly name: string;
  readonly description: string;
  sql(src: string): string;
}
