/*
 * The text of `show startup-logs`: what the process printed while it loaded its configuration (the [WARNING]/[ALERT]
 * lines of reportConfig), kept so that a daemon, whose stderr is gone, can still be asked. proxy/main.ts appends;
 * the CLI reads. Bounded to 64 KiB as haproxy's startup ring. Hot path: no.
 */

const STARTUP_LOGS_MAX = 65536;
let startupText = '';

/** Appends printed startup output (whole lines); what exceeds the bound is dropped. */
export function startupLogAppend(s: string): void {
  if (startupText.length + s.length <= STARTUP_LOGS_MAX) startupText += s;
}

/** The recorded startup output, '' when the process printed nothing. */
export function startupLogText(): string { return startupText; }
