/** Where the shared real-world fixtures live; tests read them at run time and never copy them. */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

export const FIXTURES = resolve(import.meta.dirname, '../../../shared/fixtures');
export const hasFixtures = existsSync(FIXTURES);

export function warnIfMissing(what: string): void {
  if (!hasFixtures) console.warn(`\n!!! SKIPPING ${what}: ${FIXTURES} is absent (expected on a user's machine, never in CI) !!!\n`);
}
