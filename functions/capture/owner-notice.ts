/**
 * When mail from a registered user's address is rejected as unauthenticated, the owner (and only the owner, at
 * their registered address) gets one short explanation per week: it may be their own mail client misconfigured,
 * or someone spoofing them. Strangers never get an answer, so nothing here can become backscatter. The notice
 * quotes nothing from the rejected mail (its subject is whatever a spoofer chose to put in front of the owner):
 * only when it arrived and our own reason.
 */
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import type { Mailer } from '#adapters/mailer';
import type { Store } from '#adapters/store';
import type { Logger } from '#commons/logger';
import type { User } from '#domain/types';

export const NOTICE_EVERY_DAYS = 7;

export interface NoticeDeps {
  readonly store: Store;
  readonly mailer?: Mailer;
  readonly fromAddress: string;
  readonly log: Logger;
  readonly now: () => Date;
}

export async function noticeRejectedOwner(deps: NoticeDeps, user: User, detail: string): Promise<void> {
  if (!deps.mailer) return;
  if (!(await deps.store.claimOnce(user.userId, 'notice:unauthenticated', deps.now(), NOTICE_EVERY_DAYS))) return;
  const text = [
    `Nurture received a mail from your address at ${deps.now().toISOString().slice(0, 16).replace('T', ' ')} UTC but could not verify that it was sent by you, so it changed nothing.`,
    '',
    `Why: ${detail}.`,
    '',
    'If it was you: send through your own mail provider, whose domain must pass SPF/DKIM (DMARC) checks — or, on a local Nurture, log in to its SMTP server with your address and your password (`nurture users password`).',
    'If it was not you, there is nothing to do: nothing was recorded. You will get this note at most once a week.',
  ].join('\n');
  const raw = await new MailComposer({
    from: { name: 'Nurture', address: deps.fromAddress },
    to: user.email,
    subject: 'Nurture could not verify a mail from your address',
    text,
    headers: { 'Auto-Submitted': 'auto-replied' },
  })
    .compile()
    .build();
  await deps.mailer.send({ from: deps.fromAddress, to: [user.email], raw });
  deps.log.info('owner notified of an unauthenticated mail', { userId: user.userId });
}
