/**
 * What the context parameters change: production retention and deletion protection, a separate sending domain,
 * the alarm e-mail, raw-mail expiry and accounts that cannot reserve concurrency. Bundling is skipped here
 * (the main stack test bundles); these assertions are about the template only.
 */
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { synthNurture, type Synthesized } from './synth.ts';

let prod: Synthesized;
let t: Template;

beforeAll(() => {
  prod = synthNurture({
    prod: true,
    sendingDomain: 'Mail.Example.com',
    fromAddress: 'digest@mail.example.com',
    captureLocalPart: 'bcc',
    alarmEmail: 'ops@example.com',
    rawMailDays: 3,
    reserveConcurrency: false,
  });
  t = prod.template;
}, 60_000);

describe('prod=true', () => {
  it('retains and deletion-protects the table, and retains the bucket and the secret', () => {
    t.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain', Properties: Match.objectLike({ DeletionProtectionEnabled: true }) });
    t.hasResource('AWS::S3::Bucket', { DeletionPolicy: 'Retain' });
    t.hasResource('AWS::SecretsManager::Secret', { DeletionPolicy: 'Retain' });
    // No auto-delete of raw mail in production.
    t.resourceCountIs('Custom::S3AutoDeleteObjects', 0);
  });
});

describe('domains and addresses', () => {
  it('verifies the sending domain and the capture domain separately, lower-cased, and outputs DKIM records for both', () => {
    t.hasResourceProperties('AWS::SES::EmailIdentity', { EmailIdentity: 'mail.example.com', ConfigurationSetAttributes: Match.anyValue() });
    t.hasResourceProperties('AWS::SES::EmailIdentity', { EmailIdentity: 'in.example.com' });
    const outputs = t.toJSON().Outputs;
    expect(outputs.CaptureAddress.Value).toBe('bcc@in.example.com');
    expect(outputs.FromAddress.Value).toBe('digest@mail.example.com');
    expect(outputs.CaptureDomainDkimRecords).toBeDefined();
  });
});

describe('operations', () => {
  it('subscribes the alarm e-mail', () => {
    t.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });
  });

  it('expires raw mail after rawMailDays', () => {
    t.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: { Rules: Match.arrayWith([Match.objectLike({ Prefix: 'raw/', ExpirationInDays: 3 })]) },
    });
  });

  it('reserveConcurrency=false reserves none (accounts whose quota is 10)', () => {
    const fns = Object.values(t.toJSON().Resources as Record<string, { Type: string; Properties: Record<string, unknown> }>).filter((r) => r.Type === 'AWS::Lambda::Function');
    expect(fns.some((f) => 'ReservedConcurrentExecutions' in f.Properties)).toBe(false);
  });

  it('rejects a nonsensical rawMailDays', () => {
    expect(() => synthNurture({ rawMailDays: 0 })).toThrow('rawMailDays must be a whole number of days ≥ 1, got 0');
  });

  it('stays clean under cdk-nag with every option set', () => {
    expect(new AwsSolutionsChecks().validateScope(prod.stack).violations).toEqual([]);
  });
});
