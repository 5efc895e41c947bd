/*
 * Node built-in modules that only some configurations use (TLS, hashes, compression, DNS resolvers), loaded on their
 * first use instead of at start-up. A proxy without them keeps node:tls, node:crypto, node:zlib and node:dns/promises
 * unloaded: ~1.2 MB of RSS (their heap objects and the pages of their sources in the node binary; 5 alternated idle
 * starts, 62.3 -> 61.1 MB). Callers import the types with `import type` and call these where they use the module.
 * Hot path: no (once loaded, one nullish test per call).
 */
import type * as Crypto from 'node:crypto';
import type * as Tls from 'node:tls';
import type * as Zlib from 'node:zlib';
import type * as DnsPromises from 'node:dns/promises';

let cryptoMod: typeof Crypto | undefined;
let tlsMod: typeof Tls | undefined;
let zlibMod: typeof Zlib | undefined;
let dnsMod: typeof DnsPromises | undefined;

export function nodeCrypto(): typeof Crypto { return cryptoMod ??= process.getBuiltinModule('node:crypto'); }
export function nodeTls(): typeof Tls { return tlsMod ??= process.getBuiltinModule('node:tls'); }
export function nodeZlib(): typeof Zlib { return zlibMod ??= process.getBuiltinModule('node:zlib'); }
export function nodeDnsPromises(): typeof DnsPromises { return dnsMod ??= process.getBuiltinModule('node:dns/promises'); }
