/*
 * `userlist` + `http-request auth` golden (fixtures/http/auth, captured from HAProxy 2.6 by capture.mts there): a
 * realm, the default realm (proxy name), http_auth() and http_auth_group() with memberships declared on both the group
 * and the user line, right and wrong credentials, SHA-512 and SHA-256 crypt `password` hashes. Shared with test/e2e/http/auth.test.ts.
 */
import { goldenDefaults, rawRequest } from './golden-util.ts';

export function authConfig(p: { fe: number; srv: number; log: number }): string {
  return `userlist users
    group admins users alice
    group ops
    user alice insecure-password wonder
    user bob insecure-password builder groups ops
    user carol password $6$Qx9$0FcJn4QO.1rY7Z0ZbaQgRsSYchKonbhD/bgEes/M.Pq9rWU3S/9UZe5Tt7KkDFT20ZloCHb.7gwIjkSLdGmll/
    user dan password $5$abc$DnCYTv5zQA4.a0EuR1Ep5c2UwwoLB6TJi0YIMDKCLm6 groups ops

` + goldenDefaults(p.log) + `
frontend fe
    bind 127.0.0.1:${p.fe}
    http-request auth realm "Private zone" if { path_beg /admin } !{ http_auth_group(users) admins }
    http-request auth if { path_beg /ops } !{ http_auth_group(users) ops }
    http-request auth if { path_beg /any } !{ http_auth(users) }
    default_backend bk

backend bk
    server s1 127.0.0.1:${p.srv}
`;
}

const CASES: [string, string][] = [['/admin', ''], ['/admin', 'alice:wonder'], ['/admin', 'bob:builder'], ['/ops', 'bob:builder'],
  ['/ops', 'alice:wonder'], ['/any', 'bob:builder'], ['/any', 'bob:wrong'], ['/any', ''],
  ['/any', 'carol:s3cret'], ['/any', 'carol:wrong'], ['/ops', 'dan:pass5'], ['/ops', 'dan:pass6']];

export async function runAuthScenario(fe: number): Promise<string[]> {
  const out: string[] = [];
  for (const [p, a] of CASES) {
    const auth = a !== '' ? 'authorization: Basic ' + Buffer.from(a).toString('base64') + '\r\n' : '';
    out.push(await rawRequest(fe, 'GET ' + p + ' HTTP/1.1\r\nhost: a\r\n' + auth + 'connection: close\r\n\r\n'));
    // haproxy logs a stream after the client saw its close: a pause keeps the next connection out of feconn/actconn
    await new Promise((r) => setTimeout(r, 20));
  }
  return out;
}
