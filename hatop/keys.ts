// Decodes one terminal input event (as split by ink's input parser) into a named key, including
// the function keys F1-F12 that ink's useInput does not report (HATop's server hotkeys need them).
// Pure; called by app.tsx. Hot path: no.

export interface KeyEvent {
  /** 'char' for printable text (then `ch` holds it), else a key name: up down left right pageup
   * pagedown home end enter tab backtab escape backspace delete f1..f12 ctrl-a ctrl-c ctrl-e
   * alt-<char>. */
  readonly name: string;
  readonly ch: string;
}

const SEQ: Readonly<Record<string, string>> = {
  '\x1b[A': 'up', '\x1b[B': 'down', '\x1b[C': 'right', '\x1b[D': 'left',
  '\x1bOA': 'up', '\x1bOB': 'down', '\x1bOC': 'right', '\x1bOD': 'left',
  '\x1b[5~': 'pageup', '\x1b[6~': 'pagedown',
  '\x1b[H': 'home', '\x1b[F': 'end', '\x1bOH': 'home', '\x1bOF': 'end',
  '\x1b[1~': 'home', '\x1b[4~': 'end', '\x1b[7~': 'home', '\x1b[8~': 'end',
  '\x1b[2~': 'insert', '\x1b[3~': 'delete', '\x1b[Z': 'backtab',
  '\x1bOP': 'f1', '\x1bOQ': 'f2', '\x1bOR': 'f3', '\x1bOS': 'f4',
  '\x1b[11~': 'f1', '\x1b[12~': 'f2', '\x1b[13~': 'f3', '\x1b[14~': 'f4',
  '\x1b[[A': 'f1', '\x1b[[B': 'f2', '\x1b[[C': 'f3', '\x1b[[D': 'f4', '\x1b[[E': 'f5',
  '\x1b[15~': 'f5', '\x1b[17~': 'f6', '\x1b[18~': 'f7', '\x1b[19~': 'f8',
  '\x1b[20~': 'f9', '\x1b[21~': 'f10', '\x1b[23~': 'f11', '\x1b[24~': 'f12',
  '\r': 'enter', '\n': 'enter', '\r\n': 'enter', '\t': 'tab', '\x1b': 'escape',
  '\x7f': 'backspace', '\b': 'backspace', '\x03': 'ctrl-c', '\x01': 'ctrl-a', '\x05': 'ctrl-e',
};

/** Decodes one input event into keys: an escape sequence gives one key; text gives runs of
 * printable characters ('char') split by the control keys inside it (typed-ahead "bk/s1\r" is
 * the text then ENTER). Other control characters are dropped. */
export function decodeKeys(seq: string): KeyEvent[] {
  const named = SEQ[seq];
  if (named) return [{ name: named, ch: '' }];
  if (seq.charCodeAt(0) === 0x1b) {
    // ESC ESC (HATop's "previous view") can arrive as one event.
    if (seq === '\x1b\x1b') return [{ name: 'escape', ch: '' }, { name: 'escape', ch: '' }];
    if (seq.length === 2 && seq.charCodeAt(1) >= 0x20) return [{ name: 'alt-' + seq[1], ch: seq[1]! }];
    return [{ name: 'unknown', ch: '' }];
  }
  const out: KeyEvent[] = [];
  let text = '';
  for (const c of seq) {
    if (c >= ' ' && c !== '\x7f') {
      text += c;
      continue;
    }
    if (text !== '') out.push({ name: 'char', ch: text });
    text = '';
    const n = SEQ[c];
    if (n) out.push({ name: n, ch: '' });
  }
  if (text !== '') out.push({ name: 'char', ch: text });
  return out.length ? out : [{ name: 'unknown', ch: '' }];
}
