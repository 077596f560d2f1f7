/**
 * The SES side of capture: one receipt record → the raw mail from S3 and an envelope with SES's verdicts,
 * then the same `captureBatch` the local SMTP path uses.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { getRawMail } from '#adapters/raw-mail-s3';
import { sesEnvelope } from '#domain/ses-verdicts';
import { captureBatch, type CaptureDeps, type CaptureOutcome } from './capture-service.ts';
import type { SesRecord } from './ses-event.ts';

export interface SesCaptureDeps extends CaptureDeps {
  readonly s3: S3Client;
  /** Where the receipt rule's S3 action stores mail: bucket and key prefix (the object key is prefix + messageId). */
  readonly rawBucket: string;
  readonly rawPrefix: string;
  /** Accept an aligned SPF pass for domains without DMARC (the stack's `allowSpfOnly`). @default false */
  readonly allowSpfOnly?: boolean;
}

export async function captureSesRecord(deps: SesCaptureDeps, record: SesRecord): Promise<CaptureOutcome> {
  const { mail, receipt } = record.ses;
  const action = receipt.action;
  // When SES invokes us through an S3 action notification the location is in the event; when the rule runs
  // S3 then Lambda, the Lambda action is what we see, and the key is the rule's prefix + SES message id.
  const [bucket, key] = action.type === 'S3' ? [action.bucketName, action.objectKey] : [deps.rawBucket, `${deps.rawPrefix}${mail.messageId}`];
  const raw = await getRawMail(deps.s3, bucket, key);
  const envelope = sesEnvelope({
    receipt,
    mailFrom: mail.source,
    fromHeaders: fromHeaders(mail),
    authenticationResults: sesAuthenticationResults(mail.headers),
    allowSpfOnly: deps.allowSpfOnly,
  });
  const [outcome] = await captureBatch(deps, [{ raw, envelope, source: `ses:${mail.messageId}` }]);
  return outcome!;
}

/**
 * Only the Authentication-Results header SES itself prepended: the topmost one, from authserv-id amazonses.com.
 * Any other is whatever the sender wrote into the mail, and must never vouch for it.
 */
export function sesAuthenticationResults(headers: readonly { name: string; value: string }[]): string[] {
  const top = headers.find((h) => h.name.toLowerCase() === 'authentication-results');
  return top && /^\s*amazonses\.com\s*;/i.test(top.value) ? [top.value] : [];
}

/**
 * Every From header SES saw, as received. When SES truncated its header list (very many headers),
 * `commonHeaders.from` is what remains (an entry per mailbox): joined, so two mailboxes still count as two.
 */
export function fromHeaders(mail: SesRecord['ses']['mail']): string[] {
  const listed = mail.headers.filter((h) => h.name.toLowerCase() === 'from').map((h) => h.value);
  if (listed.length && !mail.headersTruncated) return listed;
  const common = mail.commonHeaders.from ?? [];
  return common.length ? [common.join(', ')] : listed;
}
