/** The HMAC key is read from Secrets Manager once per container, and a failed read is retried next time. */
import { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { beforeEach, describe, expect, it } from 'vitest';
import { clearSecretCache, loadSecret, SecretError, type SecretsReader } from '#adapters/secrets';

const ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:TokenKey-AbCdEf';
const KEY = 'k'.repeat(64);

function reader(answers: (() => Promise<{ SecretString?: string; SecretBinary?: Uint8Array }>)[]): SecretsReader & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    send: (command: GetSecretValueCommand) => {
      calls.push(String(command.input.SecretId));
      const next = answers.shift();
      if (!next) throw new Error('unexpected call');
      return next();
    },
  };
}

beforeEach(() => clearSecretCache());

describe('loadSecret', () => {
  it('returns the UTF-8 bytes of the secret string, and asks Secrets Manager once for concurrent and later calls', async () => {
    const client = reader([async () => ({ SecretString: KEY })]);
    const [a, b] = await Promise.all([loadSecret(ARN, client), loadSecret(ARN, client)]);
    const c = await loadSecret(ARN, client);
    expect(Buffer.from(a).toString('utf8')).toBe(KEY);
    expect(b).toBe(a);
    expect(c).toBe(a);
    expect(client.calls).toEqual([ARN]);
  });

  it('uses SecretBinary as stored', async () => {
    const bytes = new Uint8Array(32).fill(7);
    expect(await loadSecret(ARN, reader([async () => ({ SecretBinary: bytes })]))).toEqual(bytes);
  });

  it('forgets a failed read so the next invocation retries, and keeps the cause', async () => {
    const client = reader([async () => Promise.reject(new Error('throttled')), async () => ({ SecretString: KEY })]);
    const err = await loadSecret(ARN, client).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SecretError);
    expect((err as SecretError).cause).toEqual(new Error('throttled'));
    expect(Buffer.from(await loadSecret(ARN, client)).toString()).toBe(KEY);
    expect(client.calls).toHaveLength(2);
  });

  it('refuses a key shorter than 32 bytes', async () => {
    await expect(loadSecret(ARN, reader([async () => ({ SecretString: 'short' })]))).rejects.toThrow('secret arn:aws:secretsmanager:eu-west-1:123456789012:secret:TokenKey-AbCdEf is 5 bytes; at least 32 are needed');
  });
});
