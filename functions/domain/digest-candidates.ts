/**
 * Which contacts a digest must read. A heavy user has tens of thousands of contacts, but a digest shows a
 * dozen people; these rules let the loader read only the contacts that can appear, and still produce exactly
 * the digest that selecting over every contact would (test/domain/digest-candidates.test.ts proves it):
 * - the people of the promises it will show, and everyone written to or noted this week (follow-ups, stats);
 * - contacts in descending check-in bound (`checkinBound`), until no unread contact can enter the check-ins
 *   or the introduction pool.
 */
import { DateTime } from 'luxon';
import {
  checkinBound,
  INTRO_POOL,
  introPool,
  isSkipped,
  namedInIntroductions,
  NO_RHYTHM_FLOOR,
  promiseAddresses,
  promisesShown,
  type PromisesShown,
  rankCheckins,
  REGULAR_FLOOR,
  type RankedCheckin,
} from './digest-select.ts';
import type { Contact, StoredPromise, User } from './types.ts';

/** The promises the digest will show (as `selectDigest` computes them for this user and instant). */
export function shownPromises(promises: readonly StoredPromise[], user: User, now: string, looksDoneAlreadyShown: ReadonlySet<string>): PromisesShown {
  const nowMs = Date.parse(now);
  const today = DateTime.fromMillis(nowMs, { zone: user.tz }).toISODate() as string;
  return promisesShown(promises, nowMs, today, looksDoneAlreadyShown);
}

/** Addresses named by the promises the digest will show: the shown open ones, open introductions, looks-done ones. */
export function promisePeople(shown: PromisesShown): Set<string> {
  return promiseAddresses([...shown.open, ...shown.introductions, ...shown.looksDone]);
}

export interface CandidateNeeds {
  readonly user: User;
  readonly now: string;
  readonly suggestedLastWeek: readonly string[];
  /** Contacts read anyway (promise people, this week's): they may be shown elsewhere, so they don't count here. */
  readonly readAnyway: ReadonlySet<string>;
  /** The open introductions the digest shows: people they name by a bare name are not check-ins either. */
  readonly introductions: readonly StoredPromise[];
}

/**
 * Enough contacts have been read, in descending bound, when every unread one (bound ≤ `lastBound`) can neither
 * change the check-ins nor enter the introduction pool. `lastBound` is null when the index is exhausted.
 *
 * Check-ins go to regulars before anyone else, and within them to fresh ones (by score) before rested ones. So the
 * reading can stop once `wanted` fresh regulars outscore every unread contact; or, once no unread contact can be a
 * qualifying regular at all (lastBound below REGULAR_FLOOR), when the read regulars fill the places, or the rest is
 * filled by read contacts without a rhythm that outscore the unread, or nobody unread can qualify (below
 * NO_RHYTHM_FLOOR).
 */
export function candidatesSuffice(read: readonly Contact[], lastBound: number | null, needs: CandidateNeeds): boolean {
  if (lastBound === null) return true;
  const nowMs = Date.parse(needs.now);
  const own = new Set([needs.user.email, ...needs.user.aliases].map((a) => a.toLowerCase()));
  const eligible = read.filter((c) => !own.has(c.email.toLowerCase()) && !isSkipped(c, nowMs));
  // The introduction pool is the INTRO_POOL highest bounds: complete once that many are read above lastBound.
  const above = eligible.filter((c) => checkinBound(c) > lastBound).length;
  if (above < INTRO_POOL) return false;
  const wanted = Math.min(10, Math.max(1, Math.round(needs.user.checkins)));
  // People read anyway may be shown elsewhere (a promise, a follow-up), so they hold no place here.
  // The pool is complete here, so bare names resolve as selectDigest resolves them.
  const named = namedInIntroductions(needs.introductions, introPool(eligible));
  const ranked = rankCheckins(
    eligible.filter((c) => !needs.readAnyway.has(c.email) && !named.has(c.email)),
    new Set(needs.suggestedLastWeek),
    nowMs,
  );
  const beats = (r: RankedCheckin): boolean => r.fresh && r.s.score > lastBound;
  if (ranked.filter((r) => r.s.regular && beats(r)).length >= wanted) return true;
  if (lastBound >= REGULAR_FLOOR) return false;
  const regulars = ranked.filter((r) => r.s.regular).length;
  if (regulars >= wanted) return true;
  if (ranked.filter((r) => !r.s.regular && beats(r)).length >= wanted - regulars) return true;
  return lastBound < NO_RHYTHM_FLOOR;
}
