/*
 * CLI commands `add server <bk>/<srv> <addr>[:port] [params]` and `del server <bk>/<srv>` (admin level, as 2.6),
 * on backend/dynamic-server.ts. Registered by proxy/modules.ts through addModuleCli. Hot path: no.
 */
import type { CliCommand, CliReply } from './types.ts';
import { ACCESS_LVL_ADMIN, LOG_ERR, LOG_INFO } from './types.ts';
import { addDynamicServer, delDynamicServer } from '../backend/dynamic-server.ts';
import type { DynReply } from '../backend/dynamic-server.ts';

const reply = (r: DynReply): CliReply => ({ text: r.text, severity: r.err ? LOG_ERR : LOG_INFO });

export const dynServerCli: CliCommand[] = [
  {
    words: ['add', 'server'], usage: 'add server <bk>/<srv>                   : create a new server', level: ACCESS_LVL_ADMIN,
    parse: (args, _s, env) => reply(addDynamicServer(env.src.proxies, env.src.global, args.slice(2))),
  },
  {
    words: ['del', 'server'], usage: 'del server <bk>/<srv>                   : remove a dynamically added server', level: ACCESS_LVL_ADMIN,
    parse: (args, _s, env) => reply(delDynamicServer(env.src.proxies, args[2])),
  },
];
