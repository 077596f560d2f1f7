/**
 * The local stand-in for the S3 bucket: every received mail is written here, byte for byte, before it
 * is processed, so a crash or a rejection never loses it. Mail the local service sends is kept the same way,
 * under `sent/` (the local SES keeps it in memory only).
 */
import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export async function keepRawMail(dataDir: string, raw: Uint8Array, now: Date, folder: 'raw' | 'sent' = 'raw'): Promise<string> {
  const dir = join(dataDir, folder, now.toISOString().slice(0, 10));
  await mkdir(dir, { recursive: true });
  const file = join(dir, `${now.toISOString().replace(/[:.]/g, '')}-${randomUUID().slice(0, 8)}.eml`);
  await writeFile(file, raw, { mode: 0o600 });
  return file;
}
