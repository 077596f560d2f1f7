import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureBatch, type CaptureDeps } from '../../functions/capture/capture-service.ts';
import { memoryLogger } from '#commons/logger';
import { startTestStore, testUser, type TestStore } from '../support/local-store.ts';
import { composeMail } from '../support/mail.ts';

const CAPTURE = 'log@in.example.com';
let ts: TestStore;
const user = testUser({ userId: 'u_prom0001', email: 'me@example.org', aliases: [], tz: 'Europe/Berlin' });
const deps = (): CaptureDeps => ({ store: ts.store, config: { captureAddress: CAPTURE }, log: memoryLogger(), now: () => new Date('2026-11-25T12:00:00Z') });
const trusted = { recipients: [CAPTURE], auth: { verdict: 'trusted' as const } };

beforeAll(async () => {
  ts = await startTestStore();
  await ts.store.createUser(user);
});
afterAll(async () => ts.stop());

describe('promises from captured mail, end to end', () => {
  it('stores a promise from the user’s own words only, with its due date in their time zone', async () => {
    const raw = await composeMail({
      from: user.email,
      to: 'Jane Doe <jane@acme.com>',
      subject: 'Re: the deck',
      // Wednesday 25 Nov 2026, 23:30 in Berlin.
      date: new Date('2026-11-25T22:30:00Z'),
      messageId: '<p1@example.org>',
      text: [
        'Hi Jane,',
        '',
        "Great talking today. I'll send you the deck by Friday.",
        '',
        'Best,',
        'Me',
        '',
        'On Tue, Nov 24, 2026 at 9:00 AM Jane Doe <jane@acme.com> wrote:',
        "> I will introduce you to Sam next week.",
      ].join('\n'),
    });
    const [out] = await captureBatch(deps(), [{ raw, envelope: trusted, source: 't' }]);
    expect(out?.ownText).not.toContain('introduce you to Sam');
    expect(out?.promises).toHaveLength(1);
    expect(out?.promises[0]).toMatchObject({ action: 'send', to: ['jane@acme.com'], dueText: 'by Friday', due: '2026-11-27' });
    const stored = await ts.store.listPromises(user.userId);
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ state: 'open', messageId: '<p1@example.org>' });
    // Capturing the same mail again adds nothing.
    await captureBatch(deps(), [{ raw, envelope: trusted, source: 't' }]);
    expect(await ts.store.listPromises(user.userId)).toHaveLength(1);
  });

  it('stores the sentence before a promise that names its object by a pronoun, as its context', async () => {
    const raw = await composeMail({
      from: user.email,
      to: 'Ray Ko <ray@depot.io>',
      subject: 'Re: lease',
      date: new Date('2026-11-25T09:00:00Z'),
      messageId: '<pctx@example.org>',
      text: 'Hi Ray,\n\nThe signed copies of the lease are with Kay.\nI will send them Friday.\n\nBest,\nMe',
    });
    const [out] = await captureBatch(deps(), [{ raw, envelope: trusted, source: 't' }]);
    expect(out?.promises[0]).toMatchObject({ action: 'send', context: 'The signed copies of the lease are with Kay.' });
    const stored = (await ts.store.listPromises(user.userId)).find((p) => p.messageId === '<pctx@example.org>');
    expect(stored).toMatchObject({ text: 'I will send them Friday.', context: 'The signed copies of the lease are with Kay.', due: '2026-11-27' });
  });

  it('marks the promise likely fulfilled when a later mail to her carries the deck, keeping the evidence', async () => {
    const raw = await composeMail({
      from: user.email,
      to: 'jane@acme.com',
      subject: 'The deck, as promised',
      date: new Date('2026-11-26T09:00:00Z'),
      messageId: '<p2@example.org>',
      text: 'Hi Jane, here is the deck as promised.',
      attachments: [{ filename: 'deck.pdf', content: Buffer.from('%PDF-1.4 fake') }],
    });
    await captureBatch(deps(), [{ raw, envelope: trusted, source: 't' }]);
    const [p] = await ts.store.listPromises(user.userId);
    expect(p?.state).toBe('likely-done');
    expect(p?.evidence).toMatchObject({ date: '2026-11-26T09:00:00.000Z' });
    expect(p?.evidence?.why).toBeTruthy();
  });

  it('does not mark a promise to Jane fulfilled by mail to someone else', async () => {
    const promise = await composeMail({ from: user.email, to: 'ana@corp.io', subject: 'x', date: new Date('2026-11-20T09:00:00Z'), messageId: '<p3@example.org>', text: "I'll send you the contract tomorrow." });
    const other = await composeMail({ from: user.email, to: 'bob@corp.io', subject: 'contract', date: new Date('2026-11-21T09:00:00Z'), messageId: '<p4@example.org>', text: 'Attached.', attachments: [{ filename: 'c.pdf', content: Buffer.from('x') }] });
    await captureBatch(deps(), [promise, other].map((raw) => ({ raw, envelope: trusted, source: 't' })));
    const toAna = (await ts.store.listPromises(user.userId)).find((p) => p.to.includes('ana@corp.io'));
    expect(toAna?.state).toBe('open');
  });

  it('finds a promise in a note to the capture address, owed to the person named', async () => {
    const raw = await composeMail({ from: user.email, to: CAPTURE, subject: 'met Tom', date: new Date('2026-11-22T18:00:00Z'), messageId: '<p5@example.org>', text: 'Met Tom Baker <tom@startup.io> at the meetup. Promised to send him the restaurant recommendation.' });
    const [out] = await captureBatch(deps(), [{ raw, envelope: trusted, source: 't' }]);
    expect(out?.kind).toBe('note');
    expect(out?.promises[0]).toMatchObject({ action: 'send', to: ['tom@startup.io'] });
  });

  it('finds the promise in the README’s own example note ("promised her the app link")', async () => {
    const raw = await composeMail({ from: user.email, to: CAPTURE, subject: 'meetup', date: new Date('2026-11-22T18:00:00Z'), messageId: '<p5b@example.org>', text: 'Met Jane Doe <jane@acme.com> at the meetup — promised her the app link.' });
    const [out] = await captureBatch(deps(), [{ raw, envelope: trusted, source: 't' }]);
    expect(out?.promises[0]).toMatchObject({ action: 'send', to: ['jane@acme.com'] });
  });

  it('never marks "likely done" a promise the user dropped meanwhile', async () => {
    const promise = await composeMail({ from: user.email, to: 'lee@corp.io', subject: 'slides', date: new Date('2026-11-20T09:00:00Z'), messageId: '<p6@example.org>', text: "I'll send you the slides tomorrow." });
    await captureBatch(deps(), [{ raw: promise, envelope: trusted, source: 't' }]);
    const made = (await ts.store.listPromises(user.userId)).find((p) => p.to.includes('lee@corp.io'))!;
    await ts.store.updatePromise(user.userId, made.id, { state: 'dropped' });
    const delivers = await composeMail({ from: user.email, to: 'lee@corp.io', subject: 'slides', date: new Date('2026-11-21T09:00:00Z'), messageId: '<p7@example.org>', text: 'Here are the slides, as promised.', attachments: [{ filename: 's.pdf', content: Buffer.from('x') }] });
    await captureBatch(deps(), [{ raw: delivers, envelope: trusted, source: 't' }]);
    expect((await ts.store.getPromise(user.userId, made.id))?.state).toBe('dropped');
  });

  it('in a bulk import, a mail in a later batch delivers a promise made in an earlier one', async () => {
    const bulk: CaptureDeps = { ...deps(), bulk: true, openPromises: new Map() };
    const promise = await composeMail({ from: user.email, to: 'kim@corp.io', subject: 'report', date: new Date('2026-11-10T09:00:00Z'), messageId: '<p8@example.org>', text: "I'll send you the report on Monday." });
    await captureBatch(bulk, [{ raw: promise, envelope: trusted, source: 't' }]);
    const delivers = await composeMail({ from: user.email, to: 'kim@corp.io', subject: 'report', date: new Date('2026-11-16T09:00:00Z'), messageId: '<p9@example.org>', text: 'Here is the report, as promised.', attachments: [{ filename: 'r.pdf', content: Buffer.from('x') }] });
    const queriesBefore = ts.store.metrics.byOperation.Query ?? 0;
    await captureBatch(bulk, [{ raw: delivers, envelope: trusted, source: 't' }]);
    // The import listed the promises once, not once per batch.
    expect(ts.store.metrics.byOperation.Query ?? 0).toBe(queriesBefore);
    const toKim = (await ts.store.listPromises(user.userId)).find((p) => p.to.includes('kim@corp.io'));
    expect(toKim?.state).toBe('likely-done');
  });

  it('in a bulk import, an introduction promised by first names is delivered by the mail that introduces them', async () => {
    const bulk: CaptureDeps = { ...deps(), bulk: true, openPromises: new Map() };
    // Told to Ana; the two people are named, not addressed — and the introduction mail does not copy Ana.
    const offer = await composeMail({ from: user.email, to: 'ana@corp.io', subject: 'intro', date: new Date('2026-11-10T09:00:00Z'), messageId: '<p10@example.org>', text: "I'll introduce Sam to Priya next week." });
    await captureBatch(bulk, [{ raw: offer, envelope: trusted, source: 't' }]);
    const made = (await ts.store.listPromises(user.userId)).find((p) => p.messageId === '<p10@example.org>');
    expect(made).toMatchObject({ action: 'introduce', to: ['ana@corp.io'], introduce: ['Sam', 'Priya'] });
    const intro = await composeMail({ from: user.email, to: ['sam@startup.io', 'priya@lab.org'], subject: 'Sam, meet Priya', date: new Date('2026-11-12T09:00:00Z'), messageId: '<p11@example.org>', text: 'Sam, meet Priya - I wanted to introduce you two, you should talk about the grant.' });
    await captureBatch(bulk, [{ raw: intro, envelope: trusted, source: 't' }]);
    expect((await ts.store.getPromise(user.userId, made!.id))?.state).toBe('likely-done');
  });
});
