import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, mkdirSync, rmSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir, hostname } from 'node:os';
import { loadConfig, CFG_ALERT, CFG_WARNING, CFG_NOTICE } from '../../../proxy/config/loader.ts';
import { buildRegistry } from '../../../proxy/modules.ts';
import { PR_MODE_HTTP, PR_MODE_TCP, PR_O_REDISPATCH, SRV_ADMF_CMAINT } from '../../../proxy/model/types.ts';

const dir = mkdtempSync(join(tmpdir(), 'sluice-loader-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const reg = buildRegistry();

function load(text: string, name = 't.cfg') {
  const f = join(dir, name);
  writeFileSync(f, text);
  return loadConfig([f], reg);
}
function alerts(c: ReturnType<typeof load>): string[] { return c.messages.filter((m) => m.level === CFG_ALERT).map((m) => m.text); }

test('a proxy inherits the last defaults section above it; a later defaults section does not change it', () => {
  const c = load(`defaults
  mode http
  timeout client 5s
  timeout connect 1s
  timeout server 2s
  option redispatch
  retries 5
frontend fe
  bind :8080
  default_backend bk
defaults
  mode tcp
  timeout client 7s
backend bk
  server s1 127.0.0.1:80
`);
  // the tcp backend is refused as the http frontend's default backend, as 2.6 does
  assert.deepEqual(alerts(c), [`http frontend 'fe' (${join(dir, 't.cfg')}:8) tries to use incompatible tcp backend 'bk' (${join(dir, 't.cfg')}:14) as its default backend (see 'mode').`]);
  const fe = c.frontends.get('fe')!;
  const bk = c.backends.get('bk')!;
  assert.equal(fe.mode, PR_MODE_HTTP);
  assert.equal(fe.timeouts.client, 5000);
  assert.equal(fe.retries, 5);
  assert.ok((fe.options & PR_O_REDISPATCH) !== 0);
  assert.equal(bk.mode, PR_MODE_TCP);
  assert.equal(bk.timeouts.client, 7000);
  assert.equal(bk.retries, 3, 'a defaults section without from starts from scratch');
  assert.equal(fe.defaultBackend, bk);
});

test('named defaults and `from` select the parent explicitly', () => {
  const c = load(`defaults base
  mode http
  timeout client 3s
defaults other from base
  timeout client 4s
defaults
  mode tcp
frontend a from base
  bind :1
frontend b from other
  bind :2
frontend c
  bind :3
`);
  assert.deepEqual(alerts(c), []);
  assert.equal(c.frontends.get('a')!.timeouts.client, 3000);
  assert.equal(c.frontends.get('b')!.mode, PR_MODE_HTTP);
  assert.equal(c.frontends.get('b')!.timeouts.client, 4000);
  assert.equal(c.frontends.get('c')!.mode, PR_MODE_TCP);
});

test('an unknown `from` is an alert like haproxy', () => {
  const c = load(`backend b3 from nope\n  mode http\n`, 'from.cfg');
  assert.deepEqual(alerts(c), [`parsing [${join(dir, 'from.cfg')}:1] : defaults section 'nope' not found for backend 'b3'.`]);
});

test('default-server settings apply to following servers and server lines override them', () => {
  const c = load(`backend bk
  default-server inter 3s fall 2 rise 4 weight 7 maxconn 10
  server s1 127.0.0.1:80 check
  server s2 127.0.0.1:81 weight 3 disabled backup
`);
  assert.deepEqual(alerts(c), []);
  const [s1, s2] = c.backends.get('bk')!.servers;
  assert.equal(s1.check.inter, 3000); assert.equal(s1.check.fall, 2); assert.equal(s1.check.rise, 4);
  assert.equal(s1.iweight, 7); assert.equal(s1.maxconn, 10); assert.ok(s1.check.enabled);
  assert.equal(s2.iweight, 3); assert.ok(s2.backup); assert.ok((s2.adminState & SRV_ADMF_CMAINT) !== 0);
  assert.equal(s1.id, 1); assert.equal(s2.id, 2);
});

test('unknown keywords are alerts with a hint; unsupported HAProxy keywords say so', () => {
  const c = load(`frontend fe
  bind :80
  defualt_backend bk
  use-fcgi-app php
backend bk
  server s1 127.0.0.1:80 wieght 3
  option httpchkk
`, 'bad.cfg');
  const f = join(dir, 'bad.cfg');
  assert.deepEqual(alerts(c), [
    `parsing [${f}:3] : unknown keyword 'defualt_backend' in 'frontend' section; did you mean 'default_backend' maybe ?`,
    `parsing [${f}:4] : 'use-fcgi-app' is a HAProxy 2.6 keyword not supported by sluice yet (in 'frontend' section).`,
    `[${f}:6] : 'server bk/s1' : unknown keyword 'wieght'; did you mean 'weight' maybe ?`,
    `parsing [${f}:7] : unknown option 'httpchkk'; did you mean 'httpchk' maybe ?`,
  ]);
  assert.deepEqual(c.filesWithErrors, [f]);
});

test('environment variables set by setenv are visible to later lines', () => {
  const c = load(`global\n  setenv SLUICE_PORT_T 8123\nfrontend fe\n  bind "127.0.0.1:\${SLUICE_PORT_T}"\n  timeout client 1s\n`);
  assert.deepEqual(alerts(c), []);
  assert.equal(c.frontends.get('fe')!.binds[0].port, 8123);
});

test('a directory loads its *.cfg files in lexical order', () => {
  const d = join(dir, 'conf.d');
  mkdirSync(d);
  writeFileSync(join(d, '20-be.cfg'), 'backend bk\n  server s1 127.0.0.1:80\n');
  writeFileSync(join(d, '10-fe.cfg'), 'frontend fe\n  bind :80\n  timeout client 1s\n  default_backend bk\n');
  writeFileSync(join(d, 'ignored.txt'), 'garbage\n');
  const c = loadConfig([d], reg);
  assert.deepEqual(c.files.map((f) => f.slice(d.length + 1)), ['10-fe.cfg', '20-be.cfg']);
  assert.deepEqual(alerts(c), []);
  assert.equal(c.frontends.get('fe')!.defaultBackend, c.backends.get('bk'));
});

test('missing timeouts give the haproxy warning, only when parsing succeeded', () => {
  const c = load(`frontend fe\n  bind :80\n  default_backend bk\nbackend bk\n  server s1 127.0.0.1:80\n`);
  const w = c.messages.filter((m) => m.level === CFG_WARNING).map((m) => m.text.split('\n')[0]);
  assert.deepEqual(w, [`missing timeouts for frontend 'fe'.`, `missing timeouts for backend 'bk'.`]);
});

test('bind accepts port ranges, unix sockets and ipv4@/ipv6@ prefixes and rejects bad ports', () => {
  const c = load(`frontend fe
  timeout client 1s
  bind 127.0.0.1:9000-9002
  bind unix@/tmp/x.sock
  bind ipv4@127.0.0.1:9100 name web maxconn 5
  bind ipv6@:::9200
  bind :70000
`, 'bind.cfg');
  const fe = c.frontends.get('fe')!;
  assert.deepEqual(fe.binds.map((b) => b.path !== '' ? b.path : `${b.host}|${b.port}`),
    ['127.0.0.1|9000', '127.0.0.1|9001', '127.0.0.1|9002', '/tmp/x.sock', '127.0.0.1|9100', '::|9200']);
  assert.equal(fe.binds[4].name, 'web');
  assert.equal(fe.binds[4].maxconn, 5);
  assert.equal(fe.binds[5].port, 9200);
  assert.deepEqual(alerts(c), [`parsing [${join(dir, 'bind.cfg')}:7] : 'bind' : invalid port '70000'`]);
});

test('HAPROXY_STARTUP_VERSION/LOCALPEER are set before parsing, HAPROXY_CFGFILES/CLI after, as `show env` shows in 2.6', () => {
  // fixtures/configs/haproxy-env: the HAPROXY_* and SEEN_* lines of haproxy 2.6.12's `show env` (see CMD there)
  const fx = join(import.meta.dirname, '../../../fixtures/configs/haproxy-env');
  const want = readFileSync(join(fx, 'show-env.txt'), 'latin1').replace('=2.6.12-1+deb12u4', '=2.6.12-sluice');
  const keys = ['HAPROXY_STARTUP_VERSION', 'HAPROXY_LOCALPEER', 'SEEN_PEER', 'SEEN_CFGFILES', 'HAPROXY_CFGFILES', 'HAPROXY_CLI'];
  const saved = keys.map((k) => process.env[k]);
  const cwd = process.cwd();
  try {
    for (const k of keys) delete process.env[k];
    process.chdir(fx);
    const c = loadConfig(['haproxy.cfg'], buildRegistry());
    assert.equal(c.alerts, 0);
    const got = Object.keys(process.env).filter((k) => keys.includes(k))
      .map((k) => k + '=' + (process.env[k] === hostname() ? '<hostname>' : process.env[k]) + '\n').join('');
    assert.equal(got, want);
  } finally {
    process.chdir(cwd);
    keys.forEach((k, i) => { if (saved[i] === undefined) delete process.env[k]; else process.env[k] = saved[i]; });
  }
});

test('2.6 keywords Sluice lacks are "not supported yet", never "unknown keyword" (each checked to be known by haproxy 2.6.12 -c)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-kw26-'));
  const head = 'defaults\n  mode http\n  timeout client 1s\n  timeout server 1s\n  timeout connect 1s\nlisten l\n  bind 127.0.0.1:19999\n';
  const lines: [string, string][] = [
    ...['lua-load /x.lua', 'lua-prepend-path /x/?.lua'].map((l): [string, string] => ['global\n  ' + l + '\n', 'global']),
    ...['use-fcgi-app x', 'option transparent'].map((l): [string, string] => [head + '  ' + l + '\n', 'proxy']),
    [head + '  server s 127.0.0.1:80 socks4 127.0.0.1:1080\n', 'server'],
    [head.replace('bind 127.0.0.1:19999', 'bind 127.0.0.1:19999 accept-netscaler-cip 1234'), 'bind'],
  ];
  lines.forEach(([text, family], i) => {
    const f = join(dir, `k${i}.cfg`);
    writeFileSync(f, text);
    const c = loadConfig([f], buildRegistry(), {});
    const msg = alerts(c).join('\n');
    assert.match(msg, /not supported by sluice yet/, `${family}: ${text.trim().split('\n').pop()} -> ${msg}`);
    assert.doesNotMatch(msg, /unknown keyword/, msg);
  });
  rmSync(dir, { recursive: true, force: true });
});

test('tuning keywords without counterpart in Sluice load with a warning naming the line; the rest of a server/bind line still applies', () => {
  const c = load(`global
  nosplice
  tune.maxaccept 64
  spread-checks 5
  server-state-file /var/lib/haproxy/state
defaults
  mode http
  timeout client 1s
  timeout server 1s
  timeout connect 1s
  load-server-state-from-file global
  option checkcache
listen l
  bind 127.0.0.1:19999 mss 1400 name web
  backlog 2048
  server s 127.0.0.1:80 tcp-ut 10 weight 7 pool-max-conn 10 check
`, 'ign.cfg');
  const f = join(dir, 'ign.cfg');
  assert.deepEqual(alerts(c), []);
  const warns = c.messages.filter((m) => m.level === CFG_WARNING).map((m) => m.text);
  for (const [line, kw] of [[2, 'nosplice'], [3, 'tune.maxaccept'], [12, 'option checkcache'], [15, 'backlog']] as const) {
    assert.ok(warns.some((w) => w.startsWith(`parsing [${f}:${line}] : '${kw}' is ignored by sluice (`)), `${kw}: ${warns.join('\n')}`);
  }
  assert.ok(warns.some((w) => w.includes(`[${f}:14] : 'bind 127.0.0.1:19999' : 'mss' is ignored by sluice`)), warns.join('\n'));
  assert.ok(warns.some((w) => w.startsWith(`[${f}:16] : 'server l/s' : 'tcp-ut' is ignored by sluice`)), warns.join('\n'));
  // spread-checks and server states are real (checks/spread.ts, backend/server-state.ts): no warning for the
  // first, 2.6's for a missing state file
  assert.ok(!warns.some((w) => w.includes(`${f}:4]`)), warns.join('\n'));
  assert.ok(warns.includes("config: Can't open global server state file '/var/lib/haproxy/state': No such file or directory"), warns.join('\n'));
  const s1 = c.backends.get('l')!.servers[0];
  assert.equal(s1.iweight, 7);
  assert.ok(s1.check.enabled);
});

test('a mailers section and the email-alert lines using it load with warnings (haproxy -c accepts them; no mail is sent)', () => {
  const c = load(`mailers mymailers
    mailer smtp1 127.0.0.1:587
    timeout mail 20s
defaults
  mode http
  timeout client 5s
  timeout connect 1s
  timeout server 2s
  email-alert mailers mymailers
  email-alert from haproxy@example.com
  email-alert to ops@example.com
frontend fe
  bind :8080
`);
  assert.deepEqual(alerts(c), []);
  const warns = c.messages.filter((m) => m.level === CFG_WARNING).map((m) => m.text);
  assert.ok(warns[0].endsWith(": section 'mailers' is ignored by sluice (no mail alerts are sent)."), warns[0]);
  assert.equal(c.frontends.get('fe')!.binds.length, 1);
});

test('relative errorfile and ACL -f paths are the current directory\'s, not the configuration\'s, as in 2.6', () => {
  const root = join(dir, 'cwd-rel');
  mkdirSync(join(root, 'sub'), { recursive: true });
  mkdirSync(join(root, 'errs'), { recursive: true });
  mkdirSync(join(root, 'lists'), { recursive: true });
  writeFileSync(join(root, 'errs/503.http'), 'HTTP/1.0 503 Service Unavailable\r\nContent-Type: text/plain\r\n\r\nbusy\n');
  writeFileSync(join(root, 'lists/bad.lst'), '192.0.2.1\n');
  writeFileSync(join(root, 'sub/x.cfg'), 'defaults\n mode http\n timeout client 1s\n timeout server 1s\n timeout connect 1s\n' +
    ' errorfile 503 errs/503.http\nfrontend f\n bind 127.0.0.1:1\n acl bad src -f lists/bad.lst\n http-request deny if bad\n');
  const cwd = process.cwd();
  try {
    process.chdir(root);
    assert.deepEqual(alerts(loadConfig(['sub/x.cfg'], reg)), []);
    process.chdir(join(root, 'sub'));
    assert.deepEqual(alerts(loadConfig(['x.cfg'], reg)), [
      "parsing [x.cfg:6] : errorfile : error opening file 'errs/503.http'.",
      "parsing [x.cfg:9] : error detected while parsing ACL 'bad' : failed to open pattern file <lists/bad.lst>.",
      "parsing [x.cfg:10] : error detected while parsing an 'http-request deny' condition : no such ACL : 'bad'.",
    ]);
  } finally { process.chdir(cwd); }
});

test('conditional blocks: dropped sections and lines are not parsed, .notice is a notice, feature() reads sluice own list', () => {
  const c = load(`.if feature(LUA)
global
  lua-load /nonexistent.lua
.elif feature(OPENSSL) && version_atleast(2.6) && !version_before(2.6.12)
.notice "tls here"
.endif
.if 0
frontend never
  bogus keyword
.else
frontend fe
  bind :8080
  timeout client 1s
.endif
`);
  assert.deepEqual(alerts(c), []);
  assert.deepEqual(c.messages.filter((m) => m.level === CFG_NOTICE).map((m) => m.text), [`parsing [${join(dir, 't.cfg')}:5]: 'tls here'.`]);
  assert.deepEqual([...c.frontends.keys()], ['fe']);
});

test('default-path config|parent: relative files follow each configuration file (2.6.12), the directory is restored', () => {
  const top = join(dir, 'dp');
  mkdirSync(join(top, 'sub/inner'), { recursive: true });
  const e = 'HTTP/1.0 503 x\r\n\r\nx\n';
  writeFileSync(join(top, 'only-top.http'), e);
  writeFileSync(join(top, 'sub/only-sub.http'), e);
  writeFileSync(join(top, 'sub/inner/only-inner.http'), e);
  const fe = 'defaults\n mode http\n timeout client 1s\n timeout server 1s\n timeout connect 1s\nfrontend f\n bind :8080\n' +
    ' errorfile 503 only-top.http\n errorfile 502 only-sub.http\n errorfile 504 only-inner.http\n';
  const cwd = process.cwd();
  process.chdir(top);
  try {
    // haproxy 2.6.12 -c on the same files: these are the names it could not open
    const missing = (mode: string, files: string[]): string[] => {
      writeFileSync(join(top, 'sub/inner/t.cfg'), `global\n default-path ${mode}\n` + fe);
      const c = loadConfig(files, reg);
      assert.equal(process.cwd(), top);
      return alerts(c).map((a) => /'([^']+)'/.exec(a)?.[1] ?? a).filter((n) => n.endsWith('.http'));
    };
    assert.deepEqual(missing('config', ['sub/inner/t.cfg']), ['only-top.http', 'only-sub.http']);
    assert.deepEqual(missing('parent', ['sub/inner/t.cfg']), ['only-top.http', 'only-inner.http']);
    assert.deepEqual(missing('current', ['sub/inner/t.cfg']), ['only-sub.http', 'only-inner.http']);
    // the mode set in a first file applies to the next one, from that file's directory
    writeFileSync(join(top, 'sub/inner/a.cfg'), 'global\n default-path config\n');
    writeFileSync(join(top, 'sub/b.cfg'), fe);
    assert.deepEqual(loadConfig(['sub/inner/a.cfg', 'sub/b.cfg'], reg).messages.filter((m) => m.level === CFG_ALERT)
      .map((m) => /'([^']+)'/.exec(m.text)?.[1]).filter((n) => n?.endsWith('.http')), ['only-top.http', 'only-inner.http']);
  } finally { process.chdir(cwd); }
});

test('a frontend sharing its name with a backend gets its log format compiled and its post-parse checks', () => {
  const c = load(`defaults
 mode http
 timeout client 1s
 timeout server 1s
 timeout connect 1s
frontend web
 bind :8080
 log 127.0.0.1:514 local0
 option httplog
 default_backend web
frontend k
 bind :8081
 mode tcp
 option tcplog
 default_backend k
backend web
 server s 127.0.0.1:80
backend k
 mode tcp
 server s 127.0.0.1:80
`);
  const fe = c.proxies.find((p) => p.name === 'web' && (p.cap & 1) !== 0)!;
  assert.notEqual(fe.log.emitter, null);
  // haproxy 2.6.12 -c on the same text
  assert.deepEqual(c.messages.filter((m) => m.level === CFG_WARNING).map((m) => m.text),
    ["log format ignored for frontend 'k' since it has no log address."]);
});

test('addresses expand $VAR and ${VAR} outside quotes, as 2.6.12 (bind *:${PORT}1 with PORT=8085 is port 80851)', () => {
  process.env.SLUICE_T_PORT = '8085';
  process.env.SLUICE_T_HOST = '127.0.0.1';
  try {
    const c = load(`defaults
 mode http
 timeout client 1s
 timeout server 1s
 timeout connect 1s
frontend f
 bind \${SLUICE_T_HOST}:$SLUICE_T_PORT
 bind *:\${SLUICE_T_PORT}1
 default_backend b
backend b
 server s $SLUICE_T_HOST:$SLUICE_T_PORT
`);
    assert.deepEqual(alerts(c).map((a) => a.replace(/^parsing \[[^\]]+\] : /, '')), ["'bind' : invalid port '80851'"]);
    const fe = c.proxies.find((p) => p.name === 'f')!;
    assert.deepEqual([fe.binds[0].host, fe.binds[0].port], ['127.0.0.1', 8085]);
    const s = c.proxies.find((p) => p.name === 'b')!.servers[0];
    assert.deepEqual([s.host, s.port], ['127.0.0.1', 8085]);
  } finally { delete process.env.SLUICE_T_PORT; delete process.env.SLUICE_T_HOST; }
});
