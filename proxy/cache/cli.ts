/*
 * `show cache` on the stats socket (admin level), in HAProxy 2.6's layout: per cache "<addr>: <name> (shctx:<addr>,
 * available blocks:<n>)", then one line per live entry ordered by its 32-bit hash: address, hash, the secondary key
 * as hex (accept-encoding bitmap then referer hash, little-endian), row size and blocks, refcount, seconds to expiry.
 * Addresses are made up (2.6 prints pointers); everything else matches. Registered by cache/register.ts. Hot path: no.
 */
import type { CliCommand, CliReply } from '../stats/types.ts';
import { ACCESS_LVL_ADMIN, LOG_INFO } from '../stats/types.ts';
import type { CacheCfg } from './types.ts';
import { cachesOf } from './section.ts';
import { cacheListing } from './store.ts';

function hex32le(n: number): string {
  let s = '';
  for (let i = 0; i < 4; i++) s += ((n >>> (8 * i)) & 0xff).toString(16).padStart(2, '0');
  return s;
}

/** The `show cache` text of the caches at second `now`. */
export function showCache(caches: Iterable<CacheCfg>, now: number): string {
  let out = '';
  for (const c of caches) {
    out += `0x${(c.addr + 0x3a).toString(16)}: ${c.name} (shctx:0x${c.addr.toString(16)}, available blocks:${c.maxBlocks})\n`;
    for (const e of cacheListing(c, now)) {
      out += `0x${e.addr.toString(16)} hash:${e.hash32} vary:0x${hex32le(e.aeBits)}${hex32le(e.refHash)} size:${e.size} (${e.blocks} blocks), refcount:0, expire:${e.expire - now}\n`;
    }
  }
  return out;
}

export const cacheCliCommands: CliCommand[] = [{
  words: ['show', 'cache'],
  usage: null,
  level: ACCESS_LVL_ADMIN,
  parse(_args, _s, env): CliReply {
    return { text: showCache(cachesOf(env.src.global).values(), Math.floor(Date.now() / 1000)), severity: LOG_INFO };
  },
}];
