import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { goldenSource } from './fixture-model.ts';
import { serveStats, statsReplyBytes, statsUriMatch, statsAuthOk } from '../../../proxy/stats/html.ts';
import { serverRowClass, groupedNum, humanDuration } from '../../../proxy/stats/html-page.ts';
import { runAdminPost, parseForm } from '../../../proxy/stats/admin-action.ts';
import { defaultServerStateApi } from '../../../proxy/stats/srv-admin.ts';
import { compileCond } from '../../../proxy/acl/compile.ts';
import type { SampleCtx } from '../../../proxy/acl/types.ts';
import type { StatsRequest, StatsSource } from '../../../proxy/stats/types.ts';
import type { Proxy } from '../../../proxy/model/types.ts';
import { SRV_ADMF_FMAINT, SRV_ADMF_FDRAIN } from '../../../proxy/model/types.ts';

function setup(): { src: StatsSource; fe: Proxy; bk: Proxy } {
  const src = goldenSource();
  const fe = src.proxies[0]!;
  fe.statsPage.enabled = true; fe.statsPage.uri = '/stats'; fe.statsPage.refresh = 10;
  return { src, fe, bk: src.proxies[1]! };
}

function req(path: string, method = 'GET', body = '', extra: Partial<StatsRequest> = {}): StatsRequest {
  return { method, path, authorization: '', body, ctx: null, ...extra };
}

function ctxFrom(ip: string): SampleCtx {
  const parts = ip.split('.').map(Number);
  return {
    buf: null, l0s: 0, l0e: 0, l1s: 0, l1e: 0, l2s: 0, l2e: 0, hdr: new Int32Array(0), nhdr: 0, srcIp: ip,
    srcIp4: ((parts[0]! << 24) >>> 0) + (parts[1]! << 16) + (parts[2]! << 8) + parts[3]!,
  };
}

test('the stats page ;csv is the CLI CSV with 2.6 headers; ;norefresh drops refresh', () => {
  const { src, fe } = setup();
  const r = serveStats(fe, req('/stats;csv'), src);
  assert.equal(r.status, 200);
  assert.deepEqual(r.headers, [['cache-control', 'no-cache'], ['content-type', 'text/plain'], ['refresh', '10']]);
  const golden = readFileSync(new URL('../../../fixtures/stats/golden/show-stat.txt', import.meta.url), 'latin1');
  assert.equal(r.body.split('\n')[0], golden.split('\n')[0]);
  assert.equal(r.body.split('\n').length, golden.split('\n').length - 1);
  assert.ok(!serveStats(fe, req('/stats;csv;norefresh'), src).headers.some(([k]) => k === 'refresh'));
  for (const [o, ct] of [[';json', 'application/json'], [';typed', 'text/plain'], [';json-schema', 'application/json']]) {
    assert.deepEqual(serveStats(fe, req('/stats' + o), src).headers, [['cache-control', 'no-cache'], ['content-type', ct], ['refresh', '10']]);
  }
  assert.equal(fe.feCounters.interceptedReq, 5);
});

test('over HTTP server addresses show only with stats show-legends (2.6; the CLI shows them from operator level)', () => {
  const { src, fe } = setup();
  const s1 = (): string => serveStats(fe, req('/stats;csv'), src).body.split('\n').find((l) => l.startsWith('bk,s1,'))!;
  assert.ok(!s1().includes('127.0.0.1:28081'));
  fe.statsPage.showLegends = true;
  assert.ok(s1().includes(',127.0.0.1:28081,'));
});

test('the export options may follow the query string and ?scope= keeps the proxies whose name holds it (2.6)', () => {
  const { src, fe } = setup();
  const rows = (path: string): string[] => {
    const r = serveStats(fe, req(path), src);
    assert.deepEqual(r.headers[1], ['content-type', 'text/plain']);
    return r.body.split('\n').slice(1).filter((l) => l !== '').map((l) => l.split(',').slice(0, 2).join(','));
  };
  assert.deepEqual(rows('/stats?scope=BK;csv'), ['bk,s1', 'bk,s2', 'bk,s3', 'bk,BACKEND']);
  assert.deepEqual(rows('/stats?scope=_;csv'), ['fe_main,FRONTEND', 'fe_main,sock-1', 'ls_tcp,FRONTEND', 'ls_tcp,t1', 'ls_tcp,t2', 'ls_tcp,BACKEND']);
  assert.deepEqual(rows('/stats?scope=nosuch;csv'), []);
});

test('the HTML page has per-proxy tables, 2.6 row classes, the legend and the refresh header', () => {
  const { src, fe, bk } = setup();
  bk.servers[1]!.adminState |= SRV_ADMF_FDRAIN;
  const r = serveStats(fe, req('/stats'), src);
  assert.equal(r.status, 200);
  assert.deepEqual(r.headers, [['cache-control', 'no-cache'], ['content-type', 'text/html'], ['refresh', '10']]);
  const h = r.body;
  assert.match(h, /^<!DOCTYPE html>/);
  for (const name of ['fe_main', 'bk', 'ls_tcp']) assert.match(h, new RegExp('<a id="' + name + '" href="#' + name + '">'));
  assert.match(h, /<tr class=frontend><td class=n>Frontend<\/td>/);
  assert.match(h, /<tr class=socket><td class=n>sock-1<\/td>/);
  assert.match(h, /<tr class=active_no_check>.*>s1<\/td>/);
  assert.match(h, /<tr class=active_draining>.*>s2<\/td>/);
  assert.match(h, /<tr class=maintain>.*>s3<\/td>.*MAINT/);
  assert.match(h, /<tr class=backup_no_check>.*>t2<\/td>/);
  assert.match(h, /<tr class=backend><td class=n title="balancing: roundrobin">Backend<\/td>/);
  assert.match(h, /<th colspan=3>Queue<\/th><th colspan=3>Session rate<\/th><th colspan=6>Sessions<\/th>/);
  assert.match(h, /class=active_going_up><\/td><td class=t>active DOWN, going up/);
  assert.match(h, /Sluice version \S+, released/);
  assert.doesNotMatch(h, /<form method=post/);
  assert.match(h, /<a href="\/stats;norefresh">Disable refresh<\/a>/);
  const nr = serveStats(fe, req('/stats;up;norefresh'), src);
  assert.ok(!nr.headers.some(([k]) => k === 'refresh'));
  assert.doesNotMatch(nr.body, />s3<\/td>/);
  assert.match(nr.body, /<a href="\/stats;up">Enable refresh<\/a>/);
  fe.statsPage.hideVersion = true;
  assert.doesNotMatch(serveStats(fe, req('/stats'), src).body, /Sluice version/);
});

test('server row classes follow the display state, weight 0 is painted draining', () => {
  const { bk } = setup();
  const [s1, s2, s3] = bk.servers as [typeof bk.servers[0], typeof bk.servers[0], typeof bk.servers[0]];
  assert.equal(serverRowClass(s3), 'maintain');
  s1.check.enabled = true; s1.check.health = 4; s1.check.rise = 2; s1.check.fall = 3;
  assert.equal(serverRowClass(s1), 'active_up');
  s1.check.health = 3;
  assert.equal(serverRowClass(s1), 'active_going_down');
  s2.uweight = 0;
  assert.equal(serverRowClass(s2), 'active_draining');
  s1.curState = 0; s1.check.health = 1;
  assert.equal(serverRowClass(s1), 'active_going_up');
  s1.check.health = 0;
  assert.equal(serverRowClass(s1), 'active_down');
  s1.backup = true;
  assert.equal(serverRowClass(s1), 'backup_down');
});

test('admin checkboxes and the action form appear only when stats admin is granted', () => {
  const { src, fe, bk } = setup();
  const cond = compileCond(['if', 'LOCALHOST'], 0, () => undefined, '.');
  assert.notEqual(typeof cond, 'string');
  fe.statsPage.adminCond = cond as Exclude<typeof cond, string>;
  const remote = serveStats(fe, req('/stats', 'GET', '', { ctx: ctxFrom('10.1.2.3') }), src).body;
  assert.doesNotMatch(remote, /<form method=post/);
  const local = serveStats(fe, req('/stats', 'GET', '', { ctx: ctxFrom('127.0.0.1') }), src).body;
  assert.match(local, /<form method=post action="\/stats">/);
  assert.match(local, /<input type=checkbox class="sel-bk" name=s value="s1">/);
  assert.match(local, /<option value="maint">Set state to MAINT<\/option>/);
  assert.match(local, new RegExp('<input type=hidden name=b value="#' + bk.id + '">'));
  assert.equal((local.match(/<form method=post/g) ?? []).length, 2);
});

test('admin POST applies the action and redirects with HAProxy result codes', () => {
  const { src, fe, bk } = setup();
  const [s1, s2] = bk.servers as [typeof bk.servers[0], typeof bk.servers[0]];
  const post = (body: string, ip = '127.0.0.1'): string => {
    const r = serveStats(fe, req('/stats', 'POST', body, { ctx: ctxFrom(ip) }), src);
    assert.equal(r.status, 303);
    return r.headers.find(([k]) => k === 'location')![1];
  };
  assert.equal(post('s=s1&action=maint&b=%23' + bk.id), '/stats;st=DENY');
  assert.equal(s1.adminState & SRV_ADMF_FMAINT, 0);
  fe.statsPage.adminCond = compileCond(['if', 'LOCALHOST'], 0, () => undefined, '.') as Exclude<ReturnType<typeof compileCond>, string>;
  assert.equal(post('s=s1&action=maint&b=%23' + bk.id, '10.0.0.1'), '/stats;st=DENY');
  assert.equal(post('s=s1&action=maint&b=%23' + bk.id), '/stats;st=DONE');
  assert.notEqual(s1.adminState & SRV_ADMF_FMAINT, 0);
  assert.equal(post('s=s1&s=s2&action=drain&b=bk'), '/stats;st=DONE');
  assert.notEqual(s2.adminState & SRV_ADMF_FDRAIN, 0);
  assert.equal(post('s=s1&s=zz&action=ready&b=%23' + bk.id), '/stats;st=PART');
  assert.equal(s1.adminState & SRV_ADMF_FMAINT, 0);
  assert.equal(post('s=zz&action=ready&b=%23' + bk.id), '/stats;st=ERRP');
  assert.equal(post('action=ready&b=%23' + bk.id), '/stats;st=NONE');
  assert.equal(post('s=s1&action=bogus&b=%23' + bk.id), '/stats;st=ERRP');
  assert.equal(post('s=s1&action=ready&b=%2399'), '/stats;st=ERRP');
  assert.equal(post('s=s1&action=ready&b=x'.padEnd(20000, 'x')), '/stats;st=EXCD');
  const r = serveStats(fe, req('/stats;up;norefresh', 'POST', 's=s1&action=ready&b=bk', { ctx: ctxFrom('127.0.0.1') }), src);
  assert.equal(r.headers.find(([k]) => k === 'location')![1], '/stats;up;norefresh;st=DONE');
  const banner = serveStats(fe, req('/stats;st=PART'), src).body;
  assert.match(banner, /<div class="banner active_going_down"><a href="\/stats" title="Remove this message">\[X\]<\/a>/);
});

test('runAdminPost maps health and session actions to the state API', () => {
  const { src, bk } = setup();
  const s1 = bk.servers[0]!;
  assert.equal(runAdminPost(src, defaultServerStateApi, 's=s1&action=hdown&b=bk'), 'ERRP');
  s1.check.enabled = true;
  assert.equal(runAdminPost(src, defaultServerStateApi, 's=s1&action=hdown&b=bk'), 'DONE');
  assert.equal(s1.curState, 0);
  assert.equal(runAdminPost(src, defaultServerStateApi, 's=s1&action=dhlth&b=bk'), 'DONE');
  assert.equal(s1.check.paused, true);
  assert.equal(runAdminPost(src, defaultServerStateApi, 's=s1&action=shutdown&b=bk'), 'DONE');
  assert.deepEqual(parseForm('s=a+b&s=%41&x'), [['s', 'a b'], ['s', 'A'], ['x', '']]);
});

test('stats auth answers 401 with the realm until the credentials match', () => {
  const { src, fe } = setup();
  fe.statsPage.auth.push({ user: 'admin', pass: 's3cret' });
  fe.statsPage.realm = 'My Realm';
  const r = serveStats(fe, req('/stats'), src);
  assert.equal(r.status, 401);
  assert.deepEqual(r.headers.map(([k]) => k), ['content-length', 'cache-control', 'content-type', 'www-authenticate']);
  assert.equal(r.headers[3]![1], 'Basic realm="My Realm"');
  assert.equal(Number(r.headers[0]![1]), r.body.length);
  const good = 'Basic ' + Buffer.from('admin:s3cret').toString('base64');
  assert.equal(serveStats(fe, req('/stats', 'GET', '', { authorization: good }), src).status, 200);
  assert.equal(statsAuthOk(fe, 'Basic ' + Buffer.from('admin:nope').toString('base64')), false);
  assert.equal(statsUriMatch(fe, '/stats;csv'), true);
  assert.equal(statsUriMatch(fe, '/other'), false);
});

test('statsReplyBytes writes 2.6 framing: chunked 200, sized 303, no body for HEAD', () => {
  const b = statsReplyBytes({ status: 200, headers: [['cache-control', 'no-cache']], body: 'abc' }, false).toString();
  assert.equal(b, 'HTTP/1.1 200 OK\r\ncache-control: no-cache\r\ntransfer-encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n');
  // HEAD: 2.6's stats page drops transfer-encoding with the body, its Prometheus exporter keeps it
  const h = statsReplyBytes({ status: 200, headers: [['cache-control', 'no-cache']], body: 'abc' }, true).toString();
  assert.equal(h, 'HTTP/1.1 200 OK\r\ncache-control: no-cache\r\n\r\n');
  const p = statsReplyBytes({ status: 200, headers: [], body: 'abc' }, true, true).toString();
  assert.equal(p, 'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n');
  const s = statsReplyBytes({ status: 303, headers: [['content-length', '0'], ['location', '/x']], body: '' }, false).toString();
  assert.equal(s, 'HTTP/1.1 303 See Other\r\ncontent-length: 0\r\nlocation: /x\r\n\r\n');
});

test('number grouping and durations', () => {
  assert.equal(groupedNum(999), '999');
  assert.equal(groupedNum(1234), '1234');
  assert.equal(groupedNum(12345), '1<span class=g>2</span>345');
  assert.equal(groupedNum(123456), '12<span class=g>3</span>456');
  assert.equal(groupedNum(1234567), '<span class=g>1</span>23<span class=g>4</span>567');
  assert.equal(humanDuration(45), '45s');
  assert.equal(humanDuration(211), '3m31s');
  assert.equal(humanDuration(7500), '2h05m');
  assert.equal(humanDuration(97200), '1d 3h');
});

test('stats http-request rules: deny answers 403, auth asks for credentials with its realm, allow skips auth', () => {
  const { src, fe } = setup();
  const cond = (w: string[]): Exclude<ReturnType<typeof compileCond>, string> =>
    compileCond(w, 0, () => undefined, '.') as Exclude<ReturnType<typeof compileCond>, string>;
  fe.statsPage.rules.push({ action: 'deny', realm: '', cond: cond(['if', '{', 'src', '10.0.0.0/8', '}']) });
  fe.statsPage.rules.push({ action: 'auth', realm: 'Zone', cond: cond(['if', '{', 'src', '192.168.0.0/16', '}']) });
  fe.statsPage.rules.push({ action: 'allow', realm: '', cond: null });
  const d = serveStats(fe, req('/stats', 'GET', '', { ctx: ctxFrom('10.1.1.1') }), src);
  assert.equal(d.status, 403);
  assert.deepEqual(d.headers.map(([k]) => k), ['content-length', 'cache-control', 'content-type']);
  assert.equal(Number(d.headers[0]![1]), d.body.length);
  const a = serveStats(fe, req('/stats', 'GET', '', { ctx: ctxFrom('192.168.1.1') }), src);
  assert.equal(a.status, 401);
  assert.equal(a.headers[3]![1], 'Basic realm="Zone"');
  assert.equal(serveStats(fe, req('/stats;csv', 'GET', '', { ctx: ctxFrom('127.0.0.1') }), src).status, 200);
});
