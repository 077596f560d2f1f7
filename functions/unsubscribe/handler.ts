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
import { handleUnsubscribe, type HttpResponse, type UnsubscribeDeps } from './one-click.ts';

// Built once per container on first use; a missing variable fails fast with its name.
let cached: UnsubscribeDeps | undefined;
function fromEnvironment(): UnsubscribeDeps {
  if (cached) return cached;
  const secretArn = requireEnv('SECRET_ARN');
  cached = {
    store: new Store(createDocumentClient({ region: process.env.AWS_REGION }), requireEnv('TABLE_NAME')),
    secret: () => loadSecret(secretArn),
    now: () => new Date(),
    log: powertoolsLogger(new Logger({ serviceName: 'nurture-unsubscribe' })),
  };
  return cached;
}

export const handler = (event: unknown): Promise<HttpResponse> => handleUnsubscribe(fromEnvironment(), event);
