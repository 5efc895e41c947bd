/*
 * `tcp-request content` rules in a mode http backend run when the stream enters it, after the frontend's http-request
 * rules and before the backend's: a reject closes the connection without a response, logged with the request line,
 * `be/<NOSRV>`, TR -1, status -1, `PR--`; a backend's track-sc1 counts the requests it lets through. Same outcomes,
 * log lines, table and show stat counters as haproxy 2.6.12 on the same config (fixtures/proxy/tcp-content-http-backend).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { waitFor } from '../proxy-util.ts';
import { cliCommand } from '../stats/traffic.ts';
import { flushLogs } from '../../../proxy/log/sender.ts';
import { startFixture, statuses, get, logShape, assertStats } from './http-rules-util.ts';

test('tcp-request content in an HTTP backend: same outcomes, log lines, table and counters as haproxy 2.6.12', async () => {
  const { port, sock, logs, fx } = await startFixture('tcp-content-http-backend');
  const got: string[][] = [];
  for (let i = 0; i < 5; i++) got.push(await statuses(port, [get('/')]));
  got.push(await statuses(port, [get('/two/ok', false), get('/two/deny2', false), get('/two/rewritten')]));
  got.push(await statuses(port, [get('/two/rewritten')]));     // curl's retry on a new connection
  assert.deepEqual(got, [['200'], ['200'], ['200'], [], [], ['200', '200'], []]);
  await waitFor(() => { flushLogs(0); return logs.length >= 9; });
  const gold = fx('haproxy-log.txt').split('\n').filter((l) => l !== '');
  assert.deepEqual(logs.map(logShape), gold.map(logShape));
  const table = (await cliCommand(sock, 'show table be')).replace(/0x[0-9a-f]+/, 'P').replace(/exp=\d+/, 'E');
  assert.equal(table, fx('show-table.txt').replace(/0x[0-9a-f]+/, 'P').replace(/exp=\d+/, 'E'));
  // bin is left out: curl sent user-agent and accept headers
  await assertStats(sock, fx('show-stat.txt'), ['fe/FRONTEND', 'be/s1', 'be/BACKEND', 'be2/s1', 'be2/BACKEND'],
    ['stot', 'bout', 'dreq', 'dresp', 'hrsp_2xx', 'hrsp_other', 'req_tot']);
});
