/**
 * CDK app entry: `npx cdk synth|deploy -c domain=in.yourdomain.com [-c sendingDomain=…] [-c ephemeral=true] …`.
 * Nothing is defaulted that could do harm: no domain (cdk.json supplies none), an example domain or a region where
 * SES receives no mail fail the synth with the command to run. cdk-nag's AwsSolutions pack runs on every synth; an
 * unacknowledged finding fails it. Every setting is described in docs/deploy.md.
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { checkDomain, NurtureStack, type NurtureStackProps } from '../lib/nurture-stack.ts';

const app = new App();

function context(name: string): string | undefined {
  const v: unknown = app.node.tryGetContext(name);
  return v === undefined || v === null || v === '' ? undefined : String(v);
}
function flag(name: string): boolean | undefined {
  const v = context(name);
  if (v === undefined) return undefined;
  if (v !== 'true' && v !== 'false') throw new Error(`-c ${name} must be true or false, got "${v}"`);
  return v === 'true';
}

if (context('prod') !== undefined) {
  throw new Error('-c prod is gone: data is now kept by default (RETAIN, deletion protection). For a throw-away stack use -c ephemeral=true.');
}
const domain = checkDomain('domain', context('domain'));
const rawMailDays = context('rawMailDays');

const props: NurtureStackProps = {
  domain,
  sendingDomain: context('sendingDomain'),
  captureLocalPart: context('captureLocalPart'),
  fromAddress: context('fromAddress'),
  rawMailDays: rawMailDays === undefined ? undefined : Number(rawMailDays),
  ephemeral: flag('ephemeral'),
  alarmEmail: context('alarmEmail'),
  reserveConcurrency: flag('reserveConcurrency'),
  replaceActiveRuleSet: flag('replaceActiveRuleSet'),
  sandboxRecipients: context('sandboxRecipients')?.split(',').filter((a) => a.trim()),
  allowSpfOnly: flag('allowSpfOnly'),
  assumeReceivingRegion: flag('assumeReceivingRegion'),
  // Deploy targets the CLI's account and region; synth without credentials stays environment-agnostic.
  env: process.env.CDK_DEFAULT_ACCOUNT ? { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION } : undefined,
  description: `Nurture: relationship follow-ups by email (capture domain ${domain})`,
};

new NurtureStack(app, context('stackName') ?? 'Nurture', props);
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
