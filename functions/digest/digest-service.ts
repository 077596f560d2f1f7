/**
 * Builds and sends one user's weekly digest: load (a handful of Queries, no Scan) → select (pure) →
 * render → MIME → send once per user and week → record what was shown and schedule the next one.
 */
import type { Mailer } from '#adapters/mailer';
import type { Store, StoredDigest } from '#adapters/store';
import type { Logger } from '#commons/logger';
import { domainOf } from '#domain/addresses';
import { candidatesSuffice, promisePeople, shownPromises } from '#domain/digest-candidates';
import { INTRO_POOL, NEW_CONTACT_WINDOW_DAYS, selectDigest, type DigestInput, type DigestModel } from '#domain/digest-select';
import { REPLY_TOKEN_WEEKS, replyAddress, signReplyToken, UNSUBSCRIBE_TOKEN_DAYS } from '#domain/reply-token';
import type { Contact, User } from '#domain/types';
import { digestWeekOf, nextDigestSlot } from '#domain/week';
import { DateTime } from 'luxon';
import { buildDigestMime } from './digest-mime.ts';
import { renderDigest, type RenderedDigest } from './render.ts';


export interface DigestDeps {
  readonly store: Store;
  readonly secret: Uint8Array;
  readonly captureAddress: string;
  /** The From address of digests, on a verified sending domain. */
  readonly fromAddress: string;
  readonly unsubscribeUrl?: string;
  readonly configurationSet?: string;
  readonly mailer?: Mailer;
  readonly log: Logger;
}

export interface PreparedDigest {
  readonly user: User;
  readonly model: DigestModel;
  readonly rendered: RenderedDigest;
  readonly replyTo: string;
  readonly messageId: string;
  readonly mime: Buffer;
  /** The `digest --format json` contract. */
  readonly json: DigestJson;
}

export interface DigestJson {
  user: string;
  weekOf: string;
  subject: string;
  replyTo: string;
  empty: boolean;
  items: { n: number; section: string; contacts: string[]; text: string; promiseId: string | null; why?: string; note?: string; mailto?: string; looksDone?: boolean }[];
  stats: { mailsCaptured: number; peopleReached: number };
}

export type SendResult = { status: 'sent'; messageId: string; items: number } | { status: 'empty' | 'already-sent' | 'paused' | 'bouncing' };

/** `dueAt`: the slot the user was due in, which fixes the digest's week (`digestWeekOf`); defaults to `now`. */
export async function prepareDigest(deps: DigestDeps, user: User, now: Date, dueAt: Date = now): Promise<PreparedDigest> {
  const week = digestWeekOf(user, dueAt);
  const loaded = await loadDigestInput(deps.store, user, now, week);
  const model = selectDigest({ user, now: now.toISOString(), weekOf: week, ...loaded });

  const domain = domainOf(deps.captureAddress);
  const replyToken = signReplyToken(deps.secret, { userId: user.userId, digestId: week, expires: addDays(now, REPLY_TOKEN_WEEKS * 7), purpose: 'reply' });
  const unsubscribeToken = signReplyToken(deps.secret, { userId: user.userId, digestId: week, expires: addDays(now, UNSUBSCRIBE_TOKEN_DAYS), purpose: 'unsubscribe' });
  const replyTo = replyAddress(replyToken, domain);
  const unsubscribeMailto = replyAddress(unsubscribeToken, domain, 'unsubscribe');
  const unsubscribeUrl = deps.unsubscribeUrl ? `${deps.unsubscribeUrl}?t=${unsubscribeToken}` : undefined;
  const rendered = renderDigest(model, { replyTo, unsubscribeMailto: `mailto:${unsubscribeMailto}?subject=unsubscribe`, unsubscribeUrl });
  // Stable per user and week: a resend of the same digest is recognisably the same message.
  const messageId = `<digest.${week}.${user.userId}@${domain}>`;
  const mime = await buildDigestMime(rendered, { from: deps.fromAddress, fromName: 'Nurture', to: user.email, replyTo, messageId, date: now, unsubscribeMailto, unsubscribeUrl });
  return {
    user,
    model,
    rendered,
    replyTo,
    messageId,
    mime,
    json: {
      user: user.email,
      weekOf: week,
      subject: rendered.subject,
      replyTo,
      empty: model.empty,
      items: model.items.map((i) => ({ ...i, contacts: [...i.contacts] })),
      stats: model.stats,
    },
  };
}

/**
 * Sends the digest unless this week's was already sent (or is being sent); schedules the next one. `dueAt` is the
 * slot the dispatcher found the user in, so a late run still sends the week it was due for.
 */
export async function sendDigest(deps: DigestDeps, userId: string, now: Date, dueAt: Date = now): Promise<SendResult> {
  const user = await deps.store.getUser(userId);
  if (!user) throw new Error(`no user ${userId}`);
  if (user.paused || user.bouncing) {
    await deps.store.updateUser(userId, {}, null);
    return { status: user.paused ? 'paused' : 'bouncing' };
  }
  const prepared = await prepareDigest(deps, user, now, dueAt);
  const week = prepared.json.weekOf;
  const record: StoredDigest = {
    weekOf: week,
    digestId: week,
    // 'empty' only when nothing goes out; an empty week's one-line note is sent like a digest (and retried like one).
    status: prepared.model.empty && !user.emptyWeekNote ? 'empty' : 'sending',
    items: prepared.model.items.map((i) => ({ n: i.n, section: i.section, contacts: [...i.contacts], promiseId: i.promiseId, text: i.text })),
  };
  const next = nextDigestSlot(user, now);
  const claim = await deps.store.claimDigest(userId, record, now);
  // Another run is sending this week's digest right now: retry later (SQS redelivers), when it has finished or
  // its claim has gone stale.
  if (claim === 'sending') throw new DigestInProgressError(`${userId}'s digest of ${week} is being sent by another run`);
  if (claim === 'done') {
    // Sent (or found empty) this week: never send twice, but always move the user on to next week, or they would
    // drop out of the schedule for good.
    await deps.store.updateUser(userId, {}, next);
    return { status: 'already-sent' };
  }
  if (claim === 'taken-over') deps.log.warn('digest claim left by a run that never finished: sending it now', { userId, week });
  if (prepared.model.empty && !user.emptyWeekNote) {
    await deps.store.updateUser(userId, {}, next);
    deps.log.info('digest empty: nothing sent', { userId, week });
    return { status: 'empty' };
  }
  if (!deps.mailer) throw new Error('no mailer configured');
  let messageId: string;
  try {
    ({ messageId } = await deps.mailer.send({ from: deps.fromAddress, to: [user.email], raw: prepared.mime, configurationSet: deps.configurationSet }));
  } catch (err) {
    // Let the retry send it; a failed release must not hide why the send failed (the claim goes stale, and is taken over).
    await deps.store.releaseDigest(userId, week).catch((releaseErr: unknown) => deps.log.error('digest claim not released', { userId, week, error: String(releaseErr) }));
    throw err;
  }
  await deps.store.markDigest(userId, week, { status: 'sent', messageId: prepared.messageId, sentAt: now.toISOString() });
  await recordShown(deps.store, user, prepared.model, now);
  await deps.store.updateUser(userId, {}, next);
  deps.log.info('digest sent', { userId, week, items: prepared.model.items.length, sesMessageId: messageId });
  return { status: 'sent', messageId, items: prepared.model.items.length };
}

export class DigestInProgressError extends Error {
  override name = 'DigestInProgressError';
}

/** Contacts are read this many at a time in descending check-in bound; the first page covers the introduction pool. */
const FIRST_PAGE = INTRO_POOL + 200;
const NEXT_PAGE = 1_000;

/**
 * What the digest selects from, read with a few Queries and BatchGets and no Scan: promises, last week's digest, this
 * week's interactions and the contacts in them, the people of the promises shown, and contacts in descending
 * check-in bound until none unread could make the digest (see digest-candidates.ts).
 */
async function loadDigestInput(store: Store, user: User, now: Date, week: string): Promise<Omit<DigestInput, 'user' | 'now' | 'weekOf'>> {
  const weekAgo = new Date(now.getTime() - 7 * 86_400_000).toISOString();
  // New people stay follow-ups for NEW_CONTACT_WINDOW_DAYS (more than a week): their mail is read directly.
  const windowStart = new Date(now.getTime() - NEW_CONTACT_WINDOW_DAYS * 86_400_000).toISOString();
  const [promises, previous, thisWeek, first] = await Promise.all([
    store.listPromises(user.userId),
    store.getDigest(user.userId, previousWeek(week)),
    // Through the far future: a Date header ahead of the clock still counts its people as reached.
    store.interactionsBetween(user.userId, windowStart, '9999'),
    store.contactsByBound(user.userId, FIRST_PAGE),
  ]);
  const looksDoneAlreadyShown = new Set(promises.filter((p) => p.looksDoneShownAt).map((p) => p.id));
  const suggestedLastWeek = previous?.items.filter((i) => i.section === 'checkin').flatMap((i) => i.contacts) ?? [];
  // Suggested introductions carry no promise; promised ones come back until done.
  const introductionsLastWeek = (previous?.items ?? [])
    .filter((i) => i.section === 'connection' && i.promiseId === null && i.contacts.length === 2)
    .map((i) => [i.contacts[0], i.contacts[1]] as [string, string]);
  const shown = shownPromises(promises, user, now.toISOString(), looksDoneAlreadyShown);
  const readAnyway = new Set([...promisePeople(shown), ...thisWeek.flatMap((i) => i.recipients.map((r) => r.email))]);

  // By address: a contact whose bound changed between two pages (a capture meanwhile) is counted once.
  const ranked = new Map(first.contacts.map((c) => [c.email, c]));
  const more = async (): Promise<void> => {
    let page = first;
    while (page.next && !candidatesSuffice([...ranked.values()], page.lastBound, { user, now: now.toISOString(), suggestedLastWeek, readAnyway, introductions: shown.introductions })) {
      page = await store.contactsByBound(user.userId, NEXT_PAGE, page.next);
      for (const c of page.contacts) ranked.set(c.email, c);
    }
  };
  const [known] = await Promise.all([store.getContacts(user.userId, [...readAnyway]), more()]);
  const contacts = new Map(ranked);
  for (const { contact } of known.values()) contacts.set(contact.email, contact);
  const all = [...contacts.values()];
  return {
    contacts: all,
    promises,
    stats: {
      mailsCaptured: thisWeek.filter((i) => i.date >= weekAgo && i.date <= now.toISOString()).length,
      peopleReached: [...known.values()].filter(({ contact: c }) => c.count > 0 && c.lastContacted >= weekAgo).length,
    },
    suggestedLastWeek,
    introductionsLastWeek,
    coRecipients: coRecipientPairs(all),
    looksDoneAlreadyShown,
  };
}

/** Check-in suggestions and looks-done promises shown this week, so rotation and "show once" work next week. */
async function recordShown(store: Store, user: User, model: DigestModel, now: Date): Promise<void> {
  const at = now.toISOString();
  const suggested = model.items.filter((i) => i.section === 'checkin').flatMap((i) => i.contacts);
  const contacts = await store.getContacts(user.userId, suggested);
  for (const email of suggested) {
    const c = contacts.get(email)?.contact;
    // Suggested before and not written to since: it drifts down.
    const ignored = c?.lastSuggested && c.lastContacted < c.lastSuggested ? (c.ignoredSuggestions ?? 0) + 1 : (c?.ignoredSuggestions ?? 0);
    await store.updateContact(user.userId, email, { lastSuggested: at, ignoredSuggestions: ignored });
  }
  for (const id of model.looksDoneShown) await store.updatePromise(user.userId, id, { looksDoneShownAt: at });
}

function coRecipientPairs(contacts: readonly Contact[]): Set<string> {
  const pairs = new Set<string>();
  for (const c of contacts) for (const o of c.coRecipients ?? []) pairs.add(`${c.email}|${o}`);
  return pairs;
}

function previousWeek(week: string): string {
  return DateTime.fromISO(week, { zone: 'utc' }).minus({ weeks: 1 }).toISODate()!;
}

function addDays(d: Date, days: number): string {
  return new Date(d.getTime() + days * 86_400_000).toISOString();
}

