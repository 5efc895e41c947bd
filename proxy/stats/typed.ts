/*
 * `show stat typed [desc]` and `show stat json` row formats. Typed: `<obj>.<iid>.<sid>.<field>.<name>.1:<tags>:
 * <type>:<value>[:"<desc>"]` per set field; JSON: one array of field objects per row, rows in an outer array.
 * Fields left undefined by fill.ts are not printed; the `-` placeholder column is skipped and later field numbers
 * shift down by one (typedFieldNum). Hot path: no.
 */
import type { StatVal } from './types.ts';
import { STAT_COLUMNS, ST_F_COUNT, ST_F_SEPARATOR, ST_F_IID, ST_F_SID, typedFieldNum, columnTags, jsonTags } from './columns.ts';

export const OBJ_LETTERS = 'FBSL';
const OBJ_NAMES = ['Frontend', 'Backend', 'Server', 'Listener'];

/** Typed lines of one row; `type` is the row type (0 F, 1 B, 2 S, 3 L). */
export function typedLines(row: readonly StatVal[], type: number, desc: boolean): string {
  const obj = OBJ_LETTERS[type]!;
  const pre = obj + '.' + row[ST_F_IID] + '.' + row[ST_F_SID] + '.';
  let s = '';
  for (let i = 0; i < ST_F_COUNT; i++) {
    if (i === ST_F_SEPARATOR) continue;
    const v = row[i];
    if (v === undefined) continue;
    const col = STAT_COLUMNS[i]!;
    s += pre + typedFieldNum(i) + '.' + col.name + '.1:' + columnTags(i, obj) + ':' + col.type + ':' + v;
    if (desc) s += ':"' + col.desc + '"';
    s += '\n';
  }
  return s;
}

/** One JSON row array (no separators around it). */
export function jsonRow(row: readonly StatVal[], type: number): string {
  const obj = OBJ_LETTERS[type]!;
  const pre = '{"objType":"' + OBJ_NAMES[type] + '","proxyId":' + row[ST_F_IID] + ',"id":' + row[ST_F_SID] + ',"field":{"pos":';
  let s = '[';
  let first = true;
  for (let i = 0; i < ST_F_COUNT; i++) {
    if (i === ST_F_SEPARATOR) continue;
    const v = row[i];
    if (v === undefined) continue;
    const col = STAT_COLUMNS[i]!;
    if (!first) s += ',';
    first = false;
    s += pre + typedFieldNum(i) + ',"name":"' + col.name + '"},"processNum":1,"tags":' + jsonTags(columnTags(i, obj)) +
      ',"value":{"type":"' + col.type + '","value":' + (typeof v === 'number' ? '' + v : JSON.stringify(v)) + '}}';
  }
  return s + ']';
}
