/*
 * `show resolvers [<id>]` on the stats socket, in HAProxy 2.6's layout: each resolvers section with its nameservers'
 * counters, then the "default" section 2.6 builds from /etc/resolv.conf (its nameservers named after their address).
 * Registered through stats/cli-registry.ts addModuleCli by proxy/edge.ts. Hot path: no.
 */
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import type { CliCommand, CliReply } from '../stats/types.ts';
import { ACCESS_LVL_USER, LOG_INFO, LOG_ERR } from '../stats/types.ts';
import type { NsCounters, ResolversCfg } from './types.ts';
import { resolversOf, newNsCounters } from './resolvers-section.ts';

const ROWS: readonly [string, keyof NsCounters][] = [
  ['sent', 'sent'], ['snd_error', 'sndError'], ['valid', 'valid'], ['update', 'update'], ['cname', 'cname'],
  ['cname_error', 'cnameError'], ['any_err', 'anyErr'], ['nx', 'nx'], ['timeout', 'timeout'], ['refused', 'refused'],
  ['other', 'other'], ['invalid', 'invalid'], ['too_big', 'tooBig'], ['truncated', 'truncated'], ['outdated', 'outdated'],
];

function dumpSection(name: string, ns: readonly { name: string; counters: NsCounters }[]): string {
  let out = `Resolvers section ${name}\n`;
  for (const n of ns) {
    out += ` nameserver ${n.name}:\n`;
    for (const [label, key] of ROWS) out += `  ${(label + ':').padEnd(13)}${n.counters[key]}\n`;
  }
  return out;
}

/** 2.6's implicit "default" section: the nameservers of /etc/resolv.conf (none when it cannot be read). */
let defaultNs: { name: string; counters: NsCounters }[] | null = null;
function defaultSection(): { name: string; counters: NsCounters }[] {
  if (defaultNs !== null) return defaultNs;
  defaultNs = [];
  try {
    for (const line of readFileSync('/etc/resolv.conf', 'utf8').split('\n')) {
      const w = line.trim().split(/\s+/);
      if (w[0] === 'nameserver' && w[1] !== undefined && isIP(w[1]) !== 0) defaultNs.push({ name: w[1], counters: newNsCounters() });
    }
  } catch { /* no default section */ }
  return defaultNs;
}

export const dnsCliCommands: CliCommand[] = [{
  words: ['show', 'resolvers'],
  usage: null,
  level: ACCESS_LVL_USER,
  parse(args, _s, env): CliReply {
    const all: Map<string, ResolversCfg> = resolversOf(env.src.global);
    const want = args[2] ?? '';
    let out = '';
    for (const r of all.values()) if (want === '' || r.name === want) out += dumpSection(r.name, r.nameservers);
    if (!all.has('default')) {
      const d = defaultSection();
      if (d.length > 0 && (want === '' || want === 'default')) out += dumpSection('default', d);
    }
    if (out === '' && want !== '') return { text: "Can't find that resolvers section\n", severity: LOG_ERR };
    return { text: out, severity: LOG_INFO };
  },
}];
