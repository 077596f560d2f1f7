/**
 * Which contacts a digest must read. A heavy user has tens of thousands of contacts, but a digest shows a
 * dozen people; these rules let the loader read only the contacts that can appear, and still produce exactly
 * the digest that selecting over every contact would (test/domain/digest-candidates.test.ts proves it):
 * - the people of the promises it will show, and everyone written to or noted this week (follow-ups, stats);
 * - contacts in descending check-in bound (`checkinBound`), until no unread contact can enter the check-ins
 *   or the introduction pool.
 */
import { DateTime } from 'luxon';
import { checkinBound, checkinScore, INTRO_POOL, isSkipped, promiseAddresses, promisesShown, recentlySuggested } from './digest-select.ts';
import type { Contact, StoredPromise, User } from './types.ts';

/** Addresses named by the promises the digest will show: the shown open ones, open introductions, looks-done ones. */
export function promisePeople(
  promises: readonly StoredPromise[],
  user: User,
  now: string,
  looksDoneAlreadyShown: ReadonlySet<string>,
): Set<string> {
  const nowMs = Date.parse(now);
  const today = DateTime.fromMillis(nowMs, { zone: user.tz }).toISODate() as string;
  const shown = promisesShown(promises, nowMs, today, looksDoneAlreadyShown);
  return promiseAddresses([...shown.open, ...shown.introductions, ...shown.looksDone]);
}

export interface CandidateNeeds {
  readonly user: User;
  readonly now: string;
  readonly suggestedLastWeek: readonly string[];
  /** Contacts read anyway (promise people, this week's): they may be shown elsewhere, so they don't count here. */
  readonly readAnyway: ReadonlySet<string>;
}

/**
 * Enough contacts have been read, in descending bound, when every unread one (bound ≤ `lastBound`) can neither
 * beat the check-ins found nor enter the introduction pool. `lastBound` is null when the index is exhausted.
 */
export function candidatesSuffice(read: readonly Contact[], lastBound: number | null, needs: CandidateNeeds): boolean {
  if (lastBound === null) return true;
  const nowMs = Date.parse(needs.now);
  const own = new Set([needs.user.email, ...needs.user.aliases].map((a) => a.toLowerCase()));
  const lastWeek = new Set(needs.suggestedLastWeek);
  const eligible = read.filter((c) => !own.has(c.email.toLowerCase()) && !isSkipped(c, nowMs));
  // The introduction pool is the INTRO_POOL highest bounds: complete once that many are read above lastBound.
  const above = eligible.filter((c) => checkinBound(c) > lastBound).length;
  if (above < INTRO_POOL) return false;
  // Check-ins: enough fresh candidates that no unread contact can outscore (ties go on reading).
  const wanted = Math.min(10, Math.max(1, Math.round(needs.user.checkins)));
  let beaten = 0;
  for (const c of eligible) {
    if (needs.readAnyway.has(c.email) || recentlySuggested(c, lastWeek, nowMs)) continue;
    const s = checkinScore(c, nowMs);
    if (s.qualifies && s.score > lastBound) beaten += 1;
  }
  return beaten >= wanted;
}
