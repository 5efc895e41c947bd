/*
 * The configuration line being dispatched (file as named on the command line, line number, proxy section, its words
 * and its KwCtx), set by the loader before each keyword runs and cleared when post-parse checks start. Modules that
 * name their origin at runtime or at post-parse without a KwCtx at hand read it (acl/pat-ref.ts: `show acl` says
 * "acl 'src' file 'x.cfg' line 10"; stick/fetches.ts: table names of sample expressions). Hot path: no.
 */
import type { KwCtx } from './types.ts';

/** `acl`: an ACL's criterion is being compiled (named or anonymous; 2.6 names its fetch an "ACL keyword"). */
export const cfgPosition: { file: string; line: number; proxy: object | null; words: readonly string[]; ctx: KwCtx | null; acl: boolean } =
  { file: '', line: 0, proxy: null, words: [], ctx: null, acl: false };

/** Called by the loader for each dispatched line (`proxy`: the section's proxy, null outside proxies). */
export function setCfgPosition(file: string, line: number, proxy: object | null, words: readonly string[] = [], ctx: KwCtx | null = null): void {
  cfgPosition.file = file;
  cfgPosition.line = line;
  cfgPosition.proxy = proxy;
  cfgPosition.words = words;
  cfgPosition.ctx = ctx;
}
