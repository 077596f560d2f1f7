import { describe, expect, it } from 'vitest';
import { digestWeekOf, nextDigestAt, nextDigestSlot, utcHourSlot, weekOf } from '../../functions/domain/week.ts';

const at = (iso: string) => new Date(iso);
const iso = (d: Date) => d.toISOString();
const monday8 = (tz: string) => ({ tz, digestDay: 1, digestHour: 8 });

describe('weekOf', () => {
  it('is the Monday of the local week', () => {
    expect(weekOf('2026-11-30T07:00:00.000Z', 'Europe/Berlin')).toBe('2026-11-30');
    expect(weekOf('2026-12-06T22:00:00.000Z', 'Europe/Berlin')).toBe('2026-11-30'); // Sunday 23:00 local
    expect(weekOf(at('2026-12-06T23:30:00.000Z'), 'Europe/Berlin')).toBe('2026-12-07'); // Monday 00:30 local
  });

  it('follows the user’s zone, not UTC, around midnight', () => {
    // Sunday 20:00 UTC is already Monday 01:30 in Kolkata, still Sunday 15:00 in New York.
    expect(weekOf('2026-11-29T20:00:00.000Z', 'Asia/Kolkata')).toBe('2026-11-30');
    expect(weekOf('2026-11-29T20:00:00.000Z', 'America/New_York')).toBe('2026-11-23');
  });

  it('rejects an unknown zone', () => {
    expect(() => weekOf('2026-11-30T07:00:00.000Z', 'Mars/Olympus')).toThrow(/time zone/);
  });
});

describe('nextDigestAt', () => {
  it('is the next local Monday 08:00, strictly after the given instant', () => {
    expect(iso(nextDigestAt(monday8('Europe/Berlin'), at('2026-11-25T10:00:00.000Z')))).toBe('2026-11-30T07:00:00.000Z');
    // Exactly at the digest time: the next one is a week later, so a run never schedules itself twice.
    expect(iso(nextDigestAt(monday8('Europe/Berlin'), at('2026-11-30T07:00:00.000Z')))).toBe('2026-12-07T07:00:00.000Z');
    // Same Monday, before 08:00 local: today.
    expect(iso(nextDigestAt(monday8('Europe/Berlin'), at('2026-11-30T06:59:59.000Z')))).toBe('2026-11-30T07:00:00.000Z');
  });

  it('Europe/Berlin, last Sunday of March: 08:00 moves from 07:00Z to 06:00Z; 02:00 does not exist → 03:00', () => {
    const sunday8 = { tz: 'Europe/Berlin', digestDay: 7, digestHour: 8 };
    expect(iso(nextDigestAt(sunday8, at('2026-03-20T00:00:00.000Z')))).toBe('2026-03-22T07:00:00.000Z');
    expect(iso(nextDigestAt(sunday8, at('2026-03-22T07:00:00.000Z')))).toBe('2026-03-29T06:00:00.000Z');
    const sunday2 = { tz: 'Europe/Berlin', digestDay: 7, digestHour: 2 };
    expect(iso(nextDigestAt(sunday2, at('2026-03-28T12:00:00.000Z')))).toBe('2026-03-29T01:00:00.000Z'); // 03:00 CEST
    expect(iso(nextDigestAt(monday8('Europe/Berlin'), at('2026-03-29T12:00:00.000Z')))).toBe('2026-03-30T06:00:00.000Z');
  });

  it('Europe/Berlin, last Sunday of October: 02:00 happens twice → the first one, once', () => {
    const sunday2 = { tz: 'Europe/Berlin', digestDay: 7, digestHour: 2 };
    const first = nextDigestAt(sunday2, at('2026-10-24T12:00:00.000Z'));
    expect(iso(first)).toBe('2026-10-25T00:00:00.000Z'); // 02:00 CEST
    // Asking again just after it must not return the repeated 02:00 CET an hour later.
    expect(iso(nextDigestAt(sunday2, first))).toBe('2026-11-01T01:00:00.000Z');
    expect(iso(nextDigestAt(monday8('Europe/Berlin'), at('2026-10-19T12:00:00.000Z')))).toBe('2026-10-26T07:00:00.000Z');
    expect(iso(nextDigestAt(monday8('Europe/Berlin'), at('2026-10-12T12:00:00.000Z')))).toBe('2026-10-19T06:00:00.000Z');
  });

  it('America/New_York across both DST changes', () => {
    const ny = monday8('America/New_York');
    expect(iso(nextDigestAt(ny, at('2026-03-01T00:00:00.000Z')))).toBe('2026-03-02T13:00:00.000Z'); // EST
    expect(iso(nextDigestAt(ny, at('2026-03-02T13:00:00.000Z')))).toBe('2026-03-09T12:00:00.000Z'); // EDT
    expect(iso(nextDigestAt(ny, at('2026-10-27T00:00:00.000Z')))).toBe('2026-11-02T13:00:00.000Z'); // EST again
    const sunday2 = { tz: 'America/New_York', digestDay: 7, digestHour: 2 };
    expect(iso(nextDigestAt(sunday2, at('2026-03-07T12:00:00.000Z')))).toBe('2026-03-08T07:00:00.000Z'); // 03:00 EDT
    const sunday1 = { tz: 'America/New_York', digestDay: 7, digestHour: 1 };
    expect(iso(nextDigestAt(sunday1, at('2026-10-31T12:00:00.000Z')))).toBe('2026-11-01T05:00:00.000Z'); // 01:00 EDT
  });

  it('Asia/Kolkata (UTC+05:30) lands on a half hour in UTC, a day earlier for early hours', () => {
    expect(iso(nextDigestAt(monday8('Asia/Kolkata'), at('2026-11-25T00:00:00.000Z')))).toBe('2026-11-30T02:30:00.000Z');
    const monday3 = { tz: 'Asia/Kolkata', digestDay: 1, digestHour: 3 };
    expect(iso(nextDigestAt(monday3, at('2026-11-25T00:00:00.000Z')))).toBe('2026-11-29T21:30:00.000Z');
  });

  it('a chain of digests is one per week, 168 h apart except across a DST change', () => {
    const user = monday8('Europe/Berlin');
    let t = at('2026-01-01T00:00:00.000Z');
    const gaps = new Set<number>();
    for (let i = 0; i < 60; i += 1) {
      const next = nextDigestAt(user, t);
      if (i > 0) gaps.add((next.getTime() - t.getTime()) / 3_600_000);
      t = next;
    }
    expect([...gaps].sort()).toEqual([167, 168, 169]);
  });

  it('rejects a day or hour out of range', () => {
    expect(() => nextDigestAt({ tz: 'UTC', digestDay: 0, digestHour: 8 }, at('2026-11-25T00:00:00.000Z'))).toThrow(/digestDay/);
    expect(() => nextDigestAt({ tz: 'UTC', digestDay: 1, digestHour: 24 }, at('2026-11-25T00:00:00.000Z'))).toThrow(/digestHour/);
  });
});

describe('utcHourSlot', () => {
  it('is the UTC hour as YYYY-MM-DDTHH', () => {
    expect(utcHourSlot(at('2026-11-30T02:30:00.000Z'))).toBe('2026-11-30T02');
    expect(utcHourSlot(at('2026-11-30T07:00:00+01:00'))).toBe('2026-11-30T06');
  });

  it('matches nextDigestAt for a half-hour zone (the dispatcher must run at least hourly)', () => {
    expect(utcHourSlot(nextDigestAt(monday8('Asia/Kolkata'), at('2026-11-25T00:00:00.000Z')))).toBe('2026-11-30T02');
    // The dispatcher slot rounds up, so 08:00 in Kolkata (02:30 UTC) goes out at 03:00 UTC, never early.
    expect(nextDigestSlot(monday8('Asia/Kolkata'), at('2026-11-25T00:00:00.000Z'))).toBe('2026-11-30T03');
    expect(nextDigestSlot(monday8('Europe/Berlin'), at('2026-11-25T00:00:00.000Z'))).toBe('2026-11-30T07');
  });

  it('rejects an invalid date', () => {
    expect(() => utcHourSlot(new Date('nope'))).toThrow(/invalid/);
  });
});

describe('digestWeekOf: the week of the scheduled digest most recently due, or of one less than a day away', () => {
  const user = (tz: string, digestDay: number, digestHour: number) => ({ tz, digestDay, digestHour });

  it('a Sunday 23:00 digest processed after midnight is still last week’s', () => {
    const sunday = user('Europe/Berlin', 7, 23);
    expect(digestWeekOf(sunday, new Date('2026-11-29T22:00:00Z'))).toBe('2026-11-23');
    expect(digestWeekOf(sunday, new Date('2026-11-29T23:30:00Z'))).toBe('2026-11-23');
    expect(digestWeekOf(sunday, new Date('2026-12-06T22:00:00Z'))).toBe('2026-11-30');
  });

  it('a preview just before Monday 08:00 is this week’s digest, as is a half-hour zone’s rounded-up slot', () => {
    expect(digestWeekOf(user('Europe/Berlin', 1, 8), new Date('2026-11-30T05:00:00Z'))).toBe('2026-11-30');
    expect(digestWeekOf(user('Asia/Kolkata', 1, 8), new Date('2026-11-30T03:00:00Z'))).toBe('2026-11-30');
  });

  it('a send by hand late in the week is this week’s, not next week’s', () => {
    const monday = user('Europe/Berlin', 1, 8);
    expect(digestWeekOf(monday, new Date('2026-12-03T19:00:00Z'))).toBe('2026-11-30'); // Thursday 20:00
    expect(digestWeekOf(monday, new Date('2026-12-05T12:00:00Z'))).toBe('2026-11-30'); // Saturday noon
    expect(digestWeekOf(monday, new Date('2026-12-06T09:00:00Z'))).toBe('2026-12-07'); // Sunday 10:00: Monday's is near
  });

  it('holds across the spring DST change', () => {
    expect(digestWeekOf(user('Europe/Berlin', 7, 23), new Date('2026-03-29T21:00:00Z'))).toBe('2026-03-23');
  });
});
