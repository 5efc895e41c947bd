/* Test helpers for proxy/log: minimal Proxy / Server / StreamLog objects without the config loader. */
import type { Proxy, Server, StreamLog } from '../../../proxy/model/types.ts';
import { PR_MODE_HTTP } from '../../../proxy/model/types.ts';
import { PR_CAP_LISTEN } from '../../../proxy/config/types.ts';
import { newLogCfg } from '../../../proxy/log/cfg.ts';

export function fakeProxy(name: string, mode = PR_MODE_HTTP, options = 0): Proxy {
  return { name, cap: PR_CAP_LISTEN, mode, options, log: newLogCfg() } as unknown as Proxy;
}

export function fakeServer(name: string, px: Proxy): Server {
  return { name, proxy: px } as unknown as Server;
}

export function fakeStream(fe: Proxy): StreamLog {
  return {
    acceptMs: 0, acceptUs: 0, reqDateMs: 0, tHandshake: 0, tIdle: 0, tRequest: -1, tQueue: -1, tConnect: -1,
    tResponse: -1, tData: -1, tTotal: -1, status: -1, bytesIn: 0, bytesOut: 0, errCause: 0, finishState: 0,
    cookieReq: '-', cookieRes: '-', actconn: 0, feconn: 0, beconn: 0, srvconn: 0, retries: 0, redispatched: false,
    srvQueue: 0, backendQueue: 0, clientIp: '', clientPort: 0, frontendIp: '', frontendPort: 0, backendSrcIp: '',
    backendSrcPort: 0, serverIp: '', serverPort: 0, frontend: fe, backend: null, server: null, bindName: '',
    reqCaptures: [], resCaptures: [], declaredCaptures: [], method: '', uri: '', httpVersion: '', reqLine: '',
    uniqueId: '', reqCounter: 0, connCounter: 0,
  };
}
