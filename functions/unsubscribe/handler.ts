/**
 * Unsubscribe Lambda behind a function URL (auth type NONE: the signed token in the query string is the
 * authentication). See one-click.ts for the flow.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { createDocumentClient } from '#adapters/dynamo-client';
import { loadSecret } from '#adapters/secrets';
import { Store } from '#adapters/store';
import { requireEnv } from '#commons/config';
import { powertoolsLogger } from '#commons/logger';
import { startOnce } from '#commons/startup';
import { handleUnsubscribe, type HttpResponse, type UnsubscribeDeps } from './one-click.ts';

const log = powertoolsLogger(new Logger());

// The key is read when a request needs it (loadSecret forgets a failed read, so the next request asks again).
const fromEnvironment = startOnce((): UnsubscribeDeps => {
  const secretArn = requireEnv('SECRET_ARN');
  return {
    store: new Store(createDocumentClient({ region: process.env.AWS_REGION }), requireEnv('TABLE_NAME')),
    secret: () => loadSecret(secretArn),
    now: () => new Date(),
    log,
  };
});

export const handler = async (event: unknown): Promise<HttpResponse> => handleUnsubscribe(await fromEnvironment(), event);
