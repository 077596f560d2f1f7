/**
 * Sending through SESv2 (the real service, or the local implementation): the complete MIME message as
 * built, so what the CLI previews as `eml` is exactly what is sent. Throttling and transient errors are
 * retried with exponential backoff and jitter; anything else is thrown at once.
 */
import { SendEmailCommand, type SESv2Client } from '@aws-sdk/client-sesv2';

export interface OutgoingMail {
  readonly from: string;
  readonly to: readonly string[];
  readonly raw: Uint8Array;
  readonly configurationSet?: string;
}

export interface Mailer {
  send(mail: OutgoingMail): Promise<{ messageId: string }>;
}

const RETRYABLE = new Set(['TooManyRequestsException', 'LimitExceededException', 'ThrottlingException', 'InternalServiceErrorException', 'ServiceUnavailable']);
export const SEND_ATTEMPTS = 5;

/** `configurationSet`: used for mail that names none, so every message is tracked for bounces and complaints. */
export function sesMailer(ses: SESv2Client, opts: { baseDelayMs?: number; configurationSet?: string } = {}): Mailer {
  const base = opts.baseDelayMs ?? 200;
  return {
    async send(mail) {
      for (let attempt = 1; ; attempt++) {
        try {
          const res = await ses.send(
            new SendEmailCommand({
              FromEmailAddress: mail.from,
              Destination: { ToAddresses: [...mail.to] },
              Content: { Raw: { Data: mail.raw } },
              ...((mail.configurationSet ?? opts.configurationSet) ? { ConfigurationSetName: mail.configurationSet ?? opts.configurationSet } : {}),
            }),
          );
          return { messageId: res.MessageId ?? '' };
        } catch (err) {
          if (attempt >= SEND_ATTEMPTS || !isRetryable(err)) throw err;
          const delay = Math.min(5_000, base * 2 ** (attempt - 1)) * (0.5 + Math.random() / 2);
          await new Promise((r) => setTimeout(r, delay));
        }
      }
    },
  };
}

function isRetryable(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode ?? 0;
  return RETRYABLE.has(err.name) || status >= 500 || status === 429;
}
