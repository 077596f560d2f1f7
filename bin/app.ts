/**
 * CDK app entry: `npx cdk synth|deploy -c domain=in.example.com [-c sendingDomain=…] [-c prod=true] …`.
 * cdk-nag's AwsSolutions pack runs on every synth; an unacknowledged finding fails it.
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { NurtureStack, type NurtureStackProps } from '../lib/nurture-stack.ts';

const app = new App();

function context(name: string): string | undefined {
  const v: unknown = app.node.tryGetContext(name);
  return v === undefined || v === null || v === '' ? undefined : String(v);
}
function flag(name: string): boolean | undefined {
  const v = context(name);
  return v === undefined ? undefined : v === 'true';
}

const domain = context('domain');
if (!domain) throw new Error('Set the capture domain: npx cdk deploy -c domain=in.example.com');
const rawMailDays = context('rawMailDays');

const props: NurtureStackProps = {
  domain,
  sendingDomain: context('sendingDomain'),
  captureLocalPart: context('captureLocalPart'),
  fromAddress: context('fromAddress'),
  rawMailDays: rawMailDays === undefined ? undefined : Number(rawMailDays),
  prod: flag('prod'),
  alarmEmail: context('alarmEmail'),
  reserveConcurrency: flag('reserveConcurrency'),
  allowSpfOnly: flag('allowSpfOnly'),
  // Deploy targets the CLI's account and region; synth without credentials stays environment-agnostic.
  env: process.env.CDK_DEFAULT_ACCOUNT ? { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION } : undefined,
  description: `Nurture: relationship follow-ups by email (capture domain ${domain})`,
};

new NurtureStack(app, context('stackName') ?? 'Nurture', props);
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
