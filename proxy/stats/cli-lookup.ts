/*
 * Name resolution shared by the CLI commands and the stats page: `<backend>/<server>`, frontends and backends by
 * name or `#<id>`, with HAProxy's exact error texts. Returns either the object or the error reply. Hot path: no.
 */
import type { Proxy, Server } from '../model/types.ts';
import { PR_CAP_FE, PR_CAP_BE } from '../config/types.ts';
import type { StatsSource } from './types.ts';

/** By name, or `#<id>` with the id read by atoi() as 2.6 does (`#4x` is proxy 4). */
export function findProxy(src: StatsSource, name: string, cap: number): Proxy | null {
  if (name.length > 1 && name[0] === '#') {
    const id = cliAtoi(name.slice(1));
    for (const px of src.proxies) if ((px.cap & cap) !== 0 && px.id === id) return px;
    return null;
  }
  for (const px of src.proxies) if ((px.cap & cap) !== 0 && px.name === name) return px;
  return null;
}

export function findBackend(src: StatsSource, name: string): Proxy | null { return findProxy(src, name, PR_CAP_BE); }
export function findFrontend(src: StatsSource, name: string): Proxy | null { return findProxy(src, name, PR_CAP_FE); }

export function findServerIn(px: Proxy, name: string): Server | null {
  if (name.length > 1 && name[0] === '#') {
    const id = cliAtoi(name.slice(1));
    for (const sv of px.servers) if (sv.id === id) return sv;
    return null;
  }
  for (const sv of px.servers) if (sv.name === name) return sv;
  return null;
}

/**
 * `bk/srv` → the server, or the 2.6 error text (with its trailing LF). An empty backend (`/s1`) wants both names,
 * except for `get weight` (`emptyBackendOk`), whose 2.6 parser answers "No such backend." there.
 */
export function lookupServer(src: StatsSource, arg: string | undefined, emptyBackendOk = false): Server | string {
  if (arg === undefined || arg === '') return "Require 'backend/server'.\n";
  const slash = arg.indexOf('/');
  if (slash < 0 || slash === arg.length - 1 || (slash === 0 && !emptyBackendOk)) return "Require 'backend/server'.\n";
  const px = findBackend(src, arg.slice(0, slash));
  if (px === null) return 'No such backend.\n';
  const sv = findServerIn(px, arg.slice(slash + 1));
  if (sv === null) return 'No such server.\n';
  return sv;
}

/** C atoi() as the CLI applies it to ids: leading blanks, optional sign, leading digits, else 0; wraps to 32 bits. */
export function cliAtoi(s: string): number {
  const m = /^[ \t\n\v\f\r]*([+-]?\d+)/.exec(s);
  return m === null ? 0 : Number(BigInt.asIntN(32, BigInt(m[1]!)));
}

/**
 * C strtoul(s, NULL, 0) as `show sess <ptr>` / `shutdown session <ptr>` read a pointer: blanks, optional sign,
 * 0x for hex, a leading 0 for octal, else decimal, up to the first other character; 0 when nothing parses,
 * 2^64-1 on overflow.
 */
export function cliStrtoul(s: string): bigint {
  let i = 0;
  while (i < s.length && (s[i] === ' ' || (s.charCodeAt(i) >= 9 && s.charCodeAt(i) <= 13))) i++;
  let neg = false;
  if (s[i] === '+' || s[i] === '-') { neg = s[i] === '-'; i++; }
  let base = 10n;
  if (s[i] === '0' && (s[i + 1] === 'x' || s[i + 1] === 'X') && /[0-9a-fA-F]/.test(s[i + 2] ?? '')) { base = 16n; i += 2; }
  else if (s[i] === '0') base = 8n;
  let v = 0n;
  const max = (1n << 64n) - 1n;
  for (; i < s.length; i++) {
    const d = parseInt(s[i]!, 36);
    if (Number.isNaN(d) || BigInt(d) >= base) break;
    v = v * base + BigInt(d);
    if (v > max) return max;
  }
  return neg ? BigInt.asUintN(64, -v) : v;
}
