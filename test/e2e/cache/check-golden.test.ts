/*
 * `sluice -c` on the configurations of fixtures/cache/check (cache sections, cache-use / cache-store, the filter
 * keyword): the same [ALERT]/[WARNING] lines and exit status as haproxy 2.6.12 -c (make-goldens.sh there).
 */
import { join } from 'node:path';
import { checkGoldenTests } from '../check-golden-util.ts';

checkGoldenTests(join(import.meta.dirname, '../../../fixtures/cache/check'));
