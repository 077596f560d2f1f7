/** What the local service sends is kept as .eml under the data directory: the local SES forgets it on restart. */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localSesMailer } from '../../functions/local/local-mailer.ts';
import { startLocalSes, type LocalSes } from '../support/local-ses.ts';
import { composeMail } from '../support/mail.ts';

let ses: LocalSes;
let dir: string;
beforeAll(async () => {
  ses = await startLocalSes();
  dir = mkdtempSync(join(tmpdir(), 'nurture-sent-'));
});
afterAll(async () => {
  await ses.stop();
  rmSync(dir, { recursive: true, force: true });
});

const filesUnder = (root: string): string[] => readdirSync(root, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));

describe('the local mailer', () => {
  it('sends through the local SES and keeps each mail, byte for byte, under sent/<day>/', async () => {
    const data = join(dir, 'data');
    const mailer = localSesMailer(ses.endpoint, data);
    const raw = await composeMail({ from: 'nurture@in.example.com', to: 'me@example.com', subject: 'Your week', text: 'Reply "done 1".' });
    const { messageId } = await mailer.send({ from: 'nurture@in.example.com', to: ['me@example.com'], raw });
    expect(messageId).not.toBe('');
    expect((await ses.sent()).map((m) => m.subject)).toContain('Your week');
    const [file, ...more] = filesUnder(join(data, 'sent'));
    expect(more).toEqual([]);
    expect(file).toMatch(new RegExp(`sent/${new Date().toISOString().slice(0, 10)}/[^/]+\\.eml$`));
    expect(readFileSync(file!)).toEqual(Buffer.from(raw));
  });

  it('still reports a mail sent when its copy cannot be written (it must not be sent twice)', async () => {
    const notADir = join(dir, 'file');
    writeFileSync(notADir, '');
    const raw = await composeMail({ from: 'nurture@in.example.com', to: 'me@example.com', subject: 'Copy fails', text: 'x' });
    const warned = new Promise<Error>((ok) => process.once('warning', ok));
    await expect(localSesMailer(ses.endpoint, notADir).send({ from: 'nurture@in.example.com', to: ['me@example.com'], raw })).resolves.toHaveProperty('messageId');
    expect((await warned).message).toMatch(/sent mail not kept/);
    expect((await ses.sent()).map((m) => m.subject)).toContain('Copy fails');
  });
});
