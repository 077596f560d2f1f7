/**
 * Every Nurture Lambda's defaults in one place, so no function drifts: Node.js 22 on arm64, bundled locally by
 * bin/build-lambda.mjs (never Docker) into minified ES modules with source maps, its own log group with a retention,
 * Powertools settings, and helpers that set an env var and its IAM grant together.
 */
import { spawnSync } from 'node:child_process';
import { AssetHashType, DockerImage, Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Architecture, Code, Function as LambdaFunction, Runtime, type FunctionOptions } from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';

export interface NurtureFunctionProps extends Omit<FunctionOptions, 'runtime' | 'architecture' | 'logGroup' | 'logRetention'> {
  /** The handler file (exports `handler`), absolute. */
  readonly entry: string;
  /** The project root (where package.json and node_modules are), absolute, ending in a slash. */
  readonly projectRoot: string;
  /** Powertools service name, also the log group's suffix. */
  readonly serviceName: string;
  /** @default one month */
  readonly logRetention?: logs.RetentionDays;
  /** What happens to the log group when the stack is deleted. @default DESTROY */
  readonly logRemovalPolicy?: RemovalPolicy;
  /** Directories (relative to the project root) copied into the bundle, e.g. templates read at runtime. @default none */
  readonly copyIntoBundle?: readonly string[];
}

/** The DynamoDB calls a function may make. No Scan anywhere, and no transactions exist (so no ConditionCheckItem). */
export type TableAccess = 'read' | 'write' | 'readWrite';
const TABLE_ACTIONS: Record<TableAccess, string[]> = {
  read: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'],
  write: ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'],
  readWrite: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'],
};

/**
 * The function's code: bin/build-lambda.mjs run while the asset is staged. Code splitting is why this is not
 * NodejsFunction (whose esbuild call writes a single file): paths a function rarely takes load on first use.
 * The asset hash is the bundle's, so an unchanged bundle is not uploaded again.
 */
function bundledCode(projectRoot: string, entry: string, copy: readonly string[]): Code {
  return Code.fromAsset(projectRoot, {
    assetHashType: AssetHashType.OUTPUT,
    bundling: {
      // Never used: local bundling always succeeds or throws. CDK requires an image to be named.
      image: DockerImage.fromRegistry('public.ecr.aws/sam/build-nodejs22.x'),
      // What the bundle is made of. CDK caches staged assets by their bundling options, so without it every
      // function of the stack would get the first one's bundle.
      command: ['node', 'bin/build-lambda.mjs', entry, '/asset-output', ...copy],
      local: {
        tryBundle(outputDir: string): boolean {
          const r = spawnSync(process.execPath, [`${projectRoot}bin/build-lambda.mjs`, entry, outputDir, ...copy], { cwd: projectRoot, encoding: 'utf8' });
          if (r.status !== 0) throw new Error(`bundling ${entry} failed: ${r.stderr || r.error?.message || `exit ${r.status}`}`);
          return true;
        },
      },
    },
  });
}

export class NurtureFunction extends LambdaFunction {
  constructor(scope: Construct, id: string, props: NurtureFunctionProps) {
    const { entry, projectRoot, serviceName, logRetention, logRemovalPolicy, copyIntoBundle, environment, ...rest } = props;
    // An explicit log group (not the deprecated logRetention custom resource): retention without an extra Lambda.
    const logGroup = new logs.LogGroup(scope, `${id}Logs`, {
      retention: logRetention ?? logs.RetentionDays.ONE_MONTH,
      removalPolicy: logRemovalPolicy ?? RemovalPolicy.DESTROY,
    });
    // Its own role instead of AWSLambdaBasicExecutionRole (logs:* on every log group): write to this log group only.
    const role = new iam.Role(scope, `${id}Role`, {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Nurture ${serviceName} function`,
    });
    role.addToPolicy(new iam.PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [logGroup.logGroupArn] }));
    super(scope, id, {
      memorySize: 256,
      timeout: Duration.seconds(30),
      ...rest,
      code: bundledCode(projectRoot, entry, copyIntoBundle ?? []),
      handler: 'index.handler',
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      role,
      logGroup,
      environment: {
        POWERTOOLS_SERVICE_NAME: serviceName,
        POWERTOOLS_LOG_LEVEL: 'INFO',
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        ...environment,
      },
    });
    Validations.of(this).acknowledge({
      id: 'AwsSolutions-L1',
      reason: 'Node.js 22 is a maintained LTS Lambda runtime (deprecation scheduled for 2027); it is the newest Node the project is tested on. Move to nodejs24.x together with CI.',
    });
  }

  /**
   * Sets TABLE_NAME and grants exactly these DynamoDB actions: an access level, or a list of item actions for
   * functions that make one or two calls. Item actions apply to the table; Query applies to the table (unless
   * `queryTable` is false) and to the indexes named in `queryIndexes` (none by default: each function names the
   * indexes its code queries, never index/*).
   */
  useTable(
    table: dynamodb.ITable,
    access: TableAccess | readonly `dynamodb:${string}`[],
    options: { readonly queryIndexes?: readonly string[]; readonly queryTable?: boolean; readonly envName?: string } = {},
  ): this {
    const actions = typeof access === 'string' ? TABLE_ACTIONS[access] : [...access];
    const items = actions.filter((a) => a !== 'dynamodb:Query');
    this.addEnvironment(options.envName ?? 'TABLE_NAME', table.tableName);
    if (items.length) this.addToRolePolicy(new iam.PolicyStatement({ actions: items, resources: [table.tableArn] }));
    if (actions.includes('dynamodb:Query')) {
      const resources = [...(options.queryTable === false ? [] : [table.tableArn]), ...(options.queryIndexes ?? []).map((name) => `${table.tableArn}/index/${name}`)];
      this.addToRolePolicy(new iam.PolicyStatement({ actions: ['dynamodb:Query'], resources }));
    }
    return this;
  }

  /** Sets SECRET_ARN and grants reading that one secret (GetSecretValue + DescribeSecret). */
  useSecret(secret: secretsmanager.ISecret, envName = 'SECRET_ARN'): this {
    this.addEnvironment(envName, secret.secretArn);
    secret.grantRead(this);
    return this;
  }

}
