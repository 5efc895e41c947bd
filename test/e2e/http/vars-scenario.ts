/*
 * Variables golden (fixtures/http/vars, captured from HAProxy 2.6 by capture.mts there): set-var from fetches with a
 * converter, set-var-fmt, a sess variable kept across the requests of one connection, unset-var, an ACL on var(),
 * variables in header values, in a response rule and in the log-format. Shared with test/e2e/http/vars.test.ts.
 */
import { goldenDefaults } from './golden-util.ts';
import { sequence } from './counters-scenario.ts';

export function varsConfig(p: { fe: number; srv: number; log: number }): string {
  return goldenDefaults(p.log) + `
frontend fe
    bind 127.0.0.1:${p.fe}
    log-format "%ST %[var(txn.host)] %[var(sess.first)] %[var(txn.tag)] %{+Q}r"
    http-request set-var(txn.host) req.hdr(host),lower
    http-request set-var(txn.path) path
    http-request set-var-fmt(txn.tag) "t-%[path]-%ci"
    http-request set-var(sess.first) path if !{ var(sess.first) -m found }
    http-request unset-var(txn.host) if { path /unset }
    http-request deny if { var(txn.path) -m beg /private }
    http-request set-header x-host "%[var(txn.host)]"
    http-request set-header x-tag "%[var(txn.tag)]"
    http-request set-header x-first "%[var(sess.first)]"
    http-response set-header x-resp-host "%[var(txn.host)]"
    default_backend bk

backend bk
    server s1 127.0.0.1:${p.srv}
`;
}

/** Four requests on one kept-alive connection; returns the whole responses. */
export function runVarsScenario(fe: number): Promise<string[]> {
  const r = (path: string): string => 'GET ' + path + ' HTTP/1.1\r\nhost: Vars.Example\r\n\r\n';
  return sequence(fe, [r('/a'), r('/b'), r('/unset'), r('/private/x')], true, true);
}
