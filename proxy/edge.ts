/*
 * Registration of the connection-edge features (proxy/modules.ts calls registerEdge once): PROXY protocol on binds
 * (net/accept-proxy.ts) and servers (backend/send-proxy.ts), server-template (backend/server-template.ts), resolvers
 * sections and DNS-resolved servers (dns/*), `option originalto` and `http-send-name-header` (http/originalto.ts). Imports have no side effects; this only fills the given registry and the model hooks.
 * Hot path: no.
 */
import type { KeywordRegistry } from './config/registry.ts';
import { registerServerInit, registerProxyInit } from './model/factories.ts';
import { acceptProxyBindKeywords } from './net/accept-proxy.ts';
import { sendProxyServerKeywords, sendProxyServerInit } from './backend/send-proxy.ts';
import { makeServerTemplateKeywords } from './backend/server-template.ts';
import { resolversKeywords } from './dns/resolvers-section.ts';
import { dnsServerKeywords, dnsServerInit } from './dns/server-keywords.ts';
import { originalToKeywords, originalToProxyInit } from './http/originalto.ts';
import { dnsCliCommands } from './dns/cli.ts';
import { addModuleCli } from './stats/cli-registry.ts';
import { ppAclFetches } from './net/pp-fetches.ts';
import { registerAclFetches } from './acl/fetches.ts';

/** Adds the edge keywords to `reg` and the server init hooks to the model. Idempotent hooks, once per registry. */
export function registerEdge(reg: KeywordRegistry): void {
  registerServerInit(sendProxyServerInit);
  registerServerInit(dnsServerInit);
  registerProxyInit(originalToProxyInit);
  addModuleCli(dnsCliCommands);
  registerAclFetches(ppAclFetches);
  reg.registerBind(acceptProxyBindKeywords);
  reg.registerServer(sendProxyServerKeywords);
  reg.registerServer(dnsServerKeywords);
  reg.register(makeServerTemplateKeywords(reg));
  reg.register(resolversKeywords);
  reg.register(originalToKeywords);
}
