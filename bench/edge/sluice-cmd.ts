/*
 * How bench:log and the bench/edge tools start Sluice: as users run it, the `sluice` bin (package.json's bin file,
 * dist/proxy/main.cjs) with the node flags and environment of its shebang line, when it is built and newer than every
 * source under proxy/; else proxy/main.ts under tsx with the same flags and environment (so a stale bundle is never
 * measured). SLUICE_RUN=bin or SLUICE_RUN=source forces one. `desc` says which ran, for the report. Hot path: no.
 */
import fs from 'node:fs';
import path from 'node:path';
import { sluiceBin } from '../_util/proxy-bench.ts';

export interface SluiceCmd { argv: string[]; env: NodeJS.ProcessEnv; desc: string }

/** Newest mtime (ms) of the .ts/.mjs files under `dir`. */
function newestSource(dir: string): number {
  let t = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) t = Math.max(t, newestSource(p));
    else if (e.name.endsWith('.ts') || e.name.endsWith('.mjs')) t = Math.max(t, fs.statSync(p).mtimeMs);
  }
  return t;
}

/**
 * argv (node first) and environment to start Sluice from the checkout `root`; the caller appends its own arguments
 * (`-db -f cfg`). `extraFlags` go after the shebang's node flags.
 */
export function sluiceCmd(root: string, extraFlags: string[] = []): SluiceCmd {
  const mode = process.env.SLUICE_RUN ?? '';
  let useBin = mode === 'bin';
  let why = 'SLUICE_RUN=source';
  if (mode === '') {
    const file = path.join(root, (JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { bin: Record<string, string> }).bin.sluice);
    const built = fs.existsSync(file) ? fs.statSync(file).mtimeMs : 0;
    useBin = built > 0 && built >= newestSource(path.join(root, 'proxy'));
    why = built === 0 ? 'not built' : 'the bundle is older than proxy/ sources: run `npm run build`';
  }
  if (useBin) {
    const b = sluiceBin(root);
    return { argv: [process.execPath, ...b.flags, ...extraFlags, b.file], env: b.env, desc: `${path.relative(root, b.file)} ${[...b.flags, ...extraFlags].join(' ')} (the sluice bin)` };
  }
  const s = sluiceBin(root, path.join(root, 'proxy/main.ts'));      // main.ts carries the same shebang line
  return { argv: [process.execPath, ...s.flags, ...extraFlags, '--import', 'tsx', s.file], env: s.env, desc: `proxy/main.ts under tsx ${[...s.flags, ...extraFlags].join(' ')} (${why})` };
}
