/*
 * http-after-response golden (fixtures/http/after-response, captured from HAProxy 2.6 by capture.mts there): header,
 * status, variable and capture actions on a server's response and on local replies (return, redirect, deny, a 503
 * without server, an errorfile, a http-response deny), the backend's list before the frontend's, `allow` ending one
 * list, conditions on status and variables. Shared with test/e2e/http/after-response.test.ts.
 */
import { writeFileSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { goldenDefaults } from './golden-util.ts';
import { sequence } from './counters-scenario.ts';

const ERRORFILE = 'HTTP/1.0 503 Busy\r\nCache-Control: no-cache\r\nConnection: close\r\nContent-Type: text/plain\r\n\r\nbusy, try later\n';

export function afterResponseConfig(p: { fe: number; srv: number; log: number }): string {
  const dir = mkdtempSync(join(tmpdir(), 'after-resp-'));
  writeFileSync(join(dir, '503.http'), ERRORFILE);
  return goldenDefaults(p.log) + `
frontend fe
    bind 127.0.0.1:${p.fe}
    log-format "%ST %B %b/%s %ts [%[var(txn.v)]] [%[capture.res.hdr(0)]] %{+Q}r"
    declare capture response len 8
    http-request set-var(txn.path) path
    http-request return status 200 content-type text/plain string hi if { path /ret }
    http-request redirect location /x if { path /redir }
    http-request deny deny_status 429 if { path /deny }
    http-after-response set-header X-Fe fe
    http-after-response add-header X-Status %[status]
    http-after-response del-header X-Del
    http-after-response replace-header X-Rep ^ab(.*) AB\\1
    http-after-response replace-value X-Val ^a(.*) A\\1
    http-after-response set-status 418 if { status 503 }
    http-after-response set-status 299 reason "Fine Thanks" if { var(txn.path) -m str /status }
    http-after-response set-header X-After %[status] if { status 418 } || { status 299 }
    http-after-response set-var(txn.v) str(seen)
    http-after-response capture res.hdr(x-be) id 0
    http-after-response strict-mode off
    http-after-response allow if { var(txn.path) -m str /allow }
    http-after-response set-header X-Last last
    use_backend nosrv if { path /nosrv }
    use_backend ef if { path /ef }
    default_backend be

backend be
    http-response set-header X-Del gone
    http-response set-header X-Rep abcd
    http-response set-header X-Val "abc, def, axe"
    http-response deny if { var(txn.path) -m str /resdeny }
    http-after-response set-header X-Be be
    http-after-response allow if { var(txn.path) -m str /beallow }
    http-after-response set-header X-Be2 be2
    server s1 127.0.0.1:${p.srv}

backend nosrv
    http-after-response set-header X-Nosrv 1

backend ef
    errorfile 503 ${join(dir, '503.http')}
`;
}

/** The requests, one kept-alive connection; returns the whole responses. */
export function runAfterResponseScenario(fe: number): Promise<string[]> {
  const r = (path: string): string => 'GET ' + path + ' HTTP/1.1\r\nhost: after\r\n\r\n';
  return sequence(fe, ['/', '/ret', '/redir', '/deny', '/nosrv', '/status', '/allow', '/beallow', '/resdeny', '/ef'].map(r), true, true);
}
