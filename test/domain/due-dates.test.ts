import { describe, expect, it } from 'vitest';
import { findDuePhrase, localDay, resolveDue } from '../../functions/domain/due-dates.ts';

// Wednesday 25 November 2026, 10:00 UTC = 11:00 in Berlin.
const wed = { date: '2026-11-25T10:00:00.000Z', tz: 'Europe/Berlin' };

describe('relative days and parts of days', () => {
  it.each([
    ['I will send it tomorrow.', 'tomorrow', '2026-11-26'],
    ["I'll call you tonight.", 'tonight', '2026-11-25'],
    ["I'll call you this afternoon.", 'this afternoon', '2026-11-25'],
    ["You'll have it by end of day.", 'by end of day', '2026-11-25'],
    ['I will send it by the end of the day tomorrow.', 'by the end of the day tomorrow', '2026-11-26'],
    ["I'll get it to you in two days.", 'in two days', '2026-11-27'],
    ["I'll call you in a day or so.", 'in a day or so', '2026-11-26'],
    ["I'll send it asap.", 'asap', '2026-11-26'],
  ])('%s → %s = %s', (sentence, dueText, due) => {
    expect(resolveDue(sentence, wed)).toEqual({ dueText, due });
  });
});

describe('weekdays', () => {
  it.each([
    ['I will send it by Friday.', 'by Friday', '2026-11-27'],
    ['I will send it by Thursday.', 'by Thursday', '2026-11-26'],
    ['I will call you Monday.', 'Monday', '2026-11-30'],
    ['I will call you next Monday.', 'next Monday', '2026-11-30'],
    // Said on a Wednesday: "by Wednesday" is today, a bare "Wednesday" is next week's.
    ['I will send it by Wednesday.', 'by Wednesday', '2026-11-25'],
    ['I will call you Wednesday.', 'Wednesday', '2026-12-02'],
  ])('%s → %s = %s', (sentence, dueText, due) => {
    expect(resolveDue(sentence, wed)).toEqual({ dueText, due });
  });

  it('does not read "sat" or "the sun" as days', () => {
    expect(findDuePhrase('I sat with the sun behind me and will send it')).toBeNull();
  });
});

describe('weeks, months and calendar dates', () => {
  it.each([
    ["We'll have the draft to you next week.", 'next week', '2026-12-04'],
    ["I'll call early next week.", 'early next week', '2026-11-30'],
    ["I'll finish it EOW.", 'EOW', '2026-11-27'],
    ["I'll read them over the weekend.", 'over the weekend', '2026-11-29'],
    ["I'll pay by the end of the month.", 'by the end of the month', '2026-11-30'],
    ["I'll send it by Dec 15.", 'by Dec 15', '2026-12-15'],
    // A date already past this year is next year's.
    ['I will try and get all of that info to you prior to 2/4.', 'prior to 2/4', '2027-02-04'],
  ])('%s → %s = %s', (sentence, dueText, due) => {
    expect(resolveDue(sentence, wed)).toEqual({ dueText, due });
  });
});

describe('vague phrases keep their wording and take the default day', () => {
  it.each([
    ['I will let you know as soon as I hear from them.', 'as soon as I hear from them'],
    ['I will discuss with you when I have more details.', 'when I have more details'],
    ["I'll send details later.", 'later'],
  ])('%s', (sentence, dueText) => {
    expect(resolveDue(sentence, wed)).toEqual({ dueText, due: '2026-11-27' });
  });

  it('never takes a relative word chrono reads from its own reference ("now") for a calendar date', () => {
    // This came out due 1 January 2000, decades before the mail was written.
    expect(resolveDue("I'll send this now and write more later.", wed)).toEqual({ dueText: 'later', due: '2026-11-27' });
    expect(resolveDue("I'll send this now.", wed).due >= '2026-11-25').toBe(true);
  });

  it('defaults to mail day + defaultDueDays without a phrase', () => {
    expect(resolveDue('I will send the deck.', { ...wed, defaultDueDays: 2 })).toEqual({ dueText: null, due: '2026-11-27' });
    expect(resolveDue('I will send the deck.', { ...wed, defaultDueDays: 7 })).toEqual({ dueText: null, due: '2026-12-02' });
  });
});

describe('the mail day is the user’s local day (fixed clocks, time zones, DST)', () => {
  it('late UTC evening is already tomorrow in Tokyo', () => {
    const at = { date: '2026-11-25T20:00:00.000Z', tz: 'Asia/Tokyo' };
    expect(localDay(at.date, at.tz).toISODate()).toBe('2026-11-26');
    expect(resolveDue('I will send it tomorrow.', at).due).toBe('2026-11-27');
  });

  it('early UTC morning is still yesterday in Los Angeles', () => {
    expect(resolveDue('I will send it tomorrow.', { date: '2026-11-25T05:00:00.000Z', tz: 'America/Los_Angeles' }).due).toBe('2026-11-25');
  });

  it('across the spring-forward night in Berlin (29 March 2026, 02:00 → 03:00)', () => {
    // 00:30 UTC on 29 March = 01:30 CET, before the clocks jump; "tomorrow" is 30 March.
    expect(resolveDue("I'll call you tomorrow.", { date: '2026-03-29T00:30:00.000Z', tz: 'Europe/Berlin' }).due).toBe('2026-03-30');
    // 22:30 UTC on 28 March = 23:30 CET on the 28th.
    expect(resolveDue("I'll call you tomorrow.", { date: '2026-03-28T22:30:00.000Z', tz: 'Europe/Berlin' }).due).toBe('2026-03-29');
    expect(resolveDue("I'll call you tomorrow.", { date: '2026-03-28T23:30:00.000Z', tz: 'Europe/Berlin' }).due).toBe('2026-03-30');
  });

  it('across the fall-back night in New York (1 November 2026)', () => {
    // 04:30 UTC on 2 Nov = 23:30 EST on 1 Nov (the day after the change is 25 hours long).
    expect(resolveDue('I will call you in two days.', { date: '2026-11-02T04:30:00.000Z', tz: 'America/New_York' }).due).toBe('2026-11-03');
  });

  it('falls back to UTC for an unknown zone instead of throwing', () => {
    expect(resolveDue('I will send it tomorrow.', { date: '2026-11-25T23:30:00.000Z', tz: 'Mars/Olympus' }).due).toBe('2026-11-26');
  });
});
