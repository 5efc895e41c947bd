/*
 * Core keywords of the `global` section: process limits and identity (maxconn, nbthread, daemon, pidfile, node,
 * description, tune.*), environment (setenv/presetenv/unsetenv/resetenv, applied while parsing so later "${VAR}"
 * see them), and process settings Sluice accepts with a warning because Node cannot honour them (chroot, ...).
 * Registered by proxy/modules.ts. Hot path: no.
 */
import { lookupId } from '../net/unix-perms.ts';
import type { CfgKeyword, KwCtx } from './types.ts';
import { parseUint, parseSize, atol, parseTime } from './values.ts';

function noExtra(args: readonly string[], n: number, ctx: KwCtx): boolean {
  if (args.length > n) { ctx.alert(`'${args[0]}' cannot handle unexpected argument '${args[n]}'.`); return false; }
  return true;
}

function parseMaxconn(args: readonly string[], ctx: KwCtx): void {
  if (alreadySpecified(args, ctx)) return;
  if (args.length < 2) { ctx.alert(`'${args[0]}' expects an integer argument.`); return; }
  if (!noExtra(args, 2, ctx)) return;
  ctx.global.maxconn = atol(args[1]);
}

function parseNbthread(args: readonly string[], ctx: KwCtx): void {
  if (!noExtra(args, 2, ctx)) return;
  const n = parseUint(args[1] ?? '');
  if (n < 0) { ctx.alert(`'${args[0]}' passed a missing or unparsable integer value in '${args[1] ?? ''}'`); return; }
  if (n < 1 || n > 64) { ctx.alert(`'${args[0]}' value must be between 1 and 64 (was ${n})`); return; }
  if (n !== 1) ctx.warn(`'nbthread ${n}': sluice runs one event loop per process; using 1.`);
  ctx.global.nbthread = 1;
  ctx.global.ext.set('nbthread', n);   // what 2.6 would run (its fd reserve and derived maxconn count them)
}

function parseDaemon(args: readonly string[], ctx: KwCtx): void {
  if (!noExtra(args, 1, ctx)) return;
  ctx.global.daemon = true;
}

/** Global settings 2.6 takes only once: a second one is an alert that changes nothing and keeps the config valid. */
const seenOnce = new WeakMap<object, Set<string>>();
function alreadySpecified(args: readonly string[], ctx: KwCtx): boolean {
  let seen = seenOnce.get(ctx.global);
  if (seen === undefined) { seen = new Set(); seenOnce.set(ctx.global, seen); }
  if (!seen.has(args[0])) { seen.add(args[0]); return false; }
  if (ctx.alertNote) ctx.alertNote(`'${args[0]}' already specified. Continuing.`);
  return true;
}

function parsePidfile(args: readonly string[], ctx: KwCtx): void {
  if (alreadySpecified(args, ctx)) return;
  if (args.length < 2) { ctx.alert(`'${args[0]}' expects a file name as an argument.`); return; }
  if (!noExtra(args, 2, ctx)) return;
  ctx.global.pidfile = args[1];
}

function parseNode(args: readonly string[], ctx: KwCtx): void {
  const v = args[1] ?? '';
  if (v === '' || !/^[A-Za-z0-9._-]+$/.test(v)) {
    ctx.alert(`'node' requires valid node name - non-empty string with digits(0-9), letters(A-Z, a-z), dot(.), hyphen(-) or underscode(_).`);
    return;
  }
  ctx.global.node = v;
}

function parseDescription(args: readonly string[], ctx: KwCtx): void {
  if (args.length < 2) { ctx.alert(`'${args[0]}' expects a string argument.`); return; }
  ctx.global.description = args.slice(1).join(' ');
}

/** tune.http.logurilen: read as atoi() reads it, as 2.6 does. */
function parseLogurilen(args: readonly string[], ctx: KwCtx): void {
  if (args[1] === undefined) { ctx.alert(`'${args[0]}' expects an integer argument.`); return; }
  ctx.global.tuneHttpLogurilen = parseInt(args[1], 10) || 0;
}

function parseTuneSize(args: readonly string[], ctx: KwCtx): void {
  const v = parseSize(args[1] ?? '');
  if (v <= 0) { ctx.alert(`'${args[0]}' expects a positive integer value.`); return; }
  if (args[0] === 'tune.bufsize') ctx.global.tuneBufsize = v;
  else if (args[0] === 'tune.maxrewrite') ctx.global.tuneMaxrewrite = v;
  else ctx.global.tuneHttpMaxhdr = v;
}

/** The environment the tokenizer reads; setenv & co modify it while the file is parsed. */
function parseSetenv(args: readonly string[], ctx: KwCtx): void {
  if (args.length !== 3) { ctx.alert(`'${args[0]}' expects a name and a value.`); return; }
  if (args[0] === 'presetenv' && process.env[args[1]] !== undefined) return;
  process.env[args[1]] = args[2];
}

function parseUnsetenv(args: readonly string[], ctx: KwCtx): void {
  if (args.length < 2) { ctx.alert(`'${args[0]}' expects at least one variable name.`); return; }
  for (let i = 1; i < args.length; i++) delete process.env[args[i]];
}

function parseResetenv(args: readonly string[], _ctx: KwCtx): void {
  const keep = new Set(args.slice(1));
  for (const k of Object.keys(process.env)) if (!keep.has(k)) delete process.env[k];
}

/** Accepted and stored (ext map) without effect: SSL defaults, paths used by TLS keywords not implemented yet. */
function parseChroot(args: readonly string[], ctx: KwCtx): void {
  if (args.length < 2) { ctx.alert("'chroot' expects a directory as an argument."); return; }
  ctx.global.ext.set(args[0], args.slice(1));
}

/** Process settings a Node process cannot apply; accepted so stock configs load, with a warning saying so. */
function parseIgnoredWithWarning(args: readonly string[], ctx: KwCtx): void {
  if (args[0] === 'ulimit-n' && alreadySpecified(args, ctx)) return;
  ctx.global.ext.set(args[0], args.slice(1));
  ctx.warn(`'${args[0]}' is accepted but ignored by sluice (not applicable to a Node.js process).`);
}

/**
 * user/group/uid/gid: stored; main.ts drops privileges after binding when running as root. Checked as 2.6.12 does at
 * parse time: user and group names must exist (read from /etc/passwd and /etc/group), uid/gid take an integer.
 */
function parseUserGroup(args: readonly string[], ctx: KwCtx): void {
  const kw = args[0];
  const v = args[1] ?? '';
  if (kw === 'user' || kw === 'group') {
    if (lookupId(kw, v) === -1) { ctx.alert(`cannot find ${kw} id for '${v}' (0:Success)`); return; }
  } else {
    if (v === '') { ctx.alert(`'${kw}' expects an integer argument.`); return; }
    if (!/^-?\d+$/.test(v)) ctx.warn(` ${kw}: string '${v}' is not a number.\n   | You might want to use the '${kw === 'uid' ? 'user' : 'group'}' parameter to use a system ${kw === 'uid' ? 'user' : 'group'} name.`);
  }
  ctx.global.ext.set(kw, v);
}

function parseFlag(args: readonly string[], ctx: KwCtx): void {
  if (!noExtra(args, 1, ctx)) return;
  ctx.global.ext.set(args[0], true);
}

/** `master-worker [no-exit-on-failure]`: the option is accepted with a warning (Sluice's master has no such mode). */
function parseMasterWorker(args: readonly string[], ctx: KwCtx): void {
  if (args.length > 1 && args[1] !== 'no-exit-on-failure') {
    ctx.alert(`'${args[0]}' only supports 'no-exit-on-failure' option.`);
    return;
  }
  if (args.length > 1) ctx.warn(`'master-worker no-exit-on-failure' is ignored by sluice (the master exits when a worker fails to start).`);
  ctx.global.ext.set(args[0], true);
}

/** `hard-stop-after <time>`: how long a soft stop waits for the streams left (runtime.ts gracefulStop), in ms. */
function parseHardStopAfter(args: readonly string[], ctx: KwCtx): void {
  if (args.length < 2) { ctx.alert(`'${args[0]}' expects <time> as argument.`); return; }
  const t = parseTime(args[1]);
  if (t.err === 'overflow') { ctx.alert(`timer overflow in argument '${args[1]}' to '${args[0]}' (maximum value is 2147483647 ms or ~24.8 days)`); return; }
  if (t.err !== '') { ctx.alert(`unexpected character '${t.badChar}' in argument to <${args[0]}>.`); return; }
  ctx.global.ext.set(args[0], t.ms);
}

/**
 * `tune.ssl.capture-buffer-size <n>` and its deprecated alias `tune.ssl.capture-cipherlist-size` (2.6.12 warns about
 * the latter): one setting, refused when given twice; Sluice's ClientHello fetches need no buffer, so it is only kept.
 */
function parseCaptureBufferSize(args: readonly string[], ctx: KwCtx): void {
  if (args[0] === 'tune.ssl.capture-cipherlist-size') {
    ctx.warnRaw(`parsing [${ctx.file}:${ctx.line}]: '${args[0]}' is deprecated and will be removed in version 2.7. Please use 'tune.ssl.capture-buffer-size' instead.`);
  }
  if (args.length < 2 || args[1] === '') { ctx.alert(`'${args[0]}' expects an integer argument.`); return; }
  if (!noExtra(args, 2, ctx)) return;
  if (ctx.global.ext.has('tune.ssl.capture-buffer-size')) { ctx.alert(`'${args[0]}' is already configured.`); return; }
  ctx.global.ext.set('tune.ssl.capture-buffer-size', atol(args[1]));
}

export const keywords: CfgKeyword[] = [
  { section: 'global', name: 'tune.ssl.capture-buffer-size', parse: parseCaptureBufferSize },
  { section: 'global', name: 'tune.ssl.capture-cipherlist-size', parse: parseCaptureBufferSize },
  { section: 'global', name: 'maxconn', parse: parseMaxconn },
  { section: 'global', name: 'nbthread', parse: parseNbthread },
  { section: 'global', name: 'daemon', parse: parseDaemon },
  { section: 'global', name: 'master-worker', parse: parseMasterWorker },
  { section: 'global', name: 'quiet', parse: parseFlag },
  { section: 'global', name: 'zero-warning', parse: parseFlag },
  // allows 2.6's experimental directives (normalize-uri, tune.fd.edge-triggered), refused without it
  { section: 'global', name: 'expose-experimental-directives', parse: parseFlag },
  { section: 'global', name: 'pidfile', parse: parsePidfile },
  { section: 'global', name: 'node', parse: parseNode },
  { section: 'global', name: 'description', parse: parseDescription },
  { section: 'global', name: 'tune.bufsize', parse: parseTuneSize },
  { section: 'global', name: 'tune.maxrewrite', parse: parseTuneSize },
  { section: 'global', name: 'tune.http.maxhdr', parse: parseTuneSize },
  { section: 'global', name: 'tune.http.logurilen', parse: parseLogurilen },
  { section: 'global', name: 'setenv', parse: parseSetenv },
  { section: 'global', name: 'presetenv', parse: parseSetenv },
  { section: 'global', name: 'unsetenv', parse: parseUnsetenv },
  { section: 'global', name: 'resetenv', parse: parseResetenv },
  { section: 'global', name: 'user', parse: parseUserGroup },
  { section: 'global', name: 'group', parse: parseUserGroup },
  { section: 'global', name: 'uid', parse: parseUserGroup },
  { section: 'global', name: 'gid', parse: parseUserGroup },
  { section: 'global', name: 'hard-stop-after', parse: parseHardStopAfter },
  { section: 'global', name: 'chroot', parse: parseChroot },
  { section: 'global', name: 'ulimit-n', parse: parseIgnoredWithWarning },
];
