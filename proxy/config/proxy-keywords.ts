/*
 * Core keywords of proxy sections (defaults/frontend/backend/listen) that belong to no feature module: `mode`,
 * `timeout <name>`, `retries`, `disabled`/`enabled`, `id`, `description`, `fullconn`, and the core `option`s
 * (redispatch, allbackups, abortonclose, tcpka, clitcpka, srvtcpka). Registered by proxy/modules.ts. Hot path: no.
 */
import { redispatchSetInterval } from '../backend/redispatch.ts';
import type { CfgKeyword, KwCtx } from './types.ts';
import { PR_CAP_FE, PR_CAP_BE, PR_CAP_DEF } from './types.ts';
import type { Timeouts } from '../model/types.ts';
import {
  PR_MODE_TCP, PR_MODE_HTTP, PR_O_REDISPATCH, PR_O_ALLBACKUPS, PR_O_ABORTONCLOSE, PR_O_TCPKA, PR_O_CLKA, PR_O_SRVKA,
} from '../model/types.ts';
import { parseTime, parseUint, atol, TIME_MAX_MS } from './values.ts';
import { capName, allProxies } from './sections.ts';

function parseMode(args: readonly string[], ctx: KwCtx): void {
  const px = ctx.proxy!;
  const m = args[1];
  if (m === 'http') px.mode = PR_MODE_HTTP;
  else if (m === 'tcp') px.mode = PR_MODE_TCP;
  else if (m === 'health') ctx.alert(`'mode health' doesn't exist anymore. Please use 'http-request return status 200' instead.`);
  else ctx.alert(`unknown proxy mode '${m ?? ''}'.`);
}

/** timeout name → [Timeouts field, capability needed]. */
const TIMEOUTS: Readonly<Record<string, readonly [keyof Timeouts, number]>> = {
  client: ['client', PR_CAP_FE],
  server: ['server', PR_CAP_BE],
  connect: ['connect', PR_CAP_BE],
  check: ['check', PR_CAP_BE],
  queue: ['queue', PR_CAP_BE],
  'http-keep-alive': ['httpKeepAlive', PR_CAP_FE | PR_CAP_BE],
  'http-request': ['httpRequest', PR_CAP_FE | PR_CAP_BE],
  tunnel: ['tunnel', PR_CAP_BE],
  tarpit: ['tarpit', PR_CAP_FE | PR_CAP_BE],
  'client-fin': ['clientFin', PR_CAP_FE],
  'server-fin': ['serverFin', PR_CAP_BE],
};

function setTimeout1(ctx: KwCtx, name: string, field: keyof Timeouts, cap: number, args: readonly string[], vi: number): void {
  const px = ctx.proxy!;
  const label = vi === 2 ? `timeout ${name}` : args[0];
  if (vi >= args.length) { ctx.alert(`'${label}' expects an integer value (in milliseconds)`); return; }
  const t = parseTime(args[vi]);
  if (t.err === 'overflow') {
    ctx.alert(`timer overflow in argument '${args[vi]}' to '${label}' (maximum value is ${TIME_MAX_MS} ms or ~24.8 days)`);
    return;
  }
  if (t.err !== '') { ctx.alert(`unexpected character '${t.badChar}' in '${label}'`); return; }
  if (args.length > vi + 1) { ctx.alert(`'${label}' : unexpected extra argument '${args[vi + 1]}' after value '${args[vi]}'.`); return; }
  if ((px.cap & PR_CAP_DEF) === 0 && (px.cap & cap) === 0) {
    ctx.warn(`'${label}' will be ignored because ${capName(px.cap)} '${px.name}' has no ${cap === PR_CAP_FE ? 'frontend' : 'backend'} capability`);
    return;
  }
  px.timeouts[field] = t.ms;
}

function parseTimeout(args: readonly string[], ctx: KwCtx): void {
  const name = args[1] ?? '';
  const e = TIMEOUTS[name];
  if (!e) {
    ctx.alert(`'timeout' supports 'client', 'server', 'connect', 'check', 'queue', 'http-keep-alive', 'http-request', 'tunnel', 'tarpit', 'client-fin' and 'server-fin' (got '${name}')`);
    return;
  }
  setTimeout1(ctx, name, e[0], e[1], args, 2);
}

/** Pre-1.5 forms still accepted by HAProxy 2.6 (with a warning there too). */
function parseLegacyTimeout(args: readonly string[], ctx: KwCtx): void {
  const map: Record<string, string> = { clitimeout: 'client', srvtimeout: 'server', contimeout: 'connect' };
  const name = map[args[0]];
  ctx.alert(`the '${args[0]}' directive is not supported anymore since HAProxy 2.1. Use 'timeout ${name}'.`);
}

function parseRetries(args: readonly string[], ctx: KwCtx): void {
  if (args.length < 2) { ctx.alert(`'${args[0]}' expects an integer argument (dispatch counts for retries).`); return; }
  ctx.proxy!.retries = atol(args[1]);
}

function parseDisabled(args: readonly string[], ctx: KwCtx): void {
  if (args.length > 1) { ctx.alert(`'${args[0]}' cannot handle unexpected argument '${args[1]}'.`); return; }
  ctx.proxy!.disabled = args[0] === 'disabled';
}

function parseId(args: readonly string[], ctx: KwCtx): void {
  const px = ctx.proxy!;
  if ((px.cap & PR_CAP_DEF) !== 0) { ctx.alert(`'${args[0]}' not allowed in 'defaults' section.`); return; }
  const v = parseUint(args[1] ?? '');
  if (v <= 0) { ctx.alert(`custom id has to be > 0.`); return; }
  for (const other of allProxies(ctx)) {
    if (other !== px && other.id === v) {
      ctx.alert(`${capName(px.cap)} ${px.name} has the same ID as ${capName(other.cap)} ${other.name} declared at ${other.file}:${other.line}.`);
      return;
    }
  }
  px.id = v;
}

function parseDescription(args: readonly string[], ctx: KwCtx): void {
  if (args.length < 2) { ctx.alert(`'${args[0]}' expects a string argument.`); return; }
}

function parseFullconn(args: readonly string[], ctx: KwCtx): void {
  if (args.length < 2) { ctx.alert(`'${args[0]}' expects an integer argument.`); return; }
  ctx.proxy!.fullconn = atol(args[1]);
}

/** `anyArgs`: 2.6 takes anything after the option without a word (`option redispatch <interval>`). */
function optionBit(bit: number, anyArgs = false) {
  return function parseOptionBit(args: readonly string[], ctx: KwCtx): void {
    const neg = args[0] === 'no';
    const px = ctx.proxy!;
    const from = neg || args[0] === 'default' ? 1 : 0;
    if (!anyArgs && args.length > from + 2) { ctx.alert(`'${args[from]} ${args[from + 1]}' cannot handle unexpected argument '${args[from + 2]}'.`); return; }
    if (neg) px.options &= ~bit; else px.options |= bit;
  };
}

const redispatchBit = optionBit(PR_O_REDISPATCH, true);

/** `[no] option redispatch [<interval>]`: the option bit, and the interval (backend/redispatch.ts). */
function parseRedispatch(args: readonly string[], ctx: KwCtx): void {
  redispatchBit(args, ctx);
  if (args[0] !== 'no') redispatchSetInterval(ctx.proxy!, args[0] === 'default' ? undefined : args[2]);
}

/**
 * TCP/socket tuning options of 2.6 that change nothing a client or server can observe through Sluice (or that Node
 * cannot apply): accepted so tuned configurations load, with a warning saying they are ignored.
 */
const BE = PR_CAP_BE | PR_CAP_DEF;
const FE = PR_CAP_FE | PR_CAP_DEF;
const ALL = PR_CAP_FE | PR_CAP_BE | PR_CAP_DEF;

export const keywords: CfgKeyword[] = [
  { section: 'listen', name: 'mode', cap: ALL, parse: parseMode },
  { section: 'listen', name: 'timeout', cap: ALL, parse: parseTimeout },
  { section: 'listen', name: 'clitimeout', cap: ALL, parse: parseLegacyTimeout },
  { section: 'listen', name: 'srvtimeout', cap: ALL, parse: parseLegacyTimeout },
  { section: 'listen', name: 'contimeout', cap: ALL, parse: parseLegacyTimeout },
  { section: 'listen', name: 'retries', cap: BE, parse: parseRetries },
  { section: 'listen', name: 'disabled', cap: ALL, parse: parseDisabled },
  { section: 'listen', name: 'enabled', cap: ALL, parse: parseDisabled },
  { section: 'listen', name: 'id', cap: ALL, parse: parseId },
  { section: 'listen', name: 'description', cap: ALL, parse: parseDescription },
  { section: 'listen', name: 'fullconn', cap: BE, parse: parseFullconn },
  { section: 'listen', name: 'option redispatch', cap: BE, allowNo: true, parse: parseRedispatch },
  { section: 'listen', name: 'option allbackups', cap: BE, allowNo: true, parse: optionBit(PR_O_ALLBACKUPS) },
  { section: 'listen', name: 'option abortonclose', cap: BE, allowNo: true, parse: optionBit(PR_O_ABORTONCLOSE) },
  { section: 'listen', name: 'option tcpka', cap: ALL, allowNo: true, parse: optionBit(PR_O_TCPKA) },
  { section: 'listen', name: 'option clitcpka', cap: FE, allowNo: true, parse: optionBit(PR_O_CLKA) },
  { section: 'listen', name: 'option srvtcpka', cap: BE, allowNo: true, parse: optionBit(PR_O_SRVKA) },
];
