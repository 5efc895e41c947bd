/*
 * The `language(<value>[;<value>...][,<default>])` converter: of the languages an Accept-Language value lists, the
 * one with the highest q-factor (the first among equals) that is one of <value>s, matched with its variant
 * (`fr-FR`) or else by its base language (`fr`); the default when none matches. q=0 entries are dropped. Registered
 * into log/converters.ts by proxy/modules.ts. Hot path: per evaluation.
 */
import type { Conv } from '../log/converters.ts';

/** The converter for `text`, or undefined when it is another converter. */
export function languageConverter(text: string): Conv | string | undefined {
  const m = /^language\((.*)\)$/.exec(text);
  if (m === null) return text === 'language' ? 'missing args' : undefined;
  const comma = m[1].indexOf(',');
  const list = (comma < 0 ? m[1] : m[1].slice(0, comma)).split(';').map((s) => s.trim()).filter((s) => s !== '');
  const dflt = comma < 0 ? null : m[1].slice(comma + 1).trim();
  if (list.length === 0) return 'missing args';
  const known = new Set(list);
  return (v) => {
    let best: string | null = null, bestQ = 0;
    for (const item of (v === null ? '' : String(v)).split(',')) {
      const parts = item.split(';');
      const lang = parts[0].trim();
      if (lang === '') continue;
      let q = 1;
      for (let i = 1; i < parts.length; i++) {
        const kv = /^\s*q\s*=\s*([0-9.]+)\s*$/.exec(parts[i]);
        if (kv !== null) q = Number(kv[1]);
      }
      if (!(q > 0) || q <= bestQ) continue;
      const dash = lang.indexOf('-');
      const hit = known.has(lang) ? lang : dash > 0 && known.has(lang.slice(0, dash)) ? lang.slice(0, dash) : null;
      if (hit !== null) { best = hit; bestQ = q; }
    }
    return best ?? dflt;
  };
}
