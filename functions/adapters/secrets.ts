/**
 * The HMAC master key (reply and unsubscribe tokens) from Secrets Manager, read once per container.
 *
 * The key material is the secret's bytes: `SecretBinary` as stored, or the UTF-8 bytes of `SecretString`
 * (the stack generates a 64-character random string, ~380 bits). It is never parsed or trimmed, so every
 * reader (Lambdas, `nurture … --aws`) derives the same keys from the same secret.
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

/** The one call we make; a real client satisfies it, and so does a test double. */
export interface SecretsReader {
  send(command: GetSecretValueCommand): Promise<{ SecretBinary?: Uint8Array; SecretString?: string }>;
}

export class SecretError extends Error {
  override name = 'SecretError';
}

const MIN_SECRET_BYTES = 32;

// One promise per ARN: concurrent first calls share one request; a failure is forgotten so the next call retries.
const cache = new Map<string, Promise<Uint8Array>>();
let defaultClient: SecretsManagerClient | undefined;

export function loadSecret(arn: string, client?: SecretsReader): Promise<Uint8Array> {
  const hit = cache.get(arn);
  if (hit) return hit;
  const pending = fetchSecret(arn, client ?? (defaultClient ??= new SecretsManagerClient({})));
  cache.set(arn, pending);
  pending.catch(() => cache.delete(arn));
  return pending;
}

async function fetchSecret(arn: string, client: SecretsReader): Promise<Uint8Array> {
  let res: Awaited<ReturnType<SecretsReader['send']>>;
  try {
    res = await client.send(new GetSecretValueCommand({ SecretId: arn }));
  } catch (err) {
    throw new SecretError(`could not read secret ${arn}`, { cause: err });
  }
  const bytes = res.SecretBinary ?? (res.SecretString === undefined ? undefined : new TextEncoder().encode(res.SecretString));
  if (!bytes) throw new SecretError(`secret ${arn} has no value`);
  if (bytes.length < MIN_SECRET_BYTES) throw new SecretError(`secret ${arn} is ${bytes.length} bytes; at least ${MIN_SECRET_BYTES} are needed`);
  return bytes;
}

/** Forgets cached secrets (tests; a rotated secret is picked up by new containers anyway). */
export function clearSecretCache(): void {
  cache.clear();
}
