/*
 * Registration of the HTTP cache (proxy/modules.ts calls registerCache once): the `cache` section keywords, the
 * `filter` keyword, the cache-use / cache-store actions, `show cache` and the res.cache_hit / res.cache_name fetches. Imports have no side effects. Hot path: no.
 */
import type { KeywordRegistry } from '../config/registry.ts';
import { registerHttpActions } from '../http/keywords.ts';
import { addModuleCli } from '../stats/cli-registry.ts';
import { cacheSectionKeywords } from './section.ts';
import { filterKeywords } from './filter.ts';
import { cacheUseAction, cacheStoreAction } from './actions.ts';
import { cacheCliCommands } from './cli.ts';
import { cacheLogFetches, cacheAclFetches } from './fetches.ts';
import { registerLogFetches } from '../log/sample.ts';
import { registerAclFetches } from '../acl/fetches.ts';

export function registerCache(reg: KeywordRegistry): void {
  reg.register(cacheSectionKeywords);
  reg.register(filterKeywords);
  registerHttpActions([cacheUseAction, cacheStoreAction]);
  addModuleCli(cacheCliCommands);
  registerLogFetches(cacheLogFetches);
  registerAclFetches(cacheAclFetches);
}
