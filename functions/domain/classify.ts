/**
 * Decides what a received mail is, before anything is written: outgoing mail the user BCC'd,
 * a note to Nurture, a reply to a digest, or something to ignore or reject — always with a reason.
 */
import { domainOf, isRobotAddress, normalizeAddress } from './addresses.ts';
import type { Address, ParsedMail, User } from './types.ts';
import { purposeOfAddress } from './reply-token.ts';

/** Mail to more people than this is recorded without turning everyone into a contact. */
export const MAX_CONTACTS_PER_MAIL = 50;

export interface CaptureConfig {
  /** e.g. log@in.example.com */
  readonly captureAddress: string;
  readonly maxContactsPerMail?: number;
}

/** How the mail reached us: who it was delivered to and whether the sender was authenticated. */
export interface Envelope {
  /** Envelope recipients (RCPT TO, or the SES receipt's recipients). */
  readonly recipients: readonly string[];
  /**
   * `trusted`: the operator's own import (`nurture ingest`) or `explain`.
   * `authenticated`: SMTP AUTH locally, DMARC (or aligned SPF/DKIM) pass on SES.
   */
  readonly auth: {
    readonly verdict: 'trusted' | 'authenticated' | 'unauthenticated';
    /** The account that authenticated (SMTP AUTH user); it must own the From address. */
    readonly user?: string;
    /** The domain that authenticated (DMARC/SPF/DKIM on SES); it must be the From domain. */
    readonly domain?: string;
    readonly detail?: string;
  };
  /** SES spam/virus verdicts; a FAIL is never processed. */
  readonly spam?: 'PASS' | 'FAIL' | 'GRAY' | 'PROCESSING_FAILED' | 'DISABLED';
  readonly virus?: 'PASS' | 'FAIL' | 'GRAY' | 'PROCESSING_FAILED' | 'DISABLED';
}

export type Classification =
  | { kind: 'rejected'; reason: RejectReason; detail?: string }
  | { kind: 'ignored'; reason: IgnoreReason; detail?: string }
  | { kind: 'reply'; replyAddress: string }
  | {
      kind: 'outgoing' | 'note';
      contacts: Address[];
      /** Everyone the mail was addressed to, before filtering (capped for storage). */
      recipients: Address[];
      recipientsCapped: boolean;
      /** Why some recipients were not made contacts (own address, robot, capture…), for the log. */
      skipped: { email: string; why: string }[];
    };

export type RejectReason =
  | 'virus'
  | 'spam'
  | 'no-sender'
  | 'unknown-sender'
  | 'unauthenticated'
  | 'unparseable'
  /** Beyond parse-mail's limits (MAX_TEXT_BYTES, MAX_MIME_PARTS): not analysed; the raw mail is kept. */
  | 'too-large';
export type IgnoreReason = 'bulk-mail' | 'not-for-capture' | 'duplicate' | 'no-recipients';

export function captureDomain(config: CaptureConfig): string {
  return domainOf(config.captureAddress.toLowerCase());
}

/** `reply+<token>@capture-domain` (or `unsub+…`) among the envelope or header recipients. */
export function findCommandAddress(mail: ParsedMail, envelope: Envelope, config: CaptureConfig): string | null {
  const domain = captureDomain(config);
  const candidates = [...envelope.recipients, ...mail.to.map((a) => a.email), ...mail.cc.map((a) => a.email)];
  for (const c of candidates) {
    const email = normalizeAddress(c);
    if (email && domainOf(email) === domain && purposeOfAddress(email)) return email;
  }
  return null;
}

/**
 * `user` is the registered owner of the From address (null if none). In `explain` mode the caller passes a
 * synthetic user for the From address, so any mail can be examined.
 */
export function classifyMail(mail: ParsedMail, envelope: Envelope, user: User | null, config: CaptureConfig): Classification {
  if (envelope.virus === 'FAIL') return { kind: 'rejected', reason: 'virus', detail: 'SES virus verdict FAIL' };
  if (envelope.spam === 'FAIL') return { kind: 'rejected', reason: 'spam', detail: 'SES spam verdict FAIL' };
  if (!mail.from) return { kind: 'rejected', reason: 'no-sender', detail: 'no valid From address' };

  const commandAddress = findCommandAddress(mail, envelope, config);
  if (commandAddress) return { kind: 'reply', replyAddress: commandAddress };

  if (!user) return { kind: 'rejected', reason: 'unknown-sender', detail: `${mail.from.email} is not a registered user` };
  if (envelope.auth.verdict === 'unauthenticated') {
    return { kind: 'rejected', reason: 'unauthenticated', detail: envelope.auth.detail ?? 'sender not authenticated' };
  }
  const own = new Set([user.email, ...user.aliases].map((a) => a.toLowerCase()));
  const authUser = envelope.auth.user?.toLowerCase();
  // "Authenticated" must say as whom (SMTP AUTH user) or for which domain (SES verdicts); otherwise it proves nothing.
  if (envelope.auth.verdict === 'authenticated' && !authUser && !envelope.auth.domain) {
    return { kind: 'rejected', reason: 'unauthenticated', detail: 'authentication names neither a user nor a domain' };
  }
  if (envelope.auth.verdict === 'authenticated' && authUser && !own.has(authUser)) {
    return { kind: 'rejected', reason: 'unauthenticated', detail: `authenticated as ${authUser}, who does not own ${mail.from.email}` };
  }
  const authDomain = envelope.auth.domain?.toLowerCase();
  if (envelope.auth.verdict === 'authenticated' && authDomain && domainOf(mail.from.email) !== authDomain) {
    return { kind: 'rejected', reason: 'unauthenticated', detail: `${authDomain} authenticated, but From is ${mail.from.email}` };
  }
  if (mail.bulk.isBulk) return { kind: 'ignored', reason: 'bulk-mail', detail: mail.bulk.why ?? undefined };

  const capture = config.captureAddress.toLowerCase();
  const domain = captureDomain(config);
  const visible = dedupe([...mail.to, ...mail.cc]);
  const others = visible.filter((a) => !own.has(a.email) && domainOf(a.email) !== domain);
  const captureVisible = visible.some((a) => a.email === capture);

  // Written *to* Nurture with nobody else on it: a note. People named in its text are found later.
  if (captureVisible && others.length === 0) {
    return { kind: 'note', contacts: [], recipients: [], recipientsCapped: false, skipped: [] };
  }

  const skipped: { email: string; why: string }[] = [];
  const contacts: Address[] = [];
  for (const a of visible) {
    if (own.has(a.email)) skipped.push({ email: a.email, why: 'own address' });
    else if (domainOf(a.email) === domain) skipped.push({ email: a.email, why: 'capture domain' });
    else if (isRobotAddress(a.email)) skipped.push({ email: a.email, why: 'robot address' });
    else contacts.push(a);
  }
  if (visible.length === 0) return { kind: 'ignored', reason: 'no-recipients', detail: 'no To or Cc recipients' };

  const max = config.maxContactsPerMail ?? MAX_CONTACTS_PER_MAIL;
  const capped = contacts.length > max;
  return {
    kind: 'outgoing',
    contacts: capped ? [] : contacts,
    // Every contact made is among the recorded recipients (the digest finds this week's people through them).
    recipients: capped ? visible.slice(0, max) : [...contacts, ...visible.filter((a) => !contacts.includes(a))].slice(0, max),
    recipientsCapped: capped,
    skipped,
  };
}

function dedupe(list: readonly Address[]): Address[] {
  const seen = new Map<string, Address>();
  for (const a of list) {
    const prev = seen.get(a.email);
    if (!prev || (!prev.name && a.name)) seen.set(a.email, a);
  }
  return [...seen.values()];
}
