/* Test helpers for proxy/log: minimal Proxy / Server / StreamLog objects without the config loader. */
import type { Proxy, Server, StreamLog } from '../../../proxy/model/types.ts';
import { PR_MODE_HTTP } from '../../../proxy/model/types.ts';
import { PR_CAP_LISTEN } from '../../../proxy/config/types.ts';
import { newLogCfg } from '../../../proxy/log/cfg.ts';
import { newStreamLog } from '../../../proxy/model/factories.ts';

export function fakeProxy(name: string, mode = PR_MODE_HTTP, options = 0): Proxy {
  return { name, cap: PR_CAP_LISTEN, mode, options, log: newLogCfg() } as unknown as Proxy;
}

export function fakeServer(name: string, px: Proxy): Server {
  return { name, proxy: px } as unknown as Server;
}

/** A fresh stream record, as the data path gets it (model factory). */
export function fakeStream(fe: Proxy): StreamLog {
  return newStreamLog(fe);
}
