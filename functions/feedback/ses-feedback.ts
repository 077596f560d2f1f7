/**
 * SES sending feedback (configuration-set events delivered to EventBridge's default bus) → the user's state.
 *
 * - Permanent bounce: the user's address no longer accepts mail. Mark it bouncing and pause the digest, so we
 *   stop hurting the account's bounce rate; `nurture users` shows the mark and resuming clears it.
 * - Complaint: the user marked their own digest as spam. Pause it: SES counts every complaint against the
 *   account, and a user who complains does not want the mail, whatever they once signed up for.
 * - Anything else (transient bounces, other event types): logged only.
 * Recipients who are not users (there should be none: digests go to their owner) are logged and skipped.
 */
import * as z from 'zod/mini';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import addressparser from 'nodemailer/lib/addressparser/index.js';
import type { Store } from '#adapters/store';
import type { Logger } from '#commons/logger';
import { normalizeAddress } from '#domain/addresses';

// zod/mini (as in every Lambda's event schema): the same validation at a fraction of zod's size in the bundle.
const Recipient = z.looseObject({ emailAddress: z.string().check(z.maxLength(1000)) });

/** The EventBridge envelope SES publishes; only the fields we act on are required. */
export const SesFeedbackEvent = z.object({
  source: z.literal('aws.ses'),
  'detail-type': z.string(),
  detail: z.object({
    eventType: z.string(),
    mail: z.looseObject({ messageId: z.string(), tags: z.optional(z.record(z.string(), z.array(z.string()))) }),
    bounce: z.optional(
      z.looseObject({ bounceType: z.string(), bounceSubType: z.optional(z.string()), bouncedRecipients: z._default(z.array(Recipient), []) }),
    ),
    complaint: z.optional(
      z.looseObject({ complainedRecipients: z._default(z.array(Recipient), []), complaintFeedbackType: z.optional(z.string()) }),
    ),
  }),
});
export type SesFeedbackEvent = z.infer<typeof SesFeedbackEvent>;

export type FeedbackAction = 'bouncing' | 'paused' | 'logged' | 'unknown-recipient';

export interface FeedbackOutcome {
  readonly email: string;
  readonly action: FeedbackAction;
  readonly userId?: string;
}

export interface FeedbackDeps {
  readonly store: Pick<Store, 'findUserByAddress' | 'updateUser'>;
  readonly now: () => Date;
  readonly log: Logger;
}

export async function handleFeedback(deps: FeedbackDeps, raw: unknown): Promise<FeedbackOutcome[]> {
  const parsed = SesFeedbackEvent.safeParse(raw);
  if (!parsed.success) {
    // Not retryable: a malformed event never becomes valid. Logged so the alarm on errors is not the only trace.
    deps.log.error('feedback: invalid SES event', { issues: parsed.error.issues.slice(0, 5) });
    return [];
  }
  const { detail } = parsed.data;
  const base = { sesMessageId: detail.mail.messageId, eventType: detail.eventType };

  let mark: 'bouncing' | 'paused' | null = null;
  let recipients: string[] = [];
  if (detail.eventType === 'Bounce' && detail.bounce) {
    recipients = detail.bounce.bouncedRecipients.map((r) => r.emailAddress);
    if (detail.bounce.bounceType === 'Permanent') mark = 'bouncing';
    else deps.log.info('feedback: transient bounce, no change', { ...base, bounceType: detail.bounce.bounceType, bounceSubType: detail.bounce.bounceSubType });
  } else if (detail.eventType === 'Complaint' && detail.complaint) {
    recipients = detail.complaint.complainedRecipients.map((r) => r.emailAddress);
    mark = 'paused';
  } else {
    deps.log.info('feedback: event logged only', base);
    return [];
  }
  const emails = [...new Set(recipients.map(bareAddress).filter((e): e is string => e !== null))];
  if (!mark) return emails.map((email) => ({ email, action: 'logged' as const }));

  const outcomes: FeedbackOutcome[] = [];
  for (const email of emails) {
    outcomes.push(await markRecipient(deps, email, mark, base));
  }
  return outcomes;
}

async function markRecipient(deps: FeedbackDeps, email: string, mark: 'bouncing' | 'paused', base: Record<string, string>): Promise<FeedbackOutcome> {
  const user = await deps.store.findUserByAddress(email);
  if (!user) {
    deps.log.warn('feedback: recipient is not a user', { ...base, email });
    return { email, action: 'unknown-recipient' };
  }
  const patch = mark === 'bouncing' ? { bouncing: deps.now().toISOString(), paused: true } : { paused: true };
  try {
    await deps.store.updateUser(user.userId, patch, null);
  } catch (err) {
    if (!(err instanceof ConditionalCheckFailedException)) throw err;
    deps.log.info('feedback: user erased meanwhile', { ...base, userId: user.userId });
    return { email, action: 'unknown-recipient', userId: user.userId };
  }
  deps.log.info(mark === 'bouncing' ? 'feedback: address bouncing, digest paused' : 'feedback: complaint, digest paused', { ...base, userId: user.userId });
  return { email, action: mark, userId: user.userId };
}

/** SES reports recipients as written in the envelope, sometimes with a display name: reduce to the address. */
function bareAddress(value: string): string | null {
  const parsed = addressparser(value, { flatten: true });
  return parsed.length === 1 ? normalizeAddress(parsed[0]?.address) : null;
}
