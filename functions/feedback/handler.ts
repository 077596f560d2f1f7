/**
 * Feedback Lambda: SES bounce and complaint events from the configuration set, routed by an EventBridge rule.
 * A store failure throws, so EventBridge/Lambda async retries run and the on-failure queue keeps what still fails.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { createDocumentClient } from '#adapters/dynamo-client';
import { Store } from '#adapters/store';
import { requireEnv } from '#commons/config';
import { powertoolsLogger } from '#commons/logger';
import { startOnce } from '#commons/startup';
import { handleFeedback, type FeedbackDeps, type FeedbackOutcome } from './ses-feedback.ts';

const log = powertoolsLogger(new Logger());

const fromEnvironment = startOnce(
  (): FeedbackDeps => ({
    store: new Store(createDocumentClient({ region: process.env.AWS_REGION }), requireEnv('TABLE_NAME')),
    now: () => new Date(),
    log,
  }),
);

export const handler = async (event: unknown): Promise<FeedbackOutcome[]> => handleFeedback(await fromEnvironment(), event);
