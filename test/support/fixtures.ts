/** Where the shared real-world fixtures live; tests read them at run time and never copy them. */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const FIXTURES = resolve(import.meta.dirname, '../../../shared/fixtures');
export const hasFixtures = existsSync(FIXTURES);

export function warnIfMissing(what: string): void {
  if (!hasFixtures) console.warn(`\n!!! SKIPPING ${what}: ${FIXTURES} is absent (expected on a user's machine, never in CI) !!!\n`);
}

/** Whether a fixture folder is there; says loudly when tests that need it will be skipped. */
export function fixturesPresent(sub: string): boolean {
  const ok = existsSync(join(FIXTURES, sub));
  if (!ok) console.warn(`\n!!! ${join(FIXTURES, sub)} is missing: fixture-based tests are SKIPPED !!!\n`);
  return ok;
}

export function readFixture(rel: string): string {
  return readFileSync(join(FIXTURES, rel), 'utf8');
}
