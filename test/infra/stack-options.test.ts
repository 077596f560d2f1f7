/**
 * What the context parameters change, and what the app refuses: a throw-away stack, a separate sending domain,
 * the alarm e-mail, raw-mail expiry, reserved concurrency, the SES sandbox, replacing a foreign receipt rule set;
 * no domain, an example domain or a region without SES receiving. Bundling is skipped here (the main stack test
 * bundles); these assertions are about the template and the app's refusals.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { NurtureStack } from '../../lib/nurture-stack.ts';
import { allStatements, asArray, synthNurture, TEST_DOMAIN, type Synthesized } from './synth.ts';

let custom: Synthesized;
let t: Template;

beforeAll(() => {
  custom = synthNurture({
    ephemeral: true,
    sendingDomain: 'Mail.Nurture.test',
    fromAddress: 'digest@mail.nurture.test',
    captureLocalPart: 'bcc',
    alarmEmail: 'ops@nurture.test',
    rawMailDays: 3,
    reserveConcurrency: true,
    replaceActiveRuleSet: true,
    sandboxRecipients: ['Me@Home.nurture.test'],
    allowSpfOnly: true,
  });
  t = custom.template;
}, 60_000);

describe('ephemeral=true', () => {
  it('deletes the table (no deletion protection), empties and deletes the bucket, deletes the secret', () => {
    t.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Delete', Properties: Match.objectLike({ DeletionProtectionEnabled: false }) });
    t.hasResource('AWS::S3::Bucket', { DeletionPolicy: 'Delete' });
    t.hasResource('AWS::SecretsManager::Secret', { DeletionPolicy: 'Delete' });
    t.resourceCountIs('Custom::S3AutoDeleteObjects', 1);
  });

  it('CDK’s auto-delete helper function logs to a log group with a retention, like every other function', () => {
    const resources = t.toJSON().Resources as Record<string, { Type: string; Properties: Record<string, any> }>;
    const fns = Object.entries(resources).filter(([, r]) => r.Type === 'AWS::Lambda::Function');
    expect(fns.some(([id]) => id.startsWith('CustomS3AutoDeleteObjects'))).toBe(true);
    for (const [id, fn] of fns) expect(resources[fn.Properties.LoggingConfig?.LogGroup?.Ref]?.Properties.RetentionInDays, id).toBe(30);
  });
});

describe('domains and addresses', () => {
  it('verifies the sending domain and the capture domain separately, lower-cased, and outputs DKIM records for both', () => {
    t.hasResourceProperties('AWS::SES::EmailIdentity', { EmailIdentity: 'mail.nurture.test', ConfigurationSetAttributes: Match.anyValue() });
    t.hasResourceProperties('AWS::SES::EmailIdentity', { EmailIdentity: TEST_DOMAIN });
    const outputs = t.toJSON().Outputs;
    expect(outputs.CaptureAddress.Value).toBe(`bcc@${TEST_DOMAIN}`);
    expect(outputs.FromAddress.Value).toBe('digest@mail.nurture.test');
    expect(outputs.CaptureDomainDkimRecords).toBeDefined();
  });

  it.each([
    ['in.example.com', /example domain/],
    ['example.org', /example domain/],
    ['not a domain', /not a domain name/],
    ['', /Set the domain: npx cdk deploy -c domain=/],
  ])('refuses the capture domain %j with the command to run', (domain, why) => {
    expect(() => synthNurture({ domain })).toThrow(why);
  });

  it('refuses an example sending domain too', () => {
    expect(() => synthNurture({ sendingDomain: 'mail.example.net' })).toThrow(/sendingDomain "mail.example.net" is an example domain/);
  });
});

describe('regions', () => {
  const inRegion = (region: string, assumeReceivingRegion?: boolean) => () =>
    new NurtureStack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'Nurture', { domain: TEST_DOMAIN, env: { account: '123456789012', region }, assumeReceivingRegion });

  it('refuses a region where SES is not known to receive mail, naming the ones where it does and the way past', () => {
    expect(inRegion('me-south-1')).toThrow(/SES is not known to receive mail in me-south-1\. Deploy to one of us-east-1, .*eu-west-1.*-c assumeReceivingRegion=true/);
    // A receiving region added after the list was written: the operator checked and says so.
    expect(Template.fromStack(inRegion('me-south-1', true)()).toJSON().Outputs.MxRecord.Value).toBe(`${TEST_DOMAIN}. MX 10 inbound-smtp.me-south-1.amazonaws.com.`);
  });

  it('knows the receiving regions AWS added since 2023 (São Paulo, Stockholm, Mumbai, Seoul)', () => {
    for (const region of ['sa-east-1', 'eu-north-1', 'ap-south-1', 'ap-northeast-2']) expect(inRegion(region), region).not.toThrow();
  });

  it('accepts a receiving region, and publishes its inbound MX', () => {
    const stack = inRegion('eu-west-1')();
    expect(Template.fromStack(stack).toJSON().Outputs.MxRecord.Value).toBe(`${TEST_DOMAIN}. MX 10 inbound-smtp.eu-west-1.amazonaws.com.`);
  });
});

describe('operations', () => {
  it('subscribes the alarm e-mail', () => {
    t.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@nurture.test' });
  });

  it('expires raw mail after rawMailDays', () => {
    t.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: { Rules: Match.arrayWith([Match.objectLike({ Prefix: 'raw/', ExpirationInDays: 3 })]) },
    });
  });

  it('reserveConcurrency=true reserves 5 for the unsubscribe URL and 1 for the dispatcher', () => {
    const fns = Object.entries(t.toJSON().Resources as Record<string, { Type: string; Properties: Record<string, unknown> }>).filter(([, r]) => r.Type === 'AWS::Lambda::Function');
    const reserved = Object.fromEntries(fns.filter(([, f]) => 'ReservedConcurrentExecutions' in f.Properties).map(([id, f]) => [id.replace(/[0-9A-F]{8}$/, ''), f.Properties.ReservedConcurrentExecutions]));
    expect(reserved).toEqual({ Unsubscribe: 5, Dispatch: 1 });
  });

  it('replaceActiveRuleSet=true is passed to the activation', () => {
    t.hasResourceProperties('Custom::SesActiveReceiptRuleSet', { ReplaceActive: 'true' });
  });

  it('sandboxRecipients: capture and send may also send to those verified identities, and no more', () => {
    const sendEmail = allStatements(t).filter((x) => asArray(x.statement.Action).includes('ses:SendEmail'));
    expect(sendEmail).toHaveLength(2);
    for (const x of sendEmail) {
      expect(x.statement.Resource).toHaveLength(3);
      expect(JSON.stringify(x.statement.Resource)).toContain(':identity/me@home.nurture.test');
    }
  });

  it('allowSpfOnly reaches the capture function', () => {
    const capture = Object.entries(t.toJSON().Resources as Record<string, { Type: string; Properties: any }>).find(([id, r]) => id.startsWith('Capture') && r.Type === 'AWS::Lambda::Function')!;
    expect(capture[1].Properties.Environment.Variables.ALLOW_SPF_ONLY).toBe('true');
  });

  it('rejects a nonsensical rawMailDays', () => {
    expect(() => synthNurture({ rawMailDays: 0 })).toThrow('rawMailDays must be a whole number of days ≥ 1, got 0');
  });

  it('stays clean under cdk-nag with every option set', () => {
    expect(new AwsSolutionsChecks().validateScope(custom.stack).violations).toEqual([]);
  });
});

describe('the CDK app (bin/app.ts), as `cdk synth` runs it', () => {
  const runApp = (context: Record<string, unknown>) =>
    spawnSync(process.execPath, ['--import', 'tsx', 'bin/app.ts'], {
      encoding: 'utf8',
      timeout: 120_000,
      // How the CDK CLI hands an app its context and output directory; bundling is skipped.
      env: { ...process.env, CDK_DEFAULT_ACCOUNT: '', CDK_OUTDIR: mkdtempSync(join(tmpdir(), 'nurture-app-')), CDK_CONTEXT_JSON: JSON.stringify({ 'aws:cdk:bundling-stacks': [], ...context }) },
    });

  it('without -c domain (cdk.json supplies none) fails with the command to run', () => {
    const r = runApp({});
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('Set the domain: npx cdk deploy -c domain=');
  }, 120_000);

  it('with the example domain fails; with -c prod it says what replaced it', () => {
    expect(runApp({ domain: 'in.example.com' }).stderr).toMatch(/"in.example.com" is an example domain/);
    expect(runApp({ domain: TEST_DOMAIN, prod: 'true' }).stderr).toMatch(/-c prod is gone.*-c ephemeral=true/);
  }, 240_000);

  it('with a real domain synthesizes', () => {
    const r = runApp({ domain: TEST_DOMAIN });
    expect(r.stderr).not.toMatch(/Error/);
    expect(r.status).toBe(0);
  }, 120_000);
});
