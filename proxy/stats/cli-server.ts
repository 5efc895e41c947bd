/*
 * The stats socket server (HAProxy's CLI applet): listens on the `stats socket` unix paths / TCP addresses with
 * their level and file mode, reads LF-terminated lines (CR tolerated), splits them into `;`-separated commands
 * (`\;` and `\ ` escape), runs each through the registry and frames replies exactly like 2.6: `\n` after each
 * command, `\n> ` in prompt mode; non-interactive sessions close once their input is drained. Idle sessions are
 * closed after `stats timeout`. Hot path: no.
 */
import * as net from 'node:net';
import { chmodSync, unlinkSync, existsSync } from 'node:fs';
import type { CliSession, CliEnv, StatsSocketCfg, StatsSource } from './types.ts';
import { CLI_SEV_NUMBER, CLI_SEV_STRING, CLI_RAW } from './types.ts';
import type { CliRegistry } from './cli-registry.ts';
import { runCli } from './cli-registry.ts';
import { serverStateApi } from './srv-admin.ts';

/** Longest request line kept (tune.bufsize). */
const CLI_LINE_MAX = 16384;

const SEV_NAMES = ['emerg', 'alert', 'crit', 'err', 'warning', 'notice', 'info', 'debug'];

/** Splits one request line into commands, each a list of words (2.6 rules: spaces separate, `\` escapes). */
export function splitCommands(line: string): string[][] {
  const cmds: string[][] = [];
  let words: string[] = [];
  let cur = '';
  let inWord = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === '\\' && i + 1 < line.length) {
      cur += line[++i];
      inWord = true;
    } else if (c === ' ' || c === '\t') {
      if (inWord) { words.push(cur); cur = ''; inWord = false; }
    } else if (c === ';') {
      if (inWord) { words.push(cur); cur = ''; inWord = false; }
      cmds.push(words);
      words = [];
    } else {
      cur += c;
      inWord = true;
    }
  }
  if (inWord) words.push(cur);
  cmds.push(words);
  return cmds;
}

/**
 * Process-wide CLI traffic, counted like 2.6 counts its CLI streams in `show info` (CumConns, CumReq, Jobs,
 * TotalBytesOut). Survives reloads.
 */
export const cliTraffic = { cumConns: 0, cur: 0, bytesOut: 0 };

/** A running CLI: its listeners and live sessions. */
export class CliServer {
  readonly reg: CliRegistry;
  readonly src: StatsSource;
  readonly servers: net.Server[] = [];
  readonly sessions = new Set<CliSession>();
  readonly socks = new Map<number, net.Socket>();
  readonly env: CliEnv;
  defaultTimeoutMs: number;
  /** `stats maxconn`: sessions served at once per socket; later clients wait (not read) until one ends. */
  maxconn: number;
  private nextId = 1;
  private readonly active = new Map<StatsSocketCfg, number>();
  private readonly waiting = new Map<StatsSocketCfg, net.Socket[]>();

  constructor(reg: CliRegistry, src: StatsSource, timeoutMs: number, maxconn = 10) {
    this.reg = reg;
    this.src = src;
    this.defaultTimeoutMs = timeoutMs;
    this.maxconn = maxconn > 0 ? maxconn : 10;
    const self = this;
    this.env = {
      src,
      get api() { return serverStateApi(); },
      sessions: this.sessions,
      killSession(id: number): boolean {
        const s = self.socks.get(id);
        if (s === undefined) return false;
        s.destroy();
        return true;
      },
    };
  }

  /** Starts listening on one `stats socket`; resolves with the bound address (TCP port for port 0). */
  listen(cfg: StatsSocketCfg): Promise<net.AddressInfo | string> {
    const srv = net.createServer((sock) => this.admit(sock, cfg));
    srv.on('error', onServerError);
    this.servers.push(srv);
    return new Promise((resolve, reject) => {
      srv.once('error', reject);
      const done = (): void => {
        srv.removeListener('error', reject);
        if (cfg.path !== '') {
          if (cfg.mode >= 0 && cfg.path[0] !== '\0') chmodSync(cfg.path, cfg.mode);   // abns@: no file
          resolve(cfg.path);
        } else resolve(srv.address() as net.AddressInfo);
      };
      if (cfg.path !== '') {
        if (cfg.path[0] !== '\0' && existsSync(cfg.path)) { try { unlinkSync(cfg.path); } catch { /* a stale socket we cannot remove: listen reports it */ } }
        srv.listen({ path: cfg.path, exclusive: true }, done); // never shared through a -W master: each worker owns its file
      } else srv.listen(cfg.port, cfg.host || '0.0.0.0', done);
    });
  }

  close(): Promise<void> {
    for (const s of this.socks.values()) s.destroy();
    for (const q of this.waiting.values()) for (const s of q) s.destroy();
    return Promise.all(this.servers.map((s) => new Promise<void>((r) => s.close(() => r())))).then(() => undefined);
  }

  /** Serves `sock` now, or parks it (paused, unread) while the socket's maxconn sessions are busy. */
  private admit(sock: net.Socket, cfg: StatsSocketCfg): void {
    if ((this.active.get(cfg) ?? 0) < this.maxconn) { this.accept(sock, cfg); return; }
    sock.pause();
    sock.on('error', onSockError);
    let q = this.waiting.get(cfg);
    if (q === undefined) { q = []; this.waiting.set(cfg, q); }
    q.push(sock);
    sock.once('close', () => { const i = q!.indexOf(sock); if (i >= 0) q!.splice(i, 1); });
  }

  private release(cfg: StatsSocketCfg): void {
    this.active.set(cfg, (this.active.get(cfg) ?? 1) - 1);
    const q = this.waiting.get(cfg);
    const next = q !== undefined ? q.shift() : undefined;
    if (next !== undefined) { this.accept(next, cfg); next.resume(); }
  }

  private accept(sock: net.Socket, cfg: StatsSocketCfg): void {
    const id = this.nextId++;
    this.active.set(cfg, (this.active.get(cfg) ?? 0) + 1);
    cliTraffic.cumConns++;
    cliTraffic.cur++;
    const s: CliSession = {
      id, level: cfg.level, prompt: false, severityOutput: 0, timeoutMs: this.defaultTimeoutMs,
      proto: cfg.path !== '' ? 'unix_stream' : 'tcpv4',
      peer: cfg.path !== '' ? 'unix:' + (this.servers.length) : (sock.remoteAddress ?? '') + ':' + (sock.remotePort ?? 0),
      acceptMs: Date.now(), closing: false,
    };
    this.sessions.add(s);
    this.socks.set(id, sock);
    let buf = '';
    sock.setEncoding('latin1');
    sock.setTimeout(s.timeoutMs);
    sock.on('timeout', () => sock.destroy());
    sock.on('error', onSockError);
    sock.on('close', () => { this.sessions.delete(s); this.socks.delete(id); cliTraffic.cur--; this.release(cfg); });
    sock.on('data', (chunk: string) => {
      if (s.closing) return;
      buf += chunk;
      let out = '';
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        let line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        if (line.endsWith('\r')) line = line.slice(0, -1);
        const nul = line.indexOf('\0');
        if (nul >= 0) line = line.slice(0, nul); // 2.6 reads the command as a C string: a NUL ends it
        out += this.runLine(line, s);
        if (s.closing) break;
      }
      // a line longer than a 2.6 buffer is never answered: drop the client rather than buffer without bound
      if (buf.length > CLI_LINE_MAX) { sock.destroy(); return; }
      if (out !== '') { cliTraffic.bytesOut += out.length; sock.write(out, 'latin1'); }
      if (s.timeoutMs !== sock.timeout) sock.setTimeout(s.timeoutMs);
      // non-interactive: close once everything received so far has been answered
      if (s.closing || (!s.prompt && out !== '' && buf === '')) { s.closing = true; sock.end(); }
    });
  }

  /** Runs every command of one line and returns the framed replies. */
  runLine(line: string, s: CliSession): string {
    let out = '';
    for (const args of splitCommands(line)) {
      if (s.closing) break;
      const w0 = args[0];
      if (w0 === 'quit' && args.length === 1) { s.closing = true; break; }
      if (w0 === 'prompt' && args.length === 1) {
        s.prompt = !s.prompt;
        out += s.prompt ? '\n> ' : '\n';
        continue;
      }
      const r = runCli(this.reg, args, s, this.env);
      let text = r.text;
      if (text !== '' && r.severity !== CLI_RAW && s.severityOutput !== 0) {
        text = (s.severityOutput === CLI_SEV_NUMBER ? '[' + r.severity + ']: '
          : s.severityOutput === CLI_SEV_STRING ? '[' + SEV_NAMES[r.severity] + ']: ' : '') + text;
      }
      out += text + (r.noEnd === true ? (s.prompt ? '> ' : '') : s.prompt ? '\n> ' : '\n');
    }
    return out;
  }
}

function onServerError(this: net.Server, e: Error): void {
  process.stderr.write('[ALERT] stats socket: ' + e.message + '\n');
}

function onSockError(this: net.Socket): void {
  this.destroy();
}
