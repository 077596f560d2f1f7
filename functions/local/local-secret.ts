/**
 * Local key material: a random master secret kept in the data directory (mode 0600), from which the
 * reply-token keys and each user's local SMTP password are derived. On AWS it lives in Secrets Manager.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function loadOrCreateSecret(dataDir: string): Uint8Array {
  const file = join(dataDir, 'secret.key');
  if (existsSync(file)) return Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32);
  writeFileSync(file, `${secret.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  return secret;
}

/** The password a user's mail client uses for SMTP AUTH on the local capture server. */
export function smtpPassword(secret: Uint8Array, email: string): string {
  return createHmac('sha256', secret).update(`smtp-password\n${email.toLowerCase()}`).digest('base64url').slice(0, 24);
}

export function checkSmtpPassword(secret: Uint8Array, email: string, password: string): boolean {
  const expected = Buffer.from(smtpPassword(secret, email));
  const given = Buffer.from(password);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
