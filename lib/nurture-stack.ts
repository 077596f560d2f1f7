/**
 * Nurture on AWS, one stack: SES receiving → S3 + capture Lambda → DynamoDB; an hourly schedule → dispatch
 * Lambda → SQS → send Lambda → SESv2; bounce/complaint feedback; one-click unsubscribe; alarms.
 * docs/deploy.md explains every choice a deployer needs to know about.
 */
import { fileURLToPath } from 'node:url';
import { ArnFormat, CfnOutput, CfnResource, Duration, Fn, RemovalPolicy, Stack, Token, Validations, type StackProps } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as eventTargets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logsLib from 'aws-cdk-lib/aws-logs';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as schedulerTargets from 'aws-cdk-lib/aws-scheduler-targets';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as ses from 'aws-cdk-lib/aws-ses';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { DISPATCH_MARK, LOCAL_INDEX, LOCAL_INDEX_ATTRIBUTES, DUE_INDEX, TABLE_KEYS, TTL_ATTRIBUTE } from '../functions/adapters/table-schema.ts';
import { NurtureFunction } from './constructs/nurture-function.ts';
import { CaptureReceipt } from './constructs/ses-receipt.ts';

export interface NurtureStackProps extends StackProps {
  /** The capture domain: its MX points at SES; mail to log@ and reply+token@ it is captured. */
  readonly domain: string;
  /** Domain the digests are sent from (Easy DKIM identity). @default domain */
  readonly sendingDomain?: string;
  /** Local part of the capture address. @default 'log' */
  readonly captureLocalPart?: string;
  /** From: of the digests. @default `nurture@${sendingDomain}` */
  readonly fromAddress?: string;
  /** Days raw mail stays in S3 before it expires. @default 7 */
  readonly rawMailDays?: number;
  /**
   * A throw-away stack: table, bucket (emptied) and secret are deleted with the stack and the table has no deletion
   * protection. Off, the data is kept: RETAIN on delete and on replacement, table deletion protection on. @default false
   */
  readonly ephemeral?: boolean;
  /** Where alarm notifications are mailed. @default no subscription (alarms still go to the topic) */
  readonly alarmEmail?: string;
  /**
   * Reserve concurrency for the public unsubscribe URL (5) and the dispatcher (1). Off by default: new accounts
   * have a concurrency quota of 10 and AWS keeps 10 unreserved, so any reservation fails their first deploy.
   * Turn it on once the account's quota is raised. @default false
   */
  readonly reserveConcurrency?: boolean;
  /**
   * Activate Nurture's receipt rule set even though another rule set is active in the region (that set then stops
   * receiving mail). Off, such a deploy fails and says so. @default false
   */
  readonly replaceActiveRuleSet?: boolean;
  /**
   * In the SES sandbox, SES also authorises the recipient: the verified addresses digests, confirmations and
   * notices may go to. Grants ses:SendEmail on these identities to the functions that send. @default none
   */
  readonly sandboxRecipients?: readonly string[];
  /**
   * Accept mail whose From domain publishes no DMARC when only SPF (aligned) passed. Off: SPF vouches for the
   * envelope sender, not the From header; such senders are refused until their domain adds DMARC or DKIM. @default false
   */
  readonly allowSpfOnly?: boolean;
  /**
   * Deploy to a region missing from SES_RECEIVING_REGIONS, for a receiving region AWS added after that list was
   * written: check the General Reference's "Email receiving endpoints" first. @default false
   */
  readonly assumeReceivingRegion?: boolean;
}

/**
 * Regions where SES receives mail (the "Email receiving endpoints" table of the AWS General Reference, "Amazon
 * Simple Email Service endpoints and quotas"). A stack elsewhere would deploy and never receive anything. AWS adds
 * receiving regions over time (Stockholm, Mumbai, Seoul and São Paulo receive by 2026, with inbound-smtp MX records
 * in use), so the list can lag: `assumeReceivingRegion: true` (`-c assumeReceivingRegion=true`) deploys anyway.
 */
export const SES_RECEIVING_REGIONS = [
  'us-east-1', 'us-east-2', 'us-west-1', 'us-west-2', 'ca-central-1', 'sa-east-1',
  'eu-west-1', 'eu-west-2', 'eu-west-3', 'eu-central-1', 'eu-south-1', 'eu-north-1',
  'ap-south-1', 'ap-southeast-1', 'ap-southeast-2', 'ap-northeast-1', 'ap-northeast-2',
] as const;

/** RFC 2606's example domains: a stack for them could never receive mail, and was cdk.json's old default. */
const EXAMPLE_DOMAIN = /(^|\.)example\.(com|net|org)$/i;
const HOSTNAME = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$/i;

/** Refuses a missing, malformed or example domain with the command to run instead. */
export function checkDomain(setting: string, value: string | undefined): string {
  const how = `npx cdk deploy -c ${setting}=in.yourdomain.com (a subdomain whose MX you can point at SES; see docs/deploy.md)`;
  if (!value) throw new Error(`Set the ${setting}: ${how}`);
  if (!HOSTNAME.test(value)) throw new Error(`${setting} "${value}" is not a domain name: ${how}`);
  if (EXAMPLE_DOMAIN.test(value)) throw new Error(`${setting} "${value}" is an example domain that can never receive mail: ${how}`);
  return value.toLowerCase();
}

/** Prefix the capture Lambda reads and the lifecycle rule expires. */
export const RAW_MAIL_PREFIX = 'raw/';
/** The one-click unsubscribe URL is public: cap how much an abuser can make it cost. */
const UNSUBSCRIBE_CONCURRENCY = 5;
/** One dispatcher at a time: a retry never overlaps the next hour's run. */
const DISPATCH_CONCURRENCY = 1;
/** Digest sends in flight: keeps SESv2 under the default 14 msg/s with room for the send Lambda's retries. */
const SEND_MAX_CONCURRENCY = 2;
const SEND_TIMEOUT = Duration.seconds(60);
/** AWS's SES review thresholds are 5% bounces and 0.1% complaints: warn before review. */
const BOUNCE_RATE_ALARM = 0.04;
const COMPLAINT_RATE_ALARM = 0.0008;

const handlerPath = (relative: string): string => fileURLToPath(new URL(`../functions/${relative}`, import.meta.url));
const projectRoot = fileURLToPath(new URL('..', import.meta.url));

export class NurtureStack extends Stack {
  readonly table: dynamodb.Table;
  readonly rawMailBucket: s3.Bucket;
  readonly functions: Record<'capture' | 'dispatch' | 'send' | 'unsubscribe' | 'feedback', NurtureFunction>;
  readonly deadLetterQueues: Record<'capture' | 'dispatch' | 'digest' | 'feedback', sqs.Queue>;
  readonly digestQueue: sqs.Queue;
  readonly alarmTopic: sns.Topic;

  constructor(scope: Construct, id: string, props: NurtureStackProps) {
    super(scope, id, props);
    const domain = checkDomain('domain', props.domain);
    const sendingDomain = props.sendingDomain ? checkDomain('sendingDomain', props.sendingDomain) : domain;
    // Environment-agnostic synth (no credentials) leaves the region a token; deploys name it.
    if (!Token.isUnresolved(this.region) && !(SES_RECEIVING_REGIONS as readonly string[]).includes(this.region) && !props.assumeReceivingRegion) {
      throw new Error(
        `SES is not known to receive mail in ${this.region}. Deploy to one of ${SES_RECEIVING_REGIONS.join(', ')} (e.g. AWS_REGION=eu-west-1 npx cdk deploy …), or, if AWS's "Email receiving endpoints" table lists ${this.region} now, add -c assumeReceivingRegion=true; see "Choose a region" in docs/deploy.md.`,
      );
    }
    const captureAddress = `${props.captureLocalPart ?? 'log'}@${domain}`;
    const fromAddress = props.fromAddress ?? `nurture@${sendingDomain}`;
    const rawMailDays = props.rawMailDays ?? 7;
    const ephemeral = props.ephemeral ?? false;
    const reserve = props.reserveConcurrency ?? false;
    const keep = ephemeral ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN;
    if (!Number.isInteger(rawMailDays) || rawMailDays < 1) throw new Error(`rawMailDays must be a whole number of days ≥ 1, got ${rawMailDays}`);

    // ---- data ------------------------------------------------------------------------------------------
    const secret = new secretsmanager.Secret(this, 'TokenKey', {
      description: 'Nurture HMAC master key for reply and unsubscribe tokens',
      // 64 random alphanumerics (~380 bits); the string's UTF-8 bytes are the key (functions/adapters/secrets.ts).
      generateSecretString: { passwordLength: 64, excludePunctuation: true, includeSpace: false },
      removalPolicy: keep,
    });
    Validations.of(secret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'Rotating the HMAC master key would invalidate every reply and unsubscribe token already mailed out; rotation needs a two-key verifier first (tracked in docs/deploy.md).',
    });

    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: { name: TABLE_KEYS.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: TABLE_KEYS.sortKey, type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      timeToLiveAttribute: TTL_ATTRIBUTE,
      deletionProtection: !ephemeral,
      removalPolicy: keep,
    });
    this.table.addGlobalSecondaryIndex({
      indexName: DUE_INDEX.name,
      partitionKey: { name: DUE_INDEX.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: DUE_INDEX.sortKey, type: dynamodb.AttributeType.STRING },
      projectionType: dynamodb.ProjectionType.KEYS_ONLY,
    });
    this.table.addLocalSecondaryIndex({
      indexName: LOCAL_INDEX.name,
      sortKey: { name: LOCAL_INDEX.sortKey, type: dynamodb.AttributeType.STRING },
      // The digest reads contacts by rank and this week's mail straight from the index.
      projectionType: dynamodb.ProjectionType.INCLUDE,
      nonKeyAttributes: [...LOCAL_INDEX_ATTRIBUTES],
    });

    this.rawMailBucket = new s3.Bucket(this, 'RawMail', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      lifecycleRules: [
        { id: 'expire-raw-mail', prefix: RAW_MAIL_PREFIX, expiration: Duration.days(rawMailDays) },
        { id: 'abort-incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(1) },
      ],
      removalPolicy: keep,
      autoDeleteObjects: ephemeral,
    });
    Validations.of(this.rawMailBucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason: `Objects are SES-written raw mail that expires after ${rawMailDays} days and is read only by the capture function; server access logs would need a second bucket and would record message ids for longer than the mail itself is kept.`,
    });

    // ---- queues: one dead-letter queue per asynchronous path, each alarmed --------------------------------
    const failureQueue = (name: string, purpose: string): sqs.Queue => {
      const q = new sqs.Queue(this, name, {
        encryption: sqs.QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        retentionPeriod: Duration.days(14),
      });
      Validations.of(q).acknowledge({ id: 'AwsSolutions-SQS3', reason: `This queue is itself the dead-letter queue for ${purpose}; it is alarmed at depth > 0.` });
      return q;
    };
    this.deadLetterQueues = {
      capture: failureQueue('CaptureFailures', 'the capture function (async SES invocations that exhausted their retries)'),
      dispatch: failureQueue('DispatchFailures', 'the hourly dispatcher (Scheduler deliveries and async invocations)'),
      digest: failureQueue('DigestDeadLetters', 'digest messages the send function failed five times'),
      feedback: failureQueue('FeedbackFailures', 'SES bounce/complaint events (EventBridge deliveries and async invocations)'),
    };
    this.digestQueue = new sqs.Queue(this, 'DigestQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // AWS's guidance for Lambda event sources: at least six times the function timeout.
      visibilityTimeout: Duration.seconds(SEND_TIMEOUT.toSeconds() * 6),
      deadLetterQueue: { queue: this.deadLetterQueues.digest, maxReceiveCount: 5 },
    });

    // ---- SES sending: identity, configuration set, feedback --------------------------------------------
    const configurationSet = new ses.ConfigurationSet(this, 'DigestConfig', {
      reputationMetrics: true,
      sendingEnabled: true,
      suppressionReasons: ses.SuppressionReasons.BOUNCES_AND_COMPLAINTS,
      // Digests summarise private correspondence: never deliver them over an unencrypted hop.
      tlsPolicy: ses.ConfigurationSetTlsPolicy.REQUIRE,
    });
    const sendingIdentity = new ses.EmailIdentity(this, 'SendingIdentity', {
      identity: ses.Identity.domain(sendingDomain),
      configurationSet,
    });
    // SES receives only for verified domains; when capture and sending domains differ, verify both.
    const captureIdentity =
      domain === sendingDomain ? sendingIdentity : new ses.EmailIdentity(this, 'CaptureIdentity', { identity: ses.Identity.domain(domain) });

    // ---- functions ---------------------------------------------------------------------------------------
    const common = { projectRoot };
    const capture = new NurtureFunction(this, 'Capture', {
      ...common,
      entry: handlerPath('capture/handler.ts'),
      serviceName: 'nurture-capture',
      description: 'Captures mail SES received: raw MIME from S3, receipt verdicts from the event',
      // mailparser holds a whole message (SES allows 40 MB) in memory, and memory buys CPU.
      memorySize: 1024,
      timeout: Duration.seconds(60),
      // FROM_ADDRESS: capture answers reply commands with a confirmation, and owners with a notice.
      environment: {
        CAPTURE_ADDRESS: captureAddress,
        FROM_ADDRESS: fromAddress,
        RAW_MAIL_BUCKET: this.rawMailBucket.bucketName,
        RAW_MAIL_PREFIX,
        CONFIGURATION_SET: configurationSet.configurationSetName,
        ALLOW_SPF_ONLY: String(props.allowSpfOnly ?? false),
      },
      retryAttempts: 2,
      maxEventAge: Duration.hours(6),
      onFailure: new SqsDestination(this.deadLetterQueues.capture),
    })
      .useTable(this.table, 'readWrite', { queryIndexes: [LOCAL_INDEX.name] })
      .useSecret(secret);
    capture.addToRolePolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [this.rawMailBucket.arnForObjects(`${RAW_MAIL_PREFIX}*`)] }));
    // Confirmations and owner notices go to the user's own address only, from the verified sending identity,
    // through the configuration set (bounce and complaint tracking).
    // SESv2 SendEmail authorises against the identity and configuration set named in the call (and, in the SES
    // sandbox, the recipient's verified identity): only those, for capture and send alike.
    const sendEmail = new iam.PolicyStatement({
      actions: ['ses:SendEmail'],
      resources: [
        sendingIdentity.emailIdentityArn,
        this.formatArn({ service: 'ses', resource: 'configuration-set', resourceName: configurationSet.configurationSetName }),
        ...(props.sandboxRecipients ?? []).map((address) => this.formatArn({ service: 'ses', resource: 'identity', resourceName: address.trim().toLowerCase() })),
      ],
    });
    capture.addToRolePolicy(sendEmail);
    Validations.of(capture.role!).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${this.getLogicalId(this.rawMailBucket.node.defaultChild as s3.CfnBucket)}.Arn>/${RAW_MAIL_PREFIX}*]`,
      reason: 'Object keys are SES message ids, unknown until mail arrives; read access is limited to the raw-mail prefix of this one bucket.',
    });

    const unsubscribe = new NurtureFunction(this, 'Unsubscribe', {
      ...common,
      entry: handlerPath('unsubscribe/handler.ts'),
      serviceName: 'nurture-unsubscribe',
      description: 'RFC 8058 one-click unsubscribe (function URL; the signed token authenticates)',
      timeout: Duration.seconds(10),
      ...(reserve ? { reservedConcurrentExecutions: UNSUBSCRIBE_CONCURRENCY } : {}),
    })
      .useTable(this.table, ['dynamodb:UpdateItem'])
      .useSecret(secret);
    // Auth type NONE on purpose: mail providers POST here with no AWS credentials (RFC 8058). The signed,
    // expiring, per-user token in the query string is the authentication; a bad token changes nothing.
    const unsubscribeUrl = unsubscribe.addFunctionUrl({ authType: lambda.FunctionUrlAuthType.NONE });

    const send = new NurtureFunction(this, 'Send', {
      ...common,
      entry: handlerPath('digest/send-handler.ts'),
      serviceName: 'nurture-send',
      description: 'Builds and sends one user’s weekly digest (SQS, partial batch failures)',
      memorySize: 512,
      timeout: SEND_TIMEOUT,
      // Handlebars templates are read from disk at runtime (render.ts looks next to the bundle first).
      copyIntoBundle: ['templates'],
      environment: {
        CAPTURE_ADDRESS: captureAddress,
        FROM_ADDRESS: fromAddress,
        CONFIGURATION_SET: configurationSet.configurationSetName,
        UNSUBSCRIBE_URL: unsubscribeUrl.url,
      },
    })
      .useTable(this.table, 'readWrite', { queryIndexes: [LOCAL_INDEX.name] })
      .useSecret(secret);
    send.addToRolePolicy(sendEmail);
    send.addEventSource(
      new SqsEventSource(this.digestQueue, { batchSize: 10, reportBatchItemFailures: true, maxConcurrency: SEND_MAX_CONCURRENCY }),
    );

    const dispatch = new NurtureFunction(this, 'Dispatch', {
      ...common,
      entry: handlerPath('digest/dispatch-handler.ts'),
      serviceName: 'nurture-dispatch',
      description: 'Hourly: enqueues one digest message per user due in this UTC hour (due-index Query, no Scan)',
      memorySize: 512,
      timeout: Duration.minutes(5),
      environment: { DIGEST_QUEUE_URL: this.digestQueue.queueUrl },
      retryAttempts: 2,
      maxEventAge: Duration.hours(1),
      onFailure: new SqsDestination(this.deadLetterQueues.dispatch),
      ...(reserve ? { reservedConcurrentExecutions: DISPATCH_CONCURRENCY } : {}),
    }).useTable(this.table, ['dynamodb:Query'], { queryIndexes: [DUE_INDEX.name], queryTable: false });
    // Its own mark (where the last run left off), and no other item.
    dispatch.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['dynamodb:GetItem', 'dynamodb:PutItem'],
        resources: [this.table.tableArn],
        conditions: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': [DISPATCH_MARK.pk] } },
      }),
    );
    this.digestQueue.grantSendMessages(dispatch);

    const feedback = new NurtureFunction(this, 'Feedback', {
      ...common,
      entry: handlerPath('feedback/handler.ts'),
      serviceName: 'nurture-feedback',
      description: 'SES bounce/complaint events: marks the user bouncing and pauses their digest',
      retryAttempts: 2,
      maxEventAge: Duration.hours(6),
      onFailure: new SqsDestination(this.deadLetterQueues.feedback),
    }).useTable(this.table, ['dynamodb:GetItem', 'dynamodb:UpdateItem']);

    this.functions = { capture, dispatch, send, unsubscribe, feedback };

    // ---- wiring ------------------------------------------------------------------------------------------
    const receipt = new CaptureReceipt(this, 'Receiving', {
      domain,
      bucket: this.rawMailBucket,
      prefix: RAW_MAIL_PREFIX,
      captureFunction: capture,
      replaceActive: props.replaceActiveRuleSet,
      projectRoot,
    });
    receipt.node.addDependency(captureIdentity);

    // EventBridge rather than SNS: no topic to secure, the pattern filters to this configuration set's bounces
    // and complaints before anything runs, and the target gets EventBridge's retries and a DLQ.
    configurationSet.addEventDestination('ToEventBridge', {
      destination: ses.EventDestination.eventBus(events.EventBus.fromEventBusName(this, 'DefaultBus', 'default')),
      events: [ses.EmailSendingEvent.BOUNCE, ses.EmailSendingEvent.COMPLAINT],
    });
    new events.Rule(this, 'FeedbackRule', {
      description: 'SES bounces and complaints of the digest configuration set',
      eventPattern: {
        source: ['aws.ses'],
        detailType: ['Email Bounced', 'Email Complaint Received'],
        detail: { mail: { tags: { 'ses:configuration-set': [configurationSet.configurationSetName] } } },
      },
      targets: [
        new eventTargets.LambdaFunction(feedback, {
          retryAttempts: 8,
          maxEventAge: Duration.hours(24),
          deadLetterQueue: this.deadLetterQueues.feedback,
        }),
      ],
    });

    const schedulerRole = new iam.Role(this, 'DispatchScheduleRole', {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceAccount': this.account } } }),
      description: 'EventBridge Scheduler: invoke the Nurture dispatcher, dead-letter to its queue',
    });
    Validations.of(schedulerRole).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${this.getLogicalId(dispatch.node.defaultChild as lambda.CfnFunction)}.Arn>:*]`,
      reason: 'CDK grants lambda:InvokeFunction on the dispatch function and its qualified versions (ARN:*); the scope is still this one function.',
    });
    new scheduler.Schedule(this, 'HourlyDispatch', {
      description: 'Nurture: enqueue the digests due this hour',
      // On the hour, UTC: due slots are UTC hours, so DST is handled by the users' slots, not the schedule.
      schedule: scheduler.ScheduleExpression.cron({ minute: '0' }),
      timeWindow: scheduler.TimeWindow.off(),
      target: new schedulerTargets.LambdaInvoke(dispatch, {
        // The scheduled time, for the logs; the dispatcher itself looks back a few hours, so a retry catches up.
        input: scheduler.ScheduleTargetInput.fromObject({ source: 'nurture.scheduler', time: scheduler.ContextAttribute.scheduledTime }),
        role: schedulerRole,
        retryAttempts: 5,
        maxEventAge: Duration.hours(1),
        deadLetterQueue: this.deadLetterQueues.dispatch,
      }),
    });

    // ---- alarms ------------------------------------------------------------------------------------------
    this.alarmTopic = new sns.Topic(this, 'Alarms', { displayName: 'Nurture alarms', enforceSSL: true });
    Validations.of(this.alarmTopic).acknowledge({
      id: 'AwsSolutions-SNS2',
      reason:
        'Alarm notifications carry alarm names and metric values only, no user data. CloudWatch cannot publish to a topic encrypted with the AWS-managed SNS key, and a customer-managed key would cost more than the rest of a one-user deployment.',
    });
    // A topic policy replaces SNS's default one, so CloudWatch must be allowed to publish explicitly: this account's
    // alarms of this stack only (every alarm below is named `<stack>-…`).
    this.alarmTopic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowThisStacksAlarmsToPublish',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.alarmTopic.topicArn],
        conditions: {
          StringEquals: { 'aws:SourceAccount': this.account },
          ArnLike: { 'aws:SourceArn': this.formatArn({ service: 'cloudwatch', resource: 'alarm', resourceName: `${this.stackName}-*`, arnFormat: ArnFormat.COLON_RESOURCE_NAME }) },
        },
      }),
    );
    if (props.alarmEmail) this.alarmTopic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));
    const alarmAction = new cwActions.SnsAction(this.alarmTopic);
    const alarm = (id: string, metric: cloudwatch.IMetric, threshold: number, description: string): cloudwatch.Alarm => {
      const a = new cloudwatch.Alarm(this, id, {
        alarmName: `${this.stackName}-${id}`,
        metric,
        threshold,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        alarmDescription: description,
      });
      a.addAlarmAction(alarmAction);
      return a;
    };
    for (const [name, queue] of Object.entries(this.deadLetterQueues)) {
      alarm(`${cap(name)}DlqDepth`, queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' }), 0, `Messages in the ${name} dead-letter queue: inspect and redrive.`);
    }
    for (const [name, fn] of Object.entries(this.functions)) {
      alarm(`${cap(name)}Errors`, fn.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }), 0, `The ${name} function failed (see its log group).`);
    }
    // The public unsubscribe URL: throttled requests (someone hammering it, or reserved concurrency too low) and
    // 5xx answers are clicks that changed nothing.
    alarm('UnsubscribeThrottles', unsubscribe.metricThrottles({ period: Duration.minutes(5), statistic: 'Sum' }), 0, 'The unsubscribe URL was throttled: unsubscribe clicks were refused.');
    alarm(
      'UnsubscribeUrl5xx',
      new cloudwatch.Metric({ namespace: 'AWS/Lambda', metricName: 'Url5xxCount', dimensionsMap: { FunctionName: unsubscribe.functionName }, period: Duration.minutes(5), statistic: 'Sum' }),
      0,
      'The unsubscribe URL answered 5xx: unsubscribe clicks failed (see its log group).',
    );
    // Account-level reputation metrics (SES publishes them for the whole account, not per configuration set).
    alarm(
      'SesBounceRate',
      new cloudwatch.Metric({ namespace: 'AWS/SES', metricName: 'Reputation.BounceRate', period: Duration.hours(1), statistic: 'Maximum' }),
      BOUNCE_RATE_ALARM,
      'SES bounce rate is approaching the 5% review threshold.',
    );
    alarm(
      'SesComplaintRate',
      new cloudwatch.Metric({ namespace: 'AWS/SES', metricName: 'Reputation.ComplaintRate', period: Duration.hours(1), statistic: 'Maximum' }),
      COMPLAINT_RATE_ALARM,
      'SES complaint rate is approaching the 0.1% review threshold.',
    );

    // ---- outputs -----------------------------------------------------------------------------------------
    new CfnOutput(this, 'CaptureAddress', { value: captureAddress, description: 'BCC this address; write notes to it' });
    new CfnOutput(this, 'MxRecord', {
      value: `${domain}. MX 10 inbound-smtp.${this.region}.amazonaws.com.`,
      description: 'Publish this MX record for the capture domain',
    });
    const dkimRecords = (identity: ses.EmailIdentity): string =>
      Fn.join(' ; ', identity.dkimRecords.map((r) => Fn.join('', [r.name, '. CNAME ', r.value, '.'])));
    new CfnOutput(this, 'DkimRecords', { value: dkimRecords(sendingIdentity), description: `Publish these three CNAME records (Easy DKIM for ${sendingDomain})` });
    if (captureIdentity !== sendingIdentity) {
      new CfnOutput(this, 'CaptureDomainDkimRecords', { value: dkimRecords(captureIdentity), description: `Publish these three CNAME records (verifies ${domain} for receiving)` });
    }
    new CfnOutput(this, 'FromAddress', { value: fromAddress });
    new CfnOutput(this, 'UnsubscribeUrl', { value: unsubscribeUrl.url, description: 'One-click unsubscribe endpoint (List-Unsubscribe)' });
    new CfnOutput(this, 'TableName', { value: this.table.tableName, description: 'For `nurture … --aws --table`' });
    new CfnOutput(this, 'SecretArn', { value: secret.secretArn, description: 'HMAC master key (never printed)' });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.alarmTopic.topicArn, description: 'Alarm notifications; subscribe more endpoints here' });
    new CfnOutput(this, 'ReceiptRuleSet', { value: receipt.ruleSet.receiptRuleSetName, description: 'The SES receipt rule set this stack activates' });
    new CfnOutput(this, 'AlarmsConsole', {
      value: `https://${this.region}.console.aws.amazon.com/cloudwatch/home?region=${this.region}#alarmsV2:?search=${this.stackName}`,
      description: 'This stack’s alarms in the CloudWatch console',
    });

    // CDK's own helper functions (the bucket auto-delete provider of an ephemeral stack) would log to a log group
    // that never expires: give each one with a retention, created before the function can run.
    const ours = new Set(this.node.findAll().filter((c) => c instanceof NurtureFunction).map((f) => f.node.defaultChild));
    for (const fn of this.node.findAll()) {
      if (!(fn instanceof CfnResource) || fn.cfnResourceType !== 'AWS::Lambda::Function' || ours.has(fn)) continue;
      const logs = new logsLib.LogGroup(this, `${fn.node.id.replace(/[^A-Za-z0-9]/g, '')}Logs`, { retention: logsLib.RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY });
      fn.addPropertyOverride('LoggingConfig', { LogGroup: logs.logGroupName });
    }
  }
}

function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
