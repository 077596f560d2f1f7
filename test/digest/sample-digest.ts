/**
 * A realistic week for the rendering and SpamAssassin tests: every section filled, long names and addresses,
 * and one hostile contact name that must render as text.
 */
import { selectDigest, type DigestModel } from '../../functions/domain/digest-select.ts';
import type { Contact, StoredPromise, User } from '../../functions/domain/types.ts';
import { testUser } from '../support/users.ts';

export const NOW = '2026-11-30T07:00:00.000Z'; // Monday 08:00 in Berlin
export const HOSTILE_NAME = '<img src=x onerror=alert(1)>';

const user: User = testUser({ userId: 'u-maria', email: 'maria@example.org', aliases: [], name: 'Maria Keller', createdAt: '2025-01-10T09:00:00.000Z' });

function contact(email: string, over: Partial<Contact>): Contact {
  return {
    email,
    firstContacted: '2025-02-01T10:00:00.000Z',
    lastContacted: '2026-09-14T10:00:00.000Z',
    count: 12,
    recentDates: [],
    replies: 4,
    notes: [],
    seen: [],
    ...over,
  };
}

function weeksBefore(iso: string, weeks: number[]): string[] {
  return weeks.map((w) => new Date(Date.parse(iso) - w * 7 * 86_400_000).toISOString());
}

const contacts: Contact[] = [
  contact('ana.souza@acme-consulting.example.com', {
    name: 'Ana Souza',
    org: 'Acme Consulting',
    lastContacted: '2026-09-14T10:00:00.000Z',
    recentDates: weeksBefore('2026-09-14T10:00:00.000Z', [0, 4, 8, 12, 16]),
    lastSubject: 'Re: Lisbon offsite',
    notes: [{ date: '2026-09-20T18:00:00.000Z', text: 'Her daughter Jane just started college in Porto; ask how it is going.' }],
  }),
  contact('x@evil.example', {
    name: HOSTILE_NAME,
    lastContacted: '2026-08-01T10:00:00.000Z',
    recentDates: weeksBefore('2026-08-01T10:00:00.000Z', [0, 3, 6, 9]),
    lastSubject: '<script>alert("subject")</script> & "quotes"',
    notes: [{ date: '2026-08-02T10:00:00.000Z', text: '<b>not bold</b> & <a href="https://evil.example">link</a>' }],
  }),
  contact('bartholomew.featherstonehaugh-wolfeschlegelsteinhausen@very-long-subdomain.university.example.edu', {
    name: 'Bartholomew Featherstonehaugh-Wolfeschlegelsteinhausenbergerdorff',
    lastContacted: '2026-07-20T10:00:00.000Z',
    recentDates: weeksBefore('2026-07-20T10:00:00.000Z', [0, 5, 10, 15]),
    lastSubject: 'Grant application for the marine biology field station',
  }),
  contact('tom@startup.example', {
    name: 'Tom Baker',
    count: 0,
    replies: 0,
    firstContacted: '2026-11-26T16:00:00.000Z',
    lastContacted: '2026-11-26T16:00:00.000Z',
    metAt: '2026-11-26T16:00:00.000Z',
    notes: [{ date: '2026-11-26T16:00:00.000Z', text: 'Met Tom at the climate-tech meetup; building battery recycling.' }],
  }),
  contact('jane@acme.example', { name: 'Jane Doe', lastContacted: '2026-11-20T10:00:00.000Z' }),
  contact('sam@robotics.example', {
    name: 'Sam Lee',
    org: 'Robotics',
    lastContacted: '2026-11-18T10:00:00.000Z',
    lastSubject: 'Warehouse robotics pilot',
  }),
  contact('priya@fleet.example', {
    name: 'Priya Patel',
    org: 'Fleet',
    lastContacted: '2026-11-16T10:00:00.000Z',
    lastSubject: 'Robotics hiring plan',
  }),
  contact('lena@cells.example', {
    name: 'Lena Fischer',
    org: 'Cells',
    lastContacted: '2026-11-12T10:00:00.000Z',
    lastSubject: 'Battery supply chain questions',
  }),
  contact('omar@grid.example', {
    name: 'Omar Haddad',
    org: 'Grid',
    lastContacted: '2026-11-10T10:00:00.000Z',
    lastSubject: 'Re: Grid battery storage pilot',
  }),
];

function promise(id: string, over: Partial<StoredPromise>): StoredPromise {
  return {
    id,
    text: 'I’ll send you the deck by Friday.',
    action: 'send',
    to: ['jane@acme.example'],
    dueText: 'by Friday',
    due: '2026-11-27',
    messageId: `<${id}@example.org>`,
    messageKey: id,
    createdAt: '2026-11-23T09:00:00.000Z',
    state: 'open',
    ...over,
  };
}

const promises: StoredPromise[] = [
  promise('p-deck', { text: 'I’ll send you the restaurant recommendation by Friday.' }),
  // From imported mail, long past: aged out of the list, counted under it.
  promise('p-ancient', { text: 'I’ll send the budget over tomorrow.', due: '2026-06-02', createdAt: '2026-06-01T09:00:00.000Z' }),
  promise('p-review', {
    text: 'Happy to review your draft next week.',
    action: 'review',
    to: ['priya@fleet.example'],
    due: '2026-12-04',
    dueText: 'next week',
  }),
  promise('p-done', {
    text: 'I will share the slides tomorrow.',
    to: ['ana.souza@acme-consulting.example.com'],
    state: 'likely-done',
    evidence: { messageKey: 'm9', date: '2026-11-25T10:00:00.000Z', why: 'you sent Ana a mail with an attachment on 25 Nov' },
  }),
  promise('p-intro', {
    text: 'I’ll introduce you to Priya.',
    action: 'introduce',
    to: ['sam@robotics.example'],
    introduce: ['Priya'],
    due: '2026-12-02',
    dueText: null,
  }),
];

export function sampleDigest(): DigestModel {
  return selectDigest({
    user,
    contacts,
    promises,
    now: NOW,
    weekOf: '2026-11-30',
    stats: { mailsCaptured: 37, peopleReached: 14 },
    coRecipients: new Set(),
  });
}

export function emptyDigest(): DigestModel {
  return selectDigest({
    user,
    contacts: [],
    promises: [],
    now: NOW,
    weekOf: '2026-11-30',
    stats: { mailsCaptured: 0, peopleReached: 0 },
  });
}
