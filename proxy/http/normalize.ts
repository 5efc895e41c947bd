/*
 * HAProxy 2.6's scheme-based normalisation of a request head, for the requests it concerns (absolute-form URIs and
 * CONNECT; origin-form requests are left alone): "http://h:80/p" and "https://h:443/p" lose their default port in the
 * URI and then in the Host header; a CONNECT's Host header loses a ":80" or ":443" port, and a CONNECT whose Host
 * does not name its authority, or another target whose authority (everything up to its first '/', a query
 * included: "http://h?q" has the authority "h?q") is not the Host, is a 400; without a Host header nothing is
 * compared. Observed on 2.6.12 (fixtures/http/normalize). Called by http/stream.ts once per request head. Hot path: yes (one byte test for
 * origin-form requests).
 */
import type { H1Msg } from './h1-parser.ts';
import { H1_HDR_STRIDE, H1_MF_METH_CONNECT } from './types.ts';

/** Host header value [s, e) shrunk in place by dropping ":80"/":443" (kept when `port` is given and differs). */
function dropHostPort(m: H1Msg, buf: Buffer, port: string): void {
  if (m.hostIdx < 0) return;
  const x = m.hostIdx * H1_HDR_STRIDE;
  const s = m.hdr[x + 2], e = m.hdr[x + 3];
  const c = buf.lastIndexOf(0x3a, e - 1);
  if (c < s || buf[e - 1] === 0x5d) return;                  // no port (or an IPv6 literal without one)
  const p = buf.toString('latin1', c + 1, e);
  if (port !== '' ? p === port : p === '80' || p === '443') m.hdr[x + 3] = c;
}

/** "h:port" without the scheme's default port, lowercased. */
function withoutDefaultPort(h: string, def: string): string {
  const c = h.lastIndexOf(':');
  return (c >= 0 && def !== '' && h.slice(c + 1) === def && h.indexOf(']', c) < 0 ? h.slice(0, c) : h).toLowerCase();
}

/**
 * An absolute URI's authority buf[as, ae) (userinfo left out) names the same host as the Host header, if there is
 * one: 2.6 answers 400 when they differ ("GET http://b/ HTTP/1.1" with "Host: a").
 */
function hostMatches(m: H1Msg, buf: Buffer, as: number, ae: number, def: string): boolean {
  if (m.hostIdx < 0) return true;
  let a = buf.toString('latin1', as, ae);
  const at = a.lastIndexOf('@');
  if (at >= 0) a = a.slice(at + 1);
  const x = m.hostIdx * H1_HDR_STRIDE;
  return withoutDefaultPort(a, def) === withoutDefaultPort(buf.toString('latin1', m.hdr[x + 2], m.hdr[x + 3]), def);
}

/**
 * Normalises the head of `m` in buf. Returns the new request-target when it changed, '' when unchanged, or null for
 * a request to reject with 400 (CONNECT or absolute URI whose Host differs from its authority).
 */
export function httpNormalize(m: H1Msg, buf: Buffer): string | null {
  const us = m.l1s, ue = m.l1e;
  if (us < ue && buf[us] === 0x2f) return '';
  if ((m.flags & H1_MF_METH_CONNECT) !== 0) {
    if (m.hostIdx >= 0) {
      const x = m.hostIdx * H1_HDR_STRIDE;
      const hs = m.hdr[x + 2], he = m.hdr[x + 3];
      if (he - hs !== ue - us || buf.compare(buf, us, ue, hs, he) !== 0) return null;
    }
    dropHostPort(m, buf, '');
    return '';
  }
  const sep = buf.indexOf('://', us, 'latin1');
  if (sep < 0 || sep >= ue) {
    // no scheme: 2.6 takes the target up to its first '/' as the authority and wants it to be the Host header's
    // ("GET a/b" with "Host: a" passes, "GET a:80", "GET p", "GET ?x" with "Host: a" are 400s); "*" is not checked
    if (buf[us] === 0x2a && ue - us === 1) return '';
    let ae = buf.indexOf(0x2f, us);
    if (ae < 0 || ae > ue) ae = ue;
    return hostMatches(m, buf, us, ae, '') ? '' : null;
  }
  const scheme = buf.toString('latin1', us, sep).toLowerCase();
  const def = scheme === 'http' ? '80' : scheme === 'https' ? '443' : '';
  const as = sep + 3;
  let ae = buf.indexOf(0x2f, as);
  if (ae < 0 || ae > ue) ae = ue;
  if (!hostMatches(m, buf, as, ae, def)) return null;
  if (def === '') return '';
  const c = buf.lastIndexOf(0x3a, ae - 1);
  if (c < as || buf.toString('latin1', c + 1, ae) !== def) return '';
  dropHostPort(m, buf, def);
  return buf.toString('latin1', us, c) + buf.toString('latin1', ae, ue);
}
