#!/usr/bin/env node
// hatop entry point. Selects React's production build before React loads (the development build
// costs ~2x CPU per refresh, bench/hatop/render.bench.ts), then runs the command line in command.ts.
// Hot path: no.
process.env.NODE_ENV ??= 'production';
const { runHatop } = await import('./command.ts');
runHatop();
