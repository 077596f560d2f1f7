/**
 * Dispatch Lambda, run hourly by EventBridge Scheduler: enqueue one SQS message per user due now.
 * The digest Lambda consumes them (with a DLQ and partial batch failures).
 */
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { createDocumentClient } from '#adapters/dynamo-client';
import { Store } from '#adapters/store';
import { requireEnv } from '#commons/config';
import { dueUsers, markDispatched } from './dispatch.ts';

export interface DispatchDeps {
  readonly store: Store;
  readonly sqs: SQSClient;
  readonly queueUrl: string;
  readonly now: () => Date;
}

export function createDispatchHandler(deps: () => DispatchDeps) {
  return async (): Promise<{ enqueued: number }> => {
    const d = deps();
    const now = d.now();
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
    return { enqueued: users.length };
  };
}

let cached: DispatchDeps | undefined;
function fromEnvironment(): DispatchDeps {
  cached ??= {
    store: new Store(createDocumentClient({ region: process.env.AWS_REGION }), requireEnv('TABLE_NAME')),
    sqs: new SQSClient({}),
    queueUrl: requireEnv('DIGEST_QUEUE_URL'),
    now: () => new Date(),
  };
  return cached;
}

export const handler = createDispatchHandler(fromEnvironment);
