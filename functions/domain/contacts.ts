/**
 * How one captured mail or note changes a contact. Pure, and idempotent: a message already applied
 * (its key is in `seen`) changes nothing, so a retried or duplicated delivery never double-counts.
 */
import { domainOf } from './addresses.ts';
import { organisationFromDomain } from './organisations.ts';
import type { Address, Contact, FirstVia } from './types.ts';

/** Dates kept to learn the usual rhythm with a person. */
export const RECENT_DATES_KEPT = 24;
/** Message keys remembered per contact; covers any retry window by a wide margin. */
export const SEEN_KEYS_KEPT = 16;
export const NOTES_KEPT = 3;
export const NOTE_CHARS_KEPT = 280;
export const CO_RECIPIENTS_KEPT = 20;
/** Ten years of months: enough to tell a lasting relationship from a busy quarter. */
export const MONTHS_KEPT = 120;
/** A mail to at most this many people (To and Cc) is personal to those in its To. */
export const PERSONAL_MAX_RECIPIENTS = 3;

export interface ContactTouch {
  readonly address: Address;
  readonly messageKey: string;
  readonly date: string;
  readonly kind: 'outgoing' | 'note';
  readonly subject?: string;
  /** The mail answers a thread (In-Reply-To): a sign the relationship is two-way. */
  readonly isReply?: boolean;
  readonly noteText?: string;
  /** The other people on the same mail. */
  readonly coRecipients?: readonly string[];
  /** How this mail reached them (see `reachedVia`); notes leave it out. */
  readonly via?: FirstVia;
}

/** How a mail reached one of its recipients: personally (To, few people), as one of a group (To), or in Cc. */
export function reachedVia(inTo: boolean, recipients: number): FirstVia {
  if (!inTo) return 'cc';
  return recipients <= PERSONAL_MAX_RECIPIENTS ? 'personal' : 'group';
}

/** The updated contact, or null when this message was already applied. */
export function applyTouch(existing: Contact | undefined, t: ContactTouch): Contact | null {
  if (existing?.seen.includes(t.messageKey)) return null;
  const base: Contact = existing ?? {
    email: t.address.email,
    org: organisationFromDomain(domainOf(t.address.email)),
    firstContacted: t.date,
    lastContacted: t.date,
    count: 0,
    recentDates: [],
    replies: 0,
    notes: [],
    seen: [],
  };
  const seen = [t.messageKey, ...base.seen].slice(0, SEEN_KEYS_KEPT);
  const name = betterName(base.name, t.address.name);
  const firstContacted = t.date < base.firstContacted ? t.date : base.firstContacted;

  if (t.kind === 'note') {
    const notes = t.noteText
      ? [{ date: t.date, text: t.noteText.slice(0, NOTE_CHARS_KEPT) }, ...base.notes]
          .sort((a, b) => b.date.localeCompare(a.date))
          .slice(0, NOTES_KEPT)
      : base.notes;
    const metAt = !base.metAt || t.date > base.metAt ? t.date : base.metAt;
    // A contact from before firstMetAt was kept: its first meeting is unknown, so it stays unset (see followUpStart).
    const firstMetAt = base.metAt && !base.firstMetAt ? undefined : !base.firstMetAt || t.date < base.firstMetAt ? t.date : base.firstMetAt;
    return withName({ ...base, firstContacted, notes, metAt, ...(firstMetAt ? { firstMetAt } : {}), seen }, name);
  }

  const isNewest = base.count === 0 || t.date >= base.lastContacted;
  const recentDates = [...base.recentDates, t.date].sort((a, b) => b.localeCompare(a)).slice(0, RECENT_DATES_KEPT);
  // A contact from before months were kept starts from the months of its recent dates.
  const months = [...new Set([t.date.slice(0, 7), ...(base.months ?? base.recentDates.map((d) => d.slice(0, 7)))])].sort((a, b) => b.localeCompare(a)).slice(0, MONTHS_KEPT);
  // The earliest mail decides how they were first reached (imports can arrive in any order).
  const isFirstMail = base.count === 0 || t.date < base.firstContacted;
  const firstVia = isFirstMail ? t.via : base.firstVia;
  return withName(
    {
      ...base,
      firstContacted,
      months,
      ...(firstVia ? { firstVia } : {}),
      lastContacted: base.count === 0 || t.date > base.lastContacted ? t.date : base.lastContacted,
      lastSubject: isNewest && t.subject ? t.subject : base.lastSubject,
      count: base.count + 1,
      replies: base.replies + (t.isReply ? 1 : 0),
      recentDates,
      seen,
      ...(t.coRecipients?.length ? { coRecipients: [...new Set([...t.coRecipients, ...(base.coRecipients ?? [])])].slice(0, CO_RECIPIENTS_KEPT) } : {}),
    },
    name,
  );
}

function withName(c: Contact, name: string | undefined): Contact {
  return name ? { ...c, name } : c;
}

/** The best display name seen: a full name beats a single word, which beats nothing. */
export function betterName(current: string | undefined, candidate: string | undefined): string | undefined {
  if (!candidate) return current;
  if (!current) return candidate;
  const score = (n: string): number => {
    const words = n.split(/\s+/).length;
    const looksLikeHandle = /^[\w.-]+$/.test(n) && n === n.toLowerCase();
    return (words >= 2 ? 2 : 1) - (looksLikeHandle ? 1 : 0);
  };
  return score(candidate) > score(current) ? candidate : current;
}
