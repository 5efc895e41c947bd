/*
 * Factories for the logging slots (LogCfg, LogTarget) with every field set, and `defaults` inheritance.
 * Called by the model factories (newProxy / global settings) and by log/keywords.ts. Hot path: no (load time).
 */
import type { LogCfg, LogTarget } from './types.ts';
import type { GlobalSettings, Proxy } from '../model/types.ts';
import { LOG_DEBUG, LOG_EMERG, LOG_FMT_LOCAL, LOG_TGT_UDP } from './types.ts';
import { HeaderCache } from './syslog.ts';

export function newLogCfg(): LogCfg {
  return {
    targets: [], useGlobal: false, noLog: false, tag: '', hostname: '',
    format: '', formatFile: '', formatLine: 0,
    formatSd: '', formatSdFile: '', formatSdLine: 0,
    uniqueIdFormat: '', uniqueIdFile: '', uniqueIdLine: 0, uniqueIdHeader: '',
    reqCaptures: [], resCaptures: [], cookieName: '', cookieLen: 0,
    emitter: null, emitterSd: null, uniqueId: null, logCount: 0, logEarly: false, logAtConnect: false,
  };
}

export function newLogTarget(file: string, line: number): LogTarget {
  return {
    kind: LOG_TGT_UDP, host: '', port: 514, family: 4, path: '', fd: -1,
    format: LOG_FMT_LOCAL, facility: 16, level: LOG_DEBUG, minLevel: LOG_EMERG, maxLen: 1024,
    sampleRanges: [], sampleSize: 0, sampleIdx: 0, file, line, sink: null,
    hdr: new HeaderCache(),
  };
}

/**
 * Copies what a proxy inherits from its `defaults` section into a fresh proxy's slot (targets, `log global`, tag,
 * formats, unique-id). Captures are not inherited (HAProxy forbids them in defaults). Called once per proxy when its
 * section starts, before its own lines are parsed; the proxy's own lines then override.
 */
export function inheritLogCfg(dst: LogCfg, def: LogCfg): void {
  dst.targets = def.targets.slice();
  dst.useGlobal = def.useGlobal;
  dst.tag = def.tag;
  dst.format = def.format;
  dst.formatFile = def.formatFile;
  dst.formatLine = def.formatLine;
  dst.formatSd = def.formatSd;
  dst.formatSdFile = def.formatSdFile;
  dst.formatSdLine = def.formatSdLine;
  dst.uniqueIdFormat = def.uniqueIdFormat;
  dst.uniqueIdFile = def.uniqueIdFile;
  dst.uniqueIdLine = def.uniqueIdLine;
  dst.uniqueIdHeader = def.uniqueIdHeader;
}

/** Proxy init hook (registered by proxy/modules.ts): a fresh LogCfg, inheriting from the `defaults` proxy if any. */
export function initProxyLog(px: Proxy, def: Proxy | null): void {
  px.log = newLogCfg();
  if (def !== null && def.log.targets !== undefined) inheritLogCfg(px.log, def.log);
}

/** Global init hook (registered by proxy/modules.ts). */
export function initGlobalLog(g: GlobalSettings): void {
  g.log = newLogCfg();
}

/**
 * Adds a capture slot to frontend `px` and returns its index in StreamLog.reqCaptures / resCaptures. Used by
 * `capture request|response header`, `declare capture` and by `http-request|http-response capture <sample> len <n>`
 * (HTTP rules module, at load).
 */
export function addCaptureSlot(px: Proxy, dir: 'request' | 'response', hdr: string, len: number): number {
  const list = dir === 'request' ? px.log.reqCaptures : px.log.resCaptures;
  list.push({ hdr: hdr.toLowerCase(), len });
  return list.length - 1;
}
