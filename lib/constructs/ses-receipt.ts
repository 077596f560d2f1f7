/**
 * SES receiving for the capture domain: a receipt rule set with one rule (S3 action, then Lambda action),
 * and a custom resource that activates the rule set (CloudFormation can create rule sets but not activate them).
 *
 * Why S3 then Lambda (not S3 → SQS → Lambda): the Lambda event carries the receipt verdicts (spam, virus, SPF,
 * DKIM, DMARC) that capture's authorisation needs; an asynchronous (Event) invocation gives Lambda's retries and an
 * on-failure destination, while the raw mail waits in S3 whatever happens. See docs/deploy.md.
 *
 * The built-in `aws-ses-actions` S3 and Lambda actions grant SES with `aws:SourceAccount` only; these grant with
 * SourceAccount AND SourceArn (this very rule), so no other rule set in the account can write to the bucket or
 * invoke the function. That needs the rule's ARN before the rule exists, hence fixed rule set and rule names.
 */
import { Aws, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as ses from 'aws-cdk-lib/aws-ses';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';

/** The construct id CDK gives AwsCustomResource's shared provider function (a stack-level singleton). */
const AWS_CUSTOM_RESOURCE_SINGLETON = 'AWS679f53fac002430cb0da5b7982bd2287';

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
}

export class CaptureReceipt extends Construct {
  readonly ruleSet: ses.ReceiptRuleSet;
  readonly rule: ses.ReceiptRule;
  readonly ruleArn: string;
  readonly activation: cr.AwsCustomResource;

  constructor(scope: Construct, id: string, props: CaptureReceiptProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const ruleSetName = props.ruleSetName ?? `${stack.stackName}-inbound`;
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

    this.activation = new cr.AwsCustomResource(this, 'Activate', {
      resourceType: 'Custom::SesActiveReceiptRuleSet',
      onCreate: {
        service: 'SES',
        action: 'SetActiveReceiptRuleSet',
        parameters: { RuleSetName: ruleSetName },
        physicalResourceId: cr.PhysicalResourceId.of(ruleSetName),
      },
      onUpdate: {
        service: 'SES',
        action: 'SetActiveReceiptRuleSet',
        parameters: { RuleSetName: ruleSetName },
        physicalResourceId: cr.PhysicalResourceId.of(ruleSetName),
      },
      // No RuleSetName = deactivate, so the rule set can then be deleted (SES refuses to delete the active one).
      onDelete: { service: 'SES', action: 'SetActiveReceiptRuleSet', parameters: {} },
      // SetActiveReceiptRuleSet supports no resource-level permissions: AWS requires Resource "*" for it.
      policy: cr.AwsCustomResourcePolicy.fromStatements([new iam.PolicyStatement({ actions: ['ses:SetActiveReceiptRuleSet'], resources: ['*'] })]),
      installLatestAwsSdk: false,
    });
    this.activation.node.addDependency(this.rule);
    Validations.of(this.activation).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'ses:SetActiveReceiptRuleSet has no resource-level permissions (Service Authorization Reference: no resource types); the statement allows that one action only.',
    });
    // AwsCustomResource runs on a CDK-provided singleton function whose role carries AWSLambdaBasicExecutionRole.
    const provider = stack.node.tryFindChild(AWS_CUSTOM_RESOURCE_SINGLETON);
    if (provider) {
      Validations.of(provider).acknowledge({
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        reason: 'CDK\'s AwsCustomResource provider (runs once per deploy to activate/deactivate the rule set) uses the AWS-managed basic execution policy for its own logs; CDK offers no way to replace it.',
      });
    }
  }
}

