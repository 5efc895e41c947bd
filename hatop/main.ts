#!/usr/bin/env node
// hatop entry point. Selects React's production build before React loads (the development build
// costs ~2x CPU per refresh, bench/hatop/render.bench.ts), then runs the command line in command.ts.
// Ink renders only the final frame when CI or CONTINUOUS_INTEGRATION is set (read once, when ink
// loads); on a terminal that would leave hatop's screen blank until it exits, so on a TTY those
// variables are neutralised for this process before ink is imported.
// Hot path: no.
process.env.NODE_ENV ??= 'production';
if (process.stdout.isTTY) {
  if ('CI' in process.env) process.env.CI = 'false';
  if ('CONTINUOUS_INTEGRATION' in process.env) process.env.CONTINUOUS_INTEGRATION = 'false';
}
const { runHatop } = await import('./command.ts');
runHatop();
