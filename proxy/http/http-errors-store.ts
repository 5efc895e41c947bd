/*
 * The `http-errors` sections of the configuration being loaded (name → status → errorfile bytes): filled by
 * http/errors-cfg.ts, read by it (`errorfiles`, `http-error ... errorfiles`) and by http/keywords.ts (`return|deny ...
 * errorfiles <name>`), which cannot import errors-cfg.ts without a cycle. Keyed by the load's GlobalSettings object:
 * a new load (reload, `-c` after a run in tests) starts empty, so a section removed from the file is unknown again.
 * Hot path: no (load time).
 */
type Sections = Map<string, Map<number, Buffer>>;

const sections: Sections = new Map();
let owner: object | null = null;

/** The sections declared so far by the load whose global settings are `global`. */
export function httpErrorsSections(global: object): Sections {
  if (owner !== global) { sections.clear(); owner = global; }
  return sections;
}
