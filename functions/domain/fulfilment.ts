/**
 * Does a later mail plausibly deliver an open promise? Conservative: only evidence a reader would accept
 * ("attached the deck you asked for", an introduction Cc'ing both people) — the user still confirms with `done N`.
 */
import type { PromiseAction } from './types.ts';

export interface PromiseLike {
  readonly action: PromiseAction;
  readonly to: readonly string[];
  readonly introduce?: readonly string[];
  readonly text: string;
  /** When the promise was made, ISO; evidence must come after it. */
  readonly createdAt?: string;
  /** Message-ID of the mail that made the promise. */
  readonly messageId?: string | null;
}

export interface LaterMail {
  readonly date: string;
  /** To + Cc addresses, lower-cased. */
  readonly recipients: readonly string[];
  readonly cc?: readonly string[];
  readonly ownText: string;
  readonly hasAttachments: boolean;
  readonly hasLink: boolean;
  readonly inReplyTo?: string | null;
}

export interface Delivery {
  readonly why: string;
}

const AS_PROMISED = /\b(?:as promised|as (?:i|we) promised|as discussed|as agreed|per our (?:conversation|call|discussion)|here(?:'s| is| are) the [^.?!\n]{1,60}\b(?:i|we) (?:promised|mentioned|said)|(?:i|we)(?:'ve| have)? promised you)\b/iu;
const HERE_IS = /\b(?:here(?:'s| is| are)|attached (?:is|are|please find)|please find attached|i(?:'ve| have)? attached|i(?:'m| am) attaching|enclosed (?:is|are)|sending (?:you|over)|i(?:'ve| have) (?:sent|shared|forwarded)|link (?:is )?below|you can find (?:it|them) (?:here|at))\b/iu;
const INTRODUCTION = /\b(?:introduc|meet\s+[A-Z]|connecting you|connect you|putting you (?:two |both )?in touch|you two should|(?:wanted|want|like) you (?:two|both) to (?:meet|connect)|intro\b)/u;
const MEETING_CONFIRMED = /\b(?:confirm(?:ed|ing)?|see you (?:on|at|then|tomorrow|monday|tuesday|wednesday|thursday|friday)|invite|invitation|calendar|booked|scheduled|zoom|meet\.google|teams\.microsoft|dial[- ]in|works for me|let's (?:meet|do)|talk (?:then|at))\b/iu;
const REVIEW_DONE = /\b(?:(?:i|we)(?:'ve| have)? (?:reviewed|looked (?:at|into|over)|checked|read|gone through|went through)|my (?:comments|feedback|notes|thoughts)|(?:comments|feedback|notes) (?:below|attached|inline))\b/iu;
const DONE = /\b(?:(?:i|we)(?:'ve| have)? (?:done|finished|completed|fixed|signed|paid|updated|taken care of|sorted)|it(?:'s| is) done|all done|took care of)\b/iu;

const mentionsAny = (text: string, names: readonly string[]): boolean =>
  names.some((n) => {
    const local = n.includes('@') ? (n.split('@')[0] ?? '').split(/[._-]/u)[0] ?? '' : n.split(/\s+/u)[0] ?? '';
    return local.length >= 2 && new RegExp(`\\b${local.replace(/[.*+?^${}()|[\]\\]/gu, '\\$&')}\\b`, 'iu').test(text);
  });

/** Evidence that `mail` delivers `promise`, or null. */
export function detectDelivery(promise: PromiseLike, mail: LaterMail): Delivery | null {
  if (promise.createdAt && mail.date <= promise.createdAt) return null;
  const everyone = new Set([...mail.recipients, ...(mail.cc ?? [])].map((e) => e.toLowerCase()));
  const owedTo = promise.to.map((e) => e.toLowerCase());
  const toThem = owedTo.length > 0 && owedTo.some((e) => everyone.has(e));
  const text = mail.ownText;

  if (promise.action === 'introduce') {
    const people = (promise.introduce ?? owedTo).map((p) => p.toLowerCase());
    const addresses = people.filter((p) => p.includes('@'));
    const allCopied = addresses.length >= 2 && addresses.every((a) => everyone.has(a));
    const namesCovered = addresses.length < people.length && addresses.every((a) => everyone.has(a)) && mentionsAny(text, people.filter((p) => !p.includes('@')));
    if ((allCopied || namesCovered) && INTRODUCTION.test(text)) return { why: 'introduction mail to both people' };
    return null;
  }
  if (!toThem) return null;
  if (AS_PROMISED.test(text)) return { why: `mail to ${owedTo.join(', ')} says "${AS_PROMISED.exec(text)?.[0]}"` };
  switch (promise.action) {
    case 'send':
      if (mail.hasAttachments) return { why: 'mail with an attachment to the person it was promised to' };
      if (mail.hasLink && HERE_IS.test(text)) return { why: 'mail with a link to the person it was promised to' };
      if (HERE_IS.test(text) && /\battach/iu.test(text)) return { why: 'mail says it attaches something' };
      return null;
    case 'reply':
      return text.trim().length > 0 ? { why: 'later mail to them' } : null;
    case 'meet':
      return MEETING_CONFIRMED.test(text) ? { why: 'meeting or call confirmation' } : null;
    case 'review':
      return REVIEW_DONE.test(text) ? { why: 'mail reports the review' } : null;
    case 'do':
      return DONE.test(text) ? { why: 'mail says it is done' } : null;
    default:
      return null;
  }
}
