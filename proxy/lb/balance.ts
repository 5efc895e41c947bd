/*
 * Keywords `balance <algo> [options]` and `hash-type <method> [<function>] [avalanche]` (backend side). They only
 * fill BalanceCfg; the loader binds the named LbAlgo registered by proxy/modules.ts and reports algorithms Sluice
 * does not implement (log-hash). Hot path: no.
 */
import type { CfgKeyword, KwCtx } from '../config/types.ts';
import { PR_CAP_BE, PR_CAP_DEF } from '../config/types.ts';
import { LB_HASH_MAP_BASED, LB_HASH_CONSISTENT, LB_HFN_SDBM, LB_HFN_DJB2, LB_HFN_WT6, LB_HFN_CRC32 } from './types.ts';
import { parseUint, atol } from '../config/values.ts';
import { compileStkKey } from '../stick/key-expr.ts';
import { capName } from '../config/sections.ts';
import { hashExprSet } from './hash-expr.ts';

const BALANCE_ERR = `balance only supports 'roundrobin', 'static-rr', 'leastconn', 'source', 'uri', 'url_param', 'hdr(name)' and 'rdp-cookie(name)' options.`;

function parseBalance(args: readonly string[], ctx: KwCtx): void {
  const px = ctx.proxy!;
  const b = px.balance;
  const a = args[1] ?? '';
  b.file = ctx.file; b.line = ctx.line;
  b.uriLen = 0; b.uriDepth = 0; b.uriWhole = false; b.urlParam = ''; b.hdrName = ''; b.hdrDomainOnly = false;
  if (a === 'roundrobin' || a === 'static-rr' || a === 'leastconn' || a === 'first' || a === 'source') { b.algo = a; return; }
  if (a === 'random' || a.startsWith('random(')) {
    b.algo = 'random';
    b.randomDraws = 2;
    if (a.startsWith('random(')) {
      const inner = a.slice(7, a.endsWith(')') ? -1 : undefined);
      const bad = inner.search(/[^0-9]/);
      if (bad >= 0) { ctx.alert(`balance random : unexpected character '${inner[bad]}' after argument.`); return; }
      const n = parseUint(inner);
      if (n <= 0) { ctx.alert(`balance random : number of draws must be at least 1.`); return; }
      b.randomDraws = n;
    }
    return;
  }
  if (a === 'uri') {
    b.algo = 'uri';
    for (let i = 2; i < args.length; i++) {
      if (args[i] === 'whole') b.uriWhole = true;
      else if (args[i] === 'len' || args[i] === 'depth') {
        const v = parseUint(args[i + 1] ?? '');
        if (v <= 0) { ctx.alert(`balance uri : '${args[i]}' expects a positive integer (got '${args[i + 1] ?? ''}').`); return; }
        if (args[i] === 'len') b.uriLen = v; else b.uriDepth = v;
        i++;
      } else if (args[i] === 'path-only') { /* default behaviour already */ }
      else { ctx.alert(`balance uri only accepts parameters 'len', 'depth', 'path-only', and 'whole' (got '${args[i]}').`); return; }
    }
    return;
  }
  if (a === 'url_param') {
    if (args.length < 3) { ctx.alert(`balance url_param requires an URL parameter name.`); return; }
    b.algo = 'url_param';
    b.urlParam = args[2];
    for (let i = 3; i < args.length; i++) {
      if (args[i] === 'check_post') { ctx.warn(`'balance url_param ${args[2]} check_post' : the POST body lookup is not supported by sluice; only the query string is used.`); if (/^\d+$/.test(args[i + 1] ?? '')) i++; }
      else { ctx.alert(`balance url_param only accepts 'check_post' modifier (got '${args[i]}').`); return; }
    }
    return;
  }
  if (a.startsWith('hdr(')) {
    if (!a.endsWith(')') || a.length <= 5) { ctx.alert(`balance hdr requires an http header field name.`); return; }
    b.algo = 'hdr';
    b.hdrName = a.slice(4, -1).toLowerCase();
    for (let i = 2; i < args.length; i++) {
      if (args[i] === 'use_domain_only') b.hdrDomainOnly = true;
      else { ctx.alert(`balance ${a} only accepts 'use_domain_only' modifier (got '${args[i]}').`); return; }
    }
    return;
  }
  if (a === 'rdp-cookie' || a.startsWith('rdp-cookie(')) {
    b.algo = 'rdp-cookie';
    b.rdpCookieName = 'mstshash';
    if (a !== 'rdp-cookie') {
      if (!a.endsWith(')') || a.length <= 12) { ctx.alert(`balance rdp-cookie : missing cookie name.`); return; }
      b.rdpCookieName = a.slice(11, -1).toLowerCase();
    }
    return;
  }
  if (a === 'hash') {
    const expr = args.slice(2).join(' ');
    if (expr === '') { ctx.alert(`balance hash requires a sample expression.`); return; }
    b.algo = 'hash';
    const px = ctx.proxy!;
    ctx.postParse(() => {
      const fn = compileStkKey(expr);
      if (typeof fn === 'string') {
        ctx.alertRaw(`${capName(px.cap)} '${px.name}' [${px.file}:${px.line}]: failed to parse 'balance hash' expression '${expr}' in : ${fn}.`);
        return;
      }
      hashExprSet(px, fn);
    });
    return;
  }
  if (a.startsWith('rdp-cookie') || a === 'log-hash') {
    ctx.alert(`'balance ${a}' is a HAProxy 2.6 algorithm not supported by sluice yet.`);
    return;
  }
  if (a === '') return;   // 2.6.12 takes a bare `balance` and keeps the algorithm it had
  ctx.alert(BALANCE_ERR);
}

function parseHashType(args: readonly string[], ctx: KwCtx): void {
  const b = ctx.proxy!.balance;
  const m = args[1] ?? '';
  if (m === 'map-based') b.hashType = LB_HASH_MAP_BASED;
  else if (m === 'consistent') b.hashType = LB_HASH_CONSISTENT;
  else if (m === 'avalanche') {
    ctx.alert("experimental feature 'hash-type avalanche' is not supported anymore, please use 'hash-type map-based sdbm avalanche' instead.");
    return;
  }
  else { ctx.alert(`'${args[0]}' only supports 'consistent' and 'map-based'.`); return; }
  b.hashFunc = LB_HFN_SDBM;
  // without a function, 2.6 avalanches consistent keys (observed, fixtures/lb ch_uri vs ch_sdbm), not map-based ones
  b.hashAvalanche = b.hashType === LB_HASH_CONSISTENT;
  const f = args[2];
  if (f === undefined) return;
  b.hashAvalanche = false;
  if (f === 'sdbm') b.hashFunc = LB_HFN_SDBM;
  else if (f === 'djb2') b.hashFunc = LB_HFN_DJB2;
  else if (f === 'wt6') b.hashFunc = LB_HFN_WT6;
  else if (f === 'crc32') b.hashFunc = LB_HFN_CRC32;
  else { ctx.alert(`'${args[0]}' only supports 'sdbm', 'djb2', 'crc32', or 'wt6' hash functions.`); return; }
  if (args[3] === 'avalanche') b.hashAvalanche = true;
  else if (args[3] !== undefined) { ctx.alert(`'${args[0]}' only supports 'avalanche' as a modifier for hash functions.`); }
}

function parseHashBalanceFactor(args: readonly string[], ctx: KwCtx): void {
  if (args.length < 2 || args[1] === '') { ctx.alert(`'${args[0]}' expects an integer argument.`); return; }
  const v = atol(args[1]);
  if (v !== 0 && v <= 100) { ctx.alert(`'${args[0]}' must be 0 or greater than 100.`); return; }
  ctx.proxy!.balance.hashBalanceFactor = v;
}

export const keywords: CfgKeyword[] = [
  { section: 'listen', name: 'hash-balance-factor', parse: parseHashBalanceFactor },
  { section: 'listen', name: 'balance', cap: PR_CAP_BE | PR_CAP_DEF, parse: parseBalance },
  { section: 'listen', name: 'hash-type', cap: PR_CAP_BE | PR_CAP_DEF, parse: parseHashType },
];
