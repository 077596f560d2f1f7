import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryLogger } from '#commons/logger';
import { startRuntime, type Runtime } from '../../functions/local/runtime.ts';
import { smtpPassword } from '../../functions/local/local-secret.ts';
import { testUser } from '../support/local-store.ts';

const CAPTURE = 'log@nurture.localhost';
let rt: Runtime;
let dataDir: string;
const user = testUser({ userId: 'u_smtp0001', email: 'me@example.org', aliases: ['me@work.example'] });
const other = testUser({ userId: 'u_smtp0002', email: 'other@example.org', aliases: [] });

function transport(auth?: { user: string; pass: string }) {
  return nodemailer.createTransport({ host: rt.info.smtp.host, port: rt.info.smtp.port, secure: false, ignoreTLS: true, auth });
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'nurture-smtp-'));
  rt = await startRuntime({ dataDir, captureAddress: CAPTURE, smtpPort: 0, sesPort: 0, log: memoryLogger() });
  await rt.store.createUser(user);
  await rt.store.createUser(other);
});
afterAll(async () => {
  await rt.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('the local SMTP capture entry', () => {
  it('records mail BCC’d by an authenticated user, and keeps the raw message on disk', async () => {
    const info = await transport({ user: user.email, pass: smtpPassword(rt.secret, user.email) }).sendMail({
      from: 'Me <me@example.org>',
      to: 'Jane Doe <jane@acme.com>',
      bcc: CAPTURE,
      subject: 'Lisbon offsite',
      text: 'Hi Jane',
    });
    expect(info.response).toMatch(/Accepted: outgoing/);
    const contacts = await rt.store.listContacts(user.userId);
    expect(contacts.map((c) => [c.email, c.name])).toEqual([['jane@acme.com', 'Jane Doe']]);
    const days = readdirSync(join(dataDir, 'raw'));
    expect(readdirSync(join(dataDir, 'raw', days[0]!)).length).toBeGreaterThan(0);
  });

  it('accepts an alias of the authenticated user as From', async () => {
    const info = await transport({ user: user.email, pass: smtpPassword(rt.secret, user.email) }).sendMail({ from: 'me@work.example', to: 'sam@corp.io', bcc: CAPTURE, subject: 's', text: 'x' });
    expect(info.response).toMatch(/Accepted: outgoing/);
  });

  it('refuses a wrong password', async () => {
    await expect(transport({ user: user.email, pass: 'wrong' }).sendMail({ from: user.email, to: 'x@corp.io', bcc: CAPTURE, text: 'x' })).rejects.toThrow(/Invalid username or password/);
  });

  const rawFiles = (): number => {
    const root = join(dataDir, 'raw');
    return existsSync(root) ? readdirSync(root).reduce((n, day) => n + readdirSync(join(root, day)).length, 0) : 0;
  };
  const sesStore = async () => (await (await fetch(`${rt.info.ses}/store`)).json()) as { emails: { destination: { to: string[] }; subject: string; body: { text?: string } }[] };

  it.each([
    ['a registered user’s address', user.email],
    ['a stranger', 'stranger@evil.net'],
  ])('refuses MAIL FROM without SMTP AUTH (530) from %s: nothing kept on disk, nobody mailed', async (_, from) => {
    const kept = rawFiles();
    const sent = (await sesStore()).emails.length;
    await expect(transport().sendMail({ from, to: 'spoof@corp.io', bcc: CAPTURE, subject: 'Call me at +1 555 0100', text: 'x' })).rejects.toMatchObject({ responseCode: 530 });
    expect(rawFiles()).toBe(kept);
    expect((await sesStore()).emails.length).toBe(sent);
    expect((await rt.store.listContacts(user.userId)).map((c) => c.email)).not.toContain('spoof@corp.io');
  });

  it('does not let one user write into another user’s data, and tells the owner once a week, quoting nothing from the mail', async () => {
    const auth = { user: other.email, pass: smtpPassword(rt.secret, other.email) };
    const info = await transport(auth).sendMail({ from: user.email, to: 'intruder@corp.io', bcc: CAPTURE, subject: 'URGENT call +1 555 0100', text: 'x' });
    expect(info.response).toMatch(/rejected \(unauthenticated\)/);
    expect((await rt.store.listContacts(user.userId)).map((c) => c.email)).not.toContain('intruder@corp.io');
    expect(await rt.store.listContacts(other.userId)).toEqual([]);
    await transport(auth).sendMail({ from: user.email, to: 'intruder2@corp.io', bcc: CAPTURE, subject: 'again', text: 'x' });
    const notices = (await sesStore()).emails.filter((m) => m.subject.includes('could not verify'));
    expect(notices).toHaveLength(1);
    expect(notices[0]!.destination.to).toEqual([user.email]);
    expect(notices[0]!.body.text).toMatch(/received a mail from your address at \d{4}-\d\d-\d\d \d\d:\d\d UTC/);
    expect(JSON.stringify(notices[0])).not.toMatch(/URGENT|555 0100/);
  });

  it('takes a note written to the capture address', async () => {
    const info = await transport({ user: user.email, pass: smtpPassword(rt.secret, user.email) }).sendMail({ from: user.email, to: CAPTURE, subject: 'met', text: 'Met Priya Shah <priya@lab.org> at the conference.' });
    expect(info.response).toMatch(/Accepted: note/);
    const priya = (await rt.store.listContacts(user.userId)).find((c) => c.email === 'priya@lab.org');
    expect(priya?.metAt).toBeDefined();
  });
});

describe('one big mail (SMTP SIZE is 40 MiB)', () => {
  // 38 MiB of short lines: the shape that exhausted a 160 MB heap inside mailparser.
  const bigText = (messageId: string, from: string): Buffer =>
    Buffer.concat([
      Buffer.from([`From: ${from}`, 'To: big@corp.io', `Bcc: ${CAPTURE}`, 'Subject: logs', `Message-ID: ${messageId}`, 'Date: Fri, 20 Nov 2026 10:00:00 +0000', 'Content-Type: text/plain', '', ''].join('\r\n')),
      Buffer.alloc(38 * 1024 * 1024, 'ok\r\n'),
    ]);

  it('is recorded as rejected (too-large) with its raw bytes kept, and the service keeps serving', async () => {
    const raw = bigText('<big-smtp@example.org>', user.email);
    const info = await transport({ user: user.email, pass: smtpPassword(rt.secret, user.email) }).sendMail({ envelope: { from: user.email, to: [CAPTURE] }, raw });
    expect(info.response).toMatch(/Accepted: rejected \(too-large\)/);
    const root = join(dataDir, 'raw');
    const sizes = readdirSync(root).flatMap((day) => readdirSync(join(root, day)).map((f) => statSync(join(root, day, f)).size));
    expect(sizes).toContain(raw.length);
    expect((await rt.store.listContacts(user.userId)).map((c) => c.email)).not.toContain('big@corp.io');
    // Still serving: the next ordinary mail is captured.
    const next = await transport({ user: user.email, pass: smtpPassword(rt.secret, user.email) }).sendMail({ from: user.email, to: 'after-big@corp.io', bcc: CAPTURE, subject: 's', text: 'x' });
    expect(next.response).toMatch(/Accepted: outgoing/);
  });

  it('a 25 MB attachment (33 MB encoded) is not text: the mail is captured', async () => {
    const info = await transport({ user: user.email, pass: smtpPassword(rt.secret, user.email) }).sendMail({
      from: user.email,
      to: 'attached@corp.io',
      bcc: CAPTURE,
      subject: 'the deck',
      text: 'Deck attached.',
      attachments: [{ filename: 'deck.pdf', content: Buffer.alloc(25 * 1024 * 1024, 7), contentType: 'application/pdf' }],
    });
    expect(info.response).toMatch(/Accepted: outgoing/);
    expect((await rt.store.listContacts(user.userId)).map((c) => c.email)).toContain('attached@corp.io');
  });
});
