/*
 * The one list of modules (HAProxy's initcalls): registers every module's keyword tables, server/bind parameters,
 * LB algorithms, model init hooks, session starters and sinks, in a fixed order. Imports have no side effects; main.ts
 * calls buildRegistry() and wireRuntime() once, tests call buildRegistry() for their own registry.
 * To add a module: one import and one line below, committed on its own. Hot path: no.
 */
import { KeywordRegistry } from './config/registry.ts';
import { registerProxyInit, registerServerInit, registerGlobalInit } from './model/factories.ts';
import { PR_MODE_TCP, PR_MODE_HTTP } from './model/types.ts';
import { keywords as globalKeywords } from './config/global-keywords.ts';
import { keywords as proxyKeywords } from './config/proxy-keywords.ts';
import { keywords as frontendKeywords, bindKeywords, makeFrontendKeywords, registerSessionStarter, setConnectLogSink } from './frontend.ts';
import { serverKeywords, makeServerKeywords } from './backend/server-keywords.ts';
import { keywords as balanceKeywords } from './lb/balance.ts';
import { keywords as cookieKeywords } from './backend/cookie.ts';
import { keywords as persistKeywords, persistProxyInit } from './backend/persist-rules.ts';
import { keywords as dispatchKeywords } from './backend/dispatch.ts';
import { serverKeywords as nonStickServerKeywords, nonStickServerInit } from './backend/non-stick.ts';
import { serverKeywords as redirServerKeywords, redirServerInit } from './backend/redir.ts';
import { serverKeywords as observeServerKeywords, observeServerInit } from './backend/observe.ts';
import { keywords as sourceKeywords, serverKeywords as sourceServerKeywords, sourceProxyInit, sourceServerInit } from './backend/source.ts';
import { keywords as checkKeywords, serverKeywords as checkServerKeywords } from './checks/keywords.ts';
import { keywords as tcpCheckKeywords } from './checks/tcp-check.ts';
import { startTcpSession, setTcpLogSink } from './tcp/forward.ts';
import { keywords as tcpRuleKeywords } from './tcp/rules.ts';
import { keywords as acceptRateKeywords } from './accept-rate.ts';
import { keywords as procVarKeywords } from './proc-vars.ts';
import { keywords as tcpResponseKeywords } from './tcp/response-rules.ts';
import { tcpVarActions, tcpLogArgFetch } from './tcp/vars.ts';
import { registerTcpActions } from './tcp/rules.ts';
import { registerLogArgFetches } from './log/sample.ts';
import { roundrobin } from './lb/roundrobin.ts';
import { staticRr } from './lb/static-rr.ts';
import { leastconn } from './lb/leastconn.ts';
import { first } from './lb/first.ts';
import { source } from './lb/source.ts';
import { uri } from './lb/uri.ts';
import { urlParam } from './lb/url-param.ts';
import { hdr } from './lb/hdr.ts';
import { random } from './lb/random.ts';
import { rdpCookie } from './lb/rdp-cookie.ts';
import { hashExpr } from './lb/hash-expr.ts';
import { UNSUPPORTED } from './unsupported.ts';
import { IGNORED } from './ignored.ts';
import { registerEdge } from './edge.ts';
import { keywords as logKeywords } from './log/keywords.ts';
import { initProxyLog, initGlobalLog } from './log/cfg.ts';
import { logStream, logConnect } from './log/emit.ts';
import { keywords as aclKeywords } from './acl/keywords.ts';
import { keywords as statsKeywords } from './stats/keywords.ts';
import { statsProxyInit, statsServerInit } from './stats/counters.ts';
import { keywords as httpKeywords, httpProxyInit } from './http/keywords.ts';
import { startHttpSession } from './http/stream.ts';
import { registerStick } from './stick/register.ts';
import { addModuleCli } from './stats/cli-registry.ts';
import { dynServerCli } from './stats/cli-dyn-server.ts';
import { keywords as httpErrorKeywords } from './http/errors-cfg.ts';
import { keywords as monitorKeywords } from './http/monitor.ts';
import { registerRetryOn } from './http/retry-on.ts';
import { keywords as compressionKeywords } from './http/compression.ts';
import { keywords as lenientKeywords } from './http/lenient-options.ts';
import { keywords as restrictKeywords } from './http/restrict-hdr-names.ts';
import { registerCache } from './cache/register.ts';
import { sslBindKeywords, sslServerKeywords, sslGlobalKeywords, sslServerInit } from './ssl/keywords.ts';
import { sslAclFetches, sslLogFetches } from './ssl/fetches.ts';
import { tlsAcceptorFor, tlsHandshake } from './ssl/accept.ts';
import { registerAclFetches } from './acl/fetches.ts';
import { BODY_ACL_FETCHES, bodyLogArgFetch } from './acl/fetches-body.ts';
import { keywords as serverStateKeywords, serverStateProxyInit } from './backend/server-state.ts';
import { keywords as spreadChecksKeywords, spreadChecksInit } from './checks/spread.ts';
import { keywords as externalCheckKeywords, externalCheckProxyInit } from './checks/external-check.ts';
import { nbsrvFetch } from './acl/nbsrv.ts';
import { PROXY_STATE_FETCHES } from './acl/proxy-state.ts';
import { patRefLoadStart } from './acl/pat-ref.ts';
import { userlistLoadStart } from './http/userlist.ts';
import { stkLoadStart } from './stick/table.ts';
import { registerLogFetches, registerLogFallbackFetch } from './log/sample.ts';
import { aclValueFetch } from './acl/fetch-value.ts';
import { httpReqLogFetch } from './acl/fetches-http-req.ts';
import { internalLogFetch } from './acl/fetches-internal.ts';
import { sslCertLogFetch } from './ssl/fetches-cert.ts';
import { varConverter } from './http/var-converters.ts';
import { registerConverters } from './log/converters.ts';
import { registerHttpActions } from './http/keywords.ts';
import { setLogLevelAction } from './log/set-log-level.ts';
import { stkLogConverter } from './stick/fetches.ts';
import { setTlsAcceptorLookup, setTlsHandshake } from './frontend.ts';
import { sslCheckConnect } from './ssl/checks.ts';
import { setCheckTlsConnector } from './checks/probe.ts';

/** Model init hooks: run before any configuration is parsed (newProxy/newServer/newGlobal call them). */
export function registerModelHooks(): void {
  registerGlobalInit(initGlobalLog);
  registerGlobalInit(patRefLoadStart);
  registerGlobalInit(userlistLoadStart);
  registerGlobalInit(stkLoadStart);
  registerGlobalInit(spreadChecksInit);
  registerProxyInit(initProxyLog);
  registerProxyInit(statsProxyInit);
  registerProxyInit(httpProxyInit);
  registerProxyInit(persistProxyInit);
  registerProxyInit(sourceProxyInit);
  registerProxyInit(serverStateProxyInit);
  registerProxyInit(externalCheckProxyInit);
  registerServerInit(sourceServerInit);
  registerServerInit(nonStickServerInit);
  registerServerInit(redirServerInit);
  registerServerInit(observeServerInit);
  registerServerInit(statsServerInit);
  registerServerInit(sslServerInit);
  registerAclFetches(sslAclFetches);
  registerAclFetches([nbsrvFetch, ...PROXY_STATE_FETCHES]);
  registerTcpActions(tcpVarActions);
  registerLogArgFetches(tcpLogArgFetch);
  registerAclFetches(BODY_ACL_FETCHES);
  registerLogArgFetches(bodyLogArgFetch);
  registerLogFetches(sslLogFetches);
  registerLogFallbackFetch(aclValueFetch);
  registerLogArgFetches(httpReqLogFetch);
  registerLogArgFetches(internalLogFetch);
  registerLogArgFetches(sslCertLogFetch);
  registerConverters(stkLogConverter);
  registerConverters(varConverter);
  registerHttpActions([setLogLevelAction]);
}

/** A registry with every module's keywords. Also registers the model hooks (idempotent). */
export function buildRegistry(): KeywordRegistry {
  registerModelHooks();
  const reg = new KeywordRegistry();
  reg.register(globalKeywords);
  reg.register(acceptRateKeywords);
  reg.register(procVarKeywords);
  reg.register(proxyKeywords);
  reg.register(frontendKeywords);
  reg.register(makeFrontendKeywords(reg));
  reg.registerBind(bindKeywords);
  reg.register(makeServerKeywords(reg));
  reg.registerServer(serverKeywords);
  reg.register(balanceKeywords);
  reg.register(cookieKeywords);
  reg.register(persistKeywords);
  reg.register(sourceKeywords);
  reg.register(serverStateKeywords);
  reg.register(dispatchKeywords);
  reg.registerServer(sourceServerKeywords);
  reg.registerServer(nonStickServerKeywords);
  reg.registerServer(redirServerKeywords);
  reg.registerServer(observeServerKeywords);
  reg.register(tcpRuleKeywords);
  reg.register(tcpResponseKeywords);
  reg.register(checkKeywords);
  reg.register(tcpCheckKeywords);
  reg.register(spreadChecksKeywords);
  reg.register(externalCheckKeywords);
  reg.registerServer(checkServerKeywords);
  reg.registerLb([roundrobin, staticRr, leastconn, first, source, uri, urlParam, hdr, random, rdpCookie, hashExpr]);
  reg.register(logKeywords);
  reg.register(aclKeywords);
  reg.register(statsKeywords);
  reg.register(httpKeywords);
  registerStick(reg);
  addModuleCli(dynServerCli);
  reg.register(httpErrorKeywords);
  reg.register(monitorKeywords);
  registerRetryOn(reg);
  reg.register(compressionKeywords);
  reg.register(lenientKeywords);
  reg.register(restrictKeywords);
  registerCache(reg);
  reg.register(sslGlobalKeywords);
  reg.registerBind(sslBindKeywords);
  reg.registerServer(sslServerKeywords);
  registerEdge(reg);
  for (const [family, names] of UNSUPPORTED) reg.registerUnsupported(family, names);
  for (const [family, kws] of IGNORED) reg.registerIgnored(family, kws);
  return reg;
}

/** Runtime wiring: session starters per mode and the stream log sink. */
export function wireRuntime(): void {
  registerSessionStarter(PR_MODE_TCP, startTcpSession);
  registerSessionStarter(PR_MODE_HTTP, startHttpSession);
  setTcpLogSink(logStream);
  setConnectLogSink(logConnect);
  setTlsAcceptorLookup(tlsAcceptorFor);
  setTlsHandshake(tlsHandshake);
  setCheckTlsConnector(sslCheckConnect);
}
