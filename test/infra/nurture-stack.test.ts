/**
 * The stack's security and reliability properties, one assertion per property, on a template synthesized
 * once (with real esbuild bundling, so the bundles are checked too). cdk-nag runs here as in `cdk synth`.
 */
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Validations } from 'aws-cdk-lib';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import sesLocal from 'aws-ses-v2-local';
import S3rver from 's3rver';
import { beforeAll, describe, expect, it } from 'vitest';
import { DISPATCH_MARK, LOCAL_INDEX, DUE_INDEX, TABLE_DEFINITION, TTL_ATTRIBUTE } from '#adapters/table-schema';
import { startTestStore, testUser } from '../support/local-store.ts';
import { composeMail } from '../support/mail.ts';
import { sesEvent } from '../support/ses-event.ts';
import { allStatements, asArray, synthNurture, TEST_DOMAIN, type Synthesized } from './synth.ts';
import { modulesByLoad } from '../../bin/build-lambda.mjs';

type Json = Record<string, any>;
let s: Synthesized;
let template: Template;
let resources: Record<string, Json>;
const ofType = (type: string): [string, Json][] => Object.entries(resources).filter(([, r]) => r.Type === type);
const logicalId = (prefix: string, type: string): string => {
  const found = ofType(type).filter(([id]) => id.startsWith(prefix));
  expect(found, `${prefix} ${type}`).toHaveLength(1);
  return found[0]![0];
};
const FUNCTIONS = ['Capture', 'Dispatch', 'Send', 'Unsubscribe', 'Feedback'] as const;
const fnId = (name: (typeof FUNCTIONS)[number]): string => logicalId(name, 'AWS::Lambda::Function');
const queueId = (prefix: string): string => logicalId(prefix, 'AWS::SQS::Queue');
const RULE_ARN_SUFFIX = ':receipt-rule-set/Nurture-inbound:receipt-rule/capture';

// Bundling five Lambdas with esbuild: ~30 s on an idle 2-core machine, and more than 120 s with both cores busy.
beforeAll(() => {
  s = synthNurture({}, { bundle: true });
  template = s.template;
  resources = template.toJSON().Resources;
}, 360_000);

describe('raw mail bucket', () => {
  it('is encrypted, private, owner-enforced and expires raw/ after 7 days', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      LifecycleConfiguration: { Rules: Match.arrayWith([Match.objectLike({ Prefix: 'raw/', ExpirationInDays: 7, Status: 'Enabled' })]) },
    });
  });

  it('denies plain HTTP and TLS below 1.2', () => {
    const statements = allStatements(template).filter((x) => x.resource.startsWith('RawMailPolicy')).map((x) => x.statement);
    expect(statements).toContainEqual(expect.objectContaining({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }));
    expect(statements).toContainEqual(expect.objectContaining({ Effect: 'Deny', Action: 's3:*', Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } } }));
  });

  it('lets SES put objects only under raw/, only from this account and this receipt rule', () => {
    const sesStatements = allStatements(template).filter((x) => JSON.stringify(x.statement.Principal ?? '').includes('ses.amazonaws.com'));
    expect(sesStatements).toHaveLength(1);
    const st = sesStatements[0]!.statement as Json;
    expect(st.Action).toBe('s3:PutObject');
    expect(JSON.stringify(st.Resource)).toMatch(/"\/raw\/\*"/);
    expect(st.Condition.StringEquals['aws:SourceAccount']).toEqual({ Ref: 'AWS::AccountId' });
    expect(JSON.stringify(st.Condition.StringEquals['aws:SourceArn'])).toContain(RULE_ARN_SUFFIX);
  });
});

describe('SES receiving', () => {
  it('one rule for the capture domain: scan on, TLS required, S3 (raw/) THEN async Lambda (capture)', () => {
    const [, rule] = ofType('AWS::SES::ReceiptRule')[0]!;
    const r = rule.Properties.Rule;
    expect(r).toMatchObject({ Enabled: true, Name: 'capture', Recipients: [TEST_DOMAIN], ScanEnabled: true, TlsPolicy: 'Require' });
    expect(r.Actions.map((a: Json) => Object.keys(a)[0])).toEqual(['S3Action', 'LambdaAction']);
    expect(r.Actions[0].S3Action).toEqual({ BucketName: { Ref: logicalId('RawMail', 'AWS::S3::Bucket') }, ObjectKeyPrefix: 'raw/' });
    expect(r.Actions[1].LambdaAction).toEqual({ FunctionArn: { 'Fn::GetAtt': [fnId('Capture'), 'Arn'] }, InvocationType: 'Event' });
    // SES tests both permissions when it creates the rule.
    expect(rule.DependsOn).toEqual(expect.arrayContaining([logicalId('RawMailPolicy', 'AWS::S3::BucketPolicy'), logicalId('CaptureAllowSes', 'AWS::Lambda::Permission')]));
  });

  it('SES may invoke capture only from this account and this rule', () => {
    const [, perm] = ofType('AWS::Lambda::Permission').find(([, p]) => p.Properties.Principal === 'ses.amazonaws.com')!;
    expect(perm.Properties.SourceAccount).toEqual({ Ref: 'AWS::AccountId' });
    expect(JSON.stringify(perm.Properties.SourceArn)).toContain(RULE_ARN_SUFFIX);
  });

  it('a custom resource activates the rule set after the rule exists, refusing to replace a foreign active set by default', () => {
    const [, cr] = ofType('Custom::SesActiveReceiptRuleSet')[0]!;
    expect(cr.Properties).toEqual({
      ServiceToken: { 'Fn::GetAtt': [logicalId('ReceivingActivator', 'AWS::Lambda::Function'), 'Arn'] },
      RuleSetName: 'Nurture-inbound',
      ReplaceActive: 'false',
    });
    expect(cr.DependsOn).toContain(logicalId('ReceivingRuleSetRule', 'AWS::SES::ReceiptRule'));
    template.hasResourceProperties('AWS::SES::ReceiptRuleSet', { RuleSetName: 'Nurture-inbound' });
    // No CDK singleton provider (AwsCustomResource) any more: the activator is a Nurture function with its own log group.
    expect(ofType('AWS::Lambda::Function').map(([id]) => id).filter((id) => id.startsWith('AWS679f53fac'))).toEqual([]);
  });
});

describe('IAM: least privilege', () => {
  /** The only statements AWS forces onto Resource "*". */
  const STAR_EXCEPTIONS = [{ resource: /^ReceivingActivatorRoleDefaultPolicy/, actions: ['ses:DescribeActiveReceiptRuleSet', 'ses:SetActiveReceiptRuleSet'] }];

  it('no Allow statement has Resource "*" except the receipt rule set activation (no resource-level permissions exist for it)', () => {
    const star = allStatements(template).filter((x) => x.statement.Effect === 'Allow' && asArray(x.statement.Resource).includes('*'));
    expect(star.map((x) => ({ resource: x.resource, actions: asArray(x.statement.Action) }))).toEqual([
      { resource: expect.stringMatching(STAR_EXCEPTIONS[0]!.resource), actions: STAR_EXCEPTIONS[0]!.actions },
    ]);
  });

  it('no role uses an action wildcard ("service:*") in an Allow', () => {
    const wild = allStatements(template).filter((x) => x.statement.Effect === 'Allow' && asArray(x.statement.Action).some((a) => /:\*$/.test(String(a))));
    expect(wild).toEqual([]);
  });

  it('no function role carries AWS managed policies (logs go to its own log group only)', () => {
    for (const name of FUNCTIONS) {
      const role = resources[logicalId(`${name}Role`, 'AWS::IAM::Role')]!;
      expect(role.Properties.ManagedPolicyArns, name).toBeUndefined();
    }
  });

  const statementsOf = (rolePrefix: string) =>
    allStatements(template)
      .filter((x) => x.resource.startsWith(`${rolePrefix}RoleDefaultPolicy`))
      .map((x) => x.statement);

  it('ses:SendEmail only on the sending identity and its configuration set, only for send and capture', () => {
    const sendEmail = allStatements(template).filter((x) => asArray(x.statement.Action).includes('ses:SendEmail'));
    expect(sendEmail.map((x) => x.resource).sort()).toEqual([expect.stringMatching(/^CaptureRoleDefaultPolicy/), expect.stringMatching(/^SendRoleDefaultPolicy/)]);
    const digest = sendEmail.find((x) => x.resource.startsWith('SendRole'))!;
    const res = JSON.stringify(digest.statement.Resource);
    expect(digest.statement.Resource).toHaveLength(2);
    expect(res).toContain(':identity/');
    expect(res).toContain(logicalId('SendingIdentity', 'AWS::SES::EmailIdentity'));
    expect(res).toContain(':configuration-set/');
    expect(res).toContain(logicalId('DigestConfig', 'AWS::SES::ConfigurationSet'));
    // Capture sends confirmations and owner notices, tracked by the same configuration set.
    const confirmations = sendEmail.find((x) => x.resource.startsWith('CaptureRole'))!.statement;
    expect(confirmations.Resource).toHaveLength(2);
    expect(JSON.stringify(confirmations.Resource)).toContain(':identity/');
    expect(JSON.stringify(confirmations.Resource)).toContain(logicalId('DigestConfig', 'AWS::SES::ConfigurationSet'));
  });

  it('DynamoDB: no Scan or ConditionCheckItem anywhere; the public unsubscribe function may only UpdateItem, the dispatcher only Query the due index and keep its mark', () => {
    const ddb = allStatements(template).filter((x) => asArray(x.statement.Action).some((a) => String(a).startsWith('dynamodb:')));
    expect(ddb.flatMap((x) => asArray(x.statement.Action))).not.toContain('dynamodb:Scan');
    expect(ddb.flatMap((x) => asArray(x.statement.Action))).not.toContain('dynamodb:ConditionCheckItem');
    expect(statementsOf('Unsubscribe').find((st) => JSON.stringify(st.Action).includes('dynamodb'))).toMatchObject({
      Action: 'dynamodb:UpdateItem',
      Resource: { 'Fn::GetAtt': [logicalId('Table', 'AWS::DynamoDB::Table'), 'Arn'] },
    });
    const [dispatch, mark, ...more] = statementsOf('Dispatch').filter((st) => JSON.stringify(st.Action).includes('dynamodb'));
    expect(more).toEqual([]);
    expect(dispatch!.Action).toBe('dynamodb:Query');
    // The due index only: not the table, not the local index.
    expect(dispatch!.Resource).toEqual({ 'Fn::Join': ['', [{ 'Fn::GetAtt': [logicalId('Table', 'AWS::DynamoDB::Table'), 'Arn'] }, `/index/${DUE_INDEX.name}`]] });
    expect(mark).toMatchObject({
      Action: ['dynamodb:GetItem', 'dynamodb:PutItem'],
      Condition: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': [DISPATCH_MARK.pk] } },
    });
    expect(statementsOf('Feedback').find((st) => JSON.stringify(st.Action).includes('dynamodb'))!.Action).toEqual(['dynamodb:GetItem', 'dynamodb:UpdateItem']);
  });

  it('capture and send Query the table and the local index only, never the due index', () => {
    for (const fn of ['Capture', 'Send']) {
      const query = statementsOf(fn).filter((st) => asArray(st.Action).includes('dynamodb:Query'));
      expect(query, fn).toHaveLength(1);
      expect(query[0]!.Action, fn).toBe('dynamodb:Query');
      const resources = JSON.stringify(query[0]!.Resource);
      expect(resources, fn).toContain(`/index/${LOCAL_INDEX.name}`);
      expect(resources, fn).not.toContain(`/index/${DUE_INDEX.name}`);
    }
  });

  it('capture reads only raw/ objects; only functions that sign or verify tokens may read the secret', () => {
    expect(statementsOf('Capture')).toContainEqual({ Action: 's3:GetObject', Effect: 'Allow', Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [logicalId('RawMail', 'AWS::S3::Bucket'), 'Arn'] }, '/raw/*']] } });
    const readers = allStatements(template).filter((x) => asArray(x.statement.Action).includes('secretsmanager:GetSecretValue'));
    expect(readers.map((x) => x.resource.replace(/RoleDefaultPolicy.*/, '')).sort()).toEqual(['Capture', 'Send', 'Unsubscribe']);
    for (const r of readers) expect(r.statement.Resource).toEqual({ Ref: logicalId('TokenKey', 'AWS::SecretsManager::Secret') });
  });
});

describe('functions', () => {
  it('every Nurture function: nodejs22.x on arm64, its own log group (30 days), Powertools env, source maps shipped but not parsed at start', () => {
    for (const name of FUNCTIONS) {
      const fn = resources[fnId(name)]!.Properties;
      expect(fn.Runtime, name).toBe('nodejs22.x');
      expect(fn.Architectures, name).toEqual(['arm64']);
      expect(fn.Handler, name).toBe('index.handler');
      expect(fn.Environment.Variables).toMatchObject({ POWERTOOLS_SERVICE_NAME: `nurture-${name.toLowerCase()}` });
      // Source maps ship but are not parsed at every cold start (bin/build-lambda.mjs).
      expect(fn.Environment.Variables.NODE_OPTIONS).toBeUndefined();
      const logGroupId = fn.LoggingConfig.LogGroup.Ref as string;
      expect(resources[logGroupId]!.Properties.RetentionInDays, name).toBe(30);
    }
  });

  it('the unsubscribe function URL is the only one, auth type NONE (the signed token authenticates)', () => {
    const urls = ofType('AWS::Lambda::Url');
    expect(urls).toHaveLength(1);
    expect(urls[0]![1].Properties).toEqual({ AuthType: 'NONE', TargetFunctionArn: { 'Fn::GetAtt': [fnId('Unsubscribe'), 'Arn'] } });
  });

  it('reserves no concurrency by default (a new account’s quota of 10 cannot reserve any)', () => {
    for (const [id, fn] of ofType('AWS::Lambda::Function')) expect(fn.Properties.ReservedConcurrentExecutions, id).toBeUndefined();
  });

  it('every function, CDK helpers included, logs to a log group with a retention', () => {
    for (const [id, fn] of ofType('AWS::Lambda::Function')) {
      const group = resources[fn.Properties.LoggingConfig?.LogGroup?.Ref as string];
      expect(group?.Properties.RetentionInDays, id).toBe(30);
    }
  });

  it('the send function gets its settings: capture address, from, configuration set, unsubscribe URL', () => {
    expect(resources[fnId('Send')]!.Properties.Environment.Variables).toMatchObject({
      CAPTURE_ADDRESS: `log@${TEST_DOMAIN}`,
      FROM_ADDRESS: `nurture@${TEST_DOMAIN}`,
      CONFIGURATION_SET: { Ref: logicalId('DigestConfig', 'AWS::SES::ConfigurationSet') },
      UNSUBSCRIBE_URL: { 'Fn::GetAtt': [logicalId('UnsubscribeFunctionUrl', 'AWS::Lambda::Url'), 'FunctionUrl'] },
      TABLE_NAME: { Ref: logicalId('Table', 'AWS::DynamoDB::Table') },
    });
    expect(resources[fnId('Capture')]!.Properties.Environment.Variables).toMatchObject({ RAW_MAIL_PREFIX: 'raw/', CAPTURE_ADDRESS: `log@${TEST_DOMAIN}`, ALLOW_SPF_ONLY: 'false' });
  });
});

describe('every asynchronous path has retries and a dead-letter queue', () => {
  it.each([
    ['Capture', 'CaptureFailures', 2],
    ['Dispatch', 'DispatchFailures', 2],
    ['Feedback', 'FeedbackFailures', 2],
  ] as const)('%s: async invoke config with retries and an SQS on-failure destination', (fn, queue, retries) => {
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: fnId(fn) },
      MaximumRetryAttempts: retries,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [queueId(queue), 'Arn'] } } },
    });
  });

  it('SQS → send: partial batch failures, bounded concurrency, redrive to a DLQ after 5 receives', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: fnId('Send') },
      EventSourceArn: { 'Fn::GetAtt': [queueId('DigestQueue'), 'Arn'] },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: 2 },
    });
    expect(resources[queueId('DigestQueue')]!.Properties).toMatchObject({
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [queueId('DigestDeadLetters'), 'Arn'] }, maxReceiveCount: 5 },
      VisibilityTimeout: 360,
    });
  });

  it('the hourly schedule retries and dead-letters', () => {
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(0 * * * ? *)',
      FlexibleTimeWindow: { Mode: 'OFF' },
      Target: {
        Arn: { 'Fn::GetAtt': [fnId('Dispatch'), 'Arn'] },
        RetryPolicy: { MaximumRetryAttempts: 5, MaximumEventAgeInSeconds: 3600 },
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': [queueId('DispatchFailures'), 'Arn'] } },
      },
    });
  });

  it('SES bounces and complaints reach the feedback function through EventBridge, with retries and a DLQ', () => {
    template.hasResourceProperties('AWS::SES::ConfigurationSetEventDestination', {
      EventDestination: Match.objectLike({ MatchingEventTypes: ['bounce', 'complaint'], EventBridgeDestination: Match.anyValue() }),
    });
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.ses'],
        'detail-type': ['Email Bounced', 'Email Complaint Received'],
        detail: { mail: { tags: { 'ses:configuration-set': [{ Ref: logicalId('DigestConfig', 'AWS::SES::ConfigurationSet') }] } } },
      },
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [fnId('Feedback'), 'Arn'] }, RetryPolicy: { MaximumRetryAttempts: 8, MaximumEventAgeInSeconds: 86400 }, DeadLetterConfig: { Arn: { 'Fn::GetAtt': [queueId('FeedbackFailures'), 'Arn'] } } })],
    });
  });

  it('every queue is encrypted and TLS-only', () => {
    const queues = ofType('AWS::SQS::Queue');
    expect(queues).toHaveLength(5);
    for (const [id, q] of queues) {
      expect(q.Properties.SqsManagedSseEnabled, id).toBe(true);
      const deny = allStatements(template).find((x) => x.statement.Effect === 'Deny' && JSON.stringify(x.statement.Resource) === JSON.stringify({ 'Fn::GetAtt': [id, 'Arn'] }));
      expect(deny?.statement.Condition, id).toEqual({ Bool: { 'aws:SecureTransport': 'false' } });
    }
  });
});

describe('alarms', () => {
  const alarms = () => ofType('AWS::CloudWatch::Alarm').map(([, a]) => a.Properties);

  it('every dead-letter queue alarms at depth > 0', () => {
    const dlqAlarms = alarms().filter((a) => a.MetricName === 'ApproximateNumberOfMessagesVisible');
    const queues = dlqAlarms.map((a) => a.Dimensions[0].Value['Fn::GetAtt'][0]).sort();
    expect(queues).toEqual(['CaptureFailures', 'DigestDeadLetters', 'DispatchFailures', 'FeedbackFailures'].map(queueId).sort());
    for (const a of dlqAlarms) expect(a).toMatchObject({ Threshold: 0, ComparisonOperator: 'GreaterThanThreshold', Statistic: 'Maximum' });
  });

  it('every function alarms on errors', () => {
    const errorAlarms = alarms().filter((a) => a.MetricName === 'Errors' && a.Namespace === 'AWS/Lambda');
    expect(errorAlarms.map((a) => a.Dimensions[0].Value.Ref).sort()).toEqual(FUNCTIONS.map(fnId).sort());
  });

  it('SES bounce and complaint rates alarm before AWS’s review thresholds (5%, 0.1%)', () => {
    expect(alarms().find((a) => a.MetricName === 'Reputation.BounceRate')).toMatchObject({ Namespace: 'AWS/SES', Threshold: 0.04 });
    expect(alarms().find((a) => a.MetricName === 'Reputation.ComplaintRate')).toMatchObject({ Namespace: 'AWS/SES', Threshold: 0.0008 });
  });

  it('every alarm notifies the alarm topic; without alarmEmail there is no subscription', () => {
    const topic = logicalId('Alarms', 'AWS::SNS::Topic');
    for (const a of alarms()) expect(a.AlarmActions).toEqual([{ Ref: topic }]);
    template.resourceCountIs('AWS::SNS::Subscription', 0);
  });

  it('the topic policy lets CloudWatch publish, for this account’s alarms of this stack only (and still denies plain HTTP)', () => {
    const topic = logicalId('Alarms', 'AWS::SNS::Topic');
    const statements = allStatements(template).filter((x) => x.resource.startsWith('AlarmsPolicy')).map((x) => x.statement);
    const allow = statements.filter((st) => st.Effect === 'Allow');
    expect(allow).toEqual([
      {
        Sid: 'AllowThisStacksAlarmsToPublish',
        Effect: 'Allow',
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Action: 'sns:Publish',
        Resource: { Ref: topic },
        Condition: {
          StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
          ArnLike: { 'aws:SourceArn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':cloudwatch:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':alarm:Nurture-*']] } },
        },
      },
    ]);
    expect(statements.some((st) => st.Effect === 'Deny' && JSON.stringify(st.Condition) === JSON.stringify({ Bool: { 'aws:SecureTransport': 'false' } }))).toBe(true);
    // Every alarm's name matches that SourceArn pattern.
    for (const a of alarms()) expect(a.AlarmName).toMatch(/^Nurture-/);
  });

  it('the public unsubscribe URL alarms on throttles and on 5xx answers', () => {
    const unsubscribe = fnId('Unsubscribe');
    const on = (metric: string) => alarms().find((a) => a.MetricName === metric && a.Dimensions[0].Value.Ref === unsubscribe);
    expect(on('Throttles')).toMatchObject({ Namespace: 'AWS/Lambda', Threshold: 0, Statistic: 'Sum' });
    expect(on('Url5xxCount')).toMatchObject({ Namespace: 'AWS/Lambda', Threshold: 0, Statistic: 'Sum' });
  });
});

describe('table', () => {
  it('has exactly the keys and indexes the local store creates (TABLE_DEFINITION), plus TTL, on-demand, PITR, encryption', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: TABLE_DEFINITION.KeySchema,
      AttributeDefinitions: Match.arrayWith([...TABLE_DEFINITION.AttributeDefinitions]),
      GlobalSecondaryIndexes: TABLE_DEFINITION.GlobalSecondaryIndexes,
      LocalSecondaryIndexes: TABLE_DEFINITION.LocalSecondaryIndexes,
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true },
      TimeToLiveSpecification: { AttributeName: TTL_ATTRIBUTE, Enabled: true },
    });
  });

  it('by default the data is kept: table, bucket and secret RETAINed on delete and replacement, table deletion-protected, no auto-empty', () => {
    template.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain', Properties: Match.objectLike({ DeletionProtectionEnabled: true }) });
    template.hasResource('AWS::S3::Bucket', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    template.hasResource('AWS::SecretsManager::Secret', { DeletionPolicy: 'Retain' });
    template.resourceCountIs('Custom::S3AutoDeleteObjects', 0);
  });
});

describe('outputs', () => {
  it('capture address, MX record, DKIM records and the unsubscribe URL', () => {
    const outputs = template.toJSON().Outputs as Json;
    expect(outputs.CaptureAddress.Value).toBe(`log@${TEST_DOMAIN}`);
    expect(JSON.stringify(outputs.MxRecord.Value)).toContain(`${TEST_DOMAIN}. MX 10 inbound-smtp.`);
    expect(JSON.stringify(outputs.DkimRecords.Value)).toContain('DkimDNSTokenName1');
    expect(JSON.stringify(outputs.DkimRecords.Value)).toContain('DkimDNSTokenValue3');
    expect(outputs.UnsubscribeUrl.Value).toEqual({ 'Fn::GetAtt': [logicalId('UnsubscribeFunctionUrl', 'AWS::Lambda::Url'), 'FunctionUrl'] });
  });
});

describe('cdk-nag AwsSolutions', () => {
  it('reports no unacknowledged findings', () => {
    const report = new AwsSolutionsChecks().validateScope(s.stack);
    expect(report.violations.map((v) => `${v.ruleName}: ${v.violatingResources.map((r) => r.constructPath).join(', ')}`)).toEqual([]);
    expect(report.success).toBe(true);
  });

  it('every acknowledgement gives a reason a reviewer can check (a sentence, not a placeholder)', () => {
    const acks = s.stack.node
      .findAll()
      .flatMap((c) => c.node.metadata.filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY).map((m) => m.data as Record<string, string>))
      .flatMap((d) => Object.entries(d));
    expect(acks.length).toBeGreaterThan(0);
    for (const [id, reason] of acks) expect(reason.length, id).toBeGreaterThan(60);
  });
});

const assetDir = (fn: (typeof FUNCTIONS)[number]): string => join(s.outdir, `asset.${String(resources[fnId(fn)]!.Properties.Code.S3Key).replace(/\.zip$/, '')}`);

describe('bundles', () => {

  it('each function is a minified ESM bundle with a source map', () => {
    for (const fn of FUNCTIONS) {
      const dir = assetDir(fn);
      const code = readFileSync(join(dir, 'index.mjs'), 'utf8');
      expect(existsSync(join(dir, 'index.mjs.map')), fn).toBe(true);
      expect(code.startsWith("import { createRequire as __nurtureCreateRequire } from 'node:module'"), fn).toBe(true);
      expect(code, fn).toMatch(/\/\/# sourceMappingURL=index\.mjs\.map\s*$/);
      // Minified: long lines (esbuild keeps only license comments and a few string literals on their own lines).
      expect(code.length / code.split('\n').length, fn).toBeGreaterThan(1000);
      console.info(`bundle ${fn}: ${(statSync(join(dir, 'index.mjs')).size / 1024).toFixed(0)} KiB`);
    }
    expect(readdirSync(join(assetDir('Send'), 'templates'))).toContain('partials');
  });

  it('capture loads the reply path and charset tables only when a mail needs them', () => {
    const dir = assetDir('Capture');
    const { init, onFirstUse } = modulesByLoad(dir);
    const code = (files: string[]): string => files.map((f) => readFileSync(join(dir, f), 'utf8')).join('\n');
    // The owner notice's text and the SES client's service name live in chunks a dynamic import reaches.
    expect(code(init)).not.toContain('could not verify that it was sent by you');
    expect(code(onFirstUse)).toContain('could not verify that it was sent by you');
    expect(code(init)).not.toMatch(/SESv2Client/);
    // Deferred packages are files of their own, required at their first call.
    expect(onFirstUse).toEqual(expect.arrayContaining(['deferred-html-to-text.cjs', 'deferred-encoding-japanese.cjs']));
    expect(code(init)).not.toContain('uppercaseHeaderCells'); // an html-to-text option
    // mailparser imports libmime and mailsplit requires it: one copy, not its ES module and CommonJS builds both
    // (this list is libmime's charset module's own).
    expect(code(init).match(/\["utf7","utf7imap","base64","hex"\]/g)).toHaveLength(1);
    // iconv-lite's double-byte tables are files beside the bundle, not code compiled at every start.
    expect(readdirSync(join(dir, 'iconv-lite-tables'))).toEqual(expect.arrayContaining(['cp950.json', 'shiftjis.json', 'cp936.json']));
    expect(code([...init, ...onFirstUse])).not.toContain('"a140","'); // the first row of cp950.json
    expect(existsSync(join(dir, 'node_modules/email-providers/all.json'))).toBe(true);
  });

  // Loads each bundle from a copy laid out as Lambda does (/…/task/index.mjs), so any path that only resolves
  // inside this checkout (../../templates) or a require() the banner does not cover fails here, not in AWS.
  it.each(FUNCTIONS)('%s loads from a Lambda-like layout and exports handler', async (fn) => {
    const task = join(mkdtempSync(join(tmpdir(), 'nurture-task-')), 'task');
    cpSync(assetDir(fn), task, { recursive: true });
    const env = { TABLE_NAME: 't', SECRET_ARN: 's', CAPTURE_ADDRESS: 'log@in.nurture.test', RAW_MAIL_BUCKET: 'b', DIGEST_QUEUE_URL: 'q', FROM_ADDRESS: 'f@x' };
    const saved = { ...process.env };
    Object.assign(process.env, env);
    try {
      const mod = (await import(pathToFileURL(join(task, 'index.mjs')).href)) as { handler?: unknown };
      expect(typeof mod.handler).toBe('function');
    } finally {
      process.env = saved;
    }
  });
});

it('tripwire: the set of resources (ids and types) only changes on purpose', () => {
  const summary = Object.entries(resources)
    .map(([id, r]) => `${id.replace(/[0-9A-F]{8}$/, '')} ${r.Type}`)
    .sort();
  expect(summary).toMatchSnapshot();
});

// The synthesized capture bundle, run as Lambda would run it, against local implementations of what it calls:
// S3 (s3rver), DynamoDB (dynalite), Secrets Manager (a stand-in answering GetSecretValue) and SESv2
// (aws-ses-v2-local). The SDK reaches them through its standard AWS_ENDPOINT_URL_<SERVICE> settings, so the bundle
// is not changed for the test; nothing can reach AWS (dummy credentials, local endpoints only).
describe('the capture bundle end to end against local services', () => {
  it('captures BCC’d mail from the raw-mail bucket into the table, and takes the paths it loads on first use', async () => {
    const store = await startTestStore();
    const dir = mkdtempSync(join(tmpdir(), 's3rver-'));
    const s3rver = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: dir });
    const { port: s3Port } = await s3rver.run();
    const secrets = createServer((req, res) => {
      const target = req.headers['x-amz-target'];
      res.setHeader('content-type', 'application/x-amz-json-1.1');
      res.end(JSON.stringify(target === 'secretsmanager.GetSecretValue' ? { ARN: 'arn', Name: 'k', SecretString: 'k'.repeat(64) } : {}));
    });
    await new Promise<void>((ok) => secrets.listen(0, '127.0.0.1', ok));
    const ses = await sesLocal({ host: '127.0.0.1', port: 0 });
    const saved = { ...process.env };
    try {
      const user = testUser({ userId: 'u_bundle01', email: 'me@example.org', aliases: [] });
      await store.store.createUser(user);
      const s3 = new S3Client({ endpoint: `http://127.0.0.1:${s3Port}`, region: 'eu-west-1', forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
      await s3.send(new CreateBucketCommand({ Bucket: 'raw-mail' }));
      const raw = await composeMail({ from: 'Me <me@example.org>', to: 'Jane Doe <jane@acme.com>', subject: 'Offsite', text: 'See you there.', messageId: '<bundle1@example.org>' });
      await s3.send(new PutObjectCommand({ Bucket: 'raw-mail', Key: 'raw/ses-bundle-1', Body: raw }));

      Object.assign(process.env, {
        AWS_REGION: 'eu-west-1',
        AWS_ACCESS_KEY_ID: 'S3RVER',
        AWS_SECRET_ACCESS_KEY: 'S3RVER',
        AWS_ENDPOINT_URL_S3: `http://127.0.0.1:${s3Port}`,
        AWS_ENDPOINT_URL_DYNAMODB: store.endpoint,
        AWS_ENDPOINT_URL_SECRETS_MANAGER: `http://127.0.0.1:${(secrets.address() as AddressInfo).port}`,
        AWS_ENDPOINT_URL_SESV2: `http://127.0.0.1:${(ses.address() as AddressInfo).port}`,
        ...resources[fnId('Capture')]!.Properties.Environment.Variables,
        TABLE_NAME: store.tableName,
        SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:k',
        RAW_MAIL_BUCKET: 'raw-mail',
        CONFIGURATION_SET: 'digests',
        POWERTOOLS_LOG_LEVEL: 'SILENT',
      });
      const task = join(mkdtempSync(join(tmpdir(), 'nurture-task-')), 'task');
      cpSync(assetDir('Capture'), task, { recursive: true });
      const { handler } = (await import(pathToFileURL(join(task, 'index.mjs')).href)) as { handler: (e: unknown) => Promise<{ outcomes: unknown[] }> };
      const out = await handler(sesEvent({ messageId: 'ses-bundle-1', from: 'Me <me@example.org>', recipients: [`log@${TEST_DOMAIN}`] }));
      expect(out.outcomes).toEqual([{ messageId: '<bundle1@example.org>', kind: 'outgoing', reason: null }]);
      expect((await store.store.listContacts(user.userId)).map((c) => [c.email, c.name])).toEqual([['jane@acme.com', 'Jane Doe']]);

      // What the bundle leaves for first use still works from the Lambda layout: a name in Big5 (iconv-lite reads
      // its table from a file beside the bundle) …
      const big5 = ['From: Me <me@example.org>', 'To: =?big5?B?p/WkcKn6?= <li@acme.tw>', 'Subject: Report', 'Date: Fri, 20 Nov 2026 10:00:00 +0000', 'Message-ID: <bundle2@example.org>', 'Content-Type: text/plain; charset=big5', '', 'Attached.', ''].join('\r\n');
      await s3.send(new PutObjectCommand({ Bucket: 'raw-mail', Key: 'raw/ses-bundle-2', Body: big5 }));
      await handler(sesEvent({ messageId: 'ses-bundle-2', from: 'Me <me@example.org>', recipients: [`log@${TEST_DOMAIN}`] }));
      expect((await store.store.listContacts(user.userId)).find((c) => c.email === 'li@acme.tw')?.name).toBe('李小明');
      // … a name in ISO-2022-JP and an HTML-only mail (encoding-japanese and html-to-text are deferred packages,
      // required at their first call) …
      const jisAndHtml = [
        'From: Me <me@example.org>',
        'To: =?ISO-2022-JP?B?GyRCOzNFREJATzobKEI=?= <taro@example.jp>',
        'Subject: Deck',
        'Date: Fri, 20 Nov 2026 11:00:00 +0000',
        'Message-ID: <bundle4@example.org>',
        'Content-Type: text/html; charset=utf-8',
        '',
        '<html><body><p>Hi Taro,</p><p>I will send you the deck by Friday.</p></body></html>',
        '',
      ].join('\r\n');
      await s3.send(new PutObjectCommand({ Bucket: 'raw-mail', Key: 'raw/ses-bundle-4', Body: jisAndHtml }));
      await handler(sesEvent({ messageId: 'ses-bundle-4', from: 'Me <me@example.org>', recipients: [`log@${TEST_DOMAIN}`] }));
      expect((await store.store.listContacts(user.userId)).find((c) => c.email === 'taro@example.jp')?.name).toBe('山田太郎');
      expect((await store.store.listPromises(user.userId)).map((p) => [p.action, p.to, p.text])).toEqual([['send', ['taro@example.jp'], 'I will send you the deck by Friday.']]);
      // … and the owner notice for mail from the user's address that failed authentication (the reply chunk, with
      // its SES client and MIME composer).
      await s3.send(new PutObjectCommand({ Bucket: 'raw-mail', Key: 'raw/ses-bundle-3', Body: raw }));
      const spoofed = await handler(sesEvent({ messageId: 'ses-bundle-3', from: 'Me <me@example.org>', recipients: [`log@${TEST_DOMAIN}`], dmarc: 'FAIL', authenticationResults: 'amazonses.com; spf=fail smtp.mailfrom=example.org; dkim=fail header.i=@example.org; dmarc=fail header.from=example.org;' }));
      expect(spoofed.outcomes).toMatchObject([{ kind: 'rejected', reason: 'unauthenticated' }]);
      const sent = ((await (await fetch(`http://127.0.0.1:${(ses.address() as AddressInfo).port}/store`)).json()) as { emails: { destination: { to: string[] }; subject: string }[] }).emails;
      expect(sent.map((m) => [m.destination.to, m.subject])).toEqual([[['me@example.org'], 'Nurture could not verify a mail from your address']]);
    } finally {
      process.env = saved;
      await new Promise<void>((ok) => ses.close(() => ok()));
      ses.closeAllConnections?.();
      await new Promise<void>((ok) => secrets.close(() => ok()));
      await s3rver.close();
      await store.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
