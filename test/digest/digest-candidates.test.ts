/**
 * The digest reads only candidate contacts (the contact index in descending check-in bound, this week's people and
 * the people of the promises shown). This proves, on random data in a real embedded DynamoDB, that the digest it
 * builds is exactly the one selected over every contact — and that it read fewer of them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryLogger } from '#commons/logger';
import { NEW_CONTACT_WINDOW_DAYS, selectDigest } from '#domain/digest-select';
import type { Contact, Interaction, StoredPromise, User } from '#domain/types';
import { weekOf } from '#domain/week';
import { prepareDigest } from '../../functions/digest/digest-service.ts';
import { startTestStore, testUser, type TestStore } from '../support/local-store.ts';
import { DateTime } from 'luxon';

const DAY = 86_400_000;
const NOW = new Date('2026-11-30T07:00:00Z');
const TOPICS = ['solar pricing', 'lisbon offsite', 'hiring plan', 'board deck', 'grant proposal', 'api launch', 'kayak trip'];

let ts: TestStore;
beforeAll(async () => {
  ts = await startTestStore();
});
afterAll(async () => ts.stop());

/** mulberry32: a small seeded generator, so a failure reproduces. */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

interface World {
  user: User;
  contacts: Contact[];
  interactions: Interaction[];
  promises: StoredPromise[];
  lastWeekSuggested: string[];
}

/** `hot` contacts are written to every few days: the highest bounds, yet none is due a check-in. */
function world(seed: number, size: number, hot = 0, paused = false): World {
  const r = rng(seed);
  const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
  const iso = (ms: number): string => new Date(ms).toISOString();
  const now = NOW.getTime();
  const user = testUser({ userId: `u_cand${seed}x`, email: `me${seed}@example.org`, aliases: [`me${seed}@work.example`], tz: 'Europe/Berlin', checkins: 1 + Math.floor(r() * 10), paused });
  const contacts: Contact[] = [];
  const interactions: Interaction[] = [];
  for (let i = 0; i < size; i++) {
    const email = i === 0 ? user.aliases[0]! : `c${i}@org${i % 40}.example`;
    const isHot = i > 0 && i <= hot;
    const fresh = !isHot && r() < 0.02; // first written to or met this week: a follow-up candidate
    const met = fresh && r() < 0.4;
    const count = isHot ? 80 : met ? 0 : fresh ? 1 : Math.floor(1 + 60 * r() ** 3);
    // On one mail long ago (a Cc or a group thread, when firstVia says so) and met this week: a follow-up.
    const metLater = !fresh && !isHot && count === 1 && r() < 0.03 ? now - (1 + r() * 6.5) * DAY : null;
    // Contact 1 was last written to by a mail whose Date header is a few hours ahead of the clock.
    const last = i === 1 ? now + 0.2 * DAY : isHot ? now - (8 + r() * 2) * DAY : fresh ? now - (1 + r() * 6.5) * DAY : now - r() * 800 * DAY;
    const gap = (isHot ? 7 + r() : 3 + r() * 60) * DAY;
    const recentDates = Array.from({ length: Math.min(count, 24) }, (_, k) => iso(last - k * gap * (0.7 + 0.6 * r())));
    const c: Contact = {
      email,
      ...(r() < 0.8 ? { name: `${pick(['Ana', 'Tom', 'Jo', 'Sam', 'Priya'])} N${i}` } : {}),
      ...(i % 3 ? { org: `Org${i % 40}` } : {}),
      firstContacted: iso(fresh ? last : last - (count - 1) * gap - r() * 100 * DAY),
      lastContacted: iso(last),
      count,
      recentDates,
      lastSubject: `Re: ${pick(TOPICS)}`,
      replies: Math.floor(r() * (count + 1)),
      ...(met ? { metAt: iso(last), firstMetAt: iso(last) } : metLater ? { metAt: iso(metLater), firstMetAt: iso(metLater) } : {}),
      notes: r() < 0.05 ? [{ date: iso(last), text: `Note about ${email}` }] : [],
      // Suggested within the six-week rest, or longer ago (rested: back only after the fresh ones).
      ...(r() < 0.15 ? { lastSuggested: iso(now - r() * 90 * DAY), ignoredSuggestions: Math.floor(r() * 4) } : {}),
      ...(r() < 0.7 ? { firstVia: pick(['personal', 'group', 'cc'] as const) } : {}),
      // Months beyond the recent dates: a longer relationship than the last 24 mails show.
      ...(r() < 0.5 ? { months: [...new Set([...recentDates.map((d) => d.slice(0, 7)), ...Array.from({ length: Math.floor(r() * 20) }, (_, k) => iso(last - (k + 1) * 40 * DAY).slice(0, 7))])] } : {}),
      ...(r() < 0.03 ? { skipUntil: iso(now + (r() < 0.5 ? 1 : -1) * 20 * DAY) } : {}),
      ...(r() < 0.03 ? { checkedInAt: iso(now - r() * 90 * DAY) } : {}),
      ...(r() < 0.1 ? { coRecipients: [`c${Math.floor(r() * size)}@org${Math.floor(r() * 40)}.example`] } : {}),
      seen: [],
    };
    contacts.push(c);
    if (metLater) {
      interactions.push({ key: `n${seed}x${i}`, kind: 'note', messageId: null, date: iso(metLater), subject: 'Met', recipients: [{ email }], threadId: `n${i}`, inReplyTo: null, references: [], hasAttachments: false, hasLink: false });
    }
    if (last > now - NEW_CONTACT_WINDOW_DAYS * DAY) {
      interactions.push({ key: `k${seed}x${i}`, kind: met ? 'note' : 'outgoing', messageId: null, date: iso(last), subject: c.lastSubject!, recipients: [{ email }], threadId: `t${i}`, inReplyTo: null, references: [], hasAttachments: false, hasLink: false });
    }
  }
  const someone = (): string => (r() < 0.9 ? pick(contacts).email : `stranger${Math.floor(r() * 100)}@elsewhere.example`);
  const promises: StoredPromise[] = Array.from({ length: 150 }, (_, i) => {
    const action = pick(['send', 'send', 'reply', 'introduce', 'meet'] as const);
    const state = pick(['open', 'open', 'open', 'snoozed', 'likely-done', 'done', 'dropped'] as const);
    const created = now - r() * 90 * DAY;
    return {
      id: `p${seed}x${i}`,
      text: `Promise ${i}`,
      action,
      to: [someone()],
      ...(action === 'introduce' ? { introduce: [someone(), ...(r() < 0.3 ? ['Sam'] : [])] } : {}),
      dueText: null,
      due: iso(created + r() * 40 * DAY).slice(0, 10),
      messageId: null,
      messageKey: `m${i}`,
      createdAt: iso(created),
      state,
      ...(state === 'snoozed' ? { snoozedUntil: iso(now + (r() < 0.5 ? 1 : -1) * 5 * DAY) } : {}),
      ...(state === 'likely-done' ? { evidence: { messageKey: 'e', date: iso(now - DAY), why: 'mail with an attachment' }, ...(r() < 0.5 ? { looksDoneShownAt: iso(now - 7 * DAY) } : {}) } : {}),
    };
  });
  const lastWeekSuggested = Array.from({ length: 3 }, () => pick(contacts).email);
  return { user, contacts, interactions, promises, lastWeekSuggested };
}

/** The digest as it would be selected from every contact: what the candidate reads must reproduce. */
function selectedFromEverything(w: World, stored: Contact[], promises: StoredPromise[]): ReturnType<typeof selectDigest> {
  const weekAgo = new Date(NOW.getTime() - 7 * DAY).toISOString();
  const pairs = new Set<string>();
  for (const c of stored) for (const o of c.coRecipients ?? []) pairs.add(`${c.email}|${o}`);
  return selectDigest({
    user: w.user,
    contacts: stored,
    promises,
    now: NOW.toISOString(),
    weekOf: weekOf(NOW, w.user.tz),
    stats: { mailsCaptured: w.interactions.filter((i) => i.date >= weekAgo && i.date <= NOW.toISOString()).length, peopleReached: stored.filter((c) => c.count > 0 && c.lastContacted >= weekAgo).length },
    suggestedLastWeek: w.lastWeekSuggested,
    coRecipients: pairs,
    looksDoneAlreadyShown: new Set(promises.filter((p) => p.looksDoneShownAt).map((p) => p.id)),
  });
}

describe('the digest reads only candidate contacts, and selects exactly what it would from all of them', () => {
  it.each([
    [1, 2_500, 0, false],
    [2, 4_000, 0, false],
    [3, 600, 0, false],
    [4, 3_000, 2_000, false],
    [5, 800, 0, true],
  ])('seed %i, %i contacts (%i of them written to every week; paused: %s)', async (seed, size, hot, paused) => {
    const w = world(seed, size, hot, paused);
    const { store } = ts;
    await store.createUser(w.user);
    await store.saveContactsInBulk(w.user.userId, w.contacts.map((contact) => ({ contact, version: 0 })));
    await store.putInteractions(w.user.userId, w.interactions);
    await store.addPromises(w.user.userId, w.promises);
    const previousWeek = DateTime.fromISO(weekOf(NOW, w.user.tz)).minus({ weeks: 1 }).toISODate()!;
    await store.claimDigest(w.user.userId, { weekOf: previousWeek, digestId: previousWeek, status: 'sent', items: w.lastWeekSuggested.map((e, i) => ({ n: i + 1, section: 'checkin', contacts: [e], promiseId: null, text: '' })) }, NOW);

    const before = store.metrics.consumedCapacity;
    const stored = await store.listContacts(w.user.userId);
    const everyContactCost = store.metrics.consumedCapacity - before;
    const expected = selectedFromEverything(w, stored, await store.listPromises(w.user.userId));

    const start = store.metrics.consumedCapacity;
    const { model } = await prepareDigest({ store, secret: new Uint8Array(32).fill(3), captureAddress: 'log@in.example.com', fromAddress: 'n@in.example.com', log: memoryLogger() }, w.user, NOW);
    const digestCost = store.metrics.consumedCapacity - start;

    expect(model).toEqual(expected);
    expect(model.stats.peopleReached).toBeGreaterThan(0);
    expect(model.sections.map((s) => s.key)).toContain('checkin');
    expect(model.sections.map((s) => s.key)).toContain('followup');
    // Reading candidates is the point: with thousands of contacts, far fewer are read than all of them.
    if (size >= 4_000) expect(digestCost).toBeLessThan(everyContactCost * 0.8);
  });

  it('stays exact when every regular has been suggested: rested regulars, then people without a rhythm, fill the places', async () => {
    const w = world(7, 2_000);
    const r = rng(77);
    // Regulars were all suggested and ignored: most still resting, a few rested (back in oldest-first order).
    let rested = 0;
    const contacts = w.contacts.map((c) =>
      c.recentDates.length >= 3 ? { ...c, lastSuggested: new Date(NOW.getTime() - (r() < 0.99 || rested++ >= 3 ? 20 : 43 + r() * 30) * DAY).toISOString() } : c,
    );
    const user = { ...w.user, checkins: 10, maxItems: 30 };
    const { store } = ts;
    await store.createUser(user);
    await store.saveContactsInBulk(user.userId, contacts.map((contact) => ({ contact, version: 0 })));
    await store.putInteractions(user.userId, w.interactions);
    const stored = await store.listContacts(user.userId);
    const expected = selectedFromEverything({ ...w, user, contacts }, stored, []);
    const { model } = await prepareDigest({ store, secret: new Uint8Array(32).fill(3), captureAddress: 'log@in.example.com', fromAddress: 'n@in.example.com', log: memoryLogger() }, user, NOW);
    expect(model).toEqual(expected);
    const checkins = model.items.filter((i) => i.section === 'checkin').flatMap((i) => i.contacts);
    const noRhythm = checkins.filter((e) => (contacts.find((c) => c.email === e)?.recentDates.length ?? 0) < 3);
    expect(checkins.length).toBeGreaterThan(noRhythm.length); // rested regulars first…
    expect(noRhythm.length).toBeGreaterThan(0); // …then people without a rhythm
  });

  it('stays exact when a promised introduction names, by name only, the contact who would be the one check-in', async () => {
    const w = world(6, 1_300);
    const user = { ...w.user, checkins: 1 };
    const promises = w.promises.filter((p) => p.action !== 'introduce' || p.state !== 'open');
    // The one check-in selected over everything…
    const first = selectedFromEverything({ ...w, user, promises }, w.contacts, promises);
    const top = first.items.find((i) => i.section === 'checkin')?.contacts[0];
    const named = w.contacts.find((c) => c.email === top);
    expect(named?.name).toBeTruthy();
    // …is the person an open introduction names without an address ("introduce you to Ana N12").
    const intro: StoredPromise = { id: 'p6bare', text: `I’ll introduce you to ${named!.name}.`, action: 'introduce', to: [w.contacts[5]!.email], introduce: [named!.name!], dueText: null, due: '2026-12-10', messageId: null, messageKey: 'mbare', createdAt: '2026-11-25T10:00:00.000Z', state: 'open' };
    const { store } = ts;
    await store.createUser(user);
    await store.saveContactsInBulk(user.userId, w.contacts.map((contact) => ({ contact, version: 0 })));
    await store.putInteractions(user.userId, w.interactions);
    await store.addPromises(user.userId, [...promises, intro]);
    const expected = selectedFromEverything({ ...w, user }, await store.listContacts(user.userId), await store.listPromises(user.userId));
    const { model } = await prepareDigest({ store, secret: new Uint8Array(32).fill(3), captureAddress: 'log@in.example.com', fromAddress: 'n@in.example.com', log: memoryLogger() }, user, NOW);
    expect(model).toEqual(expected);
    const checkins = model.items.filter((i) => i.section === 'checkin');
    expect(checkins).toHaveLength(1);
    // The person the introduction names is owed it: someone else is the check-in.
    expect(checkins[0]?.contacts).not.toContain(top);
  });
});
