/*
 * Userlist names are case-sensitive and printed as written, as haproxy 2.6.12 -c does: `http_auth(myusers)` does not
 * find `userlist MyUsers`, and the alert names 'OtherList' as written (fixtures/proxy/userlist-case).
 */
import { fileURLToPath } from 'node:url';
import { checkGoldenTests } from '../check-golden-util.ts';

checkGoldenTests(fileURLToPath(new URL('../../../fixtures/proxy/userlist-case/', import.meta.url)));
