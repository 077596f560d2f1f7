/**
 * The digest as a complete MIME message: text and HTML parts, Date, a stable Message-ID, the signed
 * Reply-To, and RFC 2369/8058 unsubscribe headers. Built with nodemailer's MailComposer.
 */
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import type { RenderedDigest } from './render.ts';

export interface DigestEnvelope {
  readonly from: string;
  readonly fromName?: string;
  readonly to: string;
  readonly replyTo: string;
  readonly messageId: string;
  readonly date: Date;
  readonly unsubscribeMailto: string;
  /** One-click HTTPS endpoint of the deployed stack (absent locally). */
  readonly unsubscribeUrl?: string;
}

export async function buildDigestMime(rendered: RenderedDigest, env: DigestEnvelope): Promise<Buffer> {
  const listUnsubscribe = [`<mailto:${env.unsubscribeMailto}?subject=unsubscribe>`, ...(env.unsubscribeUrl ? [`<${env.unsubscribeUrl}>`] : [])].join(', ');
  return new MailComposer({
    from: env.fromName ? { name: env.fromName, address: env.from } : env.from,
    to: env.to,
    replyTo: env.replyTo,
    subject: rendered.subject,
    text: rendered.text,
    html: rendered.html,
    messageId: env.messageId,
    date: env.date,
    headers: {
      'List-Unsubscribe': { prepared: true, value: listUnsubscribe },
      ...(env.unsubscribeUrl ? { 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' } : {}),
      // Vacation responders should not answer the digest.
      'Auto-Submitted': 'auto-generated',
    },
  })
    .compile()
    .build();
}
