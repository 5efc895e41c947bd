/* sluice-collect's --listen addresses: URLs (udp://host:port, tcp://[::1]:514, unix:///path, unix-dgram:///path) and the
 * address forms of a haproxy.cfg `log` line, so the target an operator wrote there can be pasted as is: `host:port` and
 * `:port` (UDP, HAProxy's default), `udp@ udp4@ udp6@ ipv4@ ipv6@ tcp@ tcp4@ tcp6@` prefixes, and `/path` or
 * `unix@/path` (a unix datagram socket, what `log /dev/log` sends to). Called once per flag by main.ts. Hot path: no.
 */

export interface ListenAddress {
  proto: 'udp' | 'tcp' | 'unix' | 'unix-dgram';
  host: string;
  port: number;
  path: string;
}

const FORMS = 'udp://host:port, tcp://host:port, unix:///path, unix-dgram:///path, or a haproxy `log` target ' +
  '(host:port, :port, udp@/tcp@/ipv4@/ipv6@host:port, /path, unix@/path)';

/** Parses one --listen value; throws an Error whose message names the flag and the accepted forms. */
export function parseListenAddress(u: string): ListenAddress {
  const url = /^(udp|tcp|unix|unix-dgram):\/\/(.*)$/.exec(u);
  if (url) {
    const proto = url[1] as ListenAddress['proto'];
    if (proto === 'unix' || proto === 'unix-dgram') {
      if (!url[2].startsWith('/')) throw new Error("--listen '" + u + "': a unix socket needs an absolute path");
      return { proto, host: '', port: 0, path: url[2] };
    }
    const hp = /^(?:\[([^\]]+)\]|([^:/]+)):(\d+)$/.exec(url[2]);
    if (!hp) throw new Error("--listen '" + u + "': expected host:port");
    return { proto, host: hp[1] ?? hp[2], port: port(u, hp[3]), path: '' };
  }
  const pre = /^(udp|udp4|udp6|ipv4|ipv6|tcp|tcp4|tcp6|unix)@(.*)$/.exec(u);
  const kind = pre ? pre[1] : '';
  const rest = pre ? pre[2] : u;
  if (kind === 'unix' || (kind === '' && rest.startsWith('/'))) {
    if (!rest.startsWith('/')) throw new Error("--listen '" + u + "': a unix socket needs an absolute path");
    return { proto: 'unix-dgram', host: '', port: 0, path: rest };
  }
  // [v6]:port, v4:port, name:port, ::1:port (the port after the last colon), :port
  const hp = /^(?:\[([^\]]+)\]|(.*)):(\d+)$/.exec(rest);
  if (!hp || (hp[2] !== undefined && /[/[\]]/.test(hp[2]))) throw new Error("--listen '" + u + "': expected " + FORMS);
  const v6 = kind.endsWith('6');
  const host = hp[1] ?? (hp[2] === '' ? (v6 ? '::' : '0.0.0.0') : hp[2]);
  return { proto: kind.startsWith('tcp') ? 'tcp' : 'udp', host, port: port(u, hp[3]), path: '' };
}

function port(u: string, digits: string): number {
  const p = Number(digits);
  if (p > 65535) throw new Error("--listen '" + u + "': port out of range");
  return p;
}
