/**
 * Injected faults at start-up and on first use, through each Lambda's real `handler` export (a fresh module per test,
 * as in a fresh container): a throttled or timed-out AWS call fails that invocation only, and the next invocation
 * in the same container asks again and succeeds. The SDK clients are stubbed by aws-sdk-client-mock, which is the
 * only way to make AWS throttle on demand; nothing here reaches the network.
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { mockClient, type AwsStub } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

const KEY = 'k'.repeat(64);
const throttled = (): Error => Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } });
const timedOut = (): Error => Object.assign(new Error('Connection timed out after 1000 ms'), { name: 'TimeoutError' });
const ddbThrottled = (): Error =>
  Object.assign(new Error('Throughput exceeds the current capacity of your table'), { name: 'ProvisionedThroughputExceededException', $metadata: { httpStatusCode: 400 } });

const ENV = {
  AWS_REGION: 'eu-west-1',
  AWS_ACCESS_KEY_ID: 'test',
  AWS_SECRET_ACCESS_KEY: 'test',
  TABLE_NAME: 'nurture-test',
  SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:TokenKey-abc',
  CAPTURE_ADDRESS: 'log@in.nurture.test',
  FROM_ADDRESS: 'nurture@in.nurture.test',
  RAW_MAIL_BUCKET: 'raw',
  RAW_MAIL_PREFIX: 'raw/',
  DIGEST_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/digests',
  // Powertools writes through the global console in dev mode, so the test can read which service logged.
  POWERTOOLS_DEV: 'true',
};

let saved: NodeJS.ProcessEnv;
let secrets: AwsStub<any, any, any>;
let ddb: AwsStub<any, any, any>;
let sqs: AwsStub<any, any, any>;
let logged: { service: string; message: string; level: string }[];

beforeEach(() => {
  saved = { ...process.env };
  Object.assign(process.env, ENV);
  vi.resetModules();
  secrets = mockClient(SecretsManagerClient);
  ddb = mockClient(DynamoDBDocumentClient);
  sqs = mockClient(SQSClient);
  logged = [];
  const capture = (line: unknown): void => {
    const entry = JSON.parse(String(line)) as { service: string; message: string; level: string };
    logged.push(entry);
  };
  for (const level of ['info', 'warn', 'error', 'debug', 'log'] as const) vi.spyOn(console, level).mockImplementation(capture);
});
afterEach(() => {
  secrets.restore();
  ddb.restore();
  sqs.restore();
  vi.restoreAllMocks();
  process.env = saved;
});

describe.each([
  ['throttling', throttled],
  ['a timeout', timedOut],
])('Secrets Manager %s at start-up', (_, fault) => {
  it('capture: fails that invocation, then starts on the next one (no cached failure)', async () => {
    process.env.POWERTOOLS_SERVICE_NAME = 'nurture-capture';
    secrets.on(GetSecretValueCommand).rejectsOnce(fault()).rejectsOnce(fault()).resolves({ SecretString: KEY });
    const { handler } = await import('../../functions/capture/handler.ts');
    await expect(handler({ Records: [] })).rejects.toThrow(/could not read secret/);
    await expect(handler({ Records: [] })).rejects.toThrow(/could not read secret/);
    // Started: an invalid event is now answered (logged and dropped) instead of failing at start-up.
    await expect(handler({ Records: [] })).resolves.toEqual({ outcomes: [] });
    await expect(handler({ Records: [] })).resolves.toEqual({ outcomes: [] });
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(3);
    expect(logged).toContainEqual(expect.objectContaining({ service: 'nurture-capture', message: 'invalid SES event' }));
  });

  it('send: fails the whole batch (SQS redelivers it), then sends on the next invocation', async () => {
    process.env.POWERTOOLS_SERVICE_NAME = 'nurture-send';
    secrets.on(GetSecretValueCommand).rejectsOnce(fault()).resolves({ SecretString: KEY });
    const { handler } = await import('../../functions/digest/send-handler.ts');
    const event = { Records: [{ messageId: 'm1', body: 'not json' }] } as never;
    await expect(handler(event)).rejects.toThrow(/could not read secret/);
    await expect(handler(event)).resolves.toEqual({ batchItemFailures: [] });
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(2);
    expect(logged).toContainEqual(expect.objectContaining({ service: 'nurture-send', message: 'invalid digest message dropped' }));
  });

  it('unsubscribe: the request fails (the link can be clicked again), and the next request reads the key', async () => {
    process.env.POWERTOOLS_SERVICE_NAME = 'nurture-unsubscribe';
    secrets.on(GetSecretValueCommand).rejectsOnce(fault()).resolves({ SecretString: KEY });
    const { handler } = await import('../../functions/unsubscribe/handler.ts');
    const event = { rawQueryString: 't=not-a-token', headers: {}, isBase64Encoded: false, requestContext: { http: { method: 'GET' } } };
    await expect(handler(event)).rejects.toThrow(/could not read secret/);
    await expect(handler(event)).resolves.toMatchObject({ statusCode: 400 });
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(2);
  });
});

describe('DynamoDB throttling and missing settings', () => {
  it('dispatch: a throttled read fails the run before the mark moves; the retry enqueues and logs as nurture-dispatch', async () => {
    process.env.POWERTOOLS_SERVICE_NAME = 'nurture-dispatch';
    ddb.on(GetCommand).rejectsOnce(ddbThrottled()).resolves({});
    ddb.on(QueryCommand).resolves({ Items: [] });
    ddb.on(PutCommand).resolves({});
    const { handler } = await import('../../functions/digest/dispatch-handler.ts');
    await expect(handler()).rejects.toThrow(/Throughput exceeds/);
    expect(ddb.commandCalls(PutCommand)).toHaveLength(0);
    await expect(handler()).resolves.toEqual({ enqueued: 0 });
    expect(ddb.commandCalls(PutCommand)).toHaveLength(1);
    expect(logged.map((l) => [l.service, l.level, l.message])).toEqual([
      ['nurture-dispatch', 'ERROR', expect.stringContaining('dispatch failed')],
      ['nurture-dispatch', 'INFO', 'digests enqueued'],
    ]);
  });

  it('dispatch: a missing setting fails with its name, and is read again on the next invocation', async () => {
    delete process.env.DIGEST_QUEUE_URL;
    ddb.on(GetCommand).resolves({});
    ddb.on(QueryCommand).resolves({ Items: [] });
    ddb.on(PutCommand).resolves({});
    const { handler } = await import('../../functions/digest/dispatch-handler.ts');
    await expect(handler()).rejects.toThrow('Environment variable DIGEST_QUEUE_URL is required');
    process.env.DIGEST_QUEUE_URL = ENV.DIGEST_QUEUE_URL;
    await expect(handler()).resolves.toEqual({ enqueued: 0 });
  });

  it('feedback: a throttled lookup throws (EventBridge retries), and the retry completes', async () => {
    process.env.POWERTOOLS_SERVICE_NAME = 'nurture-feedback';
    ddb.on(GetCommand).rejectsOnce(ddbThrottled()).resolves({});
    ddb.on(QueryCommand).resolves({ Items: [] });
    const { handler } = await import('../../functions/feedback/handler.ts');
    const event = {
      source: 'aws.ses',
      'detail-type': 'Email Complaint Received',
      detail: { eventType: 'Complaint', mail: { messageId: 'm-1' }, complaint: { complainedRecipients: [{ emailAddress: 'someone@example.org' }] } },
    };
    await expect(handler(event)).rejects.toThrow(/Throughput exceeds/);
    await expect(handler(event)).resolves.toEqual([{ email: 'someone@example.org', action: 'unknown-recipient' }]);
    expect(logged).toContainEqual(expect.objectContaining({ service: 'nurture-feedback', message: 'feedback: recipient is not a user' }));
  });
});
