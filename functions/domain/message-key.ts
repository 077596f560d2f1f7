import { createHash } from 'node:crypto';
import type { ParsedMail } from './types.ts';

/**
 * A stable key for a mail: from its Message-ID, or, when it has none, from what identifies it
 * (sender, date, subject, recipients, start of body) — never from the raw bytes, which differ per delivery.
 */
export function messageKey(mail: ParsedMail): string {
  const basis = mail.messageId
    ? `id:${mail.messageId.toLowerCase()}`
    : [
        'fp',
        mail.from?.email ?? '',
        mail.date ?? '',
        mail.subject,
        [...mail.to, ...mail.cc].map((a) => a.email).join(','),
        mail.text.slice(0, 2_000),
      ].join('\n');
  return createHash('sha256').update(basis).digest('base64url').slice(0, 22);
}

/** The thread a mail belongs to: the first References entry, else In-Reply-To, else itself. */
export function threadId(mail: ParsedMail, key: string): string {
  return mail.references[0] ?? mail.inReplyTo ?? mail.messageId ?? key;
}
