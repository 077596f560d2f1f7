/**
 * Digest Lambda: one SQS message per user due. Each record is sent independently; failures are
 * reported as partial batch failures so only they are retried (and end in the DLQ if they keep failing).
 */
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { Logger } from '@aws-lambda-powertools/logger';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
// zod/mini: the same validation as zod's chained API at a fraction of its size in the bundle (cold start).
import * as z from 'zod/mini';
import { createDocumentClient } from '#adapters/dynamo-client';
import { sesMailer } from '#adapters/mailer';
import { loadSecret } from '#adapters/secrets';
import { Store } from '#adapters/store';
import { lambdaConfig, requireEnv } from '#commons/config';
import { powertoolsLogger } from '#commons/logger';
import { startOnce } from '#commons/startup';
import { sendDigest, type DigestDeps } from './digest-service.ts';

const Body = z.object({ userId: z.string().check(z.regex(/^u_[a-z0-9]{4,40}$/)), at: z.optional(z.iso.datetime()) });

/**
 * Time one digest may need (load, render, send with its retries). A record started with less left could be cut off
 * by the Lambda timeout mid-send; it is handed back to SQS instead, untouched.
 */
export const DIGEST_BUDGET_MS = 15_000;

export function createSendHandler(deps: () => Promise<DigestDeps>, now: () => Date = () => new Date()) {
  return async (event: SQSEvent, context?: Pick<Context, 'getRemainingTimeInMillis'>): Promise<SQSBatchResponse> => {
    const d = await deps();
    const failures: { itemIdentifier: string }[] = [];
    for (const [i, record] of event.Records.entries()) {
      if (context && context.getRemainingTimeInMillis() < DIGEST_BUDGET_MS) {
        d.log.warn('out of time: handing the rest of the batch back to the queue', { left: event.Records.length - i });
        failures.push(...event.Records.slice(i).map((r) => ({ itemIdentifier: r.messageId })));
        break;
      }
      const body = Body.safeParse(safeJson(record.body));
      if (!body.success) {
        d.log.error('invalid digest message dropped', { messageId: record.messageId });
        continue;
      }
      try {
        const at = now();
        const result = await sendDigest(d, body.data.userId, at, body.data.at ? new Date(body.data.at) : at);
        d.log.info('digest processed', { userId: body.data.userId, status: result.status });
      } catch (err) {
        d.log.error('digest failed; will retry', { userId: body.data.userId, error: String(err) });
        failures.push({ itemIdentifier: record.messageId });
      }
    }
    return { batchItemFailures: failures };
  };
}

function safeJson(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return null;
  }
}

// Clients at module scope; the token key on first use, and a failed start-up is retried by the next invocation.
const ses = new SESv2Client({});
const log = powertoolsLogger(new Logger());

const fromEnvironment = startOnce(async (): Promise<DigestDeps> => {
  const config = lambdaConfig();
  return {
    store: new Store(createDocumentClient({ region: process.env.AWS_REGION }), config.tableName),
    secret: await loadSecret(config.secretArn),
    captureAddress: config.captureAddress,
    fromAddress: requireEnv('FROM_ADDRESS'),
    unsubscribeUrl: process.env.UNSUBSCRIBE_URL,
    configurationSet: process.env.CONFIGURATION_SET,
    mailer: sesMailer(ses),
    log,
  };
});

export const handler = createSendHandler(fromEnvironment);
