/*
 * Rule actions compared with haproxy 2.6.12 (goldens of fixtures/proxy/actions, made by its run.sh with the same
 * configuration, server and client): responses, log lines (timers only as set / unset, and Ta within 200 ms) and
 * `show stat` counters, plus the stats socket replies a case asks for.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { actionsGolden, actionsReplay, withoutTimers, timersOf } from './actions-replay.ts';

async function sameAsHaproxy(name: string): Promise<void> {
  const golden = actionsGolden(name);
  const got = await actionsReplay(name);
  assert.equal(withoutTimers(got).trimEnd(), withoutTimers(golden).trimEnd());
  const ta = timersOf(got), want = timersOf(golden);
  for (let i = 0; i < want.length; i++) assert.ok(Math.abs(ta[i] - want[i]) <= 200, `line ${i + 1}: Ta ${ta[i]} ms, haproxy ${want[i]} ms`);
}

test('set-timeout server|tunnel: a time or a sample (ms; "3s" reads 3, "abc" and "" leave it), per transaction; an idle tunnel ends cD-- with cli_abrt', { timeout: 20000 }, async () => {
  await sameAsHaproxy('set-timeout');
});

test('set-dst / set-dst-port: dst, dst_port, %fi and %fp for this transaction only (an address, leading digits, low 16 bits)', { timeout: 20000 }, async () => {
  await sameAsHaproxy('set-dst');
});

test('tcp-request content set-dst / set-dst-port in mode tcp: dst, dst_port, %fi and %fp of the stream', { timeout: 20000 }, async () => {
  await sameAsHaproxy('set-dst-tcp');
});

test('add-acl / del-acl / set-map / del-map in request and response rules change the running ACL and map files (show acl|map, later matches)', { timeout: 20000 }, async () => {
  await sameAsHaproxy('acl-map');
});

test('%[unique-id] read by a rule before the id exists builds it then (header, variable, capture, ACL), once per request', { timeout: 20000 }, async () => {
  await sameAsHaproxy('unique-id');
});

test('log-format M flag: %{-M} prints nothing for a sample that found nothing or empty (+M and the default: -), an empty captured header prints nothing in %hrl', { timeout: 20000 }, async () => {
  await sameAsHaproxy('log-m-flag');
});

test('option redispatch <interval>: every Pth retry, the (retries+1+N)th for N < 0, never for 0 or a word (wretr, wredis, %rc)', { timeout: 30000 }, async () => {
  await sameAsHaproxy('redispatch');
});

test('do-resolve: the first address of the preferred family (else the other), NXDOMAIN or no name leave the variable; later rules wait for it', { timeout: 20000 }, async () => {
  await sameAsHaproxy('do-resolve');
});

test('a server at 0.0.0.0:0 connects to the request\'s destination, as set-dst-port made it (%si:%sp show it)', { timeout: 20000 }, async () => {
  await sameAsHaproxy('transparent-server');
});

test('set-pathq / replace-pathq: the path and the query together, after an absolute URI\'s authority', { timeout: 20000 }, async () => {
  await sameAsHaproxy('pathq');
});

test('tcp-request connection|session set-dst / set-dst-port: the connection\'s destination for every request (http-request set-dst-port then for one), and in mode tcp', { timeout: 20000 }, async () => {
  await sameAsHaproxy('set-dst-conn');
});

test('http-request early-hint: consecutive unconditional rules share one 103 sent before the response (a conditional one, any other rule or the end of the list ends it), none to HTTP/1.0, counted in %B', { timeout: 20000 }, async () => {
  await sameAsHaproxy('early-hint');
});

test('an ACL ending in a boolean converter (bool, not, odd, even, in_table) needs no pattern and is true when not 0, -m int still compares', { timeout: 20000 }, async () => {
  await sameAsHaproxy('bool-converter-acl');
});

test('early-hint with option h1-case-adjust-bogus-client: the 103s\' header names are case-adjusted like the response\'s', { timeout: 20000 }, async () => {
  await sameAsHaproxy('early-hint-case-adjust');
});

test('in_table / table_<x> without a table name read the table of the proxy whose rule holds them (a frontend response rule: the frontend\'s, not the chosen backend\'s)', { timeout: 20000 }, async () => {
  await sameAsHaproxy('in_table-own-proxy');
});

test('early-hint around wait-for-body: the first 103 goes before the 100 Continue, the one reading the body after it came', { timeout: 20000 }, async () => {
  await sameAsHaproxy('early-hint-body');
});
