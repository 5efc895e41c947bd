/*
 * Seeded, bounded mutations of HTTP/1.1 input cases and of the scripted upstream's replies for bench/edge/http-diff.ts:
 * each mutant applies 1-3 edits (insert/replace/delete a byte from a set that matters to HTTP framing, duplicate or
 * drop a line, CRLF -> LF, case flips, digit changes; requests also a cut with the rest sent after a pause). Same seed,
 * same mutant. Hot path: no.
 */

interface Case { name: string; send: (string | number)[]; idleMs?: number; closeAfterSend?: boolean }

/** mulberry32: a small deterministic PRNG in [0, 1). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const BYTES = [' ', '\t', '\r', '\n', '\r\n', '\x00', '\x0b', '\x7f', '\xff', ':', ',', ';', '"', '#', '0', '9', 'a', 'F',
  '-', '+', '=', '/', '?', '%', '\x01', ' chunked', ', chunked', '\r\n\r\n', '\r\n ', 'HTTP/1.1'];

/** 1-3 random edits of `s` (see the module comment); `ops` gets the edit kinds applied. */
function mutateText(s: string, rnd: () => number, ops: string[]): string {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
  const edits = 1 + Math.floor(rnd() * 3);
  for (let e = 0; e < edits; e++) {
    const op = Math.floor(rnd() * 9);
    const at = Math.floor(rnd() * (s.length + 1));
    ops.push(String(op));
    switch (op) {
      case 0: s = s.slice(0, at) + pick(BYTES) + s.slice(at); break;
      case 1: s = s.slice(0, at) + pick(BYTES) + s.slice(at + 1); break;
      case 2: s = s.slice(0, at) + s.slice(at + 1 + Math.floor(rnd() * 3)); break;
      case 3: { // duplicate a line
        const ls = s.split('\r\n'); const i = Math.floor(rnd() * ls.length); ls.splice(i, 0, ls[i]); s = ls.join('\r\n'); break;
      }
      case 4: { // drop a line
        const ls = s.split('\r\n'); if (ls.length > 2) ls.splice(1 + Math.floor(rnd() * (ls.length - 2)), 1); s = ls.join('\r\n'); break;
      }
      case 5: { // one CRLF -> LF
        const i = s.indexOf('\r\n', at); if (i >= 0) s = s.slice(0, i) + s.slice(i + 1); break;
      }
      case 6: { // flip case of a letter
        const c = s[at]; if (c !== undefined) s = s.slice(0, at) + (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase()) + s.slice(at + 1); break;
      }
      case 7: { // change a digit run
        const m = /\d+/g; m.lastIndex = at; const r = m.exec(s) ?? /\d+/.exec(s);
        if (r) s = s.slice(0, r.index) + pick(['0', '00', '1', '65536', '4294967295', '18446744073709551616', '-1', 'ff', 'FFFFFFFF', r[0] + '0']) + s.slice(r.index + r[0].length);
        break;
      }
      default: break; // a cut, below
    }
  }
  return s;
}

/** One mutant of a random seed case; its name carries the seed index and the PRNG seed. */
export function mutateCase(seeds: Case[], seed: number): Case {
  const rnd = prng(seed);
  const base = seeds[Math.floor(rnd() * seeds.length)];
  const ops: string[] = [];
  const s = mutateText(base.send[0] as string, rnd, ops);
  const cut = ops.includes('8') ? Math.floor(rnd() * s.length) : -1;
  const send: (string | number)[] = cut > 0 ? [s.slice(0, cut), 60, s.slice(cut)] : [s];
  return { name: `fuzz-${seed}-${base.name}`, send, idleMs: 400 };
}

/**
 * A mutant of one scripted upstream reply (fixtures/http/cases.mjs SCRIPT), registered in `script` under a new name,
 * and the case requesting it. Replies whose upstream closes or tunnels keep doing so.
 */
export function mutateReplyCase(script: Record<string, { reply: string }>, seed: number): Case {
  const rnd = prng(seed);
  const names = Object.keys(script).filter((n) => !n.startsWith('fz-') && script[n].reply.length < 4000);
  const base = names[Math.floor(rnd() * names.length)];
  const name = `fz-${seed}`;
  script[name] = { ...script[base], reply: mutateText(script[base].reply, rnd, []) };
  return { name: `fuzzrsp-${seed}-${base}`, send: [`GET /s/${name} HTTP/1.1\r\nHost: a\r\n\r\n`], idleMs: 600 };
}
