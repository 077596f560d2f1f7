/**
 * What goes into a user's weekly digest: a pure selection over contacts and promises at a given instant.
 * Items are numbered continuously across sections, so a reply like `done 3` names exactly one item.
 *
 * Rules (each one is pinned by test/domain/digest-select.test.ts):
 * - check-in: contacts gone cold relative to their own rhythm, weighted by how strong the relationship was.
 * - follow-up: people first met or first written to personally 2–9 days ago with nothing sent since.
 * - promise: open promises and promised introductions, this week's first (slipped within a week, or due by Sunday);
 *   "likely-done" ones shown once, in a closing line, for an `undo`.
 * - connection: at most one explainable suggested introduction.
 * - at most `User.maxItems` (7) numbered items in all; what didn't fit is counted in one line.
 */
import { DateTime } from 'luxon';
import { DEFAULT_MAX_ITEMS, type Contact, type StoredPromise, type User } from './types.ts';

export type DigestSectionKey = 'checkin' | 'followup' | 'promise' | 'connection';

export interface DigestItem {
  /** 1-based, continuous across the whole digest. */
  readonly n: number;
  readonly section: DigestSectionKey;
  /** E-mail addresses of the people the item is about. */
  readonly contacts: readonly string[];
  /** The action, one sentence, plain text (escape when rendering). */
  readonly text: string;
  /** Why this item is here, plain text. */
  readonly why?: string;
  /** The latest note the user wrote about the person, plain text. */
  readonly note?: string;
  /** A mailto: URL that starts the suggested mail. */
  readonly mailto?: string;
  readonly promiseId: string | null;
  /** A promise the system believes was delivered, shown once so the user can `undo N`. */
  readonly looksDone?: boolean;
  /** A promise past its due day. */
  readonly overdue?: boolean;
}

export interface DigestSection {
  readonly key: DigestSectionKey;
  readonly title: string;
  readonly items: readonly DigestItem[];
}

export interface DigestStats {
  readonly mailsCaptured: number;
  readonly peopleReached: number;
}

export interface DigestModel {
  /** The user's primary address. */
  readonly user: string;
  readonly userName?: string;
  readonly tz: string;
  /** ISO day: the Monday of the digest week in the user's time zone. */
  readonly weekOf: string;
  readonly subject: string;
  /** Sections with items, in reading order: at most the user's item budget in all. */
  readonly sections: readonly DigestSection[];
  /** Promises that look done, numbered after the sections (for `undo N`) and shown in one closing line. */
  readonly looksDone: readonly DigestItem[];
  /** What qualified but was not listed, in one line ("Not listed, to keep this short: 3 more promises."). */
  readonly leftOut?: string;
  /** All items, in number order. */
  readonly items: readonly DigestItem[];
  readonly stats: DigestStats;
  /** True when there is nothing to act on: send nothing (or one short line). */
  readonly empty: boolean;
  /** Ids of likely-done promises shown in this digest: record them so they are shown only once. */
  readonly looksDoneShown: readonly string[];
}

export interface ContactNote {
  readonly date: string;
  readonly text: string;
}

export interface DigestInput {
  readonly user: User;
  readonly contacts: readonly Contact[];
  readonly promises: readonly StoredPromise[];
  /** Notes per contact e-mail, when kept apart from `Contact.notes` (which is used otherwise). */
  readonly notesByContact?: ReadonlyMap<string, readonly ContactNote[]>;
  /** The current instant, ISO. */
  readonly now: string;
  /** ISO day, Monday of the digest week in the user's time zone. */
  readonly weekOf: string;
  readonly stats: DigestStats;
  /** Contacts suggested for a check-in in the previous digest (besides `Contact.lastSuggested`). */
  readonly suggestedLastWeek?: readonly string[];
  /** Introductions suggested in the previous digest: suggested again only when no other pair qualifies. */
  readonly introductionsLastWeek?: readonly (readonly [string, string])[];
  /** "a|b" keys (either order) of people who have been on a thread together: never suggested to meet. */
  readonly coRecipients?: ReadonlySet<string>;
  /** Recent subjects per contact for the introduction heuristic; `Contact.lastSubject` is used otherwise. */
  readonly subjectsByContact?: ReadonlyMap<string, readonly string[]>;
  /** Likely-done promise ids already shown in an earlier digest. */
  readonly looksDoneAlreadyShown?: ReadonlySet<string>;
}

const DAY_MS = 86_400_000;
/** Fewer dated mails than this and a contact has no rhythm: not a regular, however long the silence. */
export const MIN_DATES_FOR_RHYTHM = 3;
/** A learned rhythm is clamped: daily mail shouldn't make a week of silence look "cold". */
const MIN_RHYTHM_DAYS = 7;
const MAX_RHYTHM_DAYS = 365;
/**
 * Never suggest checking in with someone written to (or checked in with) within eight weeks, whatever their rhythm:
 * a weekly rhythm learned from a past project must not make a person due again two weeks after a check-in.
 */
export const MIN_SILENCE_DAYS = 56;
/** A suggestion not acted on rests this long; after that it comes back only once the others have had their turn. */
export const IGNORED_REST_DAYS = 42;
/** Silent longer than this, a relationship is dormant: the digest stops suggesting it. */
export const MAX_CHECKIN_SILENCE_DAYS = 3 * 365;
/**
 * Silence beyond a year counts as a year: everyone silent that long is as lapsed as can be, and their strength
 * decides. It also keeps the stored bound close to the scores, so the digest reads few contacts.
 */
const SILENCE_CAP_DAYS = 365;
/**
 * Every regular (a contact with a rhythm) who qualifies scores at least this (strength ≥ 1, lateness ≥ 1); everyone
 * else scores below it. So nobody without a rhythm outranks a lapsed regular, and the digest knows when it has read
 * every regular that could qualify (digest-candidates.ts).
 */
export const REGULAR_FLOOR = 1;
/** Contacts without a rhythm (written to twice, or met) score in [NO_RHYTHM_FLOOR, REGULAR_FLOOR). */
export const NO_RHYTHM_FLOOR = 0.5;
export const FOLLOW_UP_GRACE_DAYS = 2;
/**
 * A weekly digest must see everyone once: someone met the evening before it is too new that week (under the two
 * days' grace), so they are still new at the next one, 7 days later. The loader reads this many days of mail.
 */
export const NEW_CONTACT_WINDOW_DAYS = FOLLOW_UP_GRACE_DAYS + 7;
/** A promise slipped within this many days is still this week's business; older slips wait behind new people. */
const RECENT_SLIP_DAYS = 7;
export const MAX_SUGGESTED_INTROS = 1;
/** Follow-ups a digest holds at most, the most personal first. */
export const MAX_FOLLOWUPS = 3;
/** Looks-done promises listed in the closing line; the rest wait for the next digest. */
export const MAX_LOOKS_DONE = 5;
/** Of the pool's contacts strong enough to introduce, the strongest this many are compared pairwise. */
export const INTRO_CANDIDATES = 400;
/** Introductions come from this many of the strongest relationships (see `introPool`). */
export const INTRO_POOL = 1_000;
export const MAX_PROMISE_ITEMS = 12;
/**
 * Promises overdue by more than this are no longer listed (only counted): after importing a year of mail, last
 * spring's "I'll send it Friday" is done or moot, and listing it every week would drown the ones still worth keeping.
 */
export const PROMISE_AGE_OUT_DAYS = 60;

/**
 * More than PROMISE_AGE_OUT_DAYS overdue, counted from the due day or from the end of a snooze, whichever is later:
 * a promise the user snoozed comes back when the snooze ends, however late it is by then.
 */
function isAgedOut(p: StoredPromise, today: string): boolean {
  const cutoff = DateTime.fromISO(today, { zone: 'UTC' }).minus({ days: PROMISE_AGE_OUT_DAYS }).toISODate() as string;
  const since = p.snoozedUntil && p.snoozedUntil.slice(0, 10) > p.due ? p.snoozedUntil.slice(0, 10) : p.due;
  return since < cutoff;
}
const NOTE_MAX_CHARS = 240;
/** The sentence before a promise that says what its pronoun means, shortened to a glance. */
const CONTEXT_MAX_CHARS = 90;
const SUBJECT_MAX_CHARS = 70;

const SECTION_TITLES: Record<DigestSectionKey, string> = {
  checkin: 'Check in this week',
  followup: 'Follow up with new people',
  promise: 'Keep your promises',
  connection: 'Make a connection',
};

/** An item before numbering: looks-done text needs its own number. */
interface Draft extends Omit<DigestItem, 'n' | 'text'> {
  readonly text: string | ((n: number) => string);
}

export function selectDigest(input: DigestInput): DigestModel {
  const { user, now, weekOf } = input;
  const nowMs = parseInstant(now, 'now');
  const today = DateTime.fromMillis(nowMs, { zone: user.tz }).toISODate() as string;
  const own = new Set([user.email, ...user.aliases].map((a) => a.toLowerCase()));
  const byEmail = new Map(input.contacts.map((c) => [c.email, c] as const));
  // Contacts the user skipped, and the user's own addresses, never appear. (A paused user's digest is not sent, but
  // a preview still shows what it holds.)
  const contacts = input.contacts.filter((c) => !own.has(c.email.toLowerCase()) && !isSkipped(c, nowMs));
  const ctx: Ctx = { input, nowMs, today, byEmail, namePool: introPool(contacts) };

  const shown = promisesShown(input.promises, nowMs, today, input.looksDoneAlreadyShown);
  // Promises and promised introductions rank together: both are the user's word, overdue ones first.
  const promised = [...shown.open, ...shown.introductions].sort((a, b) => comparePromises(a, b, today));
  // One item per person where possible. Someone owed a promise or an introduction has their reason to be written
  // to: not also a follow-up or a check-in. Follow-ups are not also check-ins; nobody already in the digest is
  // suggested for an introduction.
  // By the addresses the promises name, and the people introductions name by a bare name ("Sam", resolved in the
  // pool), as the loader reads and excludes them (promisePeople, candidatesSuffice).
  const owed = new Set([...promiseAddresses(promised), ...namedInIntroductions(shown.introductions, ctx.namePool)]);
  const followupsAll = selectFollowups(contacts.filter((c) => !owed.has(c.email)), ctx);
  const followups = followupsAll.slice(0, MAX_FOLLOWUPS);
  const alreadyShown = new Set([...owed, ...followups.flatMap((d) => d.contacts)]);
  const checkins = selectCheckins(
    contacts.filter((c) => !alreadyShown.has(c.email)),
    ctx,
  );
  const inDigest = new Set([...alreadyShown, ...checkins.flatMap((d) => d.contacts)]);
  const suggested = suggestIntroductions(contacts, shown.introductions, inDigest, ctx);

  // The length budget: this week's and slipping promises, then one new person and one check-in, then the other
  // follow-ups and check-ins, one introduction, and promises due later.
  const budget = clamp(Math.round(user.maxItems ?? DEFAULT_MAX_ITEMS), 1, 30);
  const urgent = promised.filter((p) => promiseUrgency(p, today) === 0);
  const slipped = promised.filter((p) => promiseUrgency(p, today) === 1);
  const later = promised.filter((p) => promiseUrgency(p, today) === 2);
  const reserved = (followups.length > 0 ? 1 : 0) + (checkins.length > 0 ? 1 : 0);
  const urgentShown = urgent.slice(0, Math.max(1, budget - reserved));
  const queue: Draft[] = [
    ...urgentShown.map((p) => promiseDraft(p, ctx)),
    ...followups.slice(0, 1),
    ...checkins.slice(0, 1),
    ...followups.slice(1),
    ...checkins.slice(1),
    ...slipped.map((p) => promiseDraft(p, ctx)),
    ...suggested,
    ...later.map((p) => promiseDraft(p, ctx)),
  ];
  const picked = new Set(queue.slice(0, budget));
  const promiseItems = [...picked].filter((d) => d.promiseId !== null);
  // Sections in the order of their most pressing item, so item 1 is what the subject names: a week whose promises
  // all slipped long ago opens with the new person or the check-in.
  const rank = (list: readonly Draft[]): number => Math.min(...list.map((d) => queue.indexOf(d)));
  const order = ([
    ['promise', promiseItems],
    ['followup', followups.filter((d) => picked.has(d))],
    ['checkin', checkins.filter((d) => picked.has(d))],
    ['connection', suggested.filter((d) => picked.has(d))],
  ] as [DigestSectionKey, Draft[]][]).sort(([, a], [, b]) => rank(a) - rank(b));
  let n = 0;
  const number = (d: Draft): DigestItem => {
    n += 1;
    return { ...d, n, text: typeof d.text === 'function' ? d.text(n) : d.text };
  };
  const sections: DigestSection[] = order
    .filter(([, list]) => list.length > 0)
    .map(([key, list]) => ({ key, title: SECTION_TITLES[key], items: list.map(number) }));
  // Looks-done promises are numbered last (for `undo N`) and shown in one closing line, not as items.
  const looksDone = shown.looksDone.slice(0, MAX_LOOKS_DONE).map((p) => number(looksDoneDraft(p, ctx)));
  const numbered = sections.flatMap((s) => s.items);
  const leftOut = leftOutLine({
    promises: promised.length - promiseItems.length + shown.more,
    followups: followupsAll.length - followups.filter((d) => picked.has(d)).length,
    checkins: checkins.filter((d) => !picked.has(d)).length,
    introductions: suggested.filter((d) => !picked.has(d)).length,
    agedOut: shown.agedOut,
  });
  return {
    user: user.email,
    ...(user.name ? { userName: user.name } : {}),
    tz: user.tz,
    weekOf,
    subject: digestSubject(numbered[0], numbered.length, looksDone.length, ctx),
    sections,
    looksDone,
    ...(leftOut ? { leftOut } : {}),
    items: [...numbered, ...looksDone],
    stats: input.stats,
    empty: numbered.length === 0 && looksDone.length === 0,
    looksDoneShown: looksDone.map((i) => i.promiseId as string),
  };
}

/** "Not listed, to keep this short: 3 more promises and 1 follow-up. 9 promises more than two months overdue are left out." */
function leftOutLine(counts: { promises: number; followups: number; checkins: number; introductions: number; agedOut: number }): string | undefined {
  const parts = [
    counts.promises > 0 ? plural(counts.promises, 'more promise') : '',
    counts.followups > 0 ? plural(counts.followups, 'more follow-up') : '',
    counts.checkins > 0 ? plural(counts.checkins, 'more check-in') : '',
    counts.introductions > 0 ? plural(counts.introductions, 'more introduction') : '',
  ].filter(Boolean);
  const kept = parts.length ? `Not listed, to keep this short: ${joinNames(parts)}.` : '';
  const aged =
    counts.agedOut > 0 ? `${plural(counts.agedOut, 'promise')} more than two months overdue ${counts.agedOut === 1 ? 'is' : 'are'} left out.` : '';
  return [kept, aged].filter(Boolean).join(' ') || undefined;
}

interface Ctx {
  readonly input: DigestInput;
  readonly nowMs: number;
  /** ISO day in the user's time zone. */
  readonly today: string;
  readonly byEmail: ReadonlyMap<string, Contact>;
  /** Where a bare name ("Sam") in a promise is looked up: the strongest relationships first. */
  readonly namePool: readonly Contact[];
}

// ---------------------------------------------------------------------------------------------- check-ins

export interface CheckinScore {
  readonly email: string;
  readonly score: number;
  readonly daysSince: number;
  /** Usual gap in days, or null when there is not enough history to learn one. */
  readonly learnedRhythm: number | null;
  /** Has a rhythm (at least MIN_DATES_FOR_RHYTHM dated mails): ranks above everyone without one. */
  readonly regular: boolean;
  readonly qualifies: boolean;
}

/** The usual gap between interactions: the median of consecutive gaps, or null with fewer than 3 dates. */
export function learnedRhythmDays(recentDates: readonly string[]): number | null {
  const times = recentDates
    .map((d) => Date.parse(d))
    .filter((t) => !Number.isNaN(t))
    .sort((a, b) => a - b);
  if (times.length < MIN_DATES_FOR_RHYTHM) return null;
  const gaps: number[] = [];
  for (let i = 1; i < times.length; i += 1) gaps.push(((times[i] as number) - (times[i - 1] as number)) / DAY_MS);
  return median(gaps);
}

/** Distinct months with mail to them: the kept list, else the number the index carries, else from recent dates. */
export function activeMonths(c: Pick<Contact, 'months' | 'monthCount' | 'recentDates'>): number {
  return c.months?.length ?? c.monthCount ?? new Set(c.recentDates.map((d) => d.slice(0, 7))).size;
}

/**
 * How strong a relationship is over its whole history: how many mails, in how many distinct months, over how long a
 * span, and how two-way. Only capture changes it. At least 1 for a regular (≥ 3 mails in ≥ 1 month).
 */
export function relationshipStrength(c: Contact): number {
  const count = Math.max(c.count, c.recentDates.length, 1);
  const months = Math.max(1, activeMonths(c));
  const spanYears = Math.max(0, Date.parse(c.lastContacted) - Date.parse(c.firstContacted)) / (365 * DAY_MS) || 0;
  const twoWay = 1 + 0.5 * Math.min(1, c.replies / count);
  return (Math.log2(1 + count) * Math.log2(1 + months) * (1 + Math.min(spanYears, 3) / 3) * twoWay) / 2;
}

/** Contacts without a rhythm: written to twice, or met (a note). People written to once are never check-ins. */
function noRhythmWeight(c: Contact): number {
  const signals = c.count + (c.metAt ? 1 : 0) + c.notes.length;
  return c.count >= 2 || c.metAt ? Math.min(1, signals / 4) : 0;
}

/**
 * How worth a check-in a contact is. A regular scores strength × log2(1 + silence ÷ rhythm): a strong relationship
 * far past its own rhythm first. Everyone else scores below REGULAR_FLOOR, so they come only when no regular does.
 * Nobody qualifies before MIN_SILENCE_DAYS and their rhythm have passed, nor after MAX_CHECKIN_SILENCE_DAYS.
 */
export function checkinScore(contact: Contact, nowMs: number): CheckinScore {
  const daysSince = (nowMs - lastTouch(contact)) / DAY_MS;
  const learned = learnedRhythmDays(contact.recentDates);
  const base = { email: contact.email, daysSince, learnedRhythm: learned, regular: learned !== null };
  const inWindow = daysSince >= MIN_SILENCE_DAYS && daysSince <= MAX_CHECKIN_SILENCE_DAYS;
  if (learned === null) {
    const weight = noRhythmWeight(contact);
    const score = weight > 0 ? noRhythmScore(weight, daysSince) : 0;
    return { ...base, score, qualifies: weight > 0 && inWindow };
  }
  const rhythm = clamp(learned, MIN_RHYTHM_DAYS, MAX_RHYTHM_DAYS);
  const score = relationshipStrength(contact) * Math.log2(1 + clamp(daysSince, 0, SILENCE_CAP_DAYS) / rhythm);
  return { ...base, score, qualifies: inWindow && daysSince >= rhythm };
}

function noRhythmScore(weight: number, daysSince: number): number {
  const silence = clamp(daysSince / 365, 0, 1);
  return NO_RHYTHM_FLOOR + (REGULAR_FLOOR - NO_RHYTHM_FLOOR) * 0.9 * weight * silence;
}

/**
 * The highest check-in score a contact can reach while it qualifies, whatever the date (silence only raises it, up
 * to SILENCE_CAP_DAYS). It depends only on what capture writes, so it is stored in the contact's index key:
 * the digest reads contacts highest bound first and stops once no unread contact can beat the ones it has. 0 for
 * people who can never be a check-in (written to once). Rounded up to 4 decimals so the index and this agree exactly.
 */
export function checkinBound(contact: Contact): number {
  const learned = learnedRhythmDays(contact.recentDates);
  if (learned === null) {
    const weight = noRhythmWeight(contact);
    return weight > 0 ? Math.ceil(noRhythmScore(weight, MAX_CHECKIN_SILENCE_DAYS) * 1e4) / 1e4 : 0;
  }
  const rhythm = clamp(learned, MIN_RHYTHM_DAYS, MAX_RHYTHM_DAYS);
  return Math.ceil(relationshipStrength(contact) * Math.log2(1 + SILENCE_CAP_DAYS / rhythm) * 1e4) / 1e4;
}

/**
 * Where a contact stands in the rotation: `fresh` (never suggested, or acted on since), `resting` (suggested and
 * ignored within IGNORED_REST_DAYS: left out), or `rested` (ignored longer ago: back only after every fresh one).
 * `since` is when they were last suggested.
 */
export function rotationState(c: Contact, lastWeek: ReadonlySet<string>, nowMs: number): { state: 'fresh' | 'resting' | 'rested'; since: number } {
  const recorded = c.lastSuggested ? Date.parse(c.lastSuggested) : Number.NaN;
  const since = lastWeek.has(c.email) ? Math.max(Number.isNaN(recorded) ? 0 : recorded, nowMs - 7 * DAY_MS) : recorded;
  if (Number.isNaN(since) || lastTouch(c) >= since) return { state: 'fresh', since: 0 };
  return { state: nowMs - since < IGNORED_REST_DAYS * DAY_MS ? 'resting' : 'rested', since };
}

export interface RankedCheckin {
  readonly c: Contact;
  readonly s: CheckinScore;
  readonly fresh: boolean;
  readonly since: number;
}

/**
 * Qualifying contacts in the order the digest offers them: regulars before everyone else; within each, fresh ones
 * by score, then rested ones longest-suggested first (the pool rotates before anyone comes back), then by score.
 */
export function rankCheckins(contacts: readonly Contact[], lastWeek: ReadonlySet<string>, nowMs: number): RankedCheckin[] {
  const ranked: RankedCheckin[] = [];
  for (const c of contacts) {
    const s = checkinScore(c, nowMs);
    if (!s.qualifies) continue;
    const r = rotationState(c, lastWeek, nowMs);
    if (r.state !== 'resting') ranked.push({ c, s, fresh: r.state === 'fresh', since: r.since });
  }
  return ranked.sort(
    (a, b) =>
      Number(b.s.regular) - Number(a.s.regular) ||
      Number(b.fresh) - Number(a.fresh) ||
      a.since - b.since ||
      b.s.score - a.s.score ||
      a.c.email.localeCompare(b.c.email),
  );
}

function selectCheckins(contacts: readonly Contact[], ctx: Ctx): Draft[] {
  const { input, nowMs } = ctx;
  const wanted = clamp(Math.round(input.user.checkins), 1, 10);
  return rankCheckins(contacts, new Set(input.suggestedLastWeek ?? []), nowMs)
    .slice(0, wanted)
    .map(({ c, s }) => {
      const note = latestNote(c, input);
      return {
        section: 'checkin',
        contacts: [c.email],
        text: `Check in with ${displayName(c)}`,
        why: checkinWhy(c, s, ctx),
        ...(note ? { note } : {}),
        mailto: mailtoUrl([c.email], firstName(c) ? `How are things, ${firstName(c)}?` : 'How are things?'),
        promiseId: null,
      };
    });
}

/** As a person would say it: "you wrote 40 times from Mar 2025 to Sep 2026, about every week; nothing since 14 Sep". */
function checkinWhy(c: Contact, s: CheckinScore, ctx: Ctx): string {
  const tz = ctx.input.user.tz;
  const last = dateLabel(isoDayIn(lastTouch(c), tz), ctx.today);
  const subject = c.lastSubject ? cleanSubject(c.lastSubject) : '';
  const about = subject ? `, about “${subject}”` : '';
  const checked = c.checkedInAt && Date.parse(c.checkedInAt) >= Date.parse(c.lastContacted);
  const since = checked ? `you last checked in on ${last}` : `nothing since ${last}${about}`;
  if (c.count === 0) return `you met ${dayLabelOn(isoDayIn(Date.parse(c.metAt ?? c.firstContacted), tz), ctx.today)}; ${since}`;
  const times = c.count === 1 ? 'once' : c.count === 2 ? 'twice' : `${c.count} times`;
  const from = monthLabel(c.firstContacted, tz);
  const to = monthLabel(c.lastContacted, tz);
  const span = from === to ? `in ${from}` : `from ${from} to ${to}`;
  const rhythm = s.learnedRhythm !== null && from !== to ? `, about every ${every(s.learnedRhythm)}` : '';
  return `you wrote ${times} ${span}${rhythm}; ${since}`;
}

/** Suggested in last week's digest and not acted on, or resting after an ignored suggestion. */
export function recentlySuggested(c: Contact, lastWeek: ReadonlySet<string>, nowMs: number): boolean {
  return rotationState(c, lastWeek, nowMs).state === 'resting';
}

// ---------------------------------------------------------------------------------------------- follow-ups

/**
 * A contact needs a follow-up when the acquaintance began (`followUpStart`) between 2 and 9 days ago and nothing
 * was sent to them after it: `lastContacted` is not later than that start (met and never mailed; or mailed once).
 * Only people the user met, or first wrote to in To: a Cc on someone else's thread is not a new acquaintance.
 */
export function needsFollowUp(c: Contact, nowMs: number): boolean {
  const start = followUpStart(c);
  if (!start.met && c.firstVia === 'cc') return false;
  const age = nowMs - start.at;
  if (age < FOLLOW_UP_GRACE_DAYS * DAY_MS || age > NEW_CONTACT_WINDOW_DAYS * DAY_MS) return false;
  const last = lastTouch(c);
  return Number.isNaN(last) || last <= start.at;
}

/** The last mail to them, or the user's "done" on a check-in or follow-up about them, whichever is later. */
function lastTouch(c: Contact): number {
  // Never mailed: lastContacted is only the date of a note (whichever capture saw first), not a mail.
  const mailed = c.count > 0 ? Date.parse(c.lastContacted) : Number.NaN;
  const checked = c.checkedInAt ? Date.parse(c.checkedInAt) : Number.NaN;
  return Number.isNaN(checked) ? mailed : Math.max(mailed, checked);
}

/**
 * When the acquaintance began:
 * - met first (the first note naming them is not later than the first mail): the meeting;
 * - met after one mail that had them only on a Cc or a group thread, which is not knowing them: the meeting (met at
 *   Thursday's meetup after one Cc last month still wants a "great to meet you");
 * - otherwise the first mail: met after writing to them personally, or after more mails, they are known already.
 * Always the first meeting, never a later note about them. Contacts stored before `firstMetAt` was kept: met when
 * known only from notes, else met first only when their one note is their first touch (the rule before it).
 */
function followUpStart(c: Contact): { at: number; met: boolean } {
  const first = Date.parse(c.firstContacted); // the first mail or note, whichever came first
  if (!c.firstMetAt) {
    // Known only from notes: met when first noted. Otherwise met first only when the one note kept is the first touch.
    if (c.count === 0 && c.metAt) return { at: first, met: true };
    const met = c.metAt ? Date.parse(c.metAt) : Number.NaN;
    return !Number.isNaN(met) && !(met > first) ? { at: met, met: true } : { at: first, met: false };
  }
  const met = Date.parse(c.firstMetAt);
  if (!(met > first)) return { at: met, met: true };
  const onlyInPassing = c.count <= 1 && (c.firstVia === 'cc' || c.firstVia === 'group');
  return onlyInPassing ? { at: met, met: true } : { at: first, met: false };
}

/**
 * New people to follow up, the most personal first: people met, then people written to personally, then group
 * threads — one item per thread (its subject and day), naming its new people — at most MAX_FOLLOWUPS in all.
 * Contacts from before `firstVia` was kept count as personal.
 */
function selectFollowups(contacts: readonly Contact[], ctx: Ctx): Draft[] {
  const { nowMs } = ctx;
  const due = contacts
    .filter((c) => needsFollowUp(c, nowMs))
    .map((c) => ({ c, start: followUpStart(c) }))
    .sort((a, b) => a.start.at - b.start.at || a.c.email.localeCompare(b.c.email));
  const met = due.filter((d) => d.start.met).map((d) => d.c);
  const personal = due.filter((d) => !d.start.met && d.c.firstVia !== 'group').map((d) => d.c);
  const threads = new Map<string, Contact[]>();
  for (const { c, start } of due.filter((d) => !d.start.met && d.c.firstVia === 'group')) {
    // A thread is its subject on its day; mails without a subject are told apart by the instant they were sent
    // (every recipient of one mail shares it), so two unrelated mails of a day never become one item.
    const subject = cleanSubject(c.lastSubject ?? '').toLowerCase();
    const key = subject ? `${subject}|${isoDayIn(start.at, ctx.input.user.tz)}` : `|${c.firstContacted}`;
    threads.set(key, [...(threads.get(key) ?? []), c]);
  }
  return [...met.map((c) => personFollowup(c, true, ctx)), ...personal.map((c) => personFollowup(c, false, ctx)), ...[...threads.values()].map((g) => threadFollowup(g, ctx))];
}

function personFollowup(c: Contact, met: boolean, ctx: Ctx): Draft {
  const on = dayLabelOn(isoDayIn(followUpStart(c).at, ctx.input.user.tz), ctx.today);
  const subject = c.lastSubject ? cleanSubject(c.lastSubject) : '';
  const why = met ? `you met ${on}; nothing sent since` : `you first wrote ${on}${subject ? ` about “${subject}”` : ''}; nothing sent since`;
  const note = latestNote(c, ctx.input);
  const name = firstName(c);
  const mailSubject = met ? `Great to meet you${name ? `, ${name}` : ''}` : subject ? `Re: ${subject}` : `Following up${name ? `, ${name}` : ''}`;
  return {
    section: 'followup',
    contacts: [c.email],
    text: `Follow up with ${displayName(c)}`,
    why,
    ...(note ? { note } : {}),
    mailto: mailtoUrl([c.email], mailSubject),
    promiseId: null,
  };
}

/** Names shown for a group before "and N others". */
const GROUP_NAMES_SHOWN = 3;

function threadFollowup(people: readonly Contact[], ctx: Ctx): Draft {
  const first = people[0] as Contact;
  const subject = first.lastSubject ? cleanSubject(first.lastSubject) : '';
  const on = dayLabelOn(isoDayIn(followUpStart(first).at, ctx.input.user.tz), ctx.today);
  const names = people.slice(0, GROUP_NAMES_SHOWN).map(displayName);
  const others = people.length - names.length;
  const who = others > 0 ? `${names.join(', ')} and ${plural(others, 'other')}` : joinNames(names);
  return {
    section: 'followup',
    contacts: people.map((c) => c.email),
    text: subject ? `Follow up on “${subject}”` : `Follow up with ${who}`,
    why: `you first wrote to ${who} ${on}; nothing sent since`,
    mailto: mailtoUrl(people.map((c) => c.email), subject ? `Re: ${subject}` : 'Following up'),
    promiseId: null,
  };
}

// ---------------------------------------------------------------------------------------------- promises

/** Open, or snoozed with the snooze over. */
export function isOpenPromise(p: StoredPromise, nowMs: number): boolean {
  if (p.state === 'open') return true;
  return p.state === 'snoozed' && (p.snoozedUntil === undefined || Date.parse(p.snoozedUntil) <= nowMs);
}

/** The addresses promises name (to whom, and whom to introduce): written as addresses, not bare names. */
export function promiseAddresses(promises: readonly StoredPromise[]): Set<string> {
  const out = new Set<string>();
  for (const p of promises) for (const who of [...p.to, ...(p.introduce ?? [])]) if (who.includes('@')) out.add(who.trim().toLowerCase());
  return out;
}

/** The promises a digest shows, each list in reading order. */
export interface PromisesShown {
  /** Open, not introductions: the first MAX_PROMISE_ITEMS, overdue first (most recently due first). */
  readonly open: readonly StoredPromise[];
  /** Open promises left out to keep the mail short. */
  readonly more: number;
  /** Open promises not listed because they are more than PROMISE_AGE_OUT_DAYS overdue. */
  readonly agedOut: number;
  /** Every open introduction. */
  readonly introductions: readonly StoredPromise[];
  /** Likely done and not shown before (shown once, for an `undo`). */
  readonly looksDone: readonly StoredPromise[];
}

export function promisesShown(promises: readonly StoredPromise[], nowMs: number, today: string, looksDoneAlreadyShown?: ReadonlySet<string>): PromisesShown {
  const openAll = promises.filter((p) => isOpenPromise(p, nowMs));
  const open = openAll.filter((p) => !isAgedOut(p, today)).sort((a, b) => comparePromises(a, b, today));
  const others = open.filter((p) => p.action !== 'introduce');
  return {
    open: others.slice(0, MAX_PROMISE_ITEMS),
    more: Math.max(0, others.length - MAX_PROMISE_ITEMS),
    agedOut: openAll.length - open.length,
    introductions: open.filter((p) => p.action === 'introduce'),
    looksDone: promises
      .filter((p) => p.state === 'likely-done' && !looksDoneAlreadyShown?.has(p.id))
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id)),
  };
}

/** A promise, or a promised introduction, as a numbered item. */
function promiseDraft(p: StoredPromise, ctx: Ctx): Draft {
  if (p.action === 'introduce') return introductionDraft(p, ctx);
  return {
    section: 'promise',
    contacts: [...p.to],
    // A note's promise may name nobody we know ("promised her…" with her name in another note).
    text: p.to.length ? `You promised ${peopleNames(p.to, ctx)}: “${p.text}”` : `You promised: “${p.text}”`,
    // "I'll send them Friday": the sentence before says what "them" is.
    why: p.context ? `after “${truncate(p.context, CONTEXT_MAX_CHARS)}” · ${promiseWhy(p, ctx)}` : promiseWhy(p, ctx),
    promiseId: p.id,
    ...(p.due < ctx.today ? { overdue: true } : {}),
  };
}

/**
 * Overdue first, the most recently due of them first: this week's slipped promise is the one still worth keeping,
 * and a year of imported mail must not bury it under promises long past. Then upcoming ones by due day.
 */
function comparePromises(a: StoredPromise, b: StoredPromise, today: string): number {
  const ra = promiseUrgency(a, today);
  const rb = promiseUrgency(b, today);
  const late = a.due < today && b.due < today;
  const byDue = late ? b.due.localeCompare(a.due) : a.due.localeCompare(b.due);
  return ra - rb || Number(b.due < today) - Number(a.due < today) || byDue || a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id);
}

/**
 * 0: this week's business — slipped within RECENT_SLIP_DAYS or due within the week; 1: slipped longer ago; 2: due
 * later. Within 0, the slipped ones first.
 */
export function promiseUrgency(p: StoredPromise, today: string): 0 | 1 | 2 {
  const days = daysBetween(p.due, today);
  if (days > RECENT_SLIP_DAYS) return 1;
  return days >= -6 ? 0 : 2;
}

/** "due Tue 24 Nov, 6 days ago · promised 3 weeks ago": dates with their weekday, and how far off. */
function promiseWhy(p: StoredPromise, ctx: Ctx): string {
  const late = daysBetween(p.due, ctx.today);
  const date = dateLabel(p.due, ctx.today);
  const due =
    late === 0
      ? 'due today'
      : late === -1
        ? `due tomorrow, ${date}`
        : late < 0
          ? `due ${date}, in ${plural(-late, 'day')}`
          : `due ${date}, ${late === 1 ? 'yesterday' : `${late} days ago`}`;
  const madeMs = Date.parse(p.createdAt);
  // Calendar days in the user's zone: a promise from Tuesday evening is "2 days ago" on Thursday morning.
  return Number.isNaN(madeMs) ? due : `${due} · promised ${ago(daysBetween(isoDayIn(madeMs, ctx.input.user.tz), ctx.today))}`;
}

/** A promise the system believes was delivered: shown once, in the closing line, so the user can `undo N`. */
function looksDoneDraft(p: StoredPromise, ctx: Ctx): Draft {
  const whom = p.to.length ? ` (${peopleNames(p.to, ctx)})` : '';
  return {
    section: p.action === 'introduce' ? 'connection' : 'promise',
    contacts: [...p.to],
    text: `“${truncate(p.text, 80)}”${whom}`,
    ...(p.evidence?.why ? { why: p.evidence.why } : {}),
    promiseId: p.id,
    looksDone: true,
  };
}

// ---------------------------------------------------------------------------------------------- connections

function introductionDraft(p: StoredPromise, ctx: Ctx): Draft {
  // The person the offer was made to is not also someone to introduce them to ("introduce you to Sam").
  const recipientNames = new Set(p.to.flatMap((e) => personNames(ctx.byEmail.get(e))));
  const others = (p.introduce ?? [])
    .filter((who) => !recipientNames.has(who.trim().toLowerCase()))
    .map((who) => resolvePerson(who, ctx))
    .filter((o) => !(o.email && p.to.includes(o.email)));
  const text = others.length
    ? `Introduce ${peopleNames(p.to, ctx)} to ${joinNames(others.map((o) => o.name))}, as you offered`
    : `Make the introduction you offered ${peopleNames(p.to, ctx)}`;
  const emails = others.map((o) => o.email).filter((e): e is string => !!e);
  const all = [...new Set([...p.to, ...emails])];
  return {
    section: 'connection',
    contacts: all,
    text,
    why: `you wrote “${p.text}” — ${promiseWhy(p, ctx)}`,
    ...(all.length > 1 ? { mailto: mailtoUrl(all, introSubject(all, ctx)) } : {}),
    promiseId: p.id,
    ...(p.due < ctx.today ? { overdue: true } : {}),
  };
}

/** Contacts strong enough to introduce: several mails, two-way, in touch within half a year. */
const INTRO_MIN_COUNT = 3;
const INTRO_MAX_SILENCE_DAYS = 183;

export interface IntroSuggestion {
  readonly a: string;
  readonly b: string;
  readonly sharedTopics: readonly string[];
}

/**
 * Introductions are looked for among the user's INTRO_POOL strongest relationships (highest check-in bound): a
 * fixed rule, so the digest can read just those from the contact index instead of every contact.
 */
export function introPool(contacts: readonly Contact[]): Contact[] {
  return contacts
    .map((c) => ({ c, bound: checkinBound(c) }))
    .sort((x, y) => y.bound - x.bound || x.c.email.localeCompare(y.c.email))
    .slice(0, INTRO_POOL)
    .map((x) => x.c);
}

/**
 * At most two pairs of strong contacts who write with the user about the same topic word (from recent subjects),
 * work at different organisations, and have never been on a thread together. Each person appears once. Pairs
 * suggested last week ("a|b", either order) come back only when no other pair qualifies.
 */
export function suggestIntroductionPairs(
  contacts: readonly Contact[],
  nowMs: number,
  coRecipients: ReadonlySet<string>,
  subjectsByContact?: ReadonlyMap<string, readonly string[]>,
  suggestedLastWeek: ReadonlySet<string> = new Set(),
  /** People not to suggest (already in the digest); the pool itself is taken before they are left out. */
  busy: ReadonlySet<string> = new Set(),
): IntroSuggestion[] {
  const strong = introPool(contacts)
    .filter(
      (c) =>
        !busy.has(c.email) &&
        c.count >= INTRO_MIN_COUNT &&
        c.replies > 0 &&
        nowMs - Date.parse(c.lastContacted) <= INTRO_MAX_SILENCE_DAYS * DAY_MS,
    )
    .map((c) => ({
      c,
      topics: topicWords(subjectsByContact?.get(c.email) ?? (c.lastSubject ? [c.lastSubject] : [])),
      strength: Math.log2(1 + c.count),
    }))
    .filter((x) => x.topics.size > 0)
    // Only two suggestions are made: the strongest few hundred relationships are where they come from, and
    // capping them keeps this linear in the number of contacts (20,000 contacts → ~0.1 s, not minutes).
    .sort((x, y) => y.strength - x.strength || x.c.email.localeCompare(y.c.email))
    .slice(0, INTRO_CANDIDATES);
  // Pairs come from a topic → people index, so only people who share a topic are compared.
  const byTopic = new Map<string, number[]>();
  strong.forEach((x, i) =>
    x.topics.forEach((t) => {
      const list = byTopic.get(t);
      if (list) list.push(i);
      else byTopic.set(t, [i]);
    }),
  );
  const pairs: { a: Contact; b: Contact; shared: string[]; score: number }[] = [];
  const compared = new Set<number>();
  for (const members of byTopic.values()) {
    for (let m = 0; m < members.length; m += 1) {
      for (let k = m + 1; k < members.length; k += 1) {
        const i = members[m] as number;
        const j = members[k] as number;
        const id = Math.min(i, j) * INTRO_CANDIDATES + Math.max(i, j);
        if (compared.has(id)) continue;
        compared.add(id);
        const x = strong[i] as (typeof strong)[number];
        const y = strong[j] as (typeof strong)[number];
        const [a, b] = x.c.email < y.c.email ? [x, y] : [y, x];
        if (a.c.org && a.c.org === b.c.org) continue; // colleagues know each other already
        if (coRecipients.has(`${a.c.email}|${b.c.email}`) || coRecipients.has(`${b.c.email}|${a.c.email}`)) continue;
        const shared = [...a.topics].filter((t) => b.topics.has(t)).sort();
        pairs.push({ a: a.c, b: b.c, shared, score: shared.length * (a.strength + b.strength) });
      }
    }
  }
  const repeated = (p: { a: Contact; b: Contact }): number =>
    suggestedLastWeek.has(`${p.a.email}|${p.b.email}`) || suggestedLastWeek.has(`${p.b.email}|${p.a.email}`) ? 1 : 0;
  pairs.sort(
    (p, q) =>
      repeated(p) - repeated(q) || q.score - p.score || p.a.email.localeCompare(q.a.email) || p.b.email.localeCompare(q.b.email),
  );
  const used = new Set<string>();
  const picked: IntroSuggestion[] = [];
  for (const p of pairs) {
    if (picked.length >= MAX_SUGGESTED_INTROS) break;
    if (used.has(p.a.email) || used.has(p.b.email)) continue;
    used.add(p.a.email).add(p.b.email);
    picked.push({ a: p.a.email, b: p.b.email, sharedTopics: p.shared });
  }
  return picked;
}

/** `inDigest`: people the digest already shows; the pool is still taken over all contacts, as the loader reads it. */
function suggestIntroductions(contacts: readonly Contact[], promised: readonly StoredPromise[], inDigest: ReadonlySet<string>, ctx: Ctx): Draft[] {
  const { input, nowMs, byEmail } = ctx;
  const exclude = new Set(input.coRecipients ?? []);
  const lastWeek = new Set((input.introductionsLastWeek ?? []).map(([a, b]) => `${a}|${b}`));
  const busy = new Set([...inDigest, ...promised.flatMap((p) => introductionDraft(p, ctx).contacts)]);
  return suggestIntroductionPairs(contacts, nowMs, exclude, input.subjectsByContact, lastWeek, busy).map(
    (s): Draft => {
      const a = byEmail.get(s.a) as Contact;
      const b = byEmail.get(s.b) as Contact;
      const topics = s.sharedTopics.slice(0, 2).map((t) => `“${t}”`).join(' and ');
      return {
        section: 'connection',
        contacts: [s.a, s.b],
        text: `Introduce ${displayName(a)} and ${displayName(b)}?`,
        why: `you write with both about ${topics}, and they have never been on a thread together`,
        mailto: mailtoUrl([s.a, s.b], introSubject([s.a, s.b], ctx)),
        promiseId: null,
      };
    },
  );
}

const STOP_WORDS = new Set(
  `about above after again agenda also among and are aug august back been before being below between both but
  call calls can catch chat check coffee could dear december did dinner does doing done draft during each email
  feb february few follow following for from further great had has have having hello help here how info intro
  introduction invitation invite its jan january july june just last lunch make march meet meeting meetings monday
  more most next notes nov november oct october once only other our out over plan plans please question questions
  quick really regarding reminder request saturday sept september should some soon still such sunday sync than
  thank thanks that the their them then there these they this those thursday through time today tomorrow tuesday
  update updates very wednesday week weekly were what when where which while will with would your yours friday`.split(/\s+/),
);

/** Distinctive lower-case words of at least four letters from subjects, minus reply prefixes and mail chatter. */
export function topicWords(subjects: readonly string[]): Set<string> {
  const words = new Set<string>();
  for (const s of subjects) {
    for (const w of cleanSubject(s).normalize('NFKC').toLowerCase().split(/[^\p{L}\p{N}]+/u)) {
      if (w.length >= 4 && !/^\d+$/.test(w) && !STOP_WORDS.has(w)) words.add(w);
    }
  }
  return words;
}

function introSubject(emails: readonly string[], ctx: Ctx): string {
  const names = emails.map((e) => {
    const c = ctx.byEmail.get(e);
    return (c && firstName(c)) || e;
  });
  return `Introduction: ${joinNames(names)}`;
}

// ---------------------------------------------------------------------------------------------- subject

/**
 * The subject names the first thing to do ("Your promise to Priya is due Thursday, and 4 more things"): a phone shows
 * the first forty characters, and a count says nothing.
 */
function digestSubject(first: DigestItem | undefined, count: number, looksDone: number, ctx: Ctx): string {
  const week = DateTime.fromISO(ctx.input.weekOf, { zone: 'UTC' });
  const weekLabel = week.isValid ? week.toFormat('d LLL') : ctx.input.weekOf;
  if (!first) return looksDone > 0 ? `${plural(looksDone, 'promise')} ${looksDone === 1 ? 'looks' : 'look'} done (week of ${weekLabel})` : `Nothing needs you this week (${weekLabel})`;
  const rest = count - 1;
  const more = rest > 0 ? `, and ${plural(rest, 'more thing')}` : '';
  return truncate(`${subjectLead(first, ctx)}${more}`, 120);
}

function subjectLead(item: DigestItem, ctx: Ctx): string {
  const p = item.promiseId ? ctx.input.promises.find((x) => x.id === item.promiseId) : undefined;
  if (!p) return item.text.replace(/[?.]$/, '');
  const whom = p.to.length ? peopleNames(p.to, ctx) : '';
  const what = p.action === 'introduce' ? `The introduction you offered${whom ? ` ${whom}` : ''}` : `Your promise${whom ? ` to ${whom}` : ''}`;
  const late = daysBetween(p.due, ctx.today);
  if (late > 0) return `${what} was due ${late === 1 ? 'yesterday' : dateLabel(p.due, ctx.today)}`;
  if (late === 0) return `${what} is due today`;
  return `${what} is due ${late === -1 ? 'tomorrow' : late > -7 ? DateTime.fromISO(p.due, { zone: 'UTC' }).toFormat('cccc') : dateLabel(p.due, ctx.today)}`;
}

// ---------------------------------------------------------------------------------------------- helpers

export function isSkipped(c: Contact, nowMs: number): boolean {
  return c.skipUntil !== undefined && Date.parse(c.skipUntil) > nowMs;
}

function latestNote(c: Contact, input: DigestInput): string | undefined {
  const notes = input.notesByContact?.get(c.email) ?? c.notes;
  let latest: ContactNote | undefined;
  for (const n of notes) if (!latest || n.date > latest.date) latest = n;
  const text = latest?.text.replace(/\s+/g, ' ').trim();
  return text ? truncate(text, NOTE_MAX_CHARS) : undefined;
}

export function displayName(c: Pick<Contact, 'email' | 'name'>): string {
  return c.name?.trim() || c.email;
}

function firstName(c: Pick<Contact, 'name'>): string | undefined {
  const first = c.name?.trim().split(/\s+/)[0];
  // "Dr.", a lone initial or markup makes a poor greeting.
  return first && /^\p{L}[\p{L}\p{M}'’-]+$/u.test(first) ? first : undefined;
}

function peopleNames(emails: readonly string[], ctx: Ctx): string {
  if (emails.length === 0) return 'someone';
  return joinNames(emails.map((e) => resolvePerson(e, ctx).name));
}

/** An address or a name as found in a promise, matched to a contact when possible. */
/** The lower-case names a contact goes by in a promise: full name and first name. */
function personNames(c: Contact | undefined): string[] {
  if (!c?.name) return [];
  return [c.name.toLowerCase(), firstName(c)?.toLowerCase()].filter((n): n is string => !!n);
}

function resolvePerson(who: string, ctx: Ctx): { name: string; email?: string } {
  const key = who.trim().toLowerCase();
  const byAddress = ctx.byEmail.get(key);
  if (byAddress) return { name: displayName(byAddress), email: byAddress.email };
  const named = key.includes('@') ? undefined : contactNamed(key, ctx.namePool);
  if (named) return { name: displayName(named), email: named.email };
  return key.includes('@') ? { name: key, email: key } : { name: who.trim() };
}

/** A bare name ("Sam", "Sam Lee") is the strongest relationship of that name: the pool is ordered by strength. */
function contactNamed(lowerName: string, pool: readonly Contact[]): Contact | undefined {
  return pool.find((c) => personNames(c).includes(lowerName));
}

/**
 * The contacts open introductions name by a bare name ("introduce you to Sam"), resolved in the introduction pool:
 * they are owed an introduction, so not also a check-in. The loader can resolve them exactly too, since it reads
 * the whole pool before it ranks anyone (digest-candidates.ts).
 */
export function namedInIntroductions(introductions: readonly StoredPromise[], pool: readonly Contact[]): Set<string> {
  const out = new Set<string>();
  for (const p of introductions) {
    for (const who of p.introduce ?? []) {
      const c = who.includes('@') ? undefined : contactNamed(who.trim().toLowerCase(), pool);
      if (c) out.add(c.email);
    }
  }
  return out;
}

function joinNames(names: readonly string[]): string {
  if (names.length <= 2) return names.join(' and ');
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

/** RFC 6068 mailto: each address and the subject percent-encoded; '@' and ',' kept as delimiters. */
export function mailtoUrl(to: readonly string[], subject: string): string {
  const addresses = to
    .map((e) => {
      const at = e.lastIndexOf('@');
      return at < 0 ? encodeURIComponent(e) : `${encodeURIComponent(e.slice(0, at))}@${encodeURIComponent(e.slice(at + 1))}`;
    })
    .join(',');
  return `mailto:${addresses}?subject=${encodeURIComponent(subject)}`;
}

/** A subject without reply/forward prefixes, single-spaced and short enough for a sentence. */
export function cleanSubject(subject: string): string {
  const s = subject.replace(/^\s*((re|fwd?|aw|wg|sv|vs|tr|antw)\s*(\[\d+\])?\s*:\s*)+/i, '').replace(/\s+/g, ' ').trim();
  return truncate(s, SUBJECT_MAX_CHARS);
}

function truncate(s: string, max: number): string {
  if (s.length <= max) return s;
  const cut = s.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${space > max * 0.6 ? cut.slice(0, space) : cut}…`;
}

/** "3 days ago", "11 weeks ago", "5 months ago". */
export function ago(days: number): string {
  const d = Math.max(0, Math.floor(days));
  if (d === 0) return 'today';
  if (d === 1) return 'yesterday';
  if (d < 14) return `${d} days ago`;
  if (d < 91) return `${Math.round(d / 7)} weeks ago`; // "11 weeks ago" reads better than "3 months"
  if (d < 730) return `${Math.round(d / 30.44)} months ago`;
  return `${Math.round(d / 365.25)} years ago`;
}

/** "day", "4 days", "week", "4 weeks", "3 months". */
export function every(days: number): string {
  const d = Math.max(1, Math.round(days));
  if (d === 1) return 'day';
  if (d < 12) return `${d} days`;
  const weeks = Math.round(d / 7);
  if (d < 60) return weeks === 1 ? 'week' : `${weeks} weeks`;
  const months = Math.round(d / 30.44);
  if (d < 548) return months === 1 ? 'month' : `${months} months`;
  const years = Math.round(d / 365.25);
  return years === 1 ? 'year' : `${years} years`;
}

/** An ISO day as a person reads it without doubt: "Tue 24 Nov", with the year when it is not this year's. */
function dateLabel(day: string, today: string): string {
  const d = DateTime.fromISO(day, { zone: 'UTC' });
  if (!d.isValid) return day;
  return d.year === DateTime.fromISO(today, { zone: 'UTC' }).year ? d.toFormat('ccc d LLL') : d.toFormat('ccc d LLL yyyy');
}

/** "today", "yesterday", else "on Tue 24 Nov": for "you met …", "you first wrote …". */
function dayLabelOn(day: string, today: string): string {
  const diff = daysBetween(day, today);
  if (diff === 0) return 'today';
  if (diff === 1) return 'yesterday';
  return `on ${dateLabel(day, today)}`;
}

/** "Mar 2025": the month of an instant in the user's zone. */
function monthLabel(iso: string, tz: string): string {
  const d = DateTime.fromISO(iso, { zone: tz });
  return d.isValid ? d.toFormat('LLL yyyy') : iso.slice(0, 7);
}

/** Whole days from ISO day `from` to ISO day `to` (positive when `to` is later). */
function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

function isoDayIn(ms: number, tz: string): string {
  return DateTime.fromMillis(ms, { zone: tz }).toISODate() as string;
}

function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

function clamp(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, x));
}

function parseInstant(iso: string, what: string): number {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) throw new RangeError(`${what} is not an ISO instant: ${iso}`);
  return t;
}
