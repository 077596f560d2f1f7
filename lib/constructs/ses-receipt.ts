/**
 * SES receiving for the capture domain: a receipt rule set with one rule (S3 action, then Lambda action),
 * and a custom resource that activates the rule set (CloudFormation can create rule sets but not activate them)
 * without ever replacing another application's active set unasked.
 *
 * Why S3 then Lambda (not S3 → SQS → Lambda): the Lambda event carries the receipt verdicts (spam, virus, SPF,
 * DKIM, DMARC) that capture's authorisation needs; an asynchronous (Event) invocation gives Lambda's retries and an
 * on-failure destination, while the raw mail waits in S3 whatever happens. See docs/deploy.md.
 *
 * The built-in `aws-ses-actions` S3 and Lambda actions grant SES with `aws:SourceAccount` only; these grant with
 * SourceAccount AND SourceArn (this very rule), so no other rule set in the account can write to the bucket or
 * invoke the function. That needs the rule's ARN before the rule exists, hence fixed rule set and rule names.
 */
import { fileURLToPath } from 'node:url';
import { Aws, CustomResource, Duration, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as ses from 'aws-cdk-lib/aws-ses';
import { Construct } from 'constructs';
import { NurtureFunction } from './nurture-function.ts';

export interface CaptureReceiptProps {
  /** Mail to any address at this domain is received (log@…, reply+token@…). */
  readonly domain: string;
  /** Where SES writes the raw MIME. */
  readonly bucket: s3.Bucket;
  /** Key prefix for raw mail; the object key is prefix + SES messageId. */
  readonly prefix: string;
  /** Invoked asynchronously after the S3 action. */
  readonly captureFunction: lambda.IFunction;
  /** @default `${stackName}-inbound` */
  readonly ruleSetName?: string;
  /** @default 'capture' */
  readonly ruleName?: string;
  /** Replace a receipt rule set of another application that is active in this region. @default false */
  readonly replaceActive?: boolean;
  /** The project root (for bundling the activation helper), ending in a slash. */
  readonly projectRoot: string;
}

export class CaptureReceipt extends Construct {
  readonly ruleSet: ses.ReceiptRuleSet;
  readonly rule: ses.ReceiptRule;
  readonly ruleArn: string;
  readonly activation: CustomResource;

  constructor(scope: Construct, id: string, props: CaptureReceiptProps) {
    super(scope, id);
    const ruleSetName = props.ruleSetName ?? `${Stack.of(this).stackName}-inbound`;
    const ruleName = props.ruleName ?? 'capture';
    // SES's own ARN format for a receipt rule (the SourceArn it presents to S3 and Lambda).
    this.ruleArn = `arn:${Aws.PARTITION}:ses:${Aws.REGION}:${Aws.ACCOUNT_ID}:receipt-rule-set/${ruleSetName}:receipt-rule/${ruleName}`;
    const fromThisRule = { 'aws:SourceAccount': Aws.ACCOUNT_ID, 'aws:SourceArn': this.ruleArn };

    props.bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowSesReceiptRuleToStoreRawMail',
        principals: [new iam.ServicePrincipal('ses.amazonaws.com')],
        actions: ['s3:PutObject'],
        resources: [props.bucket.arnForObjects(`${props.prefix}*`)],
        conditions: { StringEquals: fromThisRule },
      }),
    );
    props.captureFunction.addPermission('AllowSesReceiptRule', {
      principal: new iam.ServicePrincipal('ses.amazonaws.com'),
      action: 'lambda:InvokeFunction',
      sourceAccount: Aws.ACCOUNT_ID,
      sourceArn: this.ruleArn,
    });
    const permission = props.captureFunction.permissionsNode.findChild('AllowSesReceiptRule');

    this.ruleSet = new ses.ReceiptRuleSet(this, 'RuleSet', { receiptRuleSetName: ruleSetName });
    this.rule = this.ruleSet.addRule('Rule', {
      receiptRuleName: ruleName,
      recipients: [props.domain],
      // Spam and virus verdicts are computed only when scanning is on; capture refuses FAIL verdicts.
      scanEnabled: true,
      // Reject mail that arrives without TLS: captured mail is private correspondence.
      tlsPolicy: ses.TlsPolicy.REQUIRE,
      enabled: true,
      actions: [
        { bind: () => ({ s3Action: { bucketName: props.bucket.bucketName, objectKeyPrefix: props.prefix } }) },
        { bind: () => ({ lambdaAction: { functionArn: props.captureFunction.functionArn, invocationType: 'Event' } }) },
      ],
    });
    // SES checks both permissions when the rule is created (it writes a setup object and dry-runs the invoke).
    if (props.bucket.policy) this.rule.node.addDependency(props.bucket.policy);
    this.rule.node.addDependency(permission);

    // Activation refuses to replace another active rule set unless asked to (active-rule-set-handler.ts).
    const activator = new NurtureFunction(this, 'Activator', {
      entry: fileURLToPath(new URL('./active-rule-set-handler.ts', import.meta.url)),
      projectRoot: props.projectRoot,
      serviceName: 'nurture-receipt-activation',
      description: 'Activates the Nurture receipt rule set unless another set is active; on delete deactivates only its own',
      timeout: Duration.seconds(30),
    });
    // Neither SES action supports resource-level permissions (Service Authorization Reference): Resource "*".
    activator.addToRolePolicy(new iam.PolicyStatement({ actions: ['ses:DescribeActiveReceiptRuleSet', 'ses:SetActiveReceiptRuleSet'], resources: ['*'] }));
    Validations.of(activator.role!).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'ses:DescribeActiveReceiptRuleSet and ses:SetActiveReceiptRuleSet have no resource-level permissions (Service Authorization Reference: no resource types); the statement allows those two actions only.',
    });
    this.activation = new CustomResource(this, 'Activate', {
      serviceToken: activator.functionArn,
      resourceType: 'Custom::SesActiveReceiptRuleSet',
      properties: { RuleSetName: ruleSetName, ReplaceActive: String(props.replaceActive ?? false) },
    });
    this.activation.node.addDependency(this.rule);
  }
}
