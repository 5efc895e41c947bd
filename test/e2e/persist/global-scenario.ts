/*
 * The traffic of the global-section golden (fixtures/persist/global/, captured from HAProxy 2.6 by capture.mts):
 * process variables set by global `set-var` / `set-var-fmt`, read back with var(proc.x) in a return rule.
 */
import { rawRequest } from '../http/golden-util.ts';

export function globalConfig(p: { fe: number }): string {
  return `global
    set-var proc.a int(5)
    set-var proc.b str(hello),upper
    set-var-fmt proc.f "%[var(proc.a)]-x-%[var(proc.b),lower]"
    set-var proc.c var(proc.a),add(10)
    maxconnrate 1000
    maxsessrate 1000

defaults
    mode http
    timeout connect 2s
    timeout client 5s
    timeout server 5s

frontend f
    bind 127.0.0.1:${p.fe}
    http-request return status 200 content-type text/plain lf-string "a=%[var(proc.a)] b=%[var(proc.b)] f=%[var(proc.f)] c=%[var(proc.c)]\\n"
`;
}

export async function runGlobal(port: number): Promise<string> {
  const r = await rawRequest(port, 'GET / HTTP/1.1\r\nhost: g\r\nconnection: close\r\n\r\n');
  return r.slice(r.indexOf('\r\n\r\n') + 4);
}
