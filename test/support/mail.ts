/** Builds real MIME with nodemailer's composer, the way a mail client would. */
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import type Mail from 'nodemailer/lib/mailer/index.js';

export async function composeMail(options: Mail.Options): Promise<Buffer> {
  return new MailComposer({ date: new Date('2026-11-20T10:00:00Z'), ...options }).compile().build();
}
