/*
 * The defaults section the config e2e tests start from (mode and the three timeouts), so each test writes only what it
 * is about.
 */

/** `defaults` with `mode <mode>`, connect 1s, client and server 10s; `extra` lines (indented) appended. */
export function testDefaults(mode: 'http' | 'tcp' = 'http', ...extra: string[]): string {
  return `defaults\n  mode ${mode}\n  timeout connect 1s\n  timeout client 10s\n  timeout server 10s\n${extra.map((l) => `  ${l}\n`).join('')}`;
}
