/* The Apache Arrow schema of the log tables (low-cardinality strings as Dictionary<Utf8, Int32>), for the Arrow IPC
 * stream sink. Kept apart from schema.ts so that only that sink loads apache-arrow. Hot path: no.
 */
import { Dictionary, Field, Int32, Int64, Bool, Schema, TimestampMillisecond, Utf8 } from 'apache-arrow';
import type { DataType } from 'apache-arrow';
import { LOG_COLUMNS } from './schema.ts';
import { CK_BOOL, CK_DICT, CK_I32, CK_I64, CK_TS } from './types.ts';
import type { ColumnKind, TableSpec } from './types.ts';

function arrowType(kind: ColumnKind, id: number): DataType {
  switch (kind) {
    case CK_I32: return new Int32();
    case CK_BOOL: return new Bool();
    case CK_TS: return new TimestampMillisecond();
    case CK_I64: return new Int64();
    case CK_DICT: return new Dictionary(new Utf8(), new Int32(), id);
    default: return new Utf8();
  }
}

/** Arrow schema of a table; dictionary ids equal column ids so a stream can send dictionary deltas per column. */
export function arrowSchema(t: TableSpec): Schema {
  return new Schema(t.columns.map((id) => new Field(LOG_COLUMNS[id].name, arrowType(LOG_COLUMNS[id].kind, id), true)),
    new Map([['table', t.name]]));
}

