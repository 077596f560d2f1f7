import { SESv2Client } from '@aws-sdk/client-sesv2';
import { sesMailer, type Mailer } from '#adapters/mailer';
import { keepRawMail } from '#adapters/raw-mail-dir';

/**
 * A mailer for the local SESv2 implementation (its web UI shows what was sent, until it stops). With a data
 * directory, each mail sent is also written to `sent/` there as .eml, so a digest and its reply address outlive a
 * restart.
 */
export function localSesMailer(endpoint: string, dataDir?: string): Mailer {
  const ses = sesMailer(new SESv2Client({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }));
  if (!dataDir) return ses;
  return {
    async send(mail) {
      const sent = await ses.send(mail);
      // Sent is sent: failing to keep the copy must not make the caller think it was not (and send it again).
      await keepRawMail(dataDir, mail.raw, new Date(), 'sent').catch((err: unknown) => process.emitWarning(`sent mail not kept in ${dataDir}/sent: ${String(err)}`));
      return sent;
    },
  };
}

/** The folder where the local service keeps a copy of each mail it sends. */
export const sentMailDir = (dataDir: string): string => `${dataDir}/sent/`;

/** Digests come from the capture domain locally; on AWS from the configured, verified sending address. */
export function localFromAddress(captureAddress: string): string {
  return `nurture@${captureAddress.slice(captureAddress.lastIndexOf('@') + 1)}`;
}
