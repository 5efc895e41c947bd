/*
 * `http-request|http-response set-log-level <level>` (2.6): the transaction's log line goes out at that syslog level
 * instead of info (err with log-separate-errors), each target still filtering by its own level; `silent` sends no
 * line. Stored on the stream's log record (StreamLog.logLevel, reset per transaction by http/stream.ts), read by
 * log/emit.ts. Registered by proxy/modules.ts. Hot path: no (one assignment when the rule runs).
 */
import type { HttpActionKw } from '../http/keywords.ts';
import type { StreamLog } from '../model/types.ts';
import { LOG_LEVEL_NAMES, LOG_LEVEL_SILENT } from './types.ts';

export const setLogLevelAction: HttpActionKw = {
  prefix: 'set-log-level',
  req: true,
  res: true,
  parse(args, end, ctx) {
    const name = args[2] ?? '';
    const level = name === 'silent' ? LOG_LEVEL_SILENT : LOG_LEVEL_NAMES.indexOf(name);
    if (args[1] !== 'set-log-level' || level === -1 || end !== 3) {
      ctx.alert(`'${args[0]} set-log-level' expects a level among 'silent', ${LOG_LEVEL_NAMES.map((n) => `'${n}'`).join(', ')}, `
        + `then an optional condition.`);
      return null;
    }
    return {
      run(_ctx, sess) {
        const log = (sess as { log?: StreamLog }).log;
        if (log !== undefined) log.logLevel = level;
      },
    };
  },
};
