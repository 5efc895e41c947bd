#!/usr/bin/env node
/*
 * Bench launcher: runs Sluice on a config file with mode http wired to proxy/http/stream.ts (until proxy/main.ts wires
 * it through modules.ts). Usage: node dist/bench/proxy/sluice-http-launch.js <cfg>. Prints "ready" once listening.
 */
import { buildRegistry, wireRuntime } from '../../proxy/modules.ts';
import { loadConfig } from '../../proxy/config/loader.ts';
import { registerProxyInit } from '../../proxy/model/factories.ts';
import { PR_MODE_HTTP } from '../../proxy/model/types.ts';
import { PR_CAP_FE, PR_CAP_BE } from '../../proxy/config/types.ts';
import { startFrontend, registerSessionStarter } from '../../proxy/frontend.ts';
import { initBackendServers } from '../../proxy/backend/server.ts';
import { keywords as httpKeywords, httpProxyInit } from '../../proxy/http/keywords.ts';
import { startHttpSession } from '../../proxy/http/stream.ts';

registerProxyInit(httpProxyInit);
const reg = buildRegistry();
if (!reg.sections.get('frontend')?.get('http-request')) reg.register(httpKeywords);
wireRuntime();
registerSessionStarter(PR_MODE_HTTP, startHttpSession);
const cfg = loadConfig([process.argv[2]], reg);
if (cfg.alerts > 0) { console.error(cfg.messages.map((m) => m.text).join('\n')); process.exit(1); }
for (const px of cfg.proxies) if (px.cap & PR_CAP_BE) initBackendServers(px);
for (const fe of cfg.proxies) if (fe.cap & PR_CAP_FE) await startFrontend(fe);
process.stdout.write('ready\n');
