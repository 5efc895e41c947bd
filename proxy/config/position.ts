/*
 * The configuration line being dispatched (file as named on the command line, line number, proxy section), set by
 * the loader before each keyword runs. Modules that name their origin at runtime without a KwCtx at hand read it
 * (acl/pat-ref.ts: `show acl` / `show map` say "acl 'src' file 'x.cfg' line 10"). Hot path: no.
 */

export const cfgPosition: { file: string; line: number; proxy: object | null } = { file: '', line: 0, proxy: null };

/** Called by the loader for each dispatched line (`proxy`: the section's proxy, null outside proxies). */
export function setCfgPosition(file: string, line: number, proxy: object | null): void {
  cfgPosition.file = file;
  cfgPosition.line = line;
  cfgPosition.proxy = proxy;
}
