// Colours by state, shared by every view: UP/OPEN green, DOWN/STOP red, MAINT/DRAIN yellow,
// NOLB magenta, `no check` dim. HATop used none; operators asked for them. Pure. Hot path: no.

/** Colour for a `status` value (first word decides: `UP 1/2` is UP, `MAINT (via x/y)` is MAINT). */
export function statusColor(status: string): string | undefined {
  const sp = status.indexOf(' ');
  const w = sp < 0 ? status : status.slice(0, sp);
  switch (w) {
    case 'UP':
    case 'OPEN':
      return sp < 0 ? 'green' : 'yellowBright';
    case 'DOWN':
    case 'STOP':
      return sp < 0 || status.startsWith('DOWN (') ? 'red' : 'redBright';
    case 'MAINT':
    case 'DRAIN':
    case 'PAUSED':
      return 'yellow';
    case 'NOLB':
      return 'magenta';
    case 'no':
      return 'gray';
    default:
      return undefined;
  }
}

/** Check status codes: *OK green, failures red, unknown/none default. */
export function checkColor(check: string): string | undefined {
  if (check === '') return undefined;
  const c = check.startsWith('* ') ? check.slice(2) : check;
  if (c.endsWith('OK') || c === 'L7OKC') return 'green';
  if (c === 'INI' || c === 'UNK') return undefined;
  return 'red';
}

/** Non-zero error counters stand out. */
export function errorColor(n: number): string | undefined {
  return n > 0 ? 'red' : undefined;
}

export const COLOR_SPARK_REQ = 'cyan';
export const COLOR_SPARK_5XX = 'red';
