import { SESv2Client } from '@aws-sdk/client-sesv2';
import { sesMailer, type Mailer } from '#adapters/mailer';

/** A mailer for the local SESv2 implementation (its web UI shows what was sent). */
export function localSesMailer(endpoint: string): Mailer {
  return sesMailer(new SESv2Client({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }));
}

/** Digests come from the capture domain locally; on AWS from the configured, verified sending address. */
export function localFromAddress(captureAddress: string): string {
  return `nurture@${captureAddress.slice(captureAddress.lastIndexOf('@') + 1)}`;
}
