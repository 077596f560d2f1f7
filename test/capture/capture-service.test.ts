import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { captureBatch, type CaptureDeps, type CaptureInput } from '../../functions/capture/capture-service.ts';
import type { Envelope } from '#domain/classify';
import { memoryLogger } from '#commons/logger';
import { startTestStore, testUser, type TestStore } from '../support/local-store.ts';
import { composeMail } from '../support/mail.ts';

const CAPTURE = 'log@in.example.com';
const authed: Envelope = { recipients: [CAPTURE], auth: { verdict: 'trusted', detail: 'operator import' } };
let ts: TestStore;
let userSeq = 0;
let user = testUser();
let log = memoryLogger();

function deps(): CaptureDeps {
  return { store: ts.store, config: { captureAddress: CAPTURE }, log, now: () => new Date('2026-11-25T12:00:00Z') };
}
const input = (raw: Buffer, envelope: Envelope = authed): CaptureInput => ({ raw, envelope, source: 'test' });

beforeAll(async () => {
  ts = await startTestStore();
});
afterAll(async () => ts.stop());
beforeEach(async () => {
  // A fresh user per test keeps tests independent on one table.
  user = testUser({ userId: `u_cap${++userSeq}`, email: `me${userSeq}@example.org`, aliases: [`me${userSeq}@work.example`] });
  await ts.store.createUser(user);
  log = memoryLogger();
});

describe('outgoing mail BCC’d to the capture address', () => {
  it('turns To and Cc recipients into contacts with name, organisation and dates', async () => {
    const raw = await composeMail({
      from: `Me <${user.email}>`,
      to: '"Jane Doe" <Jane@Acme.com>',
      cc: 'bob@gmail.com',
      subject: 'Lisbon offsite',
      text: 'Hi Jane, great to meet you.',
      messageId: '<m1@example.org>',
      date: new Date('2026-11-20T10:00:00Z'),
    });
    const [out] = await captureBatch(deps(), [input(raw)]);
    expect(out).toMatchObject({ kind: 'outgoing', reason: null, from: user.email, messageId: '<m1@example.org>' });
    const contacts = await ts.store.listContacts(user.userId);
    const jane = contacts.find((c) => c.email === 'jane@acme.com');
    expect(jane).toMatchObject({ name: 'Jane Doe', org: 'Acme', count: 1, firstContacted: '2026-11-20T10:00:00.000Z', lastSubject: 'Lisbon offsite' });
    const bob = contacts.find((c) => c.email === 'bob@gmail.com');
    expect(bob?.org).toBeUndefined(); // free-mail domains say nothing about an organisation
    const interaction = await ts.store.getInteraction(user.userId, (await keysOf(user.userId))[0]!);
    expect(interaction).toMatchObject({ kind: 'outgoing', subject: 'Lisbon offsite', threadId: '<m1@example.org>' });
  });

  it('never makes the user, their aliases, the capture address or robots into contacts', async () => {
    const raw = await composeMail({
      from: user.email,
      to: [user.aliases[0]!, 'noreply@shop.com', 'real.person@corp.io', 'other@in.example.com'],
      cc: 'notifications@github.com',
      subject: 'x',
      text: 'x',
    });
    const [out] = await captureBatch(deps(), [input(raw)]);
    expect(out?.contacts.map((c) => c.email)).toEqual(['real.person@corp.io']);
  });

  it('counts a duplicate delivery once', async () => {
    const raw = await composeMail({ from: user.email, to: 'ana@corp.io', subject: 'Hi', text: 'x', messageId: '<dup@x>' });
    const first = await captureBatch(deps(), [input(raw)]);
    const second = await captureBatch(deps(), [input(raw), input(raw)]);
    expect(first[0]?.kind).toBe('outgoing');
    expect(second.map((o) => o.reason)).toEqual(['duplicate', 'duplicate']);
    const [ana] = await ts.store.listContacts(user.userId);
    expect(ana?.count).toBe(1);
  });

  it('counts the same mail twice in one batch once', async () => {
    const raw = await composeMail({ from: user.email, to: 'ana@corp.io', subject: 'Hi', text: 'x', messageId: '<dup2@x>' });
    const outs = await captureBatch(deps(), [input(raw), input(raw)]);
    expect(outs.map((o) => o.kind)).toEqual(['outgoing', 'ignored']);
    expect((await ts.store.listContacts(user.userId))[0]?.count).toBe(1);
  });

  it('learns the rhythm from several mails and keeps the best display name', async () => {
    const mails = await Promise.all(
      ['2026-09-01', '2026-10-01', '2026-11-01'].map((d, i) =>
        composeMail({ from: user.email, to: i === 1 ? '"Ana Lima" <ana@corp.io>' : 'ana@corp.io', subject: `s${i}`, text: 'x', date: new Date(`${d}T09:00:00Z`) }),
      ),
    );
    await captureBatch(deps(), mails.map((m) => input(m)));
    const [ana] = await ts.store.listContacts(user.userId);
    expect(ana).toMatchObject({ name: 'Ana Lima', count: 3, lastSubject: 's2', firstContacted: '2026-09-01T09:00:00.000Z', lastContacted: '2026-11-01T09:00:00.000Z' });
    expect(ana?.recentDates).toHaveLength(3);
  });

  it('records mail to more than 50 people without making them contacts, and says so', async () => {
    const to = Array.from({ length: 5000 }, (_, i) => `person${i}@corp${i % 7}.io`);
    const raw = await composeMail({ from: user.email, to, subject: 'All hands', text: 'x' });
    const [out] = await captureBatch(deps(), [input(raw)]);
    expect(out).toMatchObject({ kind: 'outgoing', reason: 'too-many-recipients', contacts: [] });
    expect(await ts.store.listContacts(user.userId)).toHaveLength(0);
    expect(log.entries.some((e) => (e.extra?.warnings as string[]).some((w) => w.includes('recipients')))).toBe(true);
  });

  it('records every person made a contact among the mail’s recipients, even with robots and own addresses listed first', async () => {
    const people = Array.from({ length: 50 }, (_, i) => `p${i}@corp.io`);
    const raw = await composeMail({ from: user.email, to: [user.aliases[0]!, 'noreply@service.io', ...people], subject: 'Fifty', text: 'x', messageId: '<fifty@example.org>' });
    const [out] = await captureBatch(deps(), [input(raw)]);
    expect(out?.contacts).toHaveLength(50);
    const mail = await ts.store.getInteraction(user.userId, (await ts.store.interactionsBetween(user.userId, '2000', '9999'))[0]!.key);
    expect(new Set(mail?.recipients.map((r) => r.email))).toEqual(new Set(people));
  });
});

describe('notes sent to the capture address', () => {
  it('creates the people named in the text and marks them met', async () => {
    const raw = await composeMail({
      from: user.email,
      to: CAPTURE,
      subject: 'meetup',
      text: 'Met Jane Doe <jane@acme.com> at the meetup — promised her the app link. Also saw tom@startup.io.',
      date: new Date('2026-11-24T19:00:00Z'),
    });
    const [out] = await captureBatch(deps(), [input(raw)]);
    expect(out?.kind).toBe('note');
    expect(out?.contacts).toEqual([{ email: 'jane@acme.com', name: 'Jane Doe' }, { email: 'tom@startup.io' }]);
    const jane = (await ts.store.listContacts(user.userId)).find((c) => c.email === 'jane@acme.com');
    expect(jane).toMatchObject({ name: 'Jane Doe', metAt: '2026-11-24T19:00:00.000Z', count: 0 });
    expect(jane?.notes[0]?.text).toContain('at the meetup');
  });

  it('attaches a note to known contacts it names without their address, and resolves its promise to them', async () => {
    const sent = await Promise.all(
      ['Ana Souza <ana@acme.pt>', 'Tom Baker <tom@startup.io>', 'Tom Hart <hart@corp.io>', 'May Chen <may@chen.example>'].map((to, i) =>
        composeMail({ from: user.email, to, subject: `hello ${i}`, text: 'Hi', messageId: `<known${i}@x>`, date: new Date('2026-11-10T10:00:00Z') }),
      ),
    );
    await captureBatch(deps(), sent.map((raw) => input(raw)));
    const note = await composeMail({
      from: user.email,
      to: CAPTURE,
      subject: 'coffee',
      // Ana by first name (the only Ana), Tom is ambiguous (two Toms), "May I" opens a sentence and is no one.
      text: 'Coffee with Ana; her daughter just started college in Porto. Promised to send Ana the app link. Tom was there too. May I remember to ask about Porto.',
      messageId: '<coffee@x>',
      date: new Date('2026-11-24T19:00:00Z'),
    });
    const [out] = await captureBatch(deps(), [input(note)]);
    expect(out?.contacts).toEqual([{ email: 'ana@acme.pt', name: 'Ana Souza' }]);
    expect(out?.promises[0]).toMatchObject({ action: 'send', to: ['ana@acme.pt'] });
    const ana = (await ts.store.listContacts(user.userId)).find((c) => c.email === 'ana@acme.pt');
    expect(ana?.notes.at(-1)?.text).toContain('her daughter just started college');
    // A note's promise goes to the people the note names, not to a known "Will" because the sentence says "will".
    const willTurner = await composeMail({ from: user.email, to: 'Will Turner <will@x.io>', subject: 'hi', text: 'Hi', messageId: '<will@x>', date: new Date('2026-11-10T10:00:00Z') });
    await captureBatch(deps(), [input(willTurner)]);
    const plan = await composeMail({ from: user.email, to: CAPTURE, subject: 'plan', text: 'Coffee with Ana Souza. I will send Ana the deck.', messageId: '<plan@x>', date: new Date('2026-11-25T09:00:00Z') });
    expect((await captureBatch(deps(), [input(plan)]))[0]?.promises.map((p) => p.to)).toEqual([['ana@acme.pt']]);
    // A full name always counts.
    const second = await composeMail({ from: user.email, to: CAPTURE, subject: 'x', text: 'Lunch with Tom Hart about the pilot.', messageId: '<lunch@x>', date: new Date('2026-11-25T12:00:00Z') });
    expect((await captureBatch(deps(), [input(second)]))[0]?.contacts).toEqual([{ email: 'hart@corp.io', name: 'Tom Hart' }]);
  });
});

describe('mail that must not change data', () => {
  it('rejects a sender who is not a registered user', async () => {
    const raw = await composeMail({ from: 'stranger@evil.com', to: 'x@corp.io', subject: 's', text: 'x' });
    const [out] = await captureBatch(deps(), [input(raw)]);
    expect(out).toMatchObject({ kind: 'rejected', reason: 'unknown-sender' });
  });

  it('does not accept an "authenticated" verdict that names neither a user nor a domain', async () => {
    const raw = await composeMail({ from: user.email, to: 'x@corp.io', subject: 's', text: 'x' });
    const [out] = await captureBatch(deps(), [input(raw, { recipients: [CAPTURE], auth: { verdict: 'authenticated' } })]);
    expect(out).toMatchObject({ kind: 'rejected', reason: 'unauthenticated' });
  });

  it('rejects a registered From that was not authenticated (spoofed sender)', async () => {
    const raw = await composeMail({ from: user.email, to: 'x@corp.io', subject: 's', text: 'x' });
    const [out] = await captureBatch(deps(), [input(raw, { recipients: [CAPTURE], auth: { verdict: 'unauthenticated', detail: 'no SMTP AUTH' } })]);
    expect(out).toMatchObject({ kind: 'rejected', reason: 'unauthenticated' });
    expect(await ts.store.listContacts(user.userId)).toHaveLength(0);
  });

  it.each([
    ['spam', { spam: 'FAIL' as const }],
    ['virus', { virus: 'FAIL' as const }],
  ])('rejects a %s verdict FAIL', async (reason, verdict) => {
    const raw = await composeMail({ from: user.email, to: 'x@corp.io', subject: 's', text: 'x' });
    const [out] = await captureBatch(deps(), [input(raw, { ...authed, ...verdict })]);
    expect(out).toMatchObject({ kind: 'rejected', reason });
  });

  it('ignores list and bulk mail', async () => {
    const raw = await composeMail({ from: user.email, to: 'list@lists.corp.io', subject: 's', text: 'x', headers: { 'List-Id': '<dev.lists.corp.io>' } });
    const [out] = await captureBatch(deps(), [input(raw)]);
    expect(out).toMatchObject({ kind: 'ignored', reason: 'bulk-mail' });
  });

  it('never turns an encoded word into an address', async () => {
    const raw = Buffer.from(
      [
        `From: ${user.email}`,
        `To: =?utf-8?b?${Buffer.from('victim@bank.com').toString('base64')}?=, =?utf-8?q?evil=40attacker=2Ecom?= <real@corp.io>`,
        'Subject: trick',
        'Message-ID: <enc@x>',
        'Date: Fri, 20 Nov 2026 10:00:00 +0000',
        '',
        'body',
      ].join('\r\n'),
    );
    const [out] = await captureBatch(deps(), [input(raw)]);
    expect(out?.contacts).toEqual([{ email: 'real@corp.io' }]);
    const stored = (await ts.store.listContacts(user.userId)).map((c) => c.email);
    expect(stored).toEqual(['real@corp.io']);
  });

  it('captures mail with no Date or Message-ID, using the time of receipt, once', async () => {
    const raw = Buffer.from(`From: ${user.email}\r\nTo: ana@corp.io\r\nSubject: bare\r\n\r\nhello\r\n`);
    const [a] = await captureBatch(deps(), [input(raw)]);
    const [b] = await captureBatch(deps(), [input(raw)]);
    expect(a).toMatchObject({ kind: 'outgoing', date: '2026-11-25T12:00:00.000Z' });
    expect(a?.warnings).toEqual(expect.arrayContaining(['missing Message-ID', 'missing Date']));
    expect(b?.reason).toBe('duplicate');
  });

  it('handles 8-bit headers and an unknown charset without crashing', async () => {
    const raw = Buffer.concat([
      Buffer.from(`From: ${user.email}\r\nTo: "J\xf6rg M\xfcller" <joerg@firma.de>\r\nSubject: =?x-unknown?q?Gr=FC=DFe?=\r\n`, 'latin1'),
      Buffer.from('Content-Type: text/plain; charset=x-no-such-charset\r\n\r\nHallo \xfc\r\n', 'latin1'),
    ]);
    const [out] = await captureBatch(deps(), [input(raw)]);
    expect(out?.kind).toBe('outgoing');
    expect(out?.contacts[0]?.email).toBe('joerg@firma.de');
  });

  it('captures a 40 MB mail (headers and recipients) without losing it', async () => {
    const raw = await composeMail({
      from: user.email,
      to: 'big@corp.io',
      subject: 'huge',
      text: 'see attached',
      attachments: [{ filename: 'blob.bin', content: Buffer.alloc(29 * 1024 * 1024, 7) }],
    });
    expect(raw.length).toBeGreaterThan(39 * 1024 * 1024);
    const [out] = await captureBatch(deps(), [input(raw)]);
    expect(out).toMatchObject({ kind: 'outgoing', contacts: [{ email: 'big@corp.io' }] });
  });

  it('rejects garbage that is not a mail at all with a reason', async () => {
    const [out] = await captureBatch(deps(), [input(Buffer.from([0, 1, 2, 3, 255, 254]))]);
    expect(out?.kind).toBe('rejected');
    expect(out?.reason).toMatch(/no-sender|unparseable/);
  });
});

async function keysOf(userId: string): Promise<string[]> {
  // Interactions are addressed by message key; read them back through the date index count + a query.
  const { QueryCommand } = await import('@aws-sdk/lib-dynamodb');
  const { createDocumentClient } = await import('#adapters/dynamo-client');
  const res = await createDocumentClient({ endpoint: ts.endpoint }).send(
    new QueryCommand({ TableName: ts.tableName, KeyConditionExpression: 'pk = :p AND begins_with(sk, :s)', ExpressionAttributeValues: { ':p': `USER#${userId}`, ':s': 'MSG#' } }),
  );
  return (res.Items ?? []).map((i) => (i.sk as string).slice(4));
}
