/*
 * The keyword registry: section keywords (CfgKeyword), server-line and bind-line keywords, LB algorithms, and the
 * list of HAProxy keywords Sluice knows but does not implement yet. Filled only by proxy/modules.ts (buildRegistry);
 * tests build their own. Looks a line up by its longest registered multi-word prefix and suggests the closest known
 * word on a miss ("did you mean"). Proxy keywords declared for section 'listen' apply to defaults/frontend/backend/
 * listen, filtered by their `cap`. Hot path: no (load time).
 */
import type { CfgKeyword, SectionKind, SrvKeyword, BindKeyword } from './types.ts';
import type { LbAlgo } from '../lb/types.ts';

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

  /** Words that follow `prefix` in multi-word names of a section ('option' → ['httplog', 'redispatch', ...]). */
  subwords(section: SectionKind, prefix: string): string[] {
    const out: string[] = [];
    const m = this.sections.get(section);
    const arr = m ? m.get(prefix) : undefined;
    if (arr) for (const k of arr) { const w = k.name.split(' '); if (w.length > 1) out.push(w[1]); }
    return out;
  }
}

/** Optimal-string-alignment edit distance (insert, delete, substitute, swap adjacent). */
function editDistance(a: string, b: string): number {
  const n = a.length;
  const m = b.length;
  const d: number[][] = [];
  for (let i = 0; i <= n; i++) { d.push(new Array<number>(m + 1).fill(0)); d[i][0] = i; }
  for (let j = 0; j <= m; j++) d[0][j] = j;
  for (let i = 1; i <= n; i++) {
    for (let j = 1; j <= m; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2][j - 2] + 1);
      d[i][j] = v;
    }
  }
  return d[n][m];
}

/**
 * The candidate closest to `word`, or '' when none is close enough to be a plausible typo (distance at most
 * a third of the word, minimum 1, maximum 3). Ties go to the first candidate in order.
 */
export function bestMatch(word: string, candidates: Iterable<string>): string {
  let best = '';
  let bestD = Infinity;
  const limit = Math.min(3, Math.max(1, Math.floor(word.length / 3)));
  for (const c of candidates) {
    const d = editDistance(word, c);
    if (d < bestD) { bestD = d; best = c; }
  }
  return bestD <= limit ? best : '';
}
