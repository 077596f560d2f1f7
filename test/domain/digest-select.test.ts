import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import {
  checkinScore,
  learnedRhythmDays,
  mailtoUrl,
  MAX_PROMISE_ITEMS,
  selectDigest,
  topicWords,
  type DigestInput,
  type DigestModel,
} from '../../functions/domain/digest-select.ts';
import { applyTouch } from '../../functions/domain/contacts.ts';
import type { Contact, StoredPromise, User } from '../../functions/domain/types.ts';
import { testUser } from '../support/users.ts';

/** Monday 30 Nov 2026, 08:00 in Berlin. */
const NOW = '2026-11-30T07:00:00.000Z';
const DAY = 86_400_000;
const daysAgo = (d: number) => new Date(Date.parse(NOW) - d * DAY).toISOString();
/** Interaction dates every `gap` days, the newest `since` days ago. */
const rhythm = (since: number, gap: number, n = 5) => Array.from({ length: n }, (_, i) => daysAgo(since + i * gap));

const USER: User = testUser({ userId: 'u1', name: 'Maria Keller', createdAt: '2025-01-01T00:00:00.000Z' });

function contact(email: string, over: Partial<Contact> = {}): Contact {
  const recentDates = over.recentDates ?? rhythm(60, 28);
  return {
    email,
    name: email.split('@')[0]?.replace(/^./, (c) => c.toUpperCase()),
    firstContacted: daysAgo(400),
    lastContacted: recentDates[0] ?? daysAgo(60),
    count: 10,
    recentDates,
    replies: 3,
    notes: [],
    seen: [],
    ...over,
  };
}

function promise(id: string, over: Partial<StoredPromise> = {}): StoredPromise {
  return {
    id,
    text: `Promise ${id}.`,
    action: 'send',
    to: ['jane@acme.example'],
    dueText: null,
    due: '2026-12-04',
    messageId: null,
    messageKey: id,
    createdAt: daysAgo(6),
    state: 'open',
    ...over,
  };
}

function digest(over: Partial<DigestInput> = {}): DigestModel {
  return selectDigest({
    user: USER,
    contacts: [],
    promises: [],
    now: NOW,
    weekOf: '2026-11-30',
    stats: { mailsCaptured: 5, peopleReached: 3 },
    ...over,
  });
}

const section = (m: DigestModel, key: string) => m.items.filter((i) => i.section === key);
const emailsIn = (m: DigestModel, key: string) => section(m, key).flatMap((i) => i.contacts);

describe('check-ins', () => {
  it('ranks by how far past the contact’s own rhythm the silence is', () => {
    // Weekly correspondent silent 9 weeks (9× its rhythm) beats a bimonthly one silent 10 weeks (1.2×).
    const weekly = contact('weekly@a.example', { recentDates: rhythm(63, 7) });
    const bimonthly = contact('bimonthly@b.example', { recentDates: rhythm(70, 60) });
    const m = digest({ user: { ...USER, checkins: 1 }, contacts: [bimonthly, weekly] });
    expect(emailsIn(m, 'checkin')).toEqual(['weekly@a.example']);
  });

  it('weighs strength: frequent, two-way relationships first at equal coldness', () => {
    const strong = contact('strong@a.example', { count: 40, replies: 30 });
    const weak = contact('weak@b.example', { count: 3, replies: 0 });
    expect(emailsIn(digest({ contacts: [weak, strong] }), 'checkin')).toEqual(['strong@a.example', 'weak@b.example']);
  });

  it('learns the rhythm from the median gap; fewer than three dates is no rhythm', () => {
    expect(learnedRhythmDays(rhythm(0, 28))).toBe(28);
    expect(learnedRhythmDays([daysAgo(0), daysAgo(3), daysAgo(10), daysAgo(100)])).toBe(7);
    expect(learnedRhythmDays([daysAgo(1), daysAgo(5)])).toBeNull();
    const twice = (since: number) => contact('new@a.example', { recentDates: [daysAgo(since), daysAgo(since + 5)], count: 2 });
    expect(checkinScore(twice(50), Date.parse(NOW)).qualifies).toBe(false); // under eight weeks
    expect(checkinScore(twice(60), Date.parse(NOW))).toMatchObject({ qualifies: true, regular: false });
  });

  it('never suggests a person written to once, however long ago', () => {
    const once = contact('once@a.example', { recentDates: [daysAgo(200)], count: 1, replies: 0 });
    expect(checkinScore(once, Date.parse(NOW)).qualifies).toBe(false);
    expect(digest({ contacts: [once] }).empty).toBe(true);
  });

  it('puts every lapsed regular before anyone without a rhythm, however strong they look', () => {
    const regular = contact('regular@a.example', { recentDates: rhythm(70, 30, 3), count: 3, replies: 0 });
    const twice = contact('twice@b.example', { recentDates: [daysAgo(300), daysAgo(310)], count: 2, replies: 2, metAt: daysAgo(320), notes: [{ date: daysAgo(320), text: 'met' }] });
    expect(emailsIn(digest({ user: { ...USER, checkins: 2 }, contacts: [twice, regular] }), 'checkin')).toEqual(['regular@a.example', 'twice@b.example']);
  });

  it('never suggests someone written to within eight weeks, however fast the rhythm', () => {
    const weekly = contact('weekly@a.example', { recentDates: rhythm(50, 7, 10) });
    expect(checkinScore(weekly, Date.parse(NOW)).qualifies).toBe(false);
    const daily = contact('daily@a.example', { recentDates: rhythm(10, 1, 10) });
    expect(checkinScore(daily, Date.parse(NOW)).qualifies).toBe(false);
    expect(digest({ contacts: [daily] }).empty).toBe(true);
  });

  it('stops suggesting relationships silent for more than three years', () => {
    const months = contact('months@a.example', { recentDates: rhythm(120, 30) });
    const years = contact('years@b.example', { recentDates: rhythm(1500, 30) });
    expect(emailsIn(digest({ contacts: [years, months] }), 'checkin')[0]).toBe('months@a.example');
  });

  it('rests an ignored suggestion six weeks, and the pool rotates before anyone comes back', () => {
    const top = contact('top@a.example', { count: 50, replies: 40, lastSuggested: daysAgo(7) });
    const other = contact('other@b.example', { count: 3 });
    const one = { ...USER, checkins: 1 };
    expect(emailsIn(digest({ user: one, contacts: [top, other] }), 'checkin')).toEqual(['other@b.example']);
    // Resting: not back even when nobody else qualifies.
    expect(digest({ user: one, contacts: [top] }).empty).toBe(true);
    // Six weeks on it may come back, but only after those never suggested have had their turn.
    const rested = { ...top, lastSuggested: daysAgo(43) };
    expect(emailsIn(digest({ user: one, contacts: [rested, other] }), 'checkin')).toEqual(['other@b.example']);
    expect(emailsIn(digest({ user: one, contacts: [rested, { ...other, lastSuggested: daysAgo(50) }] }), 'checkin')).toEqual(['other@b.example']);
    expect(emailsIn(digest({ user: one, contacts: [rested, { ...other, lastSuggested: daysAgo(42.5) }] }), 'checkin')).toEqual(['top@a.example']);
    // The caller's list of last week's suggestions counts the same as lastSuggested.
    const unmarked = { ...top, lastSuggested: undefined };
    expect(
      emailsIn(digest({ user: one, contacts: [unmarked, other], suggestedLastWeek: ['top@a.example'] }), 'checkin'),
    ).toEqual(['other@b.example']);
  });

  it('waits at least eight weeks after a check-in, even for a weekly rhythm learned from a past project', () => {
    const project = contact('project@a.example', { recentDates: rhythm(120, 7, 20), count: 20, checkedInAt: daysAgo(14) });
    expect(checkinScore(project, Date.parse(NOW)).qualifies).toBe(false);
    expect(checkinScore({ ...project, checkedInAt: daysAgo(57) }, Date.parse(NOW)).qualifies).toBe(true);
    // A suggestion the user acted on (mail sent after it) is a check-in too: the rotation starts over for them.
    const mailed = contact('mailed@a.example', { recentDates: rhythm(20, 7, 20), count: 20, lastSuggested: daysAgo(21) });
    expect(checkinScore(mailed, Date.parse(NOW)).qualifies).toBe(false);
  });

  it('never shows skipped contacts while the skip lasts, even when nobody else qualifies', () => {
    const skipped = contact('skip@a.example', { skipUntil: daysAgo(-10) });
    expect(digest({ contacts: [skipped] }).empty).toBe(true);
    const expired = { ...skipped, skipUntil: daysAgo(1) };
    expect(emailsIn(digest({ contacts: [expired] }), 'checkin')).toEqual(['skip@a.example']);
  });

  it('shows a paused user what their digest holds (pausing stops the sending, see digest-service)', () => {
    const input = { contacts: [contact('a@a.example')], promises: [promise('p1', { due: '2026-11-20' })] };
    const paused = digest({ user: { ...USER, paused: true }, ...input });
    expect(paused.empty).toBe(false);
    expect(paused.items).toEqual(digest(input).items);
  });

  it('never suggests the user’s own addresses', () => {
    const m = digest({ contacts: [contact('me@work.example'), contact('ME@example.org')] });
    expect(m.empty).toBe(true);
  });

  it('says why, shows the latest note, and links a mail with a friendly subject', () => {
    const ana = contact('ana+work@acme.example', {
      name: 'Ana Souza',
      recentDates: rhythm(77, 28),
      lastSubject: 'Re: RE: Lisbon offsite',
      notes: [
        { date: daysAgo(100), text: 'older note' },
        { date: daysAgo(50), text: 'Daughter Jane just   started college.' },
      ],
    });
    const [item] = section(digest({ contacts: [ana] }), 'checkin');
    expect(item).toMatchObject({
      n: 1,
      text: 'Check in with Ana Souza',
      why: 'you wrote 10 times from Oct 2025 to Sep 2026, about every 4 weeks; nothing since Mon 14 Sep, about “Lisbon offsite”',
      note: 'Daughter Jane just started college.',
      mailto: 'mailto:ana%2Bwork@acme.example?subject=How%20are%20things%2C%20Ana%3F',
      promiseId: null,
    });
    const fromMap = digest({
      contacts: [ana],
      notesByContact: new Map([['ana+work@acme.example', [{ date: daysAgo(2), text: 'Moved to Porto' }]]]),
    });
    expect(section(fromMap, 'checkin')[0]?.note).toBe('Moved to Porto');
  });

  it('does not also list as a check-in someone already owed a promise this week', () => {
    const jane = contact('jane@acme.example');
    const m = digest({ contacts: [jane], promises: [promise('p1')] });
    expect(emailsIn(m, 'checkin')).toEqual([]);
    expect(emailsIn(m, 'promise')).toEqual(['jane@acme.example']);
  });
});

describe('follow-ups with new people', () => {
  const fresh = (email: string, over: Partial<Contact>) =>
    contact(email, { count: 1, replies: 0, recentDates: [], notes: [], ...over });

  it('lists people met 2–7 days ago (a note) with nothing sent since', () => {
    const tom = fresh('tom@startup.example', {
      name: 'Tom Baker',
      count: 0,
      metAt: daysAgo(4),
      firstContacted: daysAgo(4),
      lastContacted: daysAgo(4),
      notes: [{ date: daysAgo(4), text: 'Met at the meetup' }],
    });
    const [item] = section(digest({ contacts: [tom] }), 'followup');
    expect(item).toMatchObject({
      text: 'Follow up with Tom Baker',
      why: 'you met on Thu 26 Nov; nothing sent since',
      note: 'Met at the meetup',
      mailto: 'mailto:tom@startup.example?subject=Great%20to%20meet%20you%2C%20Tom',
    });
  });

  it('lists people first written to 2–7 days ago and not written to again', () => {
    const lea = fresh('lea@x.example', {
      name: 'Lea',
      firstContacted: daysAgo(3),
      lastContacted: daysAgo(3),
      lastSubject: 'Pilot & pricing',
    });
    const [item] = section(digest({ contacts: [lea] }), 'followup');
    expect(item?.why).toBe('you first wrote on Fri 27 Nov about “Pilot & pricing”; nothing sent since');
    expect(item?.mailto).toBe('mailto:lea@x.example?subject=Re%3A%20Pilot%20%26%20pricing');
  });

  it('waits two days before nagging, lets go after nine, and so sees everyone in one weekly digest', () => {
    const yesterday = fresh('y@x.example', { metAt: daysAgo(1), firstContacted: daysAgo(1), lastContacted: daysAgo(1), count: 0 });
    const twoDays = fresh('t@x.example', { firstContacted: daysAgo(2), lastContacted: daysAgo(2) });
    const old = fresh('o@x.example', { firstContacted: daysAgo(10), lastContacted: daysAgo(10) });
    expect(emailsIn(digest({ contacts: [yesterday, twoDays, old] }), 'followup')).toEqual(['t@x.example']);
    // Met on Sunday evening, before Monday's digest: too new that week, still new the next.
    const sunday = fresh('s@x.example', { count: 0, metAt: daysAgo(0.5), firstContacted: daysAgo(0.5), lastContacted: daysAgo(0.5) });
    expect(emailsIn(digest({ contacts: [sunday] }), 'followup')).toEqual([]);
    const nextWeek = digest({ contacts: [sunday], now: new Date(Date.parse(NOW) + 7 * DAY).toISOString(), weekOf: '2026-12-07' });
    expect(emailsIn(nextWeek, 'followup')).toEqual(['s@x.example']);
  });

  it('leaves out people already followed up (a later mail, whenever it was)', () => {
    const mailedAgain = fresh('a@x.example', { firstContacted: daysAgo(5), lastContacted: daysAgo(4), count: 2 });
    const metThenMailed = fresh('b@x.example', {
      metAt: daysAgo(5),
      firstContacted: daysAgo(5),
      lastContacted: daysAgo(3),
      count: 1,
    });
    expect(digest({ contacts: [mailedAgain, metThenMailed] }).empty).toBe(true);
  });

  it('follows up people first written to personally, never a Cc; a group thread is one item naming it', () => {
    const first = { firstContacted: daysAgo(3), lastContacted: daysAgo(3), lastSubject: 'RE: ISDA Master Agreement' };
    const direct = fresh('lea@x.example', { name: 'Lea', firstVia: 'personal', ...first, lastSubject: 'Pilot' });
    const cc = fresh('cc@x.example', { firstVia: 'cc', ...first });
    const group = ['jones', 'tana', 'glover', 'kim', 'ray'].map((n) => fresh(`${n}@bank.example`, { name: n.replace(/^./, (c) => c.toUpperCase()), firstVia: 'group', ...first }));
    const m = digest({ contacts: [cc, ...group, direct] });
    const items = section(m, 'followup');
    expect(items.map((i) => i.text)).toEqual(['Follow up with Lea', 'Follow up on “ISDA Master Agreement”']);
    expect(items[1]).toMatchObject({
      contacts: group.map((c) => c.email).sort(),
      why: 'you first wrote to Glover, Jones, Kim and 2 others on Fri 27 Nov; nothing sent since',
    });
    expect(m.items.flatMap((i) => i.contacts)).not.toContain('cc@x.example');
  });

  it('keeps two subjectless group mails of one day apart, and the people of one such mail together', () => {
    const morning = ['a', 'b', 'c', 'd'].map((n) => fresh(`${n}@x.example`, { firstVia: 'group', firstContacted: daysAgo(3), lastContacted: daysAgo(3), lastSubject: '' }));
    const later = daysAgo(2.9);
    const afternoon = ['e', 'f', 'g', 'h'].map((n) => fresh(`${n}@y.example`, { firstVia: 'group', firstContacted: later, lastContacted: later, lastSubject: '' }));
    const items = section(digest({ contacts: [...morning, ...afternoon] }), 'followup');
    expect(items.map((i) => i.contacts)).toEqual([morning.map((c) => c.email), afternoon.map((c) => c.email)]);
  });

  it('holds at most three follow-ups, people met first, and counts the rest', () => {
    const met = Array.from({ length: 2 }, (_, i) => fresh(`met${i}@x.example`, { count: 0, metAt: daysAgo(5), firstContacted: daysAgo(5), lastContacted: daysAgo(5) }));
    const wrote = Array.from({ length: 3 }, (_, i) => fresh(`w${i}@x.example`, { firstVia: 'personal', firstContacted: daysAgo(6), lastContacted: daysAgo(6) }));
    const m = digest({ contacts: [...wrote, ...met] });
    expect(emailsIn(m, 'followup')).toEqual(['met0@x.example', 'met1@x.example', 'w0@x.example']);
    expect(m.leftOut).toBe('Not listed, to keep this short: 2 more follow-ups.');
  });

  describe('a meeting after a Cc or a group mail, with contacts as capture builds them', () => {
    let n = 0;
    const mail = (c: Contact | undefined, email: string, d: number, via: 'cc' | 'group' | 'personal', name?: string): Contact =>
      applyTouch(c, { address: { email, ...(name ? { name } : {}) }, messageKey: `m${n++}`, date: daysAgo(d), kind: 'outgoing', subject: 'Offsite', via })!;
    const note = (c: Contact | undefined, email: string, d: number, name?: string): Contact =>
      applyTouch(c, { address: { email, ...(name ? { name } : {}) }, messageKey: `n${n++}`, date: daysAgo(d), kind: 'note', noteText: `Met ${name ?? email}` })!;
    const followups = (...contacts: Contact[]) => section(digest({ contacts }), 'followup').map((i) => [i.text, i.why]);

    it('follows them up from the meeting: on one Cc or group mail is not knowing them', () => {
      const cleo = note(mail(undefined, 'cc@x.example', 30, 'cc', 'Cleo'), 'cc@x.example', 3);
      const gus = note(mail(undefined, 'g@x.example', 4, 'group', 'Gus'), 'g@x.example', 3);
      expect(followups(cleo, gus)).toEqual([
        ['Follow up with Cleo', 'you met on Fri 27 Nov; nothing sent since'],
        ['Follow up with Gus', 'you met on Fri 27 Nov; nothing sent since'],
      ]);
      // Written to since the meeting: followed up already.
      expect(followups(mail(cleo, 'cc@x.example', 2, 'personal'))).toEqual([]);
    });

    it('counts from the first meeting, never from a later note about them', () => {
      // Met, then on a Cc, then noted again: mail went to them after the meeting.
      const a = note(mail(note(undefined, 'a@x.example', 8, 'Ann'), 'a@x.example', 6, 'cc'), 'a@x.example', 3);
      // Met three weeks ago, on a group mail since, noted again: the meeting is long past.
      const b = note(mail(note(undefined, 'b@x.example', 20, 'Bo'), 'b@x.example', 5, 'group'), 'b@x.example', 3);
      // One Cc, met ten days ago (followed up last week), noted again this week: not listed twice.
      const c = note(note(mail(undefined, 'c@x.example', 30, 'cc', 'Cy'), 'c@x.example', 10), 'c@x.example', 3);
      expect(followups(a, b, c)).toEqual([]);
      // Only notes, no mail: someone met, not written to.
      const d = note(note(undefined, 'd@x.example', 4, 'Di'), 'd@x.example', 3);
      expect(followups(d)).toEqual([['Follow up with Di', 'you met on Thu 26 Nov; nothing sent since']]);
    });

    it('leaves out a long correspondence that began with a Cc, met or not', () => {
      let k = mail(undefined, 'k@x.example', 300, 'cc', 'Kai');
      for (let d = 290; d > 10; d -= 20) k = mail(k, 'k@x.example', d, 'personal');
      expect(followups(note(k, 'k@x.example', 3))).toEqual([]);
    });

    it('follows up someone known only from notes, however the notes arrived', () => {
      // Imported newest first: the contact is made by the later note.
      const e = note(note(undefined, 'e@x.example', 3, 'Eva'), 'e@x.example', 4);
      expect(followups(e)).toEqual([['Follow up with Eva', 'you met on Thu 26 Nov; nothing sent since']]);
    });

    it('reads contacts stored before the first meeting was kept by the rule of that time, notes-only ones as met', () => {
      const legacy = contact('l@x.example', { firstVia: 'cc', count: 1, firstContacted: daysAgo(30), lastContacted: daysAgo(30), metAt: daysAgo(3) });
      expect(followups(legacy)).toEqual([]);
      const notesOnly = contact('n@x.example', { name: 'Nia', count: 0, firstContacted: daysAgo(4), lastContacted: daysAgo(4), metAt: daysAgo(3), recentDates: [] });
      expect(followups(notesOnly)).toEqual([['Follow up with Nia', 'you met on Thu 26 Nov; nothing sent since']]);
    });
  });

  it('does not treat an old acquaintance met again as a new person', () => {
    const known = contact('k@x.example', { metAt: daysAgo(3), firstContacted: daysAgo(300), lastContacted: daysAgo(3) });
    expect(emailsIn(digest({ contacts: [known] }), 'followup')).toEqual([]);
  });
});

describe('promises', () => {
  const contacts = [contact('jane@acme.example', { name: 'Jane Doe', recentDates: rhythm(2, 7) })];

  it('lists open promises overdue first, with whom, the sentence, the due day and how late', () => {
    const m = digest({
      contacts,
      promises: [
        promise('later', { due: '2026-12-04', createdAt: daysAgo(20) }),
        promise('late3', { due: '2026-11-27', text: 'I’ll send the deck by Friday.' }),
        promise('late10', { due: '2026-11-20' }),
        promise('today', { due: '2026-11-30' }),
      ],
    });
    const items = section(m, 'promise');
    // This week's business first (slipped within a week, due by next Sunday), older slips after.
    expect(items.map((i) => i.promiseId)).toEqual(['late3', 'today', 'later', 'late10']);
    expect(items[0]).toMatchObject({
      text: 'You promised Jane Doe: “I’ll send the deck by Friday.”',
      why: 'due Fri 27 Nov, 3 days ago · promised 6 days ago',
      contacts: ['jane@acme.example'],
      overdue: true,
    });
    expect(items[3]?.why).toBe('due Fri 20 Nov, 10 days ago · promised 6 days ago');
    expect(items[1]?.why).toBe('due today · promised 6 days ago');
    expect(items[2]?.why).toBe('due Fri 4 Dec, in 4 days · promised 3 weeks ago');
    expect(items[2]?.overdue).toBeUndefined();
  });

  it('keeps a promise due tomorrow ahead of ones that slipped weeks ago, and names the most pressing thing in the subject', () => {
    const old = Array.from({ length: 8 }, (_, i) => promise(`old${i}`, { due: `2026-10-${String(10 + i).padStart(2, '0')}` }));
    const m = digest({ contacts, promises: [...old, promise('tomorrow', { due: '2026-12-01' })] });
    expect(section(m, 'promise')[0]?.promiseId).toBe('tomorrow');
    expect(m.subject).toBe('Your promise to Jane Doe is due tomorrow, and 6 more things');
    const later = digest({
      contacts: [...contacts, contact('tom@t.example', { name: 'Tom', count: 0, metAt: daysAgo(3), firstContacted: daysAgo(3), lastContacted: daysAgo(3), recentDates: [] })],
      promises: [promise('december', { due: '2026-12-21' })],
    });
    expect(later.subject).toBe('Follow up with Tom, and 1 more thing');
    // Sections follow the same priority: the follow-up is item 1, the promise due in three weeks item 2.
    expect(later.items.map((i) => [i.n, i.section])).toEqual([[1, 'followup'], [2, 'promise']]);
  });

  it('a promise slipped this week comes first, before weeks-old ones; the rest is counted in one line', () => {
    // Fifteen promises 10–52 days overdue (due 8 Oct – 20 Nov), and one due last Friday.
    const older = Array.from({ length: 15 }, (_, i) => promise(`old${i}`, { due: DateTime.fromISO('2026-10-08').plus({ days: i * 3 }).toISODate()!, createdAt: '2026-10-01T00:00:00.000Z' }));
    const intro = promise('intro', { action: 'introduce', introduce: ['Sam'], due: '2026-12-10' });
    const m = digest({ contacts, promises: [...older, promise('fresh', { due: '2026-11-27' }), intro] });
    const items = m.sections.find((x) => x.key === 'promise')?.items ?? [];
    expect(items[0]?.promiseId).toBe('fresh');
    expect(items[1]?.promiseId).toBe('old14');
    expect(items).toHaveLength(7);
    // 17 open (16 promises and the introduction): 7 listed, 10 counted (MAX_PROMISE_ITEMS caps what is read as listable).
    expect(m.leftOut).toBe(`Not listed, to keep this short: ${17 - 7} more promises.`);
    expect(MAX_PROMISE_ITEMS).toBeGreaterThanOrEqual(7);
    expect(m.subject).toBe('Your promise to Jane Doe was due Fri 27 Nov, and 6 more things');
  });

  it('ages out promises more than two months overdue: counted under the section, never listed', () => {
    const lastYear = Array.from({ length: 9 }, (_, i) => promise(`ancient${i}`, { due: `2025-${String(i + 1).padStart(2, '0')}-10`, createdAt: '2025-01-01T00:00:00.000Z' }));
    const edge = promise('edge', { due: '2026-10-01' }); // 60 days before 30 Nov: still listed
    const m = digest({ contacts, promises: [...lastYear, edge, promise('fresh', { due: '2026-11-27' })] });
    expect(section(m, 'promise').map((i) => i.promiseId)).toEqual(['fresh', 'edge']);
    expect(m.leftOut).toBe('9 promises more than two months overdue are left out.');
    expect(m.subject).toBe('Your promise to Jane Doe was due Fri 27 Nov, and 1 more thing');
  });

  it('does not also ask to follow up with someone new who is owed a promise: the promise is the reason to write', () => {
    const tom = contact('tom@t.example', { name: 'Tom', count: 1, firstContacted: daysAgo(4), lastContacted: daysAgo(4), recentDates: [daysAgo(4)] });
    const m = digest({ contacts: [tom], promises: [promise('t1', { to: ['tom@t.example'], due: '2026-11-27' })] });
    expect(section(m, 'followup')).toEqual([]);
    expect(section(m, 'promise').map((i) => i.contacts)).toEqual([['tom@t.example']]);
    // Without the promise, Tom is a follow-up.
    expect(section(digest({ contacts: [tom] }), 'followup').map((i) => i.contacts)).toEqual([['tom@t.example']]);
  });

  it('says how many promises aged out even when none is left to list, yet a week with nothing else is still empty', () => {
    const ancient = [promise('a1', { due: '2025-03-01' }), promise('a2', { due: '2025-04-01' })];
    const m = digest({ contacts, promises: ancient });
    expect(m.sections).toEqual([]);
    expect(m.leftOut).toBe('2 promises more than two months overdue are left out.');
    const alone = digest({ promises: ancient });
    expect(alone.empty).toBe(true);
  });

  it('counts calendar days in the user’s zone for "promised …"', () => {
    // Saturday 22:00 in Berlin, read on Monday 08:00: two days ago, though only 34 hours have passed.
    const m = digest({ contacts, promises: [promise('sat', { due: '2026-12-04', createdAt: '2026-11-28T21:00:00.000Z' })] });
    expect(section(m, 'promise')[0]?.why).toMatch(/promised 2 days ago$/);
  });

  it('brings a snoozed promise back when its snooze ends, however overdue it is by then', () => {
    // Due 65 days ago, snoozed until last Friday: back in the list, not aged out.
    const woke = promise('woke', { due: '2026-09-26', state: 'snoozed', snoozedUntil: '2026-11-27' });
    const m = digest({ contacts, promises: [woke] });
    expect(section(m, 'promise').map((i) => i.promiseId)).toEqual(['woke']);
    expect(m.leftOut).toBeUndefined();
  });

  it('says what a pronoun in a promise stands for, from the sentence before it', () => {
    const m = digest({ contacts, promises: [promise('them', { text: 'I’ll send them Friday.', context: 'The Q3 figures are almost final.' })] });
    expect(section(m, 'promise')[0]?.why).toBe('after “The Q3 figures are almost final.” · due Fri 4 Dec, in 4 days · promised 6 days ago');
  });

  it('quotes a promise made to nobody known without inventing a "someone"', () => {
    const m = digest({ contacts, promises: [promise('anon', { to: [], text: 'Promised her the app link.' })] });
    expect(section(m, 'promise')[0]?.text).toBe('You promised: “Promised her the app link.”');
  });

  it('counts a snoozed promise once its snooze is over; never done or dropped ones', () => {
    const m = digest({
      contacts,
      promises: [
        promise('woke', { state: 'snoozed', snoozedUntil: daysAgo(1) }),
        promise('asleep', { state: 'snoozed', snoozedUntil: daysAgo(-3) }),
        promise('done', { state: 'done' }),
        promise('dropped', { state: 'dropped' }),
      ],
    });
    expect(section(m, 'promise').map((i) => i.promiseId)).toEqual(['woke']);
  });

  it('shows a likely-done promise once, as “undo N” with its own number, and reports it', () => {
    const likely = promise('ld', {
      state: 'likely-done',
      text: 'I’ll share the slides.',
      evidence: { messageKey: 'k', date: daysAgo(2), why: 'you sent Jane an attachment on Saturday' },
    });
    const m = digest({ contacts, promises: [promise('open1'), likely] });
    const shown = section(m, 'promise').find((i) => i.looksDone);
    expect(shown).toMatchObject({ n: 2, promiseId: 'ld', text: '“I’ll share the slides.” (Jane Doe)', why: 'you sent Jane an attachment on Saturday' });
    // Not a numbered item of a section: one closing line, numbered after them.
    expect(m.sections.flatMap((x) => x.items).map((i) => i.promiseId)).toEqual(['open1']);
    expect(m.looksDone.map((i) => i.n)).toEqual([2]);
    expect(m.looksDoneShown).toEqual(['ld']);
    const next = digest({ contacts, promises: [promise('open1'), likely], looksDoneAlreadyShown: new Set(['ld']) });
    expect(next.items.some((i) => i.looksDone)).toBe(false);
    expect(next.looksDoneShown).toEqual([]);
  });

  it('keeps to the item budget (7, or the user’s setting) and says how many more', () => {
    const many = Array.from({ length: 15 }, (_, i) => promise(`p${String(i).padStart(2, '0')}`));
    const m = digest({ contacts, promises: many });
    expect(m.sections.find((x) => x.key === 'promise')?.items).toHaveLength(7);
    expect(m.leftOut).toBe('Not listed, to keep this short: 8 more promises.');
    const roomy = digest({ user: { ...USER, maxItems: 10 }, contacts, promises: many });
    expect(roomy.items).toHaveLength(10);
  });

  it('keeps a place for a new person and a check-in when promises would fill the budget', () => {
    const lapsed = contact('ana@a.example', { recentDates: rhythm(90, 14) });
    const met = contact('tom@t.example', { count: 0, recentDates: [], metAt: daysAgo(4), firstContacted: daysAgo(4), lastContacted: daysAgo(4) });
    const many = Array.from({ length: 9 }, (_, i) => promise(`p${i}`, { due: '2026-11-27' }));
    const m = digest({ contacts: [...contacts, lapsed, met], promises: many });
    expect(m.sections.map((x) => [x.key, x.items.length])).toEqual([['promise', 5], ['followup', 1], ['checkin', 1]]);
  });
});

describe('connections', () => {
  const strong = (email: string, name: string, subject: string, over: Partial<Contact> = {}) =>
    contact(email, { name, lastSubject: subject, recentDates: rhythm(5, 7), count: 8, replies: 3, ...over });

  it('lists promised introductions as the user offered them', () => {
    const m = digest({
      contacts: [strong('sam@r.example', 'Sam Lee', 'x'), strong('priya@f.example', 'Priya Patel', 'y')],
      promises: [promise('i1', { action: 'introduce', to: ['sam@r.example'], introduce: ['Priya'], text: 'I’ll introduce you to Priya.' })],
    });
    expect(section(m, 'promise')).toEqual([]);
    expect(section(m, 'connection')[0]).toMatchObject({
      promiseId: 'i1',
      text: 'Introduce Sam Lee to Priya Patel, as you offered',
      contacts: ['sam@r.example', 'priya@f.example'],
      mailto: 'mailto:sam@r.example,priya@f.example?subject=Introduction%3A%20Sam%20and%20Priya',
    });
  });

  it('never names the person the offer was made to as someone to introduce them to', () => {
    const m = digest({
      contacts: [strong('jane@acme.example', 'Jane Doe', 'x'), strong('sam@r.example', 'Sam Lee', 'y')],
      promises: [promise('i2', { action: 'introduce', to: ['jane@acme.example'], introduce: ['Jane Doe', 'Sam Lee'], text: 'I’ll introduce you to Sam Lee next week.' })],
    });
    expect(section(m, 'connection')[0]).toMatchObject({ text: 'Introduce Jane Doe to Sam Lee, as you offered', contacts: ['jane@acme.example', 'sam@r.example'] });
  });

  it('names each person once: nobody owed an introduction is also suggested for one, or followed up', () => {
    const m = digest({
      contacts: [
        strong('sam@r.example', 'Sam Lee', 'Robotics pilot', { org: 'R' }),
        strong('priya@f.example', 'Priya Patel', 'Re: Robotics hiring', { org: 'F' }),
        strong('zoe@z.example', 'Zoe Park', 'Robotics meetup', { org: 'Z' }),
      ],
      promises: [promise('i1', { action: 'introduce', to: ['sam@r.example'], introduce: ['Priya'], text: 'I’ll introduce you to Priya.' })],
    });
    const connections = section(m, 'connection');
    expect(connections.map((c) => c.promiseId)).toEqual(['i1']);
    const everyone = m.items.flatMap((i) => i.contacts);
    expect(everyone.filter((e) => e === 'sam@r.example')).toHaveLength(1);
    expect(everyone.filter((e) => e === 'priya@f.example')).toHaveLength(1);
  });

  it('does not also suggest a check-in with someone an introduction names by name only', () => {
    const zed = contact('zed@z.example', { name: 'Zed Ray' });
    const amy = contact('amy@a.example', { name: 'Amy Fox', count: 4 });
    const m = digest({
      user: { ...USER, checkins: 1 },
      contacts: [zed, amy, strong('sam@r.example', 'Sam Lee', 'x')],
      promises: [promise('i3', { action: 'introduce', to: ['sam@r.example'], introduce: ['Zed Ray'], text: 'I’ll introduce you to Zed Ray.' })],
    });
    expect(emailsIn(m, 'checkin')).toEqual(['amy@a.example']);
    expect(section(m, 'connection')[0]?.contacts).toEqual(['sam@r.example', 'zed@z.example']);
    expect(m.items.flatMap((i) => i.contacts).filter((e) => e === 'zed@z.example')).toHaveLength(1);
  });

  it('suggests two strong contacts who share a topic, explaining why', () => {
    const m = digest({
      contacts: [
        strong('sam@r.example', 'Sam Lee', 'Warehouse robotics pilot', { org: 'R' }),
        strong('priya@f.example', 'Priya Patel', 'Re: Robotics hiring', { org: 'F' }),
        strong('zoe@z.example', 'Zoe', 'Dinner on Friday'),
      ],
    });
    expect(section(m, 'connection')).toEqual([
      expect.objectContaining({
        contacts: ['priya@f.example', 'sam@r.example'],
        text: 'Introduce Priya Patel and Sam Lee?',
        why: 'you write with both about “robotics”, and they have never been on a thread together',
        promiseId: null,
      }),
    ]);
  });

  it('never suggests two people who are already on a thread together (either key order)', () => {
    const contacts = [
      strong('sam@r.example', 'Sam', 'robotics pilot'),
      strong('priya@f.example', 'Priya', 'robotics hiring'),
    ];
    for (const key of ['priya@f.example|sam@r.example', 'sam@r.example|priya@f.example']) {
      expect(section(digest({ contacts, coRecipients: new Set([key]) }), 'connection')).toEqual([]);
    }
  });

  it('leaves out colleagues, weak or one-way contacts, and pairs already promised', () => {
    const colleagues = [
      strong('a@acme.example', 'A', 'robotics', { org: 'Acme' }),
      strong('b@acme.example', 'B', 'robotics', { org: 'Acme' }),
    ];
    expect(section(digest({ contacts: colleagues }), 'connection')).toEqual([]);
    const oneWay = [strong('a@a.example', 'A', 'robotics'), strong('b@b.example', 'B', 'robotics', { replies: 0 })];
    expect(section(digest({ contacts: oneWay }), 'connection')).toEqual([]);
    const promised = digest({
      contacts: [strong('sam@r.example', 'Sam Lee', 'robotics'), strong('priya@f.example', 'Priya Patel', 'robotics')],
      promises: [promise('i1', { action: 'introduce', to: ['sam@r.example'], introduce: ['priya@f.example'] })],
    });
    expect(section(promised, 'connection').map((i) => i.promiseId)).toEqual(['i1']);
  });

  it('suggests one introduction a week, of two different people', () => {
    const six = ['a', 'b', 'c', 'd', 'e', 'f'].map((x) => strong(`${x}@${x}.example`, x.toUpperCase(), 'Robotics'));
    const items = section(digest({ contacts: six }), 'connection');
    expect(items).toHaveLength(1);
    expect(new Set(items.flatMap((i) => i.contacts)).size).toBe(2);
  });

  it('rotates suggestions: last week’s pair comes back only when no other pair qualifies', () => {
    const four = [
      strong('a@a.example', 'A', 'Robotics pilot', { count: 30 }),
      strong('b@b.example', 'B', 'Robotics hiring', { count: 30 }),
      strong('c@c.example', 'C', 'Robotics grant'),
      strong('d@d.example', 'D', 'Robotics lab'),
    ];
    const first = section(digest({ contacts: four }), 'connection').map((i) => i.contacts);
    expect(first[0]).toEqual(['a@a.example', 'b@b.example']);
    const next = section(digest({ contacts: four, introductionsLastWeek: [['b@b.example', 'a@a.example']] }), 'connection').map((i) => i.contacts);
    expect(next[0]).not.toEqual(['a@a.example', 'b@b.example']);
    expect(next.flat()).toHaveLength(2);
    // With only that pair possible, it is suggested again.
    const two = four.slice(0, 2);
    expect(section(digest({ contacts: two, introductionsLastWeek: [['a@a.example', 'b@b.example']] }), 'connection').map((i) => i.contacts)).toEqual([['a@a.example', 'b@b.example']]);
  });

  it('takes topics from distinctive subject words only', () => {
    expect([...topicWords(['Re: Fwd: Quick question about the Lisbon offsite', 'Meeting notes 2026'])].sort()).toEqual([
      'lisbon',
      'offsite',
    ]);
  });
});

describe('the digest as a whole', () => {
  const full = () =>
    digest({
      contacts: [
        contact('old@a.example', { name: 'Old Friend' }),
        contact('tom@t.example', { name: 'Tom', count: 0, metAt: daysAgo(3), firstContacted: daysAgo(3), lastContacted: daysAgo(3), recentDates: [] }),
        contact('jane@acme.example', { name: 'Jane Doe', recentDates: rhythm(2, 7) }),
      ],
      promises: [
        promise('p1', { due: '2026-11-27' }),
        promise('i1', { action: 'introduce', to: ['jane@acme.example'], introduce: ['Sam'] }),
      ],
    });

  it('numbers items continuously across sections in reading order', () => {
    const m = full();
    // What the user owes first (a promised introduction is a promise), then new people, then the check-in.
    expect(m.items.map((i) => [i.n, i.section])).toEqual([
      [1, 'promise'],
      [2, 'connection'],
      [3, 'followup'],
      [4, 'checkin'],
    ]);
    expect(m.sections.map((s) => s.title)).toEqual(['Keep your promises', 'Follow up with new people', 'Check in this week']);
    expect(m.sections.flatMap((s) => s.items)).toEqual(m.items);
    expect(m.empty).toBe(false);
  });

  it('names the first thing to do in the subject, with an unambiguous date', () => {
    expect(full().subject).toBe('Your promise to Jane Doe was due Fri 27 Nov, and 3 more things');
  });

  it('is empty, with no items and no sections, when nothing needs the user', () => {
    const m = digest({ contacts: [contact('recent@a.example', { recentDates: rhythm(3, 30) })] });
    expect(m).toMatchObject({ empty: true, items: [], sections: [], looksDoneShown: [] });
    expect(m.subject).toBe('Nothing needs you this week (30 Nov)');
    expect(m.stats).toEqual({ mailsCaptured: 5, peopleReached: 3 });
  });
});

describe('mailtoUrl', () => {
  it('percent-encodes each address part and the subject (RFC 6068)', () => {
    expect(mailtoUrl(['o’brien+x@ex.example', 'b@c.example'], 'Hi & “bye”?')).toBe(
      'mailto:o%E2%80%99brien%2Bx@ex.example,b@c.example?subject=Hi%20%26%20%E2%80%9Cbye%E2%80%9D%3F',
    );
  });
});
