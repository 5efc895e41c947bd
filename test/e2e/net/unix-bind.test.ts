/*
 * UNIX listeners' files as haproxy 2.6.12 makes them (checked side by side on the same configuration): `unix-bind
 * prefix` goes before every UNIX path, stats sockets included; `unix-bind mode` is the default mode of bind lines
 * (not of stats sockets); a bind line's own `mode` wins.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, statSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { startSluice, stopSluice } from '../proxy-util.ts';
import type { Runtime } from '../../../proxy/runtime.ts';
import { cliCommand } from '../stats/traffic.ts';

const dir = mkdtempSync(join(tmpdir(), 'sluice-unixbind-')) + '/';
let rt: Runtime | null = null;
after(async () => { if (rt !== null) await stopSluice(rt); rmSync(dir, { recursive: true, force: true }); });

test('unix-bind prefix and mode, bind mode', async () => {
  rt = await startSluice(`global\n  unix-bind prefix ${dir} mode 640\n  stats socket unix@st.sock level admin mode 600\n`
    + 'defaults\n  mode http\n  timeout client 1s\n  timeout server 1s\n  timeout connect 1s\n'
    + 'frontend fe\n  bind unix@fe.sock\n  bind unix@own.sock mode 604\n  http-request return status 200\n');
  assert.equal(statSync(dir + 'fe.sock').mode & 0o777, 0o640);
  assert.equal(statSync(dir + 'own.sock').mode & 0o777, 0o604);
  assert.equal(statSync(dir + 'st.sock').mode & 0o777, 0o600);
  assert.equal(await cliCommand(dir + 'st.sock', 'show cli level'), 'admin\n\n');
});
