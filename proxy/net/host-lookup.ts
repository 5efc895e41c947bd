/*
 * Load-time name resolution for the addresses 2.6 resolves while it parses (log targets, stats sockets): /etc/hosts
 * first, then the system resolver through `getent` (libc's NSS order, DNS included, as 2.6's getaddrinfo). Synchronous
 * on purpose: the config parser reports an unresolvable name at its line, in order with the other messages.
 * Hot path: no (load time, once per host name).
 */
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { isIP, isIPv4, isIPv6 } from 'node:net';

/** First address of `name` in /etc/hosts for `fam` (0 any, 4, 6), '' if none. */
function hostsFile(name: string, fam: 0 | 4 | 6): string {
  let text: string;
  try { text = readFileSync('/etc/hosts', 'latin1'); } catch { return ''; }
  const lname = name.toLowerCase();
  for (const line of text.split('\n')) {
    const w = line.replace(/#.*/, '').trim().split(/\s+/);
    if (w.length < 2 || !w.slice(1).some((x) => x.toLowerCase() === lname)) continue;
    if (fam === 4 ? isIPv4(w[0]!) : fam === 6 ? isIPv6(w[0]!) : isIP(w[0]!) !== 0) return w[0]!;
  }
  return '';
}

/**
 * The address `name` resolves to for family `fam` (0 any, 4, 6): `name` itself when it is an address of that family,
 * else /etc/hosts, else `getent ahosts[v4|v6]`; '' when it does not resolve. Blocks up to 5 s on a slow resolver.
 */
export function lookupHostSync(name: string, fam: 0 | 4 | 6): string {
  const ipf = isIP(name);
  if (ipf !== 0) return fam === 0 || fam === ipf ? name : '';
  if (name === '' || !/^[A-Za-z0-9._-]+$/.test(name)) return '';
  const h = hostsFile(name, fam);
  if (h !== '') return h;
  try {
    const out = execFileSync('getent', [fam === 4 ? 'ahostsv4' : fam === 6 ? 'ahostsv6' : 'ahosts', name],
      { encoding: 'latin1', timeout: 5000, stdio: ['ignore', 'pipe', 'ignore'] });
    const first = out.split(/\s+/)[0] ?? '';
    // ahostsv6 maps IPv4-only names to ::ffff:a.b.c.d: 2.6 (AF_INET6 hints without AI_V4MAPPED) does not take them
    if (fam === 6 && first.startsWith('::ffff:') && first.includes('.')) return '';
    return isIP(first) !== 0 ? first : '';
  } catch { return ''; }
}
