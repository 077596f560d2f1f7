/**
 * What capture needs only for a reply to a digest or a notice to an owner whose mail failed authentication: the
 * reply service, MIME composition and the SES client. Most captured mail is the user's own outgoing mail, so the
 * handler imports this module on first use; its client still lives at module scope, created once per container.
 */
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { sesMailer } from '#adapters/mailer';

export { handleReply } from '../replies/reply-service.ts';
export { noticeRejectedOwner } from './owner-notice.ts';

// Confirmations and owner notices go through the same configuration set as digests: bounces are tracked.
export const mailer = sesMailer(new SESv2Client({}), { configurationSet: process.env.CONFIGURATION_SET });
