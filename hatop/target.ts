// Parses hatop's `-s`/`-t` arguments into a Target, using HAProxy's address words (`unix@/path`,
// `ipv4@host:port`, `[v6]:port`). Pure; called by main.ts only. Hot path: no.
import type { Target } from './types.ts';

/** Returns a Target, or an error string for input that is neither a path nor host:port. */
export function parseTarget(spec: string, tcp: boolean): Target | string {
  let s = spec.trim();
  if (s === '') return 'empty socket address';
  if (s.startsWith('unix@')) return { kind: 'unix', path: s.slice(5), label: s.slice(5) };
  if (!tcp && !s.startsWith('ipv4@') && !s.startsWith('ipv6@') && !s.startsWith('tcp@')) {
    return { kind: 'unix', path: s, label: s };
  }
  const at = s.indexOf('@');
  if (at >= 0 && at < 5) s = s.slice(at + 1);
  let host: string;
  let portStr: string;
  if (s.startsWith('[')) {
    const close = s.indexOf(']');
    if (close < 0 || s.charCodeAt(close + 1) !== 58) return `bad address '${spec}': expected [ipv6]:port`;
    host = s.slice(1, close);
    portStr = s.slice(close + 2);
  } else {
    const colon = s.lastIndexOf(':');
    if (colon <= 0) return `bad address '${spec}': expected host:port`;
    host = s.slice(0, colon);
    portStr = s.slice(colon + 1);
  }
  const port = Number(portStr);
  if (!/^[0-9]+$/.test(portStr) || port < 1 || port > 65535) return `bad port in '${spec}'`;
  return { kind: 'tcp', host, port, label: `${host}:${port}` };
}
