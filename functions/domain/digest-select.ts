/**
 * What goes into a user's weekly digest: a pure selection over contacts and promises at a given instant.
 * Items are numbered continuously across sections, so a reply like `done 3` names exactly one item.
 *
 * Rules (each one is pinned by test/domain/digest-select.test.ts):
 * - check-in: contacts gone cold relative to their own rhythm, weighted by how strong the relationship was.
 * - follow-up: people first met or first written to 2–7 days ago with nothing sent since.
 * - promise: open promises, overdue first (most recently due first); "likely-done" ones shown once for an `undo`.
 * - connection: promised introductions, plus at most two explainable suggested introductions.
 */
import { DateTime } from 'luxon';
import type { Contact, StoredPromise, User } from './types.ts';

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
  /** Items that qualified but were left out to keep the mail short. */
  readonly moreCount: number;
  /** Why some were not listed at all ("3 promises more than two months overdue are left out."). */
  readonly leftOutNote?: string;
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
  /** Sections with items (or a note of what was left out), in reading order. */
  readonly sections: readonly DigestSection[];
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
/** Rhythm assumed for contacts with too little history to learn one. */
export const DEFAULT_RHYTHM_DAYS = 30;
/** Fewer interaction dates than this and the rhythm is not learned. */
export const MIN_DATES_FOR_RHYTHM = 3;
/** A learned rhythm is clamped: daily mail shouldn't make a week of silence look "cold". */
const MIN_RHYTHM_DAYS = 7;
const MAX_RHYTHM_DAYS = 365;
/** Never suggest checking in with someone written to within two weeks. */
export const MIN_SILENCE_DAYS = 14;
/** Suggested within this many days → only suggested again if nobody else qualifies. */
export const ROTATION_DAYS = 13;
/** Each ignored suggestion multiplies the score by this, so ignored people drift down. */
export const IGNORED_DRIFT = 0.6;
/** Relationship fade: silence beyond about a year counts less and less as "worth reviving". */
const FADE_DAYS = 365;
export const NEW_CONTACT_WINDOW_DAYS = 7;
export const FOLLOW_UP_GRACE_DAYS = 2;
export const MAX_SUGGESTED_INTROS = 2;
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
  const promiseDrafts = selectPromises(shown, ctx);
  const promisedIntroductions = selectPromisedIntroductions(shown, ctx);
  // One item per person where possible. Someone owed a promise or an introduction has their reason to be written
  // to: not also a follow-up or a check-in. Follow-ups are not also check-ins; nobody already in the digest is
  // suggested for an introduction.
  // By the addresses the promises name, as the loader reads them (promisePeople): a bare name ("Sam") resolved from
  // the pool is not owed, or the candidate reading could stop before the check-in that replaces them.
  const owed = promiseAddresses([...shown.open, ...shown.introductions]);
  const followups = selectFollowups(contacts.filter((c) => !owed.has(c.email)), ctx);
  const alreadyShown = new Set([...owed, ...followups.flatMap((d) => d.contacts)]);
  const checkins = selectCheckins(
    contacts.filter((c) => !alreadyShown.has(c.email)),
    ctx,
  );
  const inDigest = new Set([...alreadyShown, ...checkins.flatMap((d) => d.contacts)]);
  const connectionDrafts = [...promisedIntroductions, ...suggestIntroductions(contacts, promisedIntroductions, inDigest, ctx)];

  const agedOut = shown.agedOut;
  const agedOutNote = agedOut > 0 ? `${plural(agedOut, 'promise')} more than two months overdue ${agedOut === 1 ? 'is' : 'are'} left out.` : undefined;
  const drafts: [DigestSectionKey, readonly Draft[], number, string | undefined][] = [
    ['checkin', checkins, 0, undefined],
    ['followup', followups, 0, undefined],
    ['promise', promiseDrafts.items, promiseDrafts.more, agedOutNote],
    ['connection', connectionDrafts, 0, undefined],
  ];
  let n = 0;
  const sections: DigestSection[] = [];
  for (const [key, list, moreCount, leftOutNote] of drafts) {
    // A section with nothing to list still says what it left out ("9 promises … are left out").
    if (list.length === 0 && !leftOutNote) continue;
    const items = list.map((d): DigestItem => {
      n += 1;
      return { ...d, n, text: typeof d.text === 'function' ? d.text(n) : d.text };
    });
    sections.push({ key, title: SECTION_TITLES[key], items, moreCount, ...(leftOutNote ? { leftOutNote } : {}) });
  }
  const items = sections.flatMap((s) => s.items);
  return {
    user: user.email,
    ...(user.name ? { userName: user.name } : {}),
    tz: user.tz,
    weekOf,
    subject: digestSubject(items, ctx),
    sections,
    items,
    stats: input.stats,
    empty: items.length === 0,
    looksDoneShown: items.filter((i) => i.looksDone && i.promiseId).map((i) => i.promiseId as string),
  };
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
  /** Usual gap in days, or null when not enough history to learn one. */
  readonly learnedRhythm: number | null;
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

/** How a contact's rhythm and strength enter its score; both change only when mail to them is captured. */
function rhythmAndStrength(contact: Contact): { learned: number | null; rhythm: number; strength: number } {
  const learned = learnedRhythmDays(contact.recentDates);
  const rhythm = clamp(learned ?? DEFAULT_RHYTHM_DAYS, MIN_RHYTHM_DAYS, MAX_RHYTHM_DAYS);
  const count = Math.max(1, contact.count);
  const twoWay = 1 + 0.5 * Math.min(1, contact.replies / count);
  return { learned, rhythm, strength: Math.log2(1 + count) * twoWay };
}

/**
 * How worth a check-in a contact is: coldness (silence ÷ usual gap) × strength (how often, two-way, how
 * recently alive) × drift (ignored suggestions). It qualifies only once the silence exceeds both its rhythm and
 * two weeks.
 */
export function checkinScore(contact: Contact, nowMs: number): CheckinScore {
  const daysSince = (nowMs - lastTouch(contact)) / DAY_MS;
  const { learned, rhythm, strength } = rhythmAndStrength(contact);
  const coldness = Math.max(0, daysSince) / rhythm;
  const fade = Math.exp(-Math.max(0, daysSince) / FADE_DAYS);
  const drift = IGNORED_DRIFT ** Math.max(0, contact.ignoredSuggestions ?? 0);
  const score = coldness * strength * fade * drift;
  const qualifies = contact.count > 0 && daysSince >= Math.max(rhythm, MIN_SILENCE_DAYS);
  return { email: contact.email, score, daysSince, learnedRhythm: learned, qualifies };
}

/**
 * The highest check-in score a contact can ever reach, whatever the date: silence enters the score as
 * (d ÷ rhythm)·e^(−d/FADE_DAYS), which peaks at d = FADE_DAYS, and drift is at most 1. It depends only on what
 * capture writes, so it is stored in the contact's index key: the digest reads contacts highest bound first and
 * stops once no unread contact can beat the ones it has. Rounded to 4 decimals so the index and this agree exactly.
 */
export function checkinBound(contact: Contact): number {
  if (contact.count <= 0) return 0;
  const { rhythm, strength } = rhythmAndStrength(contact);
  return Math.ceil(((FADE_DAYS / Math.E) * strength * 1e4) / rhythm) / 1e4;
}

function selectCheckins(contacts: readonly Contact[], ctx: Ctx): Draft[] {
  const { input, nowMs } = ctx;
  const wanted = clamp(Math.round(input.user.checkins), 1, 10);
  const lastWeek = new Set(input.suggestedLastWeek ?? []);
  const ranked = contacts
    .map((c) => ({ c, s: checkinScore(c, nowMs) }))
    .filter(({ s }) => s.qualifies)
    .sort((a, b) => b.s.score - a.s.score || a.c.email.localeCompare(b.c.email));
  // Fair rotation: last week's people come back only to fill places nobody else qualifies for.
  const fresh = ranked.filter(({ c }) => !recentlySuggested(c, lastWeek, nowMs));
  const repeat = ranked.filter(({ c }) => recentlySuggested(c, lastWeek, nowMs));
  return [...fresh, ...repeat].slice(0, wanted).map(({ c, s }) => {
    const note = latestNote(c, input);
    return {
      section: 'checkin',
      contacts: [c.email],
      text: `Check in with ${displayName(c)}`,
      why: checkinWhy(c, s),
      ...(note ? { note } : {}),
      mailto: mailtoUrl([c.email], firstName(c) ? `How are things, ${firstName(c)}?` : 'How are things?'),
      promiseId: null,
    };
  });
}

/** Suggested in last week's digest, or within the rotation period. */
export function recentlySuggested(c: Contact, lastWeek: ReadonlySet<string>, nowMs: number): boolean {
  return lastWeek.has(c.email) || (c.lastSuggested !== undefined && nowMs - Date.parse(c.lastSuggested) < ROTATION_DAYS * DAY_MS);
}

function checkinWhy(c: Contact, s: CheckinScore): string {
  const subject = c.lastSubject ? cleanSubject(c.lastSubject) : '';
  const about = subject ? ` about “${subject}”` : '';
  const rhythm =
    s.learnedRhythm !== null
      ? `you usually write every ${every(s.learnedRhythm)}`
      : c.count === 1
        ? 'you have written once'
        : `you have written ${c.count} times`;
  return `last wrote ${ago(s.daysSince)}${about}; ${rhythm}`;
}

// ---------------------------------------------------------------------------------------------- follow-ups

/**
 * A contact needs a follow-up when its first touch — the earlier of `metAt` (a note said the user met them)
 * and `firstContacted` (first mail) — is between 2 and 7 days old, and nothing was sent to them after it:
 * `lastContacted` is not later than the first touch (met and never mailed; or mailed exactly once).
 * `lastContacted`/`count` are assumed to count mail only, not notes.
 */
export function needsFollowUp(c: Contact, nowMs: number): boolean {
  const first = firstTouch(c);
  const age = nowMs - first;
  if (age < FOLLOW_UP_GRACE_DAYS * DAY_MS || age > NEW_CONTACT_WINDOW_DAYS * DAY_MS) return false;
  const last = lastTouch(c);
  return Number.isNaN(last) || last <= first;
}

/** The last mail to them, or the user's "done" on a check-in or follow-up about them, whichever is later. */
function lastTouch(c: Contact): number {
  const mailed = Date.parse(c.lastContacted);
  const checked = c.checkedInAt ? Date.parse(c.checkedInAt) : Number.NaN;
  return Number.isNaN(checked) ? mailed : Math.max(mailed, checked);
}

function firstTouch(c: Contact): number {
  const times = [c.firstContacted, c.metAt].filter((d): d is string => !!d).map((d) => Date.parse(d));
  return Math.min(...times.filter((t) => !Number.isNaN(t)));
}

function selectFollowups(contacts: readonly Contact[], ctx: Ctx): Draft[] {
  const { nowMs, input } = ctx;
  return contacts
    .filter((c) => needsFollowUp(c, nowMs))
    .sort((a, b) => firstTouch(a) - firstTouch(b) || a.email.localeCompare(b.email))
    .map((c) => {
      const first = firstTouch(c);
      const met = c.metAt !== undefined && Date.parse(c.metAt) === first;
      const when = dayLabel(isoDayIn(first, input.user.tz), ctx.today);
      const on = when === 'yesterday' || when === 'today' ? when : `on ${when}`;
      const subject = c.lastSubject ? cleanSubject(c.lastSubject) : '';
      const why = met
        ? `you met ${on}; nothing sent since`
        : `you first wrote ${on}${subject ? ` about “${subject}”` : ''}; nothing sent since`;
      const note = latestNote(c, input);
      const name = firstName(c);
      const mailSubject = met
        ? `Great to meet you${name ? `, ${name}` : ''}`
        : subject
          ? `Re: ${subject}`
          : `Following up${name ? `, ${name}` : ''}`;
      return {
        section: 'followup' as const,
        contacts: [c.email],
        text: `Follow up with ${displayName(c)}`,
        why,
        ...(note ? { note } : {}),
        mailto: mailtoUrl([c.email], mailSubject),
        promiseId: null,
      };
    });
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

function selectPromises(shown: PromisesShown, ctx: Ctx): { items: Draft[]; more: number } {
  const open = shown.open.map((p) => ({
    section: 'promise' as const,
    contacts: [...p.to],
    // A note's promise may name nobody we know ("promised her…" with her name in another note).
    text: p.to.length ? `You promised ${peopleNames(p.to, ctx)}: “${p.text}”` : `You promised: “${p.text}”`,
    why: promiseWhy(p, ctx),
    promiseId: p.id,
    ...(p.due < ctx.today ? { overdue: true } : {}),
  }));
  const looksDone = looksDoneDrafts(shown.looksDone.filter((p) => p.action !== 'introduce'), 'promise', ctx);
  return { items: [...open, ...looksDone], more: shown.more };
}

/**
 * Overdue first, the most recently due of them first: this week's slipped promise is the one still worth keeping,
 * and a year of imported mail must not bury it under promises long past. Then upcoming ones by due day.
 */
function comparePromises(a: StoredPromise, b: StoredPromise, today: string): number {
  const lateA = a.due < today ? 0 : 1;
  const lateB = b.due < today ? 0 : 1;
  const byDue = lateA === 0 && lateB === 0 ? b.due.localeCompare(a.due) : a.due.localeCompare(b.due);
  return lateA - lateB || byDue || a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id);
}

function promiseWhy(p: StoredPromise, ctx: Ctx): string {
  const label = dayLabel(p.due, ctx.today);
  const late = daysBetween(p.due, ctx.today);
  const due =
    late > 0 ? `due ${label}, ${plural(late, 'day')} late` : late === 0 ? 'due today' : `due ${label}`;
  const madeMs = Date.parse(p.createdAt);
  // Calendar days in the user's zone: a promise from Tuesday evening is "2 days ago" on Thursday morning.
  return Number.isNaN(madeMs) ? due : `${due} · promised ${ago(daysBetween(isoDayIn(madeMs, ctx.input.user.tz), ctx.today))}`;
}

function looksDoneDrafts(promises: readonly StoredPromise[], section: DigestSectionKey, ctx: Ctx): Draft[] {
  return promises.map((p) => ({
    section,
    contacts: [...p.to],
    text: (n: number) => `Looks done: “${p.text}” (${peopleNames(p.to, ctx)}) — reply “undo ${n}” if not`,
    ...(p.evidence?.why ? { why: p.evidence.why } : {}),
    promiseId: p.id,
    looksDone: true,
  }));
}

// ---------------------------------------------------------------------------------------------- connections

function selectPromisedIntroductions(shown: PromisesShown, ctx: Ctx): Draft[] {
  const open = shown.introductions.map((p): Draft => {
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
    });
  const done = looksDoneDrafts(shown.looksDone.filter((p) => p.action === 'introduce'), 'connection', ctx);
  return [...open, ...done];
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
function suggestIntroductions(contacts: readonly Contact[], promised: readonly Draft[], inDigest: ReadonlySet<string>, ctx: Ctx): Draft[] {
  const { input, nowMs, byEmail } = ctx;
  const exclude = new Set(input.coRecipients ?? []);
  const lastWeek = new Set((input.introductionsLastWeek ?? []).map(([a, b]) => `${a}|${b}`));
  const busy = new Set([...inDigest, ...promised.flatMap((d) => d.contacts)]);
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

function digestSubject(items: readonly DigestItem[], ctx: Ctx): string {
  const week = DateTime.fromISO(ctx.input.weekOf, { zone: 'UTC' });
  const prefix = `Your week of ${week.isValid ? week.toFormat('d LLL') : ctx.input.weekOf}`;
  if (items.length === 0) return `${prefix}: nothing needs you`;
  // Lead with what hurts most if left: an overdue promise, else the first item.
  const late = ctx.input.promises.filter((p) => isOpenPromise(p, ctx.nowMs) && p.due < ctx.today && !isAgedOut(p, ctx.today));
  const first = items[0] as DigestItem;
  const lead =
    late.length === 1
      ? `your promise to ${peopleNames((late[0] as StoredPromise).to, ctx)} is overdue`
      : late.length > 1
        ? `${late.length} promises are overdue`
        : first.text.replace(/^(\w)/, (m) => m.toLowerCase()).replace(/[?.]$/, '');
  // "and N more": the items besides those the lead speaks of (overdue ones not shown aren't items).
  const rest = late.length > 0 ? items.filter((i) => !(i.overdue && !i.looksDone)).length : items.length - 1;
  return truncate(`${prefix}: ${lead}${rest > 0 ? `, and ${rest} more` : ''}`, 120);
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
  // A bare name is the strongest relationship of that name (the introduction pool is ordered by strength).
  for (const c of ctx.namePool) {
    if (personNames(c).includes(key)) {
      return { name: displayName(c), email: c.email };
    }
  }
  return key.includes('@') ? { name: key, email: key } : { name: who.trim() };
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

/** A day relative to today: "today", "tomorrow", "yesterday", a weekday within a week, else "27 Nov". */
function dayLabel(day: string, today: string): string {
  const diff = -daysBetween(day, today);
  if (diff === 0) return 'today';
  if (diff === 1) return 'tomorrow';
  if (diff === -1) return 'yesterday';
  const d = DateTime.fromISO(day, { zone: 'UTC' });
  if (!d.isValid) return day;
  if (Math.abs(diff) < 7) return d.toFormat('cccc');
  return d.year === DateTime.fromISO(today, { zone: 'UTC' }).year ? d.toFormat('d LLL') : d.toFormat('d LLL yyyy');
}

/** Whole days from ISO day `from` to ISO day `to` (positive when `to` is later). */
function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

function isoDayIn(ms: number, tz: string): string {
  return DateTime.fromMillis(ms, { zone: tz }).toISODate() as string;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
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
