/*
 * The argument checks 2.6 makes on keywords Sluice accepts and ignores (proxy/ignored.ts): a value 2.6 refuses is
 * refused here too, with its words, so an ignored keyword never makes Sluice accept a file 2.6 rejects. Only the
 * keywords whose 2.6 parser checks its value are listed (most take any word through atoi). The loader asks here
 * before printing the "ignored by sluice" warning. Hot path: no (load time).
 */

type Check = (v: string | undefined, kw: string) => string | null;

const sizeCheck: Check = (v, kw) => (v === undefined || /^\d*$/.test(v) ? null : `${kw}: '${v}' is an invalid size`);

const CHECKS: ReadonlyMap<string, Check> = new Map<string, Check>([
  ...['global', 'proc', 'reqres', 'sess', 'txn'].map((s): [string, Check] => [`tune.vars.${s}-max-size`, sizeCheck]),
  ['tune.lua.maxmem', (v, kw) => (v !== undefined && /^\d+$/.test(v) ? null : `'${kw}' expects an integer argument (Lua memory size in MB).`)],
  ['tune.h2.header-table-size', (v, kw) => {
    const n = v === undefined ? 0 : parseInt(v, 10);
    return n >= 4096 && n <= 65536 ? null : `'${kw}' expects a numeric value between 4096 and 65536.`;
  }],
  ['httpclient.ssl.verify', (v, kw) => (v === 'none' || v === 'required' ? null : `'${kw}' expects 'none' or 'required' as argument.`)],
]);

/** 2.6's complaint about the value of ignored keyword `kw` (its first argument `v`), or null when 2.6 takes it. */
export function ignoredArgError(kw: string, v: string | undefined): string | null {
  const c = CHECKS.get(kw);
  return c === undefined ? null : c(v, kw);
}
