/**
 * Plain data types shared by the domain. Nothing here knows about AWS, the clock or the environment.
 * Dates are ISO-8601 strings in UTC (`2026-11-25T10:00:00.000Z`) unless named `...Day` (an ISO day, `2026-11-27`).
 */

export interface Address {
  /** Lower-cased, validated addr-spec. */
  readonly email: string;
  readonly name?: string;
}

export interface AttachmentInfo {
  readonly filename?: string;
  readonly contentType: string;
  readonly size: number;
}

/** A parsed mail, reduced to what Nurture reads. Built by `parseMail`. */
export interface ParsedMail {
  /** Message-ID header as written (with angle brackets), or null when missing/invalid. */
  readonly messageId: string | null;
  /** Date header, or null when missing/unparseable. */
  readonly date: string | null;
  readonly from: Address | null;
  readonly sender: Address | null;
  readonly to: readonly Address[];
  readonly cc: readonly Address[];
  readonly replyTo: readonly Address[];
  readonly subject: string;
  readonly inReplyTo: string | null;
  readonly references: readonly string[];
  readonly text: string;
  readonly html: string | null;
  readonly attachments: readonly AttachmentInfo[];
  /** List-Id / List-Unsubscribe / Precedence: bulk|list|junk / Auto-Submitted present. */
  readonly bulk: { readonly isBulk: boolean; readonly why: string | null };
  /** Problems noticed while parsing that did not stop it (bad charset, invalid addresses dropped...). */
  readonly warnings: readonly string[];
  /** Size of the raw message in bytes. */
  readonly size: number;
}

export type CaptureKind = 'outgoing' | 'note' | 'reply' | 'ignored' | 'rejected';

export type PromiseAction = 'send' | 'introduce' | 'reply' | 'meet' | 'review' | 'do';
export type PromiseState = 'open' | 'likely-done' | 'done' | 'snoozed' | 'dropped';

/** A commitment found in the user's own words. */
export interface FoundPromise {
  readonly text: string;
  readonly action: PromiseAction;
  /** Whom it is owed to: e-mail addresses (recipients, or the person named when resolvable). */
  readonly to: readonly string[];
  /** For `introduce`: the people to be introduced, names or addresses as found. */
  readonly introduce?: readonly string[];
  /** The due phrase as written ("by Friday"), or null when none. */
  readonly dueText: string | null;
  /** ISO day in the user's time zone. */
  readonly due: string;
  /**
   * The sentence before the promise, kept when the promise names what it owes only by a pronoun ("I'll send them
   * Friday"), so that a digest can say what "them" is. Absent otherwise.
   */
  readonly context?: string;
}

/** Numbered items a digest holds unless the user chose otherwise (`User.maxItems`). */
export const DEFAULT_MAX_ITEMS = 7;

export interface User {
  readonly userId: string;
  readonly email: string;
  readonly aliases: readonly string[];
  readonly name?: string;
  /** IANA time zone, e.g. Europe/Berlin. */
  readonly tz: string;
  /** Check-ins per digest, 1–10. */
  readonly checkins: number;
  /** Most numbered items a digest holds (default DEFAULT_MAX_ITEMS); what doesn't fit is counted in one line. */
  readonly maxItems?: number;
  /** ISO weekday 1 (Mon) – 7 (Sun) and local hour of the digest. */
  readonly digestDay: number;
  readonly digestHour: number;
  readonly paused: boolean;
  readonly confirmations: boolean;
  /** Send a short "nothing needs you this week" mail instead of nothing. */
  readonly emptyWeekNote?: boolean;
  /** When the user's address bounced (set by SES feedback); digests pause. */
  readonly bouncing?: string;
  readonly createdAt: string;
}

export type FirstVia = 'personal' | 'group' | 'cc';

export interface Contact {
  readonly email: string;
  readonly name?: string;
  /** Organisation from the domain; absent for free-mail domains. */
  readonly org?: string;
  readonly firstContacted: string;
  readonly lastContacted: string;
  /** Number of captured mails to this contact. */
  readonly count: number;
  /** Most recent interaction dates (ISO), newest first, capped. Used to learn the usual rhythm. */
  readonly recentDates: readonly string[];
  /** Distinct months ("2026-11") with mail to them, newest first, capped: how lasting the relationship is. */
  readonly months?: readonly string[];
  /** The number of those months, where only the number was read (the contact index leaves the list out). */
  readonly monthCount?: number;
  /**
   * How the first mail reached them: `personal` (in To of a mail to a few people), `group` (in To of a larger mail),
   * `cc`. Only a personal first mail or a meeting makes someone a new person to follow up.
   */
  readonly firstVia?: FirstVia;
  /** Subject of the last mail to them. */
  readonly lastSubject?: string;
  /** Mails in threads where they had written first (In-Reply-To present): a two-way signal. */
  readonly replies: number;
  /** The latest note naming them (a note to the capture address says the user met or spoke with them), ISO. */
  readonly metAt?: string;
  /**
   * The first such note, ISO: when the user met them. Follow-ups start there. Full items only: the local index's
   * projection is fixed, and follow-up candidates are read from the table. Absent on contacts stored before it.
   */
  readonly firstMetAt?: string;
  /** Latest notes that name them, newest first, capped. */
  readonly notes: readonly { readonly date: string; readonly text: string }[];
  /** Digest bookkeeping: when last suggested for a check-in, how often ignored, skip-until. */
  readonly lastSuggested?: string;
  readonly ignoredSuggestions?: number;
  readonly skipUntil?: string;
  /** The user replied "done" to a check-in or follow-up about them: counts as being in touch then. */
  readonly checkedInAt?: string;
  /** People recently on the same mails (capped): never suggested an introduction to each other. */
  readonly coRecipients?: readonly string[];
  /** The last bulk-import batch applied to it: resuming an interrupted import skips it. */
  readonly lastBatch?: string;
  /** Message keys recently applied: makes applying the same mail twice a no-op. */
  readonly seen: readonly string[];
}

/** What one captured mail contributes. */
export interface Interaction {
  /** Stable key of the message (see `messageKey`). */
  readonly key: string;
  readonly kind: 'outgoing' | 'note';
  readonly messageId: string | null;
  readonly date: string;
  readonly subject: string;
  readonly recipients: readonly Address[];
  readonly threadId: string;
  readonly inReplyTo: string | null;
  readonly references: readonly string[];
  /** For notes only: the text the user wrote to Nurture. */
  readonly noteText?: string;
  /** True when recipients exceeded the cap and were not made contacts. */
  readonly recipientsCapped?: boolean;
  readonly hasAttachments: boolean;
  /** The user's own text contains a link (delivery evidence for a `send` promise). */
  readonly hasLink: boolean;
}

export interface StoredPromise extends FoundPromise {
  readonly id: string;
  readonly messageId: string | null;
  readonly messageKey: string;
  readonly createdAt: string;
  readonly state: PromiseState;
  readonly snoozedUntil?: string;
  /** Evidence of likely delivery. */
  readonly evidence?: { readonly messageKey: string; readonly date: string; readonly why: string };
  readonly closedAt?: string;
  /** When a digest showed it as "looks done": it is shown so only once. */
  readonly looksDoneShownAt?: string;
}
