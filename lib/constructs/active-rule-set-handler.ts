/**
 * Custom resource handler (a Lambda behind CloudFormation) that activates Nurture's receipt rule set, safely.
 *
 * An account has one active receipt rule set per region. Activating ours silently stops whatever was active
 * (WorkMail, another app, a second Nurture stack) from receiving mail, so a foreign active set makes the deploy
 * fail with what to do, unless the operator opted in (`-c replaceActiveRuleSet=true`). On delete, only our own
 * set is deactivated: if another set has been activated since, it is left alone.
 *
 * It answers CloudFormation itself (a PUT to the pre-signed ResponseURL), so no provider framework function is
 * needed: one small helper, with its own log group.
 */
import { DescribeActiveReceiptRuleSetCommand, SESClient, SetActiveReceiptRuleSetCommand } from '@aws-sdk/client-ses';

export interface ActivationEvent {
  readonly RequestType: 'Create' | 'Update' | 'Delete';
  readonly ResponseURL: string;
  readonly StackId: string;
  readonly RequestId: string;
  readonly LogicalResourceId: string;
  readonly PhysicalResourceId?: string;
  readonly ResourceProperties: { readonly RuleSetName: string; readonly ReplaceActive?: string };
}

/** The two SES calls this needs; the SES client satisfies it (and so does SES's behaviour in a test). */
export interface RuleSets {
  active(): Promise<string | undefined>;
  /** `undefined` deactivates whatever is active. */
  activate(name: string | undefined): Promise<void>;
}

export class ForeignRuleSetError extends Error {
  override name = 'ForeignRuleSetError';
}

/** What the resource does; returns its physical id, or throws with the reason CloudFormation shows. */
export async function applyActivation(event: ActivationEvent, sets: RuleSets): Promise<string> {
  const ours = event.ResourceProperties.RuleSetName;
  const active = await sets.active();
  if (event.RequestType === 'Delete') {
    if (active === ours) await sets.activate(undefined);
    return event.PhysicalResourceId ?? ours;
  }
  if (active && active !== ours && event.ResourceProperties.ReplaceActive !== 'true') {
    throw new ForeignRuleSetError(
      `The active SES receipt rule set in this region is "${active}", not Nurture's "${ours}". Activating Nurture's would stop "${active}" from receiving mail. ` +
        'Deploy Nurture in another receiving region, or, if replacing it is what you want, deploy again with -c replaceActiveRuleSet=true (see docs/deploy.md).',
    );
  }
  if (active !== ours) await sets.activate(ours);
  return ours;
}

export function sesRuleSets(ses: SESClient): RuleSets {
  return {
    active: async () => (await ses.send(new DescribeActiveReceiptRuleSetCommand({}))).Metadata?.Name,
    activate: async (name) => {
      await ses.send(new SetActiveReceiptRuleSetCommand(name ? { RuleSetName: name } : {}));
    },
  };
}

/** Reports the outcome to CloudFormation; a failure carries the reason to the stack events. */
export async function respond(event: ActivationEvent, outcome: { physicalId: string } | { error: string }): Promise<void> {
  const body = JSON.stringify({
    Status: 'physicalId' in outcome ? 'SUCCESS' : 'FAILED',
    Reason: 'error' in outcome ? outcome.error.slice(0, 3000) : 'OK',
    PhysicalResourceId: 'physicalId' in outcome ? outcome.physicalId : (event.PhysicalResourceId ?? event.ResourceProperties.RuleSetName),
    StackId: event.StackId,
    RequestId: event.RequestId,
    LogicalResourceId: event.LogicalResourceId,
  });
  // The pre-signed URL expects no content type (it is part of the signature).
  const res = await fetch(event.ResponseURL, { method: 'PUT', body, headers: { 'content-type': '' } });
  if (!res.ok) throw new Error(`CloudFormation response refused: HTTP ${res.status}`);
}

const ses = new SESClient({});

export async function handler(event: ActivationEvent): Promise<void> {
  let outcome: { physicalId: string } | { error: string };
  try {
    outcome = { physicalId: await applyActivation(event, sesRuleSets(ses)) };
  } catch (err) {
    outcome = { error: err instanceof Error ? err.message : String(err) };
  }
  console.log(JSON.stringify({ requestType: event.RequestType, ruleSet: event.ResourceProperties.RuleSetName, outcome }));
  await respond(event, outcome);
}
