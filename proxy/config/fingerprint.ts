/*
 * HAProxy's word fingerprint, used for its "did you mean" hints (config keywords, CLI commands): counts of
 * character-class transitions in a 32x32 table (1..26 letters, 27 digit, 28 other, 28 also marks the ends), and the
 * distance between two words as the sum of absolute differences. Called by config/registry.ts (bestMatch) and
 * stats/cli-registry.ts. Hot path: no.
 */

/** Adds `word`'s transitions to `fp` (1024 entries, zeroed by the caller for a single word). */
export function wordFingerprint(fp: Uint8Array, word: string): void {
  let from = 28;
  for (let i = 0; i < word.length; i++) {
    const c = word.charCodeAt(i) | 0x20;
    let to: number;
    const raw = word.charCodeAt(i);
    if (raw >= 48 && raw <= 57) to = 27;
    else if (c >= 97 && c <= 122) to = c - 96;
    else to = 28;
    fp[to] = 1;
    fp[32 * from + to]!++;
    from = to;
  }
  fp[32 * from + 28]!++;
}

export function fingerprintDistance(a: Uint8Array, b: Uint8Array): number {
  let d = 0;
  for (let i = 0; i < 1024; i++) d += Math.abs(a[i]! - b[i]!);
  return d;
}
