/*
 * The `http-errors` sections read so far (name → status → errorfile bytes): filled by http/errors-cfg.ts, read by
 * it (`errorfiles`, `http-error ... errorfiles`) and by http/keywords.ts (`return|deny ... errorfiles <name>`), which
 * cannot import errors-cfg.ts without a cycle. Hot path: no (load time).
 */
export const httpErrorsSections = new Map<string, Map<number, Buffer>>();
