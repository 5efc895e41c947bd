/*
 * Operator events printed on stderr exactly like HAProxy (`[WARNING]  (pid) : Server bk/s1 is DOWN, ...`), in one
 * place. Other modules (P3's logging) may add a sink to also send them to syslog; the stats CLI and checks call the
 * state functions in backend/server.ts, which call here. Tests capture events with setEventCapture().
 * Hot path: no (state changes only).
 */

export const EV_ALERT = 0;
export const EV_WARNING = 1;
export const EV_NOTICE = 2;

const PREFIX = ['[ALERT]    ', '[WARNING]  ', '[NOTICE]   '];

/** `log` is the syslog level the message goes to the logs with, when its text alone does not tell (-1). */
export type EventSink = (level: number, text: string, log: number) => void;

const sinks: EventSink[] = [];
let toStderr = true;

/** Adds a sink receiving every event (level EV_*, text without prefix). */
export function addEventSink(fn: EventSink): void { sinks.push(fn); }
export function removeEventSink(fn: EventSink): void { const i = sinks.indexOf(fn); if (i >= 0) sinks.splice(i, 1); }
/** Turns stderr printing on/off (`quiet`, tests). */
export function setEventStderr(on: boolean): void { toStderr = on; }

/** The HAProxy line prefix for `level`, e.g. "[WARNING]  (1234) : ". */
export function eventPrefix(level: number): string { return `${PREFIX[level]}(${process.pid}) : `; }

export function emitEvent(level: number, text: string, log = -1): void {
  if (toStderr) process.stderr.write(eventPrefix(level) + text + '\n');
  for (const s of sinks) s(level, text, log);
}
