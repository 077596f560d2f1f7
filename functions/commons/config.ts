/**
 * Configuration from the environment, read in one place. Missing required settings fail fast with
 * the variable's name.
 */
export const DEFAULT_LOCAL_CAPTURE = 'log@nurture.localhost';
export const DEFAULT_TABLE = 'nurture';

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function requireEnv(name: string, env: NodeJS.ProcessEnv = process.env): string {
  const v = env[name];
  if (!v) throw new ConfigError(`Environment variable ${name} is required`);
  return v;
}

/** The capture address: a flag, else NURTURE_CAPTURE, else the local default. */
export function captureAddress(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return (flag ?? env.NURTURE_CAPTURE ?? DEFAULT_LOCAL_CAPTURE).toLowerCase();
}

export function dataDir(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return flag ?? env.NURTURE_DATA ?? '.nurture';
}

/** Settings of the Lambda functions, set by the CDK stack. */
export interface LambdaConfig {
  readonly tableName: string;
  readonly captureAddress: string;
  readonly secretArn: string;
}

export function lambdaConfig(env: NodeJS.ProcessEnv = process.env): LambdaConfig {
  return {
    tableName: requireEnv('TABLE_NAME', env),
    captureAddress: requireEnv('CAPTURE_ADDRESS', env).toLowerCase(),
    secretArn: requireEnv('SECRET_ARN', env),
  };
}
