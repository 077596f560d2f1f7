/**
 * The receipt rule set activation custom resource: it never replaces another application's active rule set
 * unasked, deactivates only its own on delete, and always answers CloudFormation (a real HTTP server stands in for
 * the pre-signed response URL), also when SES fails, so a deploy fails with a reason instead of hanging.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DescribeActiveReceiptRuleSetCommand, SESClient, SetActiveReceiptRuleSetCommand } from '@aws-sdk/client-ses';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { applyActivation, handler, type ActivationEvent, type RuleSets } from '../../lib/constructs/active-rule-set-handler.ts';

/** SES's rule: one active rule set per account and region; activating another replaces it. */
function region(active?: string): RuleSets & { current: () => string | undefined } {
  let now = active;
  return { active: async () => now, activate: async (name) => void (now = name), current: () => now };
}

let server: Server;
let url: string;
let responses: Record<string, string>[];
beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      responses.push({ method: req.method ?? '', ...(JSON.parse(body) as Record<string, string>) });
      res.end();
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/presigned`;
});
afterAll(() => new Promise<void>((ok) => server.close(() => ok())));
beforeEach(() => {
  responses = [];
});

const event = (RequestType: ActivationEvent['RequestType'], replace = false): ActivationEvent => ({
  RequestType,
  ResponseURL: url,
  StackId: 'arn:aws:cloudformation:eu-west-1:123456789012:stack/Nurture/x',
  RequestId: 'req-1',
  LogicalResourceId: 'ReceivingActivate',
  ...(RequestType === 'Create' ? {} : { PhysicalResourceId: 'Nurture-inbound' }),
  ResourceProperties: { RuleSetName: 'Nurture-inbound', ReplaceActive: String(replace) },
});

describe('applyActivation', () => {
  it('activates ours when nothing is active, and an update keeps it active', async () => {
    const ses = region();
    await expect(applyActivation(event('Create'), ses)).resolves.toBe('Nurture-inbound');
    await applyActivation(event('Update'), ses);
    expect(ses.current()).toBe('Nurture-inbound');
  });

  it('refuses to replace a foreign active set, naming it and the opt-in; the foreign set stays active', async () => {
    const ses = region('workmail-rules');
    await expect(applyActivation(event('Create'), ses)).rejects.toThrow(/active SES receipt rule set in this region is "workmail-rules".*-c replaceActiveRuleSet=true/);
    expect(ses.current()).toBe('workmail-rules');
  });

  it('replaces it when the operator opted in', async () => {
    const ses = region('workmail-rules');
    await applyActivation(event('Create', true), ses);
    expect(ses.current()).toBe('Nurture-inbound');
  });

  it('on delete deactivates ours, and leaves a set activated since alone', async () => {
    const ours = region('Nurture-inbound');
    await applyActivation(event('Delete'), ours);
    expect(ours.current()).toBeUndefined();
    const other = region('Nurture2-inbound');
    await applyActivation(event('Delete'), other);
    expect(other.current()).toBe('Nurture2-inbound');
  });
});

describe('handler (as Lambda runs it)', () => {
  it('answers CloudFormation SUCCESS with the physical id', async () => {
    const ses = mockClient(SESClient);
    ses.on(DescribeActiveReceiptRuleSetCommand).resolves({});
    ses.on(SetActiveReceiptRuleSetCommand).resolves({});
    try {
      await handler(event('Create'));
      expect(ses.commandCalls(SetActiveReceiptRuleSetCommand)[0]!.args[0].input).toEqual({ RuleSetName: 'Nurture-inbound' });
    } finally {
      ses.restore();
    }
    expect(responses).toEqual([expect.objectContaining({ method: 'PUT', Status: 'SUCCESS', PhysicalResourceId: 'Nurture-inbound', RequestId: 'req-1', LogicalResourceId: 'ReceivingActivate' })]);
  });

  it('answers FAILED with the reason when a foreign set is active, or when SES throttles (never leaves the stack waiting)', async () => {
    const ses = mockClient(SESClient);
    ses.on(DescribeActiveReceiptRuleSetCommand)
      .resolvesOnce({ Metadata: { Name: 'workmail-rules' } })
      .rejectsOnce(Object.assign(new Error('Rate exceeded'), { name: 'Throttling' }));
    try {
      await handler(event('Create'));
      await handler(event('Create'));
      expect(ses.commandCalls(SetActiveReceiptRuleSetCommand)).toHaveLength(0);
    } finally {
      ses.restore();
    }
    expect(responses.map((r) => [r.Status, r.Reason])).toEqual([
      ['FAILED', expect.stringContaining('"workmail-rules"')],
      ['FAILED', 'Rate exceeded'],
    ]);
  });
});
