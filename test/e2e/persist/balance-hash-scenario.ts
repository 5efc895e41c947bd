/*
 * The traffic of the `balance hash <expr>` golden (fixtures/persist/balance-hash/, captured from HAProxy 2.6 by
 * capture.mts): a header expression with a converter (map-based and consistent hashing) and a path expression; which
 * server answers each request, round robin when the expression finds nothing.
 */
import { rawRequest } from '../http/golden-util.ts';

export interface BhPorts { map: number; cons: number; path: number; a: number; b: number; c: number }

export function bhConfig(p: BhPorts): string {
  const servers = `    server s1 127.0.0.1:${p.a}\n    server s2 127.0.0.1:${p.b}\n    server s3 127.0.0.1:${p.c} weight 2\n`;
  return `defaults
    mode http
    timeout connect 2s
    timeout client 5s
    timeout server 5s

listen map
    bind 127.0.0.1:${p.map}
    balance hash req.hdr(x-user),lower
${servers}
listen cons
    bind 127.0.0.1:${p.cons}
    balance hash req.hdr(x-user)
    hash-type consistent
${servers}
listen path
    bind 127.0.0.1:${p.path}
    balance hash path
${servers}`;
}

export async function runBh(p: BhPorts): Promise<string[]> {
  const out: string[] = [];
  const users = ['alice', 'Bob', 'carol', 'dave', 'erin', 'FRANK', 'gina', 'hal', '', ''];
  for (const l of ['map', 'cons'] as const) {
    for (const u of users) {
      const r = await rawRequest(p[l], 'GET / HTTP/1.1\r\nhost: h\r\n' + (u !== '' ? 'x-user: ' + u + '\r\n' : '') + 'connection: close\r\n\r\n');
      out.push(l + ' ' + (u || '-') + ' -> ' + r.slice(r.indexOf('\r\n\r\n') + 4).trim());
    }
  }
  for (const path of ['/a', '/b/c', '/d?x=1', '/e', '/f/g/h', '/a']) {
    const r = await rawRequest(p.path, 'GET ' + path + ' HTTP/1.1\r\nhost: h\r\nconnection: close\r\n\r\n');
    out.push('path ' + path + ' -> ' + r.slice(r.indexOf('\r\n\r\n') + 4).trim());
  }
  return out;
}
