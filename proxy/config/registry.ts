/*
 * The keyword registry: section keywords (CfgKeyword), server-line and bind-line keywords, LB algorithms, the
 * list of HAProxy keywords Sluice knows but does not implement yet, and those it accepts and ignores with a warning. Filled only by proxy/modules.ts (buildRegistry);
 * tests build their own. Looks a line up by its longest registered multi-word prefix and suggests the closest known
 * word on a miss ("did you mean"). Proxy keywords declared for section 'listen' apply to defaults/frontend/backend/
 * listen, filtered by their `cap`. Hot path: no (load time).
 */
import type { CfgKeyword, SectionKind, SrvKeyword, BindKeyword } from './types.ts';
import type { LbAlgo } from '../lb/types.ts';
import { wordFingerprint, fingerprintDistance } from './fingerprint.ts';

const PROXY_SECTIONS: readonly SectionKind[] = ['defaults', 'frontend', 'backend', 'listen'];

export interface KwMatch {
  kw: CfgKeyword;
  /** How many words of the line form the keyword name. */
  nwords: number;
}

export class KeywordRegistry {
  /** section → first word → keywords with that first word, longest names first. */
  readonly sections = new Map<SectionKind, Map<string, CfgKeyword[]>>();
  readonly serverKws = new Map<string, SrvKeyword>();
  readonly bindKws = new Map<string, BindKeyword>();
  readonly lbAlgos = new Map<string, LbAlgo>();
  /** HAProxy keyword (possibly multi-word, e.g. 'option http-buffer-request') → section family ('global'|'proxy'|'server'|'bind'). */
  readonly unsupported = new Map<string, string>();
  /** family + ':' + HAProxy keyword accepted and ignored with a warning → [arguments on a server/bind line, reason]. */
  readonly ignored = new Map<string, readonly [number, string]>();

  register(kws: readonly CfgKeyword[]): void {
    for (const kw of kws) {
      const secs = typeof kw.section === 'string' ? [kw.section] : kw.section;
      const targets = new Set<SectionKind>();
      for (const s0 of secs) for (const s of s0 === 'listen' ? PROXY_SECTIONS : [s0]) targets.add(s);
      {
        for (const s of targets) {
          let m = this.sections.get(s);
          if (!m) { m = new Map(); this.sections.set(s, m); }
          const first = kw.name.split(' ')[0];
          let arr = m.get(first);
          if (!arr) { arr = []; m.set(first, arr); }
          if (arr.some((k) => k.name === kw.name)) throw new Error(`keyword '${kw.name}' registered twice in '${s}'`);
          arr.push(kw);
          arr.sort((a, b) => b.name.split(' ').length - a.name.split(' ').length);
        }
      }
    }
  }

  registerServer(kws: readonly SrvKeyword[]): void {
    for (const k of kws) {
      if (this.serverKws.has(k.name)) throw new Error(`server keyword '${k.name}' registered twice`);
      this.serverKws.set(k.name, k);
    }
  }

  registerBind(kws: readonly BindKeyword[]): void {
    for (const k of kws) {
      if (this.bindKws.has(k.name)) throw new Error(`bind keyword '${k.name}' registered twice`);
      this.bindKws.set(k.name, k);
    }
  }

  registerLb(algos: readonly LbAlgo[]): void {
    for (const a of algos) {
      if (this.lbAlgos.has(a.name)) throw new Error(`balance algorithm '${a.name}' registered twice`);
      this.lbAlgos.set(a.name, a);
    }
  }

  /** Names are 'word' or 'option word' etc.; family is 'global', 'proxy', 'server' or 'bind'. */
  registerUnsupported(family: string, names: readonly string[]): void {
    for (const n of names) this.unsupported.set(family + ':' + n, family);
  }

  isUnsupported(family: string, name: string): boolean { return this.unsupported.has(family + ':' + name); }

  /** Entries [name, arguments, reason] of proxy/ignored.ts for a family. */
  registerIgnored(family: string, kws: ReadonlyArray<readonly [string, number, string]>): void {
    for (const [name, nargs, why] of kws) this.ignored.set(family + ':' + name, [nargs, why]);
  }

  /** [arguments, reason] when `name` is a keyword of `family` Sluice accepts and ignores, else undefined. */
  ignoredKw(family: string, name: string): readonly [number, string] | undefined { return this.ignored.get(family + ':' + name); }

  /** The keyword for `args` (from index `from`) in `section`: longest registered name matching the leading words. */
  lookup(section: SectionKind, args: readonly string[], from = 0): KwMatch | null {
    const m = this.sections.get(section);
    if (!m || from >= args.length) return null;
    const arr = m.get(args[from]);
    if (!arr) return null;
    for (const kw of arr) {
      const words = kw.name.split(' ');
      if (from + words.length > args.length) continue;
      let ok = true;
      for (let w = 1; w < words.length; w++) if (args[from + w] !== words[w]) { ok = false; break; }
      if (ok) return { kw, nwords: words.length };
    }
    return null;
  }

  /** Every registered keyword name of a section, for hints. */
  names(section: SectionKind): string[] {
    const out: string[] = [];
    const m = this.sections.get(section);
    if (m) for (const arr of m.values()) for (const k of arr) out.push(k.name);
    return out;
  }

  /** The 2.6 keywords of a family ('global', 'proxy', 'server', 'bind') no module implements (unsupported or ignored), for hints. */
  unsupportedNames(family: string): string[] {
    const out: string[] = [];
    for (const [key, f] of this.unsupported) if (f === family) out.push(key.slice(f.length + 1));
    for (const key of this.ignored.keys()) if (key.startsWith(family + ':')) out.push(key.slice(family.length + 1));
    return out;
  }

  /** Words that follow `prefix` in multi-word names of a section ('option' → ['httplog', 'redispatch', ...]). */
  subwords(section: SectionKind, prefix: string): string[] {
    const out: string[] = [];
    const m = this.sections.get(section);
    const arr = m ? m.get(prefix) : undefined;
    if (arr) for (const k of arr) { const w = k.name.split(' '); if (w.length > 1) out.push(w[1]); }
    return out;
  }
}

/**
 * The candidate closest to `word` by HAProxy's word fingerprint, or '' when it is too far to be a plausible typo
 * (as 2.6: the distance must not exceed twice the length of the word nor twice that of the candidate). Ties go to the
 * first candidate in order.
 */
export function bestMatch(word: string, candidates: Iterable<string>): string {
  const ws = new Uint8Array(1024);
  wordFingerprint(ws, word);
  const cs = new Uint8Array(1024);
  let best = '';
  let bestD = Infinity;
  for (const c of candidates) {
    cs.fill(0);
    wordFingerprint(cs, c);
    const d = fingerprintDistance(ws, cs);
    if (d < bestD) { bestD = d; best = c; }
  }
  if (best === '' || bestD > 2 * word.length || bestD > 2 * best.length) return '';
  return best;
}
