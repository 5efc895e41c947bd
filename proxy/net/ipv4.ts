/*
 * Dotted-quad IPv4 text to its unsigned 32-bit value, the one parser every module uses (ACL patterns, converters,
 * option originalto, resolve-net, the session's client address). A byte loop, no regex: it runs once per HTTP session.
 * Hot path: yes (per session).
 */

/** The value of `s` as an unsigned 32-bit int, or -1 when it is not four decimal octets (each 0-255, 1-3 digits). */
export function ipv4Value(s: string): number {
  let v = 0, part = 0, dots = 0, digits = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 46) {
      if (digits === 0 || dots === 3) return -1;
      v = v * 256 + part; part = 0; dots++; digits = 0;
      continue;
    }
    if (c < 48 || c > 57 || digits === 3) return -1;
    part = part * 10 + c - 48; digits++;
    if (part > 255) return -1;
  }
  return dots === 3 && digits > 0 ? v * 256 + part : -1;
}

/** `addr[/len]` or `addr/dotted-mask` as [network, mask] (network already masked), or null when malformed. */
export function ipv4Net(text: string): [number, number] | null {
  const slash = text.indexOf('/');
  const base = ipv4Value(slash < 0 ? text : text.slice(0, slash));
  if (base < 0) return null;
  let mask = 0xffffffff;
  if (slash >= 0) {
    const m = text.slice(slash + 1);
    const len = /^\d{1,2}$/.test(m) ? Number(m) : -1;
    if (len >= 0 && len <= 32) mask = len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0;
    else if ((mask = ipv4Value(m)) < 0) return null;
  }
  return [(base & mask) >>> 0, mask];
}
