import { SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sesMailer } from '#adapters/mailer';
import { memoryLogger } from '#commons/logger';
import { captureBatch } from '../../functions/capture/capture-service.ts';
import { prepareDigest, sendDigest, type DigestDeps } from '../../functions/digest/digest-service.ts';
import { dueSlots, dueUsers, STARTUP_LOOKBACK_HOURS } from '../../functions/digest/dispatch.ts';
import { createSendHandler } from '../../functions/digest/send-handler.ts';
import { localSesMailer } from '../../functions/local/local-mailer.ts';
import { verifyReplyToken, parseReplyAddress } from '#domain/reply-token';
import { nextDigestSlot } from '#domain/week';
import type { User } from '#domain/types';
import { startLocalSes, type LocalSes } from '../support/local-ses.ts';
import { startTestStore, testUser, type TestStore } from '../support/local-store.ts';
import { composeMail } from '../support/mail.ts';

const CAPTURE = 'log@in.example.com';
const SECRET = new Uint8Array(32).fill(7);
let ts: TestStore;
let ses: LocalSes;
let seq = 0;
let user: User;

function deps(over: Partial<DigestDeps> = {}): DigestDeps {
  return { store: ts.store, secret: SECRET, captureAddress: CAPTURE, fromAddress: 'nurture@in.example.com', unsubscribeUrl: 'https://unsub.example.com/', mailer: localSesMailer(ses.endpoint), log: memoryLogger(), ...over };
}

async function capture(mails: Parameters<typeof composeMail>[0][]): Promise<void> {
  const raws = await Promise.all(mails.map((m) => composeMail({ from: user.email, ...m })));
  await captureBatch({ store: ts.store, config: { captureAddress: CAPTURE }, log: memoryLogger(), now: () => new Date('2026-11-29T12:00:00Z') }, raws.map((raw) => ({ raw, envelope: { recipients: [CAPTURE], auth: { verdict: 'trusted' } }, source: 't' })));
}

beforeAll(async () => {
  ts = await startTestStore();
  ses = await startLocalSes();
});
afterAll(async () => {
  await ses.stop();
  await ts.stop();
});
beforeEach(async () => {
  seq++;
  user = testUser({ userId: `u_dig${seq}abc`, email: `me${seq}@example.org`, aliases: [], tz: 'Europe/Berlin' });
  await ts.store.createUser(user);
  await ts.store.updateUser(user.userId, {}, nextDigestSlot(user, new Date('2026-11-25T00:00:00Z')));
  await ses.clear();
});

// Monday 30 Nov 2026, 08:00 in Berlin.
const MONDAY_8 = new Date('2026-11-30T07:00:00Z');

describe('a user who captured mail and wrote a note gets a digest that is right for their data', () => {
  it('lists the promise, the new person to follow up with, and someone going cold — numbered across sections', async () => {
    await capture([
      ...['2026-05-01', '2026-06-01', '2026-07-01', '2026-08-01'].map((d, i) => ({ to: 'Ana Lima <ana@corp.io>', subject: `Lisbon offsite ${i}`, text: 'Hi Ana', date: new Date(`${d}T10:00:00Z`), messageId: `<ana${i}@x>` })),
      { to: 'Jane Doe <jane@acme.com>', subject: 'deck', text: "Hi Jane, I'll send you the deck by Friday.", date: new Date('2026-11-23T10:00:00Z'), messageId: '<jane1@x>' },
      { to: CAPTURE, subject: 'note', text: 'Met Tom Baker <tom@startup.io> at the meetup.', date: new Date('2026-11-26T19:00:00Z'), messageId: '<note1@x>' },
    ]);
    const d = await prepareDigest(deps(), user, MONDAY_8);
    const sections = d.json.items.map((i) => [i.n, i.section, i.contacts.join(',')]);
    expect(sections).toEqual(
      expect.arrayContaining([
        [expect.any(Number), 'checkin', 'ana@corp.io'],
        [expect.any(Number), 'followup', 'tom@startup.io'],
        [expect.any(Number), 'promise', 'jane@acme.com'],
      ]),
    );
    expect(d.json.items.map((i) => i.n)).toEqual(d.json.items.map((_, i) => i + 1));
    const promise = d.json.items.find((i) => i.section === 'promise')!;
    expect(promise.promiseId).toBeTruthy();
    expect(promise.text).toContain('deck');
    expect(d.json.weekOf).toBe('2026-11-30');
  });

  it('signs the Reply-To for this user and week, and builds a complete MIME message', async () => {
    await capture([{ to: 'jane@acme.com', subject: 'x', text: "I'll send you the report tomorrow.", date: new Date('2026-11-20T10:00:00Z'), messageId: '<r1@x>' }]);
    const d = await prepareDigest(deps(), user, MONDAY_8);
    const token = parseReplyAddress(d.replyTo, 'in.example.com');
    const verdict = verifyReplyToken(SECRET, token!, MONDAY_8);
    expect(verdict).toMatchObject({ ok: true, claims: { userId: user.userId, digestId: '2026-11-30' } });
    const parsed = await simpleParser(d.mime);
    expect(parsed.replyTo?.value[0]?.address).toBe(d.replyTo);
    expect(parsed.messageId).toBe(`<digest.2026-11-30.${user.userId}@in.example.com>`);
    expect(parsed.date?.toISOString()).toBe(MONDAY_8.toISOString());
    expect(parsed.text).toContain('report');
    expect(parsed.html).toContain('<html');
    expect(parsed.headerLines.find((h) => h.key === 'list-unsubscribe-post')?.line).toBe('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
    expect(String(parsed.headerLines.find((h) => h.key === 'list-unsubscribe')?.line)).toMatch(/<mailto:unsubscribe\+[a-z0-9]+@in\.example\.com\?subject=unsubscribe>, <https:\/\/unsub\.example\.com\/\?t=[a-z0-9]+>/);
  });
});

describe('sending', () => {
  it('sends exactly one digest per user and week even if the job runs twice, then schedules next week', async () => {
    await capture([{ to: 'jane@acme.com', subject: 'x', text: "I'll send you the report tomorrow.", date: new Date('2026-11-20T10:00:00Z'), messageId: '<s1@x>' }]);
    expect(await dueUsers(ts.store, MONDAY_8)).toContain(user.userId);
    const first = await sendDigest(deps(), user.userId, MONDAY_8);
    const second = await sendDigest(deps(), user.userId, new Date(MONDAY_8.getTime() + 60_000));
    expect(first.status).toBe('sent');
    expect(second.status).toBe('already-sent');
    const sent = (await ses.sent()).filter((m) => m.destination.to.includes(user.email));
    expect(sent).toHaveLength(1);
    expect(await dueUsers(ts.store, MONDAY_8)).not.toContain(user.userId);
    expect(await ts.store.usersDueAt('2026-12-07T07')).toContain(user.userId);
    expect((await ts.store.getDigest(user.userId, '2026-11-30'))?.status).toBe('sent');
  });

  it('moves a user whose week was already claimed (e.g. a crash after the claim) on to next week, without sending', async () => {
    await capture([{ to: 'jane@acme.com', subject: 'x', text: "I'll send you the report tomorrow.", date: new Date('2026-11-20T10:00:00Z'), messageId: '<c1@x>' }]);
    await ts.store.claimDigest(user.userId, { weekOf: '2026-11-30', digestId: '2026-11-30', status: 'sending', items: [] });
    expect((await sendDigest(deps(), user.userId, MONDAY_8)).status).toBe('already-sent');
    expect(await ses.sent()).toHaveLength(0);
    expect(await dueUsers(ts.store, MONDAY_8)).not.toContain(user.userId);
    expect(await ts.store.usersDueAt('2026-12-07T07')).toContain(user.userId);
  });

  it('sends nothing in an empty week, and still schedules the next one', async () => {
    const r = await sendDigest(deps(), user.userId, MONDAY_8);
    expect(r.status).toBe('empty');
    expect((await ses.sent()).filter((m) => m.destination.to.includes(user.email))).toHaveLength(0);
    expect(await ts.store.usersDueAt('2026-12-07T07')).toContain(user.userId);
  });

  it('sends the one-line note in an empty week when the user asked for it', async () => {
    await ts.store.updateUser(user.userId, { emptyWeekNote: true });
    const r = await sendDigest(deps(), user.userId, MONDAY_8);
    expect(r.status).toBe('sent');
    const [mail] = (await ses.sent()).filter((m) => m.destination.to.includes(user.email));
    expect(mail?.body.text).toMatch(/nothing needs you this week/i);
  });

  it('does not send to a paused user', async () => {
    await capture([{ to: 'jane@acme.com', subject: 'x', text: "I'll send you the report tomorrow.", date: new Date('2026-11-20T10:00:00Z'), messageId: '<p1@x>' }]);
    await ts.store.updateUser(user.userId, { paused: true });
    expect((await sendDigest(deps(), user.userId, MONDAY_8)).status).toBe('paused');
    expect(await ses.sent()).toHaveLength(0);
  });

  it('retries SES throttling with backoff, and releases the week when sending finally fails so a retry can send', async () => {
    await capture([{ to: 'jane@acme.com', subject: 'x', text: "I'll send you the report tomorrow.", date: new Date('2026-11-20T10:00:00Z'), messageId: '<t1@x>' }]);
    const client = new SESv2Client({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
    const mock = mockClient(client);
    const throttle = Object.assign(new Error('Maximum sending rate exceeded.'), { name: 'TooManyRequestsException', $metadata: { httpStatusCode: 429 } });
    mock.on(SendEmailCommand).rejectsOnce(throttle).rejectsOnce(throttle).resolves({ MessageId: 'ok-1' });
    const r = await sendDigest(deps({ mailer: sesMailer(client, { baseDelayMs: 1 }) }), user.userId, MONDAY_8);
    expect(r).toMatchObject({ status: 'sent', messageId: 'ok-1' });
    expect(mock.commandCalls(SendEmailCommand)).toHaveLength(3);

    const u2 = testUser({ userId: `u_dig${seq}xyz`, email: `other${seq}@example.org`, aliases: [] });
    await ts.store.createUser(u2);
    user = u2;
    await capture([{ to: 'jane@acme.com', subject: 'x', text: "I'll send you the report tomorrow.", date: new Date('2026-11-20T10:00:00Z'), messageId: '<t2@x>' }]);
    mock.reset();
    mock.on(SendEmailCommand).rejects(Object.assign(new Error('Email address is not verified.'), { name: 'MessageRejected', $metadata: { httpStatusCode: 400 } }));
    await expect(sendDigest(deps({ mailer: sesMailer(client, { baseDelayMs: 1 }) }), u2.userId, MONDAY_8)).rejects.toThrow(/not verified/);
    expect(mock.commandCalls(SendEmailCommand)).toHaveLength(1); // not retryable
    expect(await ts.store.getDigest(u2.userId, '2026-11-30')).toBeNull();
  });
});

describe('the digest Lambda (SQS)', () => {
  it('reports only the failed record as a batch item failure', async () => {
    await capture([{ to: 'jane@acme.com', subject: 'x', text: "I'll send you the report tomorrow.", date: new Date('2026-11-20T10:00:00Z'), messageId: '<q1@x>' }]);
    const handler = createSendHandler(async () => deps(), () => MONDAY_8);
    const rec = (id: string, body: string) => ({ messageId: id, body }) as never;
    const res = await handler({ Records: [rec('m1', JSON.stringify({ userId: user.userId })), rec('m2', JSON.stringify({ userId: 'u_doesnotexist' })), rec('m3', 'not json')] });
    expect(res.batchItemFailures).toEqual([{ itemIdentifier: 'm2' }]);
    expect((await ses.sent()).filter((m) => m.destination.to.includes(user.email))).toHaveLength(1);
  });
});

describe('the dispatcher', () => {
  it('finds users by the UTC hour of their local 08:00 across DST, with a look-back for missed runs', async () => {
    const berlin = testUser({ userId: `u_dst${seq}aaa`, email: `dst${seq}@example.org`, aliases: [], tz: 'Europe/Berlin' });
    await ts.store.createUser(berlin);
    // Monday 30 March 2026 is after the spring change: 08:00 Berlin is 06:00 UTC (not 07:00 as in winter).
    const slot = nextDigestSlot(berlin, new Date('2026-03-25T00:00:00Z'));
    expect(slot).toBe('2026-03-30T06');
    await ts.store.updateUser(berlin.userId, {}, slot);
    expect(await dueUsers(ts.store, new Date('2026-03-30T06:00:05Z'))).toContain(berlin.userId);
    expect(await dueUsers(ts.store, new Date('2026-03-30T08:10:00Z'))).toContain(berlin.userId); // a missed run is caught up
    expect(await dueUsers(ts.store, new Date('2026-03-30T05:59:00Z'))).not.toContain(berlin.userId);
    expect(dueSlots(new Date('2026-03-30T06:30:00Z'))).toEqual(['2026-03-30T06', '2026-03-30T05', '2026-03-30T04', '2026-03-30T03']);
    // A service that was off all Monday finds them at start-up, with a week of look-back.
    expect(await dueUsers(ts.store, new Date('2026-03-31T20:00:00Z'))).not.toContain(berlin.userId);
    expect(await dueUsers(ts.store, new Date('2026-03-31T20:00:00Z'), STARTUP_LOOKBACK_HOURS)).toContain(berlin.userId);
  });
});
