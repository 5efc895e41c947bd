/*
 * `sluice -c` on the configurations of fixtures/persist/check (use-server, force/ignore-persist, option persist,
 * tcp-response, rdp-cookie, source, global rate limits, set-var, hash-balance-factor, dispatch, HTTP options): the
 * same [ALERT]/[WARNING] lines and exit status as haproxy 2.6.12 -c (make-goldens.sh there).
 */
import { join } from 'node:path';
import { checkGoldenTests } from '../check-golden-util.ts';

checkGoldenTests(join(import.meta.dirname, '../../../fixtures/persist/check'));
