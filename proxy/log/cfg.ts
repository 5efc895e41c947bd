/*
 * Factories for the logging slots (LogCfg, LogTarget) with every field set, and `defaults` inheritance.
 * Called by the model factories (newProxy / global settings) and by log/keywords.ts. Hot path: no (load time).
 */
import type { LogCfg, LogTarget } from './types.ts';
import { LOG_DEBUG, LOG_EMERG, LOG_FMT_LOCAL, LOG_TGT_UDP } from './types.ts';

export function newLogCfg(): LogCfg {
  return {
    targets: [], useGlobal: false, noLog: false, tag: '', hostname: '',
    format: '', formatFile: '', formatLine: 0,
    formatSd: '', formatSdFile: '', formatSdLine: 0,
    uniqueIdFormat: '', uniqueIdFile: '', uniqueIdLine: 0, uniqueIdHeader: '',
    reqCaptures: [], resCaptures: [],
    emitter: null, emitterSd: null, uniqueId: null,
  };
}

export function newLogTarget(file: string, line: number): LogTarget {
  return {
    kind: LOG_TGT_UDP, host: '', port: 514, family: 4, path: '', fd: -1,
    format: LOG_FMT_LOCAL, facility: 16, level: LOG_DEBUG, minLevel: LOG_EMERG, maxLen: 1024,
    sampleRanges: [], sampleSize: 0, sampleIdx: 0, file, line, sink: null,
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
