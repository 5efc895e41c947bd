/*
 * Error customisation and monitor golden (fixtures/http/errors, captured from HAProxy 2.6 by capture.mts there):
 * monitor-uri with monitor fail (answered, not logged; nbsrv() of a backend with and without servers), errorloc/errorloc302/errorloc303, http-error with string,
 * lf-string, hdr formats and default-errorfiles, errorfiles importing an http-errors section (whole or some codes, the
 * last declaration winning), defaults inheritance, and `return|deny ... errorfile|errorfiles|default-errorfiles`. Shared with test/e2e/http/errors.test.ts.
 */
import { writeFileSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { goldenDefaults } from './golden-util.ts';
import { sequence } from './counters-scenario.ts';

export function errorsConfig(p: { fe: number; srv: number; log: number }): string {
  const dir = mkdtempSync(join(tmpdir(), 'errors-'));
  const f = (n: string, s: string): string => { writeFileSync(join(dir, n), s); return join(dir, n); };
  const sec503 = f('sec503.http', 'HTTP/1.1 503 Section\r\ncontent-type: text/plain\r\ncontent-length: 8\r\n\r\nsection\n');
  const sec403 = f('sec403.http', 'HTTP/1.0 403 Forbidden\r\nCache-Control: no-cache\r\nConnection: close\r\nContent-Type: text/html\r\n\r\n<h1>sec 403</h1>\n');
  const own503 = f('own503.http', 'HTTP/1.1 503 Own\r\ncontent-length: 4\r\n\r\nown\n');
  const page = f('page.txt', 'page from a file\n');
  return `http-errors site
    errorfile 503 ${sec503}
    errorfile 403 ${sec403}

` + goldenDefaults(p.log) + `    errorloc 504 http://err.example/timeout

frontend fe
    bind 127.0.0.1:${p.fe}
    log-format "%ST %B %b/%s %ts %{+Q}r"
    monitor-uri /healthz
    monitor fail if { req.hdr(x-fail) -m found }
    monitor fail if { req.hdr(x-app) -m found } { nbsrv(App) lt 1 }
    monitor fail if { req.hdr(x-site) -m found } { nbsrv(b_loc) lt 1 }
    http-request deny if { path /deny }
    http-request deny deny_status 429 if { path /slow }
    http-request return status 503 default-errorfiles if { path /r/default }
    http-request return status 503 errorfiles site hdr X-Ignored 1 if { path /r/site }
    http-request deny deny_status 503 errorfile ${own503} if { path /d/file }
    errorloc303 429 /retry-later
    errorfiles site 403
    use_backend b_loc if { path /b/loc }
    use_backend b_loc302 if { path /b/loc302 }
    use_backend b_str if { path /b/str }
    use_backend b_lf if { path /b/lf }
    use_backend b_file if { path /b/file }
    use_backend b_site if { path /b/site }
    use_backend b_last if { path /b/last }
    use_backend b_default if { path /b/default }
    use_backend b_ef if { path /b/ef }
    default_backend nosrv

backend b_loc
    errorloc 503 http://err.example/503

backend b_loc302
    errorloc302 503 /maint

backend b_str
    http-error status 503 content-type text/plain string "down %[path]" hdr X-Path "p=%[path]" hdr X-Static s

backend b_lf
    http-error status 503 content-type application/json lf-string "{\\"path\\":\\"%[path]\\"}"

backend b_file
    http-error status 503 content-type text/plain file ${page}

backend b_site
    errorfiles site

backend b_last
    errorfiles site
    errorfile 503 ${own503}

backend b_default
    errorloc 503 /x
    http-error status 503 default-errorfiles

backend b_ef
    http-error status 503 errorfile ${own503}

backend nosrv

backend App
    server s1 127.0.0.1:${p.srv}
`;
}

/** The requests on one kept-alive connection (an HTTP/1.0 one last); returns the whole responses. */
export function runErrorsScenario(fe: number): Promise<string[]> {
  const r = (path: string, h = ''): string => 'GET ' + path + ' HTTP/1.1\r\nhost: errors\r\n' + h + '\r\n';
  return sequence(fe, [
    r('/healthz'), r('/healthz', 'x-fail: 1\r\n'), r('/healthz', 'x-app: 1\r\n'), r('/healthz', 'x-site: 1\r\n'), r('/healthz?q=1'), r('/slow'), r('/b/loc'), r('/b/loc302'), r('/b/str'),
    r('/b/lf'), r('/b/file'), r('/b/site'), r('/b/last'), r('/b/default'), r('/b/ef'), r('/r/default'), r('/r/site'),
    r('/d/file'), r('/deny'),
  ], true, true);
}
