import { SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sesMailer } from '#adapters/mailer';
import { createDocumentClient } from '#adapters/dynamo-client';
import { Store } from '#adapters/store';
import { memoryLogger } from '#commons/logger';
import { captureBatch } from '../../functions/capture/capture-service.ts';
import { DigestInProgressError, prepareDigest, sendDigest, type DigestDeps } from '../../functions/digest/digest-service.ts';
import { dueSlots, dueUsers, FIRST_RUN_LOOKBACK_HOURS, LOOKBACK_HOURS, lookbackHours, markDispatched, MAX_LOOKBACK_HOURS } from '../../functions/digest/dispatch.ts';
import { createSendHandler } from '../../functions/digest/send-handler.ts';
import { startScheduler } from '../../functions/local/scheduler.ts';
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

  it('shows what a promise made with a pronoun is about: the sentence before it, kept at capture', async () => {
    await capture([{ to: 'Jane Doe <jane@acme.com>', subject: 'figures', text: 'Hi Jane,\n\nThe Q3 figures are almost final. I will send them to you on Friday.\n\nBest,\nMe', date: new Date('2026-11-24T10:00:00Z'), messageId: '<ctx1@x>' }]);
    const d = await prepareDigest(deps(), user, MONDAY_8);
    const item = d.json.items.find((i) => i.section === 'promise');
    expect(item?.text).toContain('send them');
    expect(item?.why).toMatch(/^after “The Q3 figures are almost final\.” · due /);
    expect(d.rendered.text).toContain('after “The Q3 figures are almost final.”');
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
    expect(String(parsed.headerLines.find((h) => h.key === 'list-unsubscribe')?.line)).toMatch(/<mailto:unsub\+[a-z0-9]+@in\.example\.com\?subject=unsubscribe>, <https:\/\/unsub\.example\.com\/\?t=[a-z0-9]+>/);
  });
});

describe('sending', () => {
  it('sends exactly one digest per user and week even if the job runs twice, then schedules next week', async () => {
    await capture([{ to: 'jane@acme.com', subject: 'x', text: "I'll send you the report tomorrow.", date: new Date('2026-11-20T10:00:00Z'), messageId: '<s1@x>' }]);
    expect((await dueUsers(ts.store, MONDAY_8, LOOKBACK_HOURS)).map((d) => d.userId)).toContain(user.userId);
    const first = await sendDigest(deps(), user.userId, MONDAY_8);
    const second = await sendDigest(deps(), user.userId, new Date(MONDAY_8.getTime() + 60_000));
    expect(first.status).toBe('sent');
    expect(second.status).toBe('already-sent');
    const sent = (await ses.sent()).filter((m) => m.destination.to.includes(user.email));
    expect(sent).toHaveLength(1);
    expect((await dueUsers(ts.store, MONDAY_8, LOOKBACK_HOURS)).map((d) => d.userId)).not.toContain(user.userId);
    expect(await ts.store.usersDueAt('2026-12-07T07')).toContain(user.userId);
    expect((await ts.store.getDigest(user.userId, '2026-11-30'))?.status).toBe('sent');
  });

  it('moves a user whose week was already sent on to next week, without sending', async () => {
    await capture([{ to: 'jane@acme.com', subject: 'x', text: "I'll send you the report tomorrow.", date: new Date('2026-11-20T10:00:00Z'), messageId: '<c1@x>' }]);
    expect(await ts.store.claimDigest(user.userId, { weekOf: '2026-11-30', digestId: '2026-11-30', status: 'sent', items: [] }, MONDAY_8)).toBe('claimed');
    expect((await sendDigest(deps(), user.userId, MONDAY_8)).status).toBe('already-sent');
    expect(await ses.sent()).toHaveLength(0);
    expect((await dueUsers(ts.store, MONDAY_8, LOOKBACK_HOURS)).map((d) => d.userId)).not.toContain(user.userId);
    expect(await ts.store.usersDueAt('2026-12-07T07')).toContain(user.userId);
  });

  it('leaves a digest another run is sending to that run (retried later), and takes over a claim a crash left behind', async () => {
    await capture([{ to: 'jane@acme.com', subject: 'x', text: "I'll send you the report tomorrow.", date: new Date('2026-11-20T10:00:00Z'), messageId: '<c2@x>' }]);
    const claim = { weekOf: '2026-11-30', digestId: '2026-11-30', status: 'sending' as const, items: [] };
    // A run claimed it two minutes ago and may still be sending: this one must neither send nor give up.
    await ts.store.claimDigest(user.userId, claim, new Date(MONDAY_8.getTime() - 2 * 60_000));
    await expect(sendDigest(deps(), user.userId, MONDAY_8)).rejects.toBeInstanceOf(DigestInProgressError);
    expect(await ses.sent()).toHaveLength(0);
    expect((await dueUsers(ts.store, MONDAY_8, LOOKBACK_HOURS)).map((d) => d.userId)).toContain(user.userId);
    // Twenty minutes on, that run has long ended (a send Lambda lives a minute): its claim is stale, and the retry sends.
    const later = new Date(MONDAY_8.getTime() + 18 * 60_000);
    const log = memoryLogger();
    expect((await sendDigest({ ...deps(), log }, user.userId, later, MONDAY_8)).status).toBe('sent');
    expect(log.entries.map((e) => e.message)).toContain('digest claim left by a run that never finished: sending it now');
    expect((await ses.sent()).filter((m) => m.destination.to.includes(user.email))).toHaveLength(1);
    expect((await ts.store.getDigest(user.userId, '2026-11-30'))?.status).toBe('sent');
  });

  it('reads a claim that vanished under it (released after a failed send) as still being sent, not as done', async () => {
    const claim = { weekOf: '2026-11-30', digestId: '2026-11-30', status: 'sending' as const, items: [] };
    await ts.store.claimDigest(user.userId, claim, MONDAY_8);
    // Between this run's failed put and its read, the other run's send fails and it releases the claim.
    const racy = createDocumentClient({ endpoint: ts.endpoint });
    racy.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'GetItemCommand' || context.commandName === 'GetCommand') await ts.store.releaseDigest(user.userId, '2026-11-30');
        return next(args);
      },
      { step: 'initialize' },
    );
    expect(await new Store(racy, ts.tableName).claimDigest(user.userId, claim, MONDAY_8)).toBe('sending');
    racy.destroy();
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

  it('retries an empty week’s note whose send failed, and reports the send’s error', async () => {
    await ts.store.updateUser(user.userId, { emptyWeekNote: true });
    const down = { send: () => Promise.reject(new Error('local SES is down')) };
    await expect(sendDigest(deps({ mailer: down }), user.userId, MONDAY_8)).rejects.toThrow(/local SES is down/);
    expect(await ts.store.getDigest(user.userId, '2026-11-30')).toBeNull();
    expect((await sendDigest(deps(), user.userId, MONDAY_8)).status).toBe('sent');
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
    const res = await handler({ Records: [rec('m1', JSON.stringify({ userId: user.userId, at: '2026-11-30T07:00:00.000Z' })), rec('m2', JSON.stringify({ userId: 'u_doesnotexist' })), rec('m3', 'not json')] });
    expect(res.batchItemFailures).toEqual([{ itemIdentifier: 'm2' }]);
    expect((await ses.sent()).filter((m) => m.destination.to.includes(user.email))).toHaveLength(1);
  });

  it('hands records back to the queue, untouched, when too little time is left to send one', async () => {
    await capture([{ to: 'jane@acme.com', subject: 'x', text: "I'll send you the report tomorrow.", date: new Date('2026-11-20T10:00:00Z'), messageId: '<q2@x>' }]);
    const handler = createSendHandler(async () => deps(), () => MONDAY_8);
    let left = 40_000;
    const context = { getRemainingTimeInMillis: () => (left -= 20_000) };
    const rec = (id: string) => ({ messageId: id, body: JSON.stringify({ userId: user.userId, at: '2026-11-30T07:00:00.000Z' }) }) as never;
    const res = await handler({ Records: [rec('a'), rec('b'), rec('c')] }, context);
    // 20 s left before the first record (enough), 0 s before the second: the second and third go back.
    expect(res.batchItemFailures).toEqual([{ itemIdentifier: 'b' }, { itemIdentifier: 'c' }]);
    expect((await ses.sent()).filter((m) => m.destination.to.includes(user.email))).toHaveLength(1);
  });
});

describe('the dispatcher', () => {
  const ids = async (now: Date, lookback = LOOKBACK_HOURS) => (await dueUsers(ts.store, now, lookback)).map((d) => d.userId);

  it('finds users by the UTC hour of their local 08:00 across DST, with a look-back for missed runs', async () => {
    const berlin = testUser({ userId: `u_dst${seq}aaa`, email: `dst${seq}@example.org`, aliases: [], tz: 'Europe/Berlin' });
    await ts.store.createUser(berlin);
    // Monday 30 March 2026 is after the spring change: 08:00 Berlin is 06:00 UTC (not 07:00 as in winter).
    const slot = nextDigestSlot(berlin, new Date('2026-03-25T00:00:00Z'));
    expect(slot).toBe('2026-03-30T06');
    await ts.store.updateUser(berlin.userId, {}, slot);
    expect(await ids(new Date('2026-03-30T06:00:05Z'))).toContain(berlin.userId);
    expect(await ids(new Date('2026-03-30T08:10:00Z'))).toContain(berlin.userId); // a missed run is caught up
    expect(await ids(new Date('2026-03-30T05:59:00Z'))).not.toContain(berlin.userId);
    expect(dueSlots(new Date('2026-03-30T06:30:00Z'))).toEqual(['2026-03-30T06', '2026-03-30T05', '2026-03-30T04', '2026-03-30T03']);
    // Each user comes with the slot they were due in: their digest's week is pinned to it.
    const due = (await dueUsers(ts.store, new Date('2026-03-30T08:10:00Z'), LOOKBACK_HOURS)).find((d) => d.userId === berlin.userId);
    expect(due?.dueAt).toEqual(new Date('2026-03-30T06:00:00Z'));
  });

  it('looks back to where the last completed run left off: an outage or a machine that was off loses nobody', async () => {
    const berlin = testUser({ userId: `u_off${seq}aaa`, email: `off${seq}@example.org`, aliases: [], tz: 'Europe/Berlin' });
    await ts.store.createUser(berlin);
    await ts.store.updateUser(berlin.userId, {}, '2026-03-30T06');
    await markDispatched(ts.store, new Date('2026-03-30T05:00:00Z'));
    // Off all Monday: Tuesday evening's run still finds the Monday 06:00 slot, 39 hours back.
    expect(await lookbackHours(ts.store, new Date('2026-03-31T20:00:00Z'))).toBe(39);
    expect((await dueUsers(ts.store, new Date('2026-03-31T20:00:00Z'))).map((d) => d.userId)).toContain(berlin.userId);
    // Three hours without a run would have missed them.
    expect(await ids(new Date('2026-03-31T20:00:00Z'))).not.toContain(berlin.userId);
    // After a completed run the next looks back only its few hours; a very long outage is capped.
    await markDispatched(ts.store, new Date('2026-03-31T20:00:00Z'));
    expect(await lookbackHours(ts.store, new Date('2026-03-31T21:00:00Z'))).toBe(LOOKBACK_HOURS);
    expect(await lookbackHours(ts.store, new Date('2027-03-31T21:00:00Z'))).toBe(MAX_LOOKBACK_HOURS);
  });

  it('looks back a week when no run was ever recorded', async () => {
    const fresh = await startTestStore();
    try {
      expect(await lookbackHours(fresh.store, new Date('2026-03-31T20:00:00Z'))).toBe(FIRST_RUN_LOOKBACK_HOURS);
    } finally {
      await fresh.stop();
    }
  });
});

describe('the local scheduler', () => {
  it('retries a digest that failed in a later round, however late, instead of dropping the user', async () => {
    const fresh = await startTestStore();
    try {
      const u = testUser({ userId: `u_sch${seq}aaa`, email: `sch${seq}@example.org`, aliases: [], tz: 'Europe/Berlin' });
      await fresh.store.createUser(u);
      await fresh.store.updateUser(u.userId, {}, '2026-11-30T07');
      let sesDown = true;
      const real = localSesMailer(ses.endpoint);
      const mailer = { send: (mail: Parameters<typeof real.send>[0]) => (sesDown ? Promise.reject(new Error('connect ECONNREFUSED')) : real.send(mail)) };
      let clock = new Date('2026-11-30T06:00:10Z');
      const scheduler = startScheduler({ ...deps({ mailer }), store: fresh.store }, () => clock);
      scheduler.stop();
      await scheduler.firstRound; // an hour before the user is due: nothing to send
      clock = new Date('2026-11-30T09:00:10Z'); // the 07:00 slot, caught up two hours late
      await captureBatch({ store: fresh.store, config: { captureAddress: CAPTURE }, log: memoryLogger(), now: () => new Date('2026-11-29T12:00:00Z') }, [
        { raw: await composeMail({ from: u.email, to: 'jane@acme.com', subject: 'x', text: "I'll send you the report tomorrow.", date: new Date('2026-11-20T10:00:00Z'), messageId: `<sch${seq}@x>` }), envelope: { recipients: [CAPTURE], auth: { verdict: 'trusted' } }, source: 't' },
      ]);
      expect(await scheduler.runOnce()).toEqual([{ userId: u.userId, status: 'failed' }]);
      // The local SES comes back ten hours later, long past the dispatcher's usual three-hour look-back.
      sesDown = false;
      clock = new Date('2026-11-30T17:05:00Z');
      expect(await scheduler.runOnce()).toEqual([{ userId: u.userId, status: 'sent' }]);
      expect((await fresh.store.getDigest(u.userId, '2026-11-30'))?.status).toBe('sent');
      expect(await scheduler.runOnce()).toEqual([]);
    } finally {
      await fresh.stop();
    }
  });
});

describe('a late digest counts for the week it was due in', () => {
  it('a Sunday 23:00 digest sent after midnight does not use up next week’s', async () => {
    const sunday = testUser({ userId: `u_sun${seq}aaa`, email: `sun${seq}@example.org`, aliases: [], tz: 'Europe/Berlin', digestDay: 7, digestHour: 23 });
    await ts.store.createUser(sunday);
    user = sunday;
    await capture([{ to: 'jane@acme.com', subject: 'x', text: "I'll send you the report tomorrow.", date: new Date('2026-11-20T10:00:00Z'), messageId: `<sun${seq}@x>` }]);
    // Due in the 22:00 UTC slot of Sunday 29 Nov (23:00 Berlin); the run gets to it at 00:30 Berlin, Monday.
    const late = await sendDigest(deps(), sunday.userId, new Date('2026-11-29T23:30:00Z'), new Date('2026-11-29T22:00:00Z'));
    expect(late.status).toBe('sent');
    expect(await ts.store.getDigest(sunday.userId, '2026-11-23')).not.toBeNull();
    expect(await ts.store.getDigest(sunday.userId, '2026-11-30')).toBeNull();
    // The next Sunday's digest still goes out.
    expect((await sendDigest(deps(), sunday.userId, new Date('2026-12-06T22:00:05Z'), new Date('2026-12-06T22:00:00Z'))).status).toBe('sent');
  });
});
