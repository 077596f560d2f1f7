/**
 * Weekly digests over a designed two-year history, through the service: real MIME captured into the embedded
 * DynamoDB, digests sent through the local SES, replies to them captured and acted on, twelve Mondays in a row.
 *
 * The history has known shapes: a weekly collaborator silent since September, a close contact silent all of 2026,
 * five quarterly contacts silent for five months (seven lapsed regulars in all), a monthly and a near-daily contact
 * who stay current, sixty people written to once, and a no-reply robot. With the default settings the digest must
 * offer a lapsed regular every week, nobody without a rhythm while one waits, no repeat within four weeks, and
 * nobody again within eight weeks of a check-in.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryLogger } from '#commons/logger';
import type { User } from '#domain/types';
import { newUser } from '#domain/users';
import { nextDigestSlot } from '#domain/week';
import { captureBatch, type CaptureDeps } from '../../functions/capture/capture-service.ts';
import { sendDigest, type DigestDeps } from '../../functions/digest/digest-service.ts';
import { localSesMailer } from '../../functions/local/local-mailer.ts';
import { handleReply } from '../../functions/replies/reply-service.ts';
import { startLocalSes, type LocalSes } from '../support/local-ses.ts';
import { startTestStore, type TestStore } from '../support/local-store.ts';
import { composeMail } from '../support/mail.ts';

const CAPTURE = 'log@in.example.com';
const SECRET = new Uint8Array(32).fill(9);
const DAY = 86_400_000;
/** Monday 30 Nov 2026, 08:00 in Berlin: the first digest. */
const FIRST_MONDAY = Date.parse('2026-11-30T07:00:00Z');
const WEEKS = 12;

const WES = 'wes@collab.example'; // weekly from Nov 2025 until 7 Sep 2026
const CLARA = 'clara@close.example'; // every ten days through 2025, silent all of 2026
const QUARTERLY = [1, 2, 3, 4, 5].map((i) => `q${i}@quarter${i}.example`); // every quarter since mid 2024, last in June
const LAPSED = new Set([WES, CLARA, ...QUARTERLY]);
const MONTHLY = 'mo@monthly.example';
const DAILY = 'dee@daily.example';
const ONCE = Array.from({ length: 60 }, (_, i) => `person${i}@once${i}.example`);
const ROBOT = 'noreply@notify.example';

let ts: TestStore;
let ses: LocalSes;
let user: User;
let clock = FIRST_MONDAY;
let seq = 0;

const log = memoryLogger();
const captureDeps = (): CaptureDeps => ({
  store: ts.store,
  config: { captureAddress: CAPTURE },
  log,
  now: () => new Date(clock),
  onReply: (mail, input, outcome) =>
    handleReply({ store: ts.store, secret: SECRET, config: { captureAddress: CAPTURE }, log, now: () => new Date(clock), fromAddress: 'nurture@in.example.com' }, mail, input, outcome),
});
const digestDeps = (): DigestDeps => ({ store: ts.store, secret: SECRET, captureAddress: CAPTURE, fromAddress: 'nurture@in.example.com', mailer: localSesMailer(ses.endpoint), log });

interface Sent {
  readonly to: string | string[];
  readonly at: number;
  readonly subject?: string;
  readonly cc?: string[];
  readonly text?: string;
}

/** Mail the user sent, captured as if BCC'd (authenticated), in batches. */
async function capture(mails: readonly Sent[]): Promise<void> {
  const raws = await Promise.all(
    mails.map((m) =>
      composeMail({ from: user.email, to: m.to, cc: m.cc, subject: m.subject ?? 'Catching up', text: m.text ?? 'Hi, a quick note.', date: new Date(m.at), messageId: `<h${++seq}@example.org>` }),
    ),
  );
  for (let i = 0; i < raws.length; i += 50) {
    const outcomes = await captureBatch(captureDeps(), raws.slice(i, i + 50).map((raw) => ({ raw, envelope: { recipients: [CAPTURE], auth: { verdict: 'trusted' as const } }, source: 'history' })));
    for (const o of outcomes) expect(['outgoing', 'ignored'], `${o.kind}: ${o.reason ?? ''} ${o.detail ?? ''}`).toContain(o.kind);
  }
}

function every(to: string, fromIso: string, untilIso: string, days: number, subject: string): Sent[] {
  const out: Sent[] = [];
  for (let t = Date.parse(fromIso); t <= Date.parse(untilIso); t += days * DAY) out.push({ to, at: t, subject });
  return out;
}

/** The user's reply to this week's digest, quoting it, as their mail client sends it. */
async function reply(text: string): Promise<void> {
  const sent = (await ses.sent()).filter((m) => m.destination.to.includes(user.email)).at(-1);
  expect(sent, 'a digest was sent this week').toBeDefined();
  const raw = await composeMail({
    from: user.email,
    to: sent!.replyTo[0],
    subject: `Re: ${sent!.subject}`,
    text: `${text}\n\nOn Mon, Nurture wrote:\n${(sent!.body.text ?? '').split('\n').map((l) => `> ${l}`).join('\n')}`,
    date: new Date(clock),
    messageId: `<reply${++seq}@example.org>`,
  });
  const [outcome] = await captureBatch(captureDeps(), [{ raw, envelope: { recipients: [sent!.replyTo[0] as string], auth: { verdict: 'trusted' } }, source: 'reply' }]);
  expect(outcome?.kind).toBe('reply');
}

const weekOf = (w: number) => new Date(FIRST_MONDAY + w * 7 * DAY).toISOString().slice(0, 10);

beforeAll(async () => {
  ts = await startTestStore();
  ses = await startLocalSes();
  // Registered as a new user is: the default settings.
  user = newUser({ email: 'me@example.org', tz: 'Europe/Berlin', name: 'Maria Keller' }, new Date('2024-06-01T00:00:00Z'), 'u_history01');
  await ts.store.createUser(user);
  await ts.store.updateUser(user.userId, {}, nextDigestSlot(user, new Date(FIRST_MONDAY - DAY)));
  await capture([
    ...every(WES, '2025-11-03T09:00:00Z', '2026-09-07T09:00:00Z', 7, 'Platform migration'),
    ...every(CLARA, '2025-01-05T18:00:00Z', '2025-12-20T18:00:00Z', 10, 'Dinner soon?'),
    ...QUARTERLY.flatMap((q, i) => every(q, `2024-06-${String(10 + i).padStart(2, '0')}T10:00:00Z`, '2026-06-30T10:00:00Z', 91, 'Quarterly review')),
    ...every(MONTHLY, '2025-01-15T10:00:00Z', '2026-11-25T10:00:00Z', 30, 'Monthly numbers'),
    ...every(DAILY, '2026-01-02T08:00:00Z', '2026-11-28T08:00:00Z', 2, 'Standup notes'),
    ...ONCE.map((to, i) => ({ to, at: Date.parse('2024-12-01T10:00:00Z') + i * 11 * DAY, subject: `Question ${i}` })),
    ...every(ROBOT, '2025-06-01T10:00:00Z', '2026-10-01T10:00:00Z', 30, 'Your account'),
  ]);
}, 240_000);

afterAll(async () => {
  await ses?.stop();
  await ts?.stop();
});

describe('twelve weekly digests over a two-year history, with replies', () => {
  /** Who was suggested for a check-in each week, and the digests' follow-ups. */
  const checkins: string[][] = [];
  const followups: { contacts: readonly string[]; text: string }[][] = [];

  it('runs the weeks: the user replies "done" to the first check-in, writes to the third, ignores the rest', async () => {
    for (let w = 0; w < WEEKS; w += 1) {
      const monday = FIRST_MONDAY + w * 7 * DAY;
      // The current people stay current: mail through the week before each digest.
      clock = monday - 6 * DAY;
      await capture([...every(DAILY, new Date(monday - 6 * DAY).toISOString(), new Date(monday - DAY).toISOString(), 2, 'Standup notes'), ...(w % 4 === 0 ? [{ to: MONTHLY, at: monday - 3 * DAY, subject: 'Monthly numbers' }] : [])]);
      if (w === 4) {
        // Thursday before week 4: a personal first mail to a new person, and a group thread to eight new people.
        const thursday = monday - 4 * DAY;
        const bank = ['jones', 'tana', 'glover', 'kim', 'ray', 'ole', 'pia', 'uma'].map((n) => `${n}@bank.example`);
        await capture([
          { to: 'lea@pilot.example', at: thursday, subject: 'Pilot & pricing' },
          { to: bank.slice(0, 5), cc: bank.slice(5), at: thursday + 3_600_000, subject: 'RE: ISDA Master Agreement' },
        ]);
      }
      clock = monday;
      const result = await sendDigest(digestDeps(), user.userId, new Date(monday));
      expect(['sent', 'empty'], `week ${w}`).toContain(result.status);
      const digest = await ts.store.getDigest(user.userId, weekOf(w));
      checkins.push(digest!.items.filter((i) => i.section === 'checkin').flatMap((i) => i.contacts));
      followups.push(digest!.items.filter((i) => i.section === 'followup').map((i) => ({ contacts: i.contacts, text: i.text })));
      const item = digest!.items.find((i) => i.section === 'checkin');
      if (w === 0 && item) {
        clock = monday + 2 * 3_600_000;
        await reply(`done ${item.n}`);
        const person = item.contacts[0] as string;
        expect((await ts.store.getContacts(user.userId, [person])).get(person)?.contact.checkedInAt).toBe(new Date(clock).toISOString());
      }
      if (w === 2 && item) await capture([{ to: item.contacts[0] as string, at: monday + 5 * 3_600_000, subject: 'How are things?' }]);
    }
    expect(checkins).toHaveLength(WEEKS);
  }, 300_000);

  it('offers one check-in a week (the default), always a lapsed regular, while one may be offered', () => {
    // Week 8 has none to offer: the five ignored suggestions of weeks 3–7 rest six weeks, and the two people the user
    // checked in with (weeks 0 and 2) wait eight. An empty week sends nothing rather than someone written to once.
    const expected = checkins.map((_, w) => (w === 8 ? 0 : 1));
    expect(checkins.map((p) => p.length)).toEqual(expected);
    for (const [w, people] of checkins.entries()) for (const p of people) expect(LAPSED.has(p), `week ${w}: ${p}`).toBe(true);
  });

  it('rotates through all seven lapsed regulars before anyone comes back', () => {
    expect(new Set(checkins.slice(0, 7).flat()).size).toBe(7);
  });

  it('never repeats a person within four weeks, nor within eight weeks of a check-in', () => {
    const weeksOf = new Map<string, number[]>();
    checkins.forEach((people, w) => people.forEach((p) => weeksOf.set(p, [...(weeksOf.get(p) ?? []), w])));
    for (const [person, weeks] of weeksOf) {
      for (let i = 1; i < weeks.length; i += 1) expect((weeks[i] as number) - (weeks[i - 1] as number), person).toBeGreaterThan(4);
    }
    const doneWith = checkins[0]?.[0] as string;
    const wroteTo = checkins[2]?.[0] as string;
    expect(checkins.slice(1, 9).flat()).not.toContain(doneWith);
    expect(checkins.slice(3, 11).flat()).not.toContain(wroteTo);
  });

  it('never suggests a current contact, someone written to once, or a robot', () => {
    const everyone = checkins.flat();
    for (const p of [MONTHLY, DAILY, ROBOT, ...ONCE]) expect(everyone).not.toContain(p);
  });

  it('follows up the new person written to personally, and the group thread as one item naming it', () => {
    expect(followups[4]).toEqual([
      { contacts: ['lea@pilot.example'], text: 'Follow up with lea@pilot.example' },
      { contacts: expect.arrayContaining(['jones@bank.example', 'tana@bank.example']), text: 'Follow up on “ISDA Master Agreement”' },
    ]);
    expect(followups[4]?.[1]?.contacts).toHaveLength(5); // the five in To; the three in Cc are not new acquaintances
    expect(followups.filter((_, w) => w !== 4).flat()).toEqual([]);
  });
});
