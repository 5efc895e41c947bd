/*
 * The traffic of the persistence-override golden (fixtures/persist/http/, captured from HAProxy 2.6 by capture.mts):
 * `use-server`, `force-persist`, `ignore-persist` and `option persist` with cookie persistence, a server in
 * maintenance and a dead one (option redispatch, and force-persist which never redispatches). Origins answer with
 * their name and the request head they received. Shared by the capture script and persist.test.ts.
 */
import { rawRequest, goldenDefaults } from '../http/golden-util.ts';

export interface PersistPorts { fe: number; a: number; b: number; dead: number; log: number }

export function persistConfig(p: PersistPorts): string {
  return goldenDefaults(p.log) + `
frontend fe
    bind 127.0.0.1:${p.fe}
    use_backend us if { path_beg /us }
    use_backend op if { path_beg /op }
    use_backend fp if { path_beg /fp }
    use_backend sa if { path_beg /sa }
    use_backend sb if { path_beg /sb }
    use_backend sc if { path_beg /sc }
    use_backend sn if { path_beg /sn }
    default_backend ck

backend ck
    cookie SRV insert indirect nocache
    ignore-persist if { path_beg /static }
    force-persist if { req.hdr(x-force) 1 }
    use-server s2 if { req.hdr(x-srv) 2 }
    server s1 127.0.0.1:${p.a} cookie a
    server s2 127.0.0.1:${p.b} cookie b disabled
    server s3 127.0.0.1:${p.b} cookie c

backend us
    use-server s2 if { req.hdr(x-srv) 2 }
    use-server s1 unless { req.hdr(x-srv) -m found }
    use-server s3 if { req.hdr(x-srv) 3 }
    force-persist if { req.hdr(x-force) 1 }
    server s1 127.0.0.1:${p.a}
    server s2 127.0.0.1:${p.b}
    server s3 127.0.0.1:${p.b} disabled

backend op
    option persist
    option redispatch
    retries 2
    timeout connect 300ms
    cookie SRV insert indirect
    server s1 127.0.0.1:${p.a} cookie a
    server s2 127.0.0.1:${p.dead} cookie d disabled

backend fp
    option redispatch
    retries 1
    timeout connect 300ms
    force-persist if { req.hdr(x-force) 1 }
    cookie SRV insert indirect
    server s1 127.0.0.1:${p.a} cookie a
    server s2 127.0.0.1:${p.dead} cookie d disabled

backend sa
    stick-table type string size 1k
    stick store-request req.hdr(x-k)
    server s1 127.0.0.1:${p.a}
    server s2 127.0.0.1:${p.b}

backend sb
    stick match req.hdr(x-k) table sa
    force-persist if { req.hdr(x-force) 1 }
    server s1 127.0.0.1:${p.a}
    server s2 127.0.0.1:${p.b} disabled

backend sc
    option persist
    stick match req.hdr(x-k) table sa
    server s1 127.0.0.1:${p.a}
    server s2 127.0.0.1:${p.b} disabled

backend sn
    stick-table type string size 1k
    stick on req.hdr(x-k)
    default-server non-stick
    server s1 127.0.0.1:${p.a}
    server s2 127.0.0.1:${p.b} stick
`;
}

/** Request path and extra header lines of each case, in order. */
export const PERSIST_CASES: [string, string][] = [
  ['/none', ''],
  ['/valid', 'cookie: SRV=a\r\n'],
  ['/maint', 'cookie: SRV=b\r\n'],
  ['/maint-force', 'cookie: SRV=b\r\nx-force: 1\r\n'],
  ['/static/a', 'cookie: x=1; SRV=c\r\n'],
  ['/static/b', ''],
  ['/ck-use-server', 'x-srv: 2\r\n'],
  ['/ck-use-server-force', 'x-srv: 2\r\nx-force: 1\r\n'],
  ['/ck-cookie-wins', 'cookie: SRV=c\r\nx-srv: 2\r\nx-force: 1\r\n'],
  ['/us/2', 'x-srv: 2\r\n'],
  ['/us/none', ''],
  ['/us/3', 'x-srv: 3\r\n'],
  ['/us/3-force', 'x-srv: 3\r\nx-force: 1\r\n'],
  ['/us/9', 'x-srv: 9\r\n'],
  ['/op/dead', 'cookie: SRV=d\r\n'],
  ['/op/none', ''],
  ['/fp/dead-force', 'cookie: SRV=d\r\nx-force: 1\r\n'],
  ['/fp/dead', 'cookie: SRV=d\r\n'],
  ['/sa/k1', 'x-k: k1\r\n'],
  ['/sa/k2', 'x-k: k2\r\n'],
  ['/sb/k2', 'x-k: k2\r\n'],
  ['/sb/k2-force', 'x-k: k2\r\nx-force: 1\r\n'],
  ['/sb/k1', 'x-k: k1\r\n'],
  ['/sc/k2', 'x-k: k2\r\n'],
  ['/sn/1', 'x-k: n1\r\n'],
  ['/sn/2', 'x-k: n1\r\n'],
  ['/sn/3', 'x-k: n1\r\n'],
  ['/sn/4', 'x-k: n1\r\n'],
];

/** Runs every case on its own connection; returns the raw responses (head + body with the server's view). */
export async function runPersistScenario(port: number): Promise<string[]> {
  const out: string[] = [];
  for (const [path, hdrs] of PERSIST_CASES) {
    out.push(await rawRequest(port, 'GET ' + path + ' HTTP/1.1\r\nhost: prst\r\n' + hdrs + 'connection: close\r\n\r\n'));
  }
  return out;
}
