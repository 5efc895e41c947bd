/*
 * ACL fetch arguments that name something case-sensitive keep their case: `url_param(Token)` matches `?Token=` and
 * not `?token=` (sluice lowercased the name), `req.cook(SessionID)` likewise; outcomes as haproxy 2.6.12's on the
 * same config (fixtures/proxy/acl-arg-case/curl.txt).
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { freePort, startSluice, stopSluice } from '../proxy-util.ts';

const fx = (f: string): string => readFileSync(new URL('../../../fixtures/proxy/acl-arg-case/' + f, import.meta.url), 'latin1');

function status(port: number, path: string, hdr: string): Promise<string> {
  return new Promise((resolve) => {
    const c = connect(port, '127.0.0.1', () => c.write(`GET ${path} HTTP/1.1\r\nhost: x\r\n${hdr}connection: close\r\n\r\n`));
    let got = '';
    c.on('data', (d) => { got += d.toString('latin1'); });
    c.on('error', () => {});
    c.on('close', () => resolve(got.slice(9, 12)));
  });
}

test('url_param and cookie names are case-sensitive in ACLs, as haproxy 2.6.12', async () => {
  const port = await freePort();
  const rt = await startSluice(fx('haproxy.cfg').replace('127.0.0.1:18779', `127.0.0.1:${port}`));
  after(async () => { await stopSluice(rt); });
  const got = [
    await status(port, '/', 'cookie: SessionID=1\r\n'), await status(port, '/', 'cookie: sessionid=1\r\n'),
    await status(port, '/?Token=1', ''), await status(port, '/?token=1', ''),
  ];
  assert.equal(got.join(' '), fx('curl.txt').trim());
});
