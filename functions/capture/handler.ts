/**
 * Capture Lambda, invoked by the SES receipt rule (after its S3 action). Parse the event, capture each
 * record, and rethrow if any failed so Lambda's async retries and the on-failure destination take over;
 * the raw mail stays in S3 meanwhile. Expected rejections (unknown sender, spam) are outcomes, not errors.
 */
import { S3Client } from '@aws-sdk/client-s3';
import { Logger } from '@aws-lambda-powertools/logger';
import { createDocumentClient } from '#adapters/dynamo-client';
import { Store } from '#adapters/store';
import { lambdaConfig, requireEnv } from '#commons/config';
import { powertoolsLogger } from '#commons/logger';
import { startOnce } from '#commons/startup';
import { loadSecret } from '#adapters/secrets';
import { captureSesRecord, type SesCaptureDeps } from './ses-capture.ts';
import { SesEvent } from './ses-event.ts';

export function createHandler(deps: () => SesCaptureDeps | Promise<SesCaptureDeps>) {
  return async (event: unknown): Promise<{ outcomes: { messageId: string | null; kind: string; reason: string | null }[] }> => {
    const d = await deps();
    const parsed = SesEvent.safeParse(event);
    if (!parsed.success) {
      // Not retryable: a malformed event will never become valid.
      d.log.error('invalid SES event', { issues: parsed.error.issues.slice(0, 5) });
      return { outcomes: [] };
    }
    const results = await Promise.allSettled(parsed.data.Records.map((r) => captureSesRecord(d, r)));
    const failed = results.flatMap((r, i) => (r.status === 'rejected' ? [{ messageId: parsed.data.Records[i]!.ses.mail.messageId, error: r.reason as unknown }] : []));
    if (failed.length) {
      for (const f of failed) d.log.error('capture failed; SES message kept in S3 for retry', { sesMessageId: f.messageId, error: String(f.error) });
      throw new AggregateError(failed.map((f) => f.error), `capture failed for ${failed.map((f) => f.messageId).join(', ')}`);
    }
    return {
      outcomes: results.map((r) => {
        const o = (r as PromiseFulfilledResult<Awaited<ReturnType<typeof captureSesRecord>>>).value;
        return { messageId: o.messageId, kind: o.kind, reason: o.reason };
      }),
    };
  };
}

// SDK clients live at module scope (no I/O until the first call); the token key is read on first use. A failed
// start-up is retried by the next invocation (startOnce), never cached for the container's life. The reply path
// (its SES client included) is a separate chunk, loaded by the first reply or owner notice.
const s3 = new S3Client({});
// The service name comes from POWERTOOLS_SERVICE_NAME, which the stack sets per function: one source of truth.
const log = powertoolsLogger(new Logger());

const fromEnvironment = startOnce(async (): Promise<SesCaptureDeps> => {
  const config = lambdaConfig();
  const store = new Store(createDocumentClient({ region: process.env.AWS_REGION }), config.tableName);
  const now = (): Date => new Date();
  const replyDeps = {
    store,
    secret: await loadSecret(config.secretArn),
    config: { captureAddress: config.captureAddress },
    log,
    now,
    fromAddress: requireEnv('FROM_ADDRESS'),
  };
  const replyPath = async () => {
    const path = await import('./reply-path.ts');
    return { path, deps: { ...replyDeps, mailer: path.mailer } };
  };
  return {
    store,
    s3,
    rawBucket: requireEnv('RAW_MAIL_BUCKET'),
    rawPrefix: process.env.RAW_MAIL_PREFIX ?? '',
    allowSpfOnly: process.env.ALLOW_SPF_ONLY === 'true',
    config: { captureAddress: config.captureAddress },
    log,
    now,
    onReply: async (mail, input, outcome) => {
      const { path, deps } = await replyPath();
      return path.handleReply(deps, mail, input, outcome);
    },
    onRejectedOwner: async (user, outcome) => {
      const { path, deps } = await replyPath();
      await path.noticeRejectedOwner(deps, user, outcome.detail ?? 'not authenticated');
    },
  };
});

export const handler = createHandler(fromEnvironment);
