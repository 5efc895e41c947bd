/*
 * `default-path { current | config | parent | origin <path> }` (global): the directory relative file names of the
 * configuration (certificates, maps, errorfiles, ACL files, ...) are read from. As 2.6 does it, the process changes
 * its current directory: at the keyword, and again at the start of every following configuration file (`config` and
 * `parent` follow each file); the loader goes back to the starting directory once the load is over. Called by the
 * keyword and config/loader.ts. Hot path: no.
 */
import { dirname, resolve } from 'node:path';
import type { CfgKeyword, KwCtx } from './types.ts';
import type { GlobalSettings } from '../model/types.ts';

interface DefaultPath { mode: string; origin: string; initial: string }

/** The mode of a load (keyed by its GlobalSettings), set by the first `default-path` line. */
const state = new WeakMap<GlobalSettings, DefaultPath>();

/** The directory `dp` means for configuration file `file` (as named on the command line). */
function targetDir(dp: DefaultPath, file: string): string {
  const dir = resolve(dp.initial, dirname(file));
  if (dp.mode === 'config') return dir;
  if (dp.mode === 'parent') return dirname(dir);
  if (dp.mode === 'origin') return resolve(dp.initial, dp.origin);
  return dp.initial;
}

/** Changes to the directory of `dp` for `file`; the system's reason when it cannot ('' on success). */
function apply(dp: DefaultPath, file: string): string {
  try { process.chdir(targetDir(dp, file)); return ''; } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return code === 'ENOTDIR' ? 'Not a directory' : code === 'EACCES' ? 'Permission denied' : 'No such file or directory';
  }
}

/** Loader: a new configuration file starts (a `default-path` seen before applies to it). */
export function defaultPathFileStart(g: GlobalSettings, file: string): void {
  const dp = state.get(g);
  if (dp !== undefined) apply(dp, file);
}

/** Loader: the load is over, back to the directory it started in. */
export function defaultPathRestore(g: GlobalSettings): void {
  const dp = state.get(g);
  if (dp === undefined) return;
  try { process.chdir(dp.initial); } catch { /* it was our starting directory */ }
}

function parseDefaultPath(args: readonly string[], ctx: KwCtx): void {
  const mode = args[1] ?? '';
  if (mode !== 'current' && mode !== 'config' && mode !== 'parent' && mode !== 'origin') {
    ctx.alert(`${mode === '' ? 'missing' : 'unsupported'} default-path mode '${mode}' for '${args[0]}', supported modes include 'current', 'config', 'parent', and 'origin'.`);
    return;
  }
  if (mode === 'origin' && (args[2] ?? '') === '') { ctx.alert(`'${args[0]} origin' expects a directory as an argument.`); return; }
  const initial = state.get(ctx.global)?.initial ?? process.cwd();
  const dp: DefaultPath = { mode, origin: mode === 'origin' ? args[2] : '', initial };
  const why = apply(dp, ctx.file);
  if (why !== '') {
    // 2.6.12's words, naming the directory it started from
    ctx.alert(`couldn't set '${args[0]}' to ${mode} '${dp.origin}': Impossible to get back to directory '${initial}': ${why}.`);
    try { process.chdir(initial); } catch { /* unchanged */ }
  }
  state.set(ctx.global, dp);
}

export const keywords: CfgKeyword[] = [{ section: 'global', name: 'default-path', parse: parseDefaultPath }];
