/**
 * Replies to a digest: verify that the reply really is the user's (signed token in the address it was sent
 * to, From among the user's addresses, authenticated mail), then parse the commands, apply them to the digest
 * being answered, and confirm by mail. Anything that fails a check changes nothing, is logged with its
 * reason, and gets no answer (no backscatter to strangers).
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import type { Mailer } from '#adapters/mailer';
import type { Store, StoredDigest } from '#adapters/store';
import type { Logger } from '#commons/logger';
import { captureDomain, type CaptureConfig } from '#domain/classify';
import { planCommands, renderConfirmation, type Change, type CommandResult, type DigestRef } from '#domain/apply-commands';
import { domainOf } from '#domain/addresses';
import { messageKey } from '#domain/message-key';
import { normalizePromiseText } from '#domain/promises';
import { parseInlineReply, type Command, type UnknownWord } from '#domain/reply-commands';
import { parseReplyAddress, purposeOfAddress, UNSUBSCRIBE_TOKEN_DAYS, verifyReplyToken, type TokenPurpose } from '#domain/reply-token';
import type { ParsedMail, User } from '#domain/types';
import { nextDigestSlot } from '#domain/week';
import type { CaptureInput, CaptureOutcome } from '../capture/capture-service.ts';

export interface ReplyDeps {
  readonly store: Store;
  readonly secret: Uint8Array;
  readonly config: CaptureConfig;
  readonly log: Logger;
  readonly now: () => Date;
  /** Sends confirmations; without it none are sent. */
  readonly mailer?: Mailer;
  readonly fromAddress: string;
}

/** How long a processed reply is remembered, so a duplicate or resent copy changes nothing (reply tokens: 5 weeks). */
const REPLAY_MARKER_DAYS = 90;

/** How far a reply on an expired token may be dated from now: well inside the 90-day replay marker. */
const EXPIRED_TOKEN_MAIL_MAX_AGE_MS = 3 * 86_400_000;

export type ReplyRejection = 'bad-token' | 'expired-token' | 'unknown-user' | 'not-owner' | 'unauthenticated' | 'unknown-digest' | 'duplicate';

export async function handleReply(deps: ReplyDeps, mail: ParsedMail, input: CaptureInput, outcome: CaptureOutcome): Promise<CaptureOutcome> {
  const reject = (reason: ReplyRejection, detail: string): CaptureOutcome => ({ ...outcome, kind: reason === 'duplicate' ? 'ignored' : 'rejected', reason, detail });
  const address = outcome.replyAddress ?? '';
  const purpose: TokenPurpose = purposeOfAddress(address) ?? 'reply';
  // A vacation responder answering the digest (or a confirmation) is not the user: no commands, no confirmation,
  // so no mail loop. Unsubscribe mail is honoured even when a mail provider sends it automatically.
  if (purpose === 'reply' && mail.bulk.isBulk) return { ...outcome, kind: 'ignored', reason: 'bulk-mail', detail: `automatic reply (${mail.bulk.why})` };
  const token = parseReplyAddress(address, captureDomain(deps.config), purpose);
  const now = deps.now();
  const verdict = token ? verifyReplyToken(deps.secret, token, now, { purpose }) : ({ ok: false, reason: 'malformed' } as const);
  // An authentic reply token past its date still carries settings ("resume" after weeks paused, with no newer
  // digest to answer); its item numbers no longer apply. The sender checks below are the same.
  const expired = !verdict.ok && verdict.reason === 'expired' && purpose === 'reply';
  if (!verdict.ok && !expired) return reject(verdict.reason === 'expired' ? 'expired-token' : 'bad-token', `${purpose} token ${verdict.reason}`);
  const { userId, digestId } = (verdict as { claims: { userId: string; digestId: string } }).claims;

  const user = await deps.store.getUser(userId);
  if (!user) return reject('unknown-user', `token names ${userId}, who does not exist`);
  const from = mail.from?.email ?? '';
  const own = new Set([user.email, ...user.aliases]);
  if (!own.has(from)) return reject('not-owner', `${from || 'no From'} is not an address of the user the token was issued to`);
  // An expired token's mail must be fresh: its Date (DKIM-signed by real clients) within a few days, so a reply
  // resent word for word after its replay marker lapsed (90 days) changes nothing.
  if (expired && !(mail.date && Math.abs(now.getTime() - Date.parse(mail.date)) <= EXPIRED_TOKEN_MAIL_MAX_AGE_MS)) {
    return reject('expired-token', `reply token expired and the mail is not fresh (Date ${mail.date ?? 'missing'})`);
  }
  const auth = input.envelope.auth;
  const authOk =
    auth.verdict === 'trusted' ||
    (auth.verdict === 'authenticated' &&
      (auth.user !== undefined || auth.domain !== undefined) &&
      (!auth.user || own.has(auth.user.toLowerCase())) &&
      (!auth.domain || auth.domain === domainOf(from)));
  if (!authOk) return reject('unauthenticated', auth.detail ?? 'sender not authenticated');
  const stored = purpose === 'reply' ? await deps.store.getDigest(userId, digestId) : null;
  if (purpose === 'reply' && !stored && !expired) return reject('unknown-digest', `no digest ${digestId} for ${userId}`);
  const digest: ReplyTarget | null = purpose === 'reply' ? { ref: stored ? toDigestRef(stored) : { digestId, weekOf: digestId, items: [] }, expired } : null;
  const claim = `reply:${messageKey(mail)}`;
  // Remembered as long as its token lives (an unsubscribe token 400 days), so a resent copy never acts again.
  const remember = purpose === 'unsubscribe' ? UNSUBSCRIBE_TOKEN_DAYS : REPLAY_MARKER_DAYS;
  if (!(await deps.store.claimOnce(userId, claim, now, remember))) return reject('duplicate', 'this reply was already processed');

  let results: CommandResult[];
  let unknown: readonly UnknownWord[] = [];
  try {
    ({ results, unknown } = await applyReply(deps, user, digest, mail, now));
  } catch (err) {
    // Give the claim back so the retry (SMTP 451, Lambda retry) applies the reply instead of calling it a duplicate.
    await deps.store.releaseOnce(userId, claim);
    throw err;
  }
  deps.log.info('reply processed', { userId, digestId, purpose, results: results.map((r) => `${r.source}: ${r.outcome}`), unknown: unknown.map((u) => u.word) });
  if (user.confirmations || purpose === 'unsubscribe') {
    // The changes are made; a confirmation that cannot be sent is logged, not retried with the whole reply.
    // A reply to the confirmation ("undo 3" after reading it) goes to the same digest's address.
    const replyTo = purpose === 'reply' && !expired ? address : undefined;
    await confirm(deps, user, mail, results, unknown, replyTo).catch((err: unknown) => deps.log.error('confirmation not sent', { userId, error: String(err) }));
  }
  return { ...outcome, kind: 'reply', reason: null, userId, detail: results.map((r) => r.message).join(' | ') };
}

/** The digest a reply answers, and whether its token is past its date (then only settings apply). */
interface ReplyTarget {
  readonly ref: DigestRef;
  readonly expired: boolean;
}

/** Applies the commands of a reply to `digest` (null: an unsubscribe mail). */
async function applyReply(
  deps: ReplyDeps,
  user: User,
  digest: ReplyTarget | null,
  mail: ParsedMail,
  now: Date,
): Promise<{ results: CommandResult[]; unknown: readonly UnknownWord[] }> {
  const userId = user.userId;
  let results: CommandResult[];
  let unknown: readonly UnknownWord[] = [];
  if (!digest) {
    await deps.store.updateUser(userId, { paused: true }, null);
    results = [{ kind: 'pause', source: 'unsubscribe', outcome: 'changed', message: 'Unsubscribed: no more digests. Reply "resume" to a digest or write to us to start again.' }];
  } else {
    const parsed = parseInlineReply({ text: mail.text, html: mail.html, now, tz: user.tz });
    unknown = parsed.unknown;
    const promiseStates = await currentPromiseStates(deps.store, userId, digest.ref, parsed.commands);
    const plan = planCommands({ digest: digest.ref, commands: parsed.commands, settings: { checkins: user.checkins, paused: user.paused }, expired: digest.expired, promiseStates });
    // Settings changes build on each other ("more, more" is two more): each sees the user as the last one left it.
    let current = user;
    for (const change of plan.changes) {
      try {
        current = await applyChange(deps.store, current, change, now);
      } catch (err) {
        // The promise or contact was erased since the digest: nothing left to change.
        if (!(err instanceof ConditionalCheckFailedException)) throw err;
        deps.log.warn('reply command target is gone', { userId, change: change.type });
      }
    }
    results = [...plan.results];
  }
  return { results, unknown };
}

/** The promises the reply's item commands name, as they stand now (one read each; a reply names a few). */
async function currentPromiseStates(store: Store, userId: string, digest: DigestRef, commands: readonly Command[]): Promise<Map<string, string>> {
  const numbers = new Set(commands.flatMap((c) => ('items' in c ? c.items : [])));
  const ids = [...new Set(digest.items.filter((i) => numbers.has(i.n) && i.promiseId).map((i) => i.promiseId as string))];
  const found = await Promise.all(ids.map((id) => store.getPromise(userId, id)));
  return new Map(found.filter((p) => p !== null).map((p) => [p.id, p.state]));
}

function toDigestRef(d: StoredDigest): DigestRef {
  return { digestId: d.digestId, weekOf: d.weekOf, items: d.items.map((i) => ({ ...i, section: i.section as 'checkin' | 'followup' | 'promise' | 'connection' })) };
}

/**
 * One planned change → one store write. Numbers were resolved against the digest answered, not today's. Returns the
 * user as the change left them.
 */
async function applyChange(store: Store, user: User, change: Change, now: Date): Promise<User> {
  const at = now.toISOString();
  switch (change.type) {
    case 'promise-state':
      await store.updatePromise(user.userId, change.promiseId, {
        state: change.state,
        snoozedUntil: change.state === 'snoozed' ? change.until : undefined,
        closedAt: change.state === 'done' || change.state === 'dropped' ? at : undefined,
        // Reopened ("undo" on a looks-done item): forget the evidence and that it was shown, so the promise is listed
        // as open again and a later delivering mail can mark it, and show it, once more.
        ...(change.state === 'open' ? { evidence: undefined, looksDoneShownAt: undefined } : {}),
      });
      return user;
    case 'contact-done':
      await store.updateContact(user.userId, change.email, { checkedInAt: at, ignoredSuggestions: 0 });
      return user;
    case 'contact-reopen':
      await store.updateContact(user.userId, change.email, { checkedInAt: undefined, skipUntil: undefined });
      return user;
    case 'contact-skip':
    case 'contact-snooze':
      await store.updateContact(user.userId, change.email, { skipUntil: change.until });
      return user;
    case 'settings': {
      const checkins = change.checkinsDelta ? Math.min(10, Math.max(1, user.checkins + change.checkinsDelta)) : undefined;
      const paused = change.paused;
      const slot = paused === true ? null : paused === false ? nextDigestSlot(user, now) : undefined;
      // Resuming also clears a bounce mark: the user is writing to us, so their address works again.
      const resume = paused === false ? { paused, bouncing: undefined } : paused === true ? { paused } : {};
      await store.updateUser(user.userId, { ...resume, ...(checkins !== undefined ? { checkins } : {}) }, slot);
      return { ...user, ...(paused !== undefined ? { paused } : {}), ...(checkins !== undefined ? { checkins } : {}) };
    }
    case 'distrust-wording': {
      const promise = await store.getPromise(user.userId, change.promiseId);
      if (promise) await store.addDistrust(user.userId, normalizePromiseText(promise.text));
      await store.updatePromise(user.userId, change.promiseId, { state: 'dropped', closedAt: at });
      return user;
    }
  }
}

async function confirm(deps: ReplyDeps, user: User, mail: ParsedMail, results: readonly CommandResult[], unknown: readonly UnknownWord[], replyTo?: string): Promise<void> {
  if (!deps.mailer) return;
  const { subject, text } = renderConfirmation(results, unknown);
  const raw = await new MailComposer({
    from: { name: 'Nurture', address: deps.fromAddress },
    ...(replyTo ? { replyTo } : {}),
    to: user.email,
    subject,
    text,
    inReplyTo: mail.messageId ?? undefined,
    references: mail.messageId ?? undefined,
    headers: { 'Auto-Submitted': 'auto-replied' },
  })
    .compile()
    .build();
  await deps.mailer.send({ from: deps.fromAddress, to: [user.email], raw });
}
