/*
 * `tcp-request content capture <sample> len <n>`: the captured text (cut at <n>) is the frontend's request capture slot,
 * read here by a dynamic `use_backend bk_%[capture.req.hdr(0)]`. haproxy 2.6.12 on the same config answered "A\n" to
 * "aaaabbbb" and closed without a word on "zzzzbbbb" (no backend bk_zzzz).
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { connect, createServer } from 'node:net';
import { freePort, startSluice, stopSluice } from '../proxy-util.ts';

function send(port: number, data: string): Promise<string> {
  return new Promise((resolve) => {
    const c = connect(port, '127.0.0.1', () => c.write(data));
    let got = '';
    const t = setTimeout(() => c.destroy(), 3000);
    c.on('data', (d) => { got += d.toString('latin1'); });
    c.on('error', () => { /* a reset counts as nothing received */ });
    c.on('close', () => { clearTimeout(t); resolve(got); });
  });
}

test('tcp-request content capture fills a capture slot that rules and logs read', async () => {
  const srv = createServer((s) => s.end('A\n'));
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = await freePort();
  const rt = await startSluice(`defaults
  mode tcp
  timeout client 2s
  timeout server 2s
  timeout connect 2s
frontend f
  bind 127.0.0.1:${port}
  tcp-request inspect-delay 1s
  tcp-request content capture req.payload(0,8) len 4
  tcp-request content accept if { req.len ge 8 }
  use_backend bk_%[capture.req.hdr(0)]
backend bk_aaaa
  server s 127.0.0.1:${(srv.address() as { port: number }).port}
`);
  after(async () => { await stopSluice(rt); srv.close(); });
  assert.equal(await send(port, 'aaaabbbb'), 'A\n');
  assert.equal(await send(port, 'zzzzbbbb'), '');
});
