import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export interface DynamoSettings {
  readonly endpoint?: string;
  readonly region?: string;
}

/** A document client; against a local endpoint, with dummy credentials so no AWS profile is needed. */
export function createDocumentClient(settings: DynamoSettings): DynamoDBDocumentClient {
  const config: DynamoDBClientConfig = { region: settings.region ?? 'us-east-1', maxAttempts: 5 };
  if (settings.endpoint) {
    Object.assign(config, { endpoint: settings.endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  }
  return DynamoDBDocumentClient.from(new DynamoDBClient(config), {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
}
