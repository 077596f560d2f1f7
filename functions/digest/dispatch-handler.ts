/**
 * Dispatch Lambda, run hourly by EventBridge Scheduler: enqueue one SQS message per user due now.
 * The digest Lambda consumes them (with a DLQ and partial batch failures).
 */
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { Logger as PowertoolsLogger } from '@aws-lambda-powertools/logger';
import { createDocumentClient } from '#adapters/dynamo-client';
import { Store } from '#adapters/store';
import { requireEnv } from '#commons/config';
import { powertoolsLogger, type Logger } from '#commons/logger';
import { startOnce } from '#commons/startup';
import { dueUsers, markDispatched } from './dispatch.ts';

export interface DispatchDeps {
  readonly store: Store;
  readonly sqs: Pick<SQSClient, 'send'>;
  readonly queueUrl: string;
  readonly now: () => Date;
  readonly log: Logger;
}

export function createDispatchHandler(deps: () => DispatchDeps | Promise<DispatchDeps>) {
  return async (): Promise<{ enqueued: number }> => {
    const d = await deps();
    const now = d.now();
    try {
      const users = await dueUsers(d.store, now);
      for (let i = 0; i < users.length; i += 10) {
        const batch = users.slice(i, i + 10);
        const res = await d.sqs.send(
          new SendMessageBatchCommand({
            QueueUrl: d.queueUrl,
            Entries: batch.map(({ userId, dueAt }, j) => ({ Id: String(j), MessageBody: JSON.stringify({ userId, at: dueAt.toISOString() }) })),
          }),
        );
        // Thrown before the mark moves: the next run looks back over these slots again (sending is once per week).
        if (res.Failed?.length) throw new Error(`could not enqueue ${res.Failed.length} digests: ${res.Failed.map((f) => f.Message).join('; ')}`);
      }
      // Enqueued: from here, retries and the DLQ are SQS's.
      await markDispatched(d.store, now);
      d.log.info('digests enqueued', { enqueued: users.length, at: now.toISOString() });
      return { enqueued: users.length };
    } catch (err) {
      d.log.error('dispatch failed; the next run (or the scheduler retry) looks back over these hours', { error: String(err) });
      throw err;
    }
  };
}

const sqs = new SQSClient({});
const log = powertoolsLogger(new PowertoolsLogger());

// A missing variable fails this invocation with its name; the next one reads the environment again.
const fromEnvironment = startOnce(
  (): DispatchDeps => ({
    store: new Store(createDocumentClient({ region: process.env.AWS_REGION }), requireEnv('TABLE_NAME')),
    sqs,
    queueUrl: requireEnv('DIGEST_QUEUE_URL'),
    now: () => new Date(),
    log,
  }),
);

export const handler = createDispatchHandler(fromEnvironment);
