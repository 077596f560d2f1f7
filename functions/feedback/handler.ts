/**
 * Feedback Lambda: SES bounce and complaint events from the configuration set, routed by an EventBridge rule.
 * A store failure throws, so EventBridge/Lambda async retries run and the on-failure queue keeps what still fails.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { createDocumentClient } from '#adapters/dynamo-client';
import { Store } from '#adapters/store';
import { requireEnv } from '#commons/config';
import { powertoolsLogger } from '#commons/logger';
import { handleFeedback, type FeedbackDeps, type FeedbackOutcome } from './ses-feedback.ts';

let cached: FeedbackDeps | undefined;
function fromEnvironment(): FeedbackDeps {
  if (cached) return cached;
  cached = {
    store: new Store(createDocumentClient({ region: process.env.AWS_REGION }), requireEnv('TABLE_NAME')),
    now: () => new Date(),
    log: powertoolsLogger(new Logger({ serviceName: 'nurture-feedback' })),
  };
  return cached;
}

export const handler = (event: unknown): Promise<FeedbackOutcome[]> => handleFeedback(fromEnvironment(), event);
