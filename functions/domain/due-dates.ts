/**
 * Due phrases ("by Friday", "next week", "asap") found in a sentence and resolved to an ISO day in the user's
 * time zone, relative to the day the mail was written there. Pure: the mail's date is the clock.
 *
 * Our own rules cover the phrases whose meaning as a *deadline* differs from a calendar reading ("next week" is
 * due at the end of next week, "EOW" on Friday); chrono-node reads calendar dates ("Dec 15", "2/4", "in two days").
 */
import * as chrono from 'chrono-node';
import { DateTime } from 'luxon';

export const DEFAULT_DUE_DAYS = 2;

export interface DueContext {
  /** When the mail was written, ISO UTC. */
  readonly date: string;
  /** The user's IANA time zone. */
  readonly tz: string;
  /** Days after the mail day when no phrase says when. */
  readonly defaultDueDays?: number;
  /** Index in the sentence of the promised action: phrases after it are preferred. */
  readonly after?: number;
}

export interface Due {
  /** The phrase as written, or null when the sentence says nothing about when. */
  readonly dueText: string | null;
  /** ISO day in the user's time zone. */
  readonly due: string;
}

export interface DuePhrase {
  readonly text: string;
  readonly index: number;
  /** `vague` phrases ("soon", "when I hear back") name no day: the default applies. */
  readonly kind: 'day' | 'vague';
  /** The day, from the local mail day; absent for vague phrases. */
  readonly resolve?: (day: DateTime) => DateTime;
}

type Rule = { readonly re: RegExp; readonly kind: 'day' | 'vague'; readonly resolve?: (day: DateTime, m: RegExpExecArray) => DateTime };

const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;
const weekdayNumber = (name: string): number => {
  const key = name.toLowerCase().slice(0, 3);
  return WEEKDAYS.findIndex((w) => w.startsWith(key)) + 1;
};
const NUMBER_WORDS: Record<string, number> = { a: 1, an: 1, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, ten: 10, couple: 2, few: 3 };
const toNumber = (word: string): number => NUMBER_WORDS[word.toLowerCase()] ?? (Number.parseInt(word, 10) || 1);

/** Friday of the week of `day` (ISO weeks start on Monday); a weekend day is already past it. */
const fridayOf = (day: DateTime): DateTime => (day.weekday <= 5 ? day.plus({ days: 5 - day.weekday }) : day);
const nextWeekday = (day: DateTime, weekday: number, sameDayCounts: boolean): DateTime => {
  const ahead = (weekday - day.weekday + 7) % 7;
  return day.plus({ days: ahead === 0 && !sameDayCounts ? 7 : ahead });
};

const LEAD = String.raw`(?:(?:by|before|until|till|no later than|on|for|at|around|sometime|first thing|1st thing|early|late|later)\s+)?`;
const PART = String.raw`(?:\s+(?:morning|afternoon|evening|night|a\.?m\.?|p\.?m\.?|noon|eod|cob))?`;
// Full names in any case; abbreviations only capitalised ("I sat", "the sun" are not days).
const WEEKDAY = String.raw`((?:[Mm]onday|[Tt]uesday|[Ww]ednesday|[Tt]hursday|[Ff]riday|[Ss]aturday|[Ss]unday|MONDAY|TUESDAY|WEDNESDAY|THURSDAY|FRIDAY|SATURDAY|SUNDAY)|(?:Mon|Tue|Tues|Wed|Thu|Thur|Thurs|Fri|Sat|Sun)(?=\b)|[Tt]ueday|[Ww]ednsday|[Ww]endsday|[Tt]hurday|(?<=\b(?:[Oo]n|[Bb]y|[Tt]his|[Nn]ext|[Uu]ntil)\s)(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(?=\b))`;

/** Ordered: the first rule matching at the earliest position wins ties on length. */
const RULES: readonly Rule[] = [
  { re: new RegExp(String.raw`\b${LEAD}(?:the\s+)?(?:end of (?:the )?(?:business )?day|close of business|eod|cob)\s+tomorrow\b`, 'iu'), kind: 'day', resolve: (d) => d.plus({ days: 1 }) },
  { re: new RegExp(String.raw`\b${LEAD}(?:the\s+)?(?:end of (?:the )?(?:business )?day|close of (?:business|play)|eod|cob)\b(?:\s+today)?`, 'iu'), kind: 'day', resolve: (d) => d },
  { re: new RegExp(String.raw`\b${LEAD}(?:the\s+)?day after tomorrow\b`, 'iu'), kind: 'day', resolve: (d) => d.plus({ days: 2 }) },
  { re: new RegExp(String.raw`\b${LEAD}tomorrow${PART}\b`, 'iu'), kind: 'day', resolve: (d) => d.plus({ days: 1 }) },
  { re: /\b(?:later\s+)?(?:tonight|tonite|today|this (?:morning|afternoon|evening)|later (?:today|this (?:morning|afternoon|evening)))\b/iu, kind: 'day', resolve: (d) => d },
  { re: /\b(?:by |before |until |at )?(?:the )?(?:end of (?:the |this )?week|eow|end of business week|this week)\b/iu, kind: 'day', resolve: (d) => fridayOf(d) },
  { re: /\b(?:by |before |on |over |during |this |on the |over the )?(?:this )?week-?end\b/iu, kind: 'day', resolve: (d) => (d.weekday === 7 ? d : d.plus({ days: 7 - d.weekday })) },
  { re: /\b(?:early|first thing)\s+next week\b/iu, kind: 'day', resolve: (d) => d.plus({ days: 8 - d.weekday }) },
  { re: /\b(?:by |before |until |sometime |during |later |late |mid-?)?(?:the )?(?:end of )?next week\b/iu, kind: 'day', resolve: (d) => fridayOf(d.plus({ days: 8 - d.weekday })) },
  { re: /\b(?:by |before |at )?(?:the )?(?:end of (?:the |this )?month|eom)\b/iu, kind: 'day', resolve: (d) => d.endOf('month').startOf('day') },
  { re: /\b(?:by |before |at )?(?:the )?(?:end of |early |sometime )?next month\b/iu, kind: 'day', resolve: (d) => d.plus({ months: 1 }).endOf('month').startOf('day') },
  { re: /\b(?:by |before |at )?(?:the )?(?:end of |early |sometime )?next year\b/iu, kind: 'day', resolve: (d) => d.plus({ years: 1 }).startOf('year') },
  {
    re: /\b(?:in|within|over)\s+(?:the\s+next\s+)?(a|an|one|two|three|four|five|six|seven|ten|\d{1,2}|a couple(?: of)?|a few|couple of|few)\s+(days?|weeks?|business days?|working days?)(?:\s+or\s+(?:so|two))?\b/iu,
    kind: 'day',
    resolve: (d, m) => {
      const n = toNumber((m[1] ?? '1').replace(/^(?:a )?(couple|few).*/iu, '$1'));
      return /week/iu.test(m[2] ?? '') ? d.plus({ weeks: n }) : d.plus({ days: n });
    },
  },
  { re: /\bin\s+(?:a|one)\s+day\s+or\s+(?:so|two)\b/iu, kind: 'day', resolve: (d) => d.plus({ days: 1 }) },
  {
    // Not a weekday already past ("since last Thursday night").
    re: new RegExp(String.raw`(?<!\b(?:[Ll]ast|[Ss]ince|[Pp]ast)\s+)\b(?:(?:[Bb]y|[Bb]efore|[Uu]ntil|[Tt]ill|[Oo]n|[Tt]his|[Nn]ext|[Cc]oming|[Ff]irst thing|1st thing|[Ee]arly|[Ll]ate|no later than)\s+)?(?:this\s+coming\s+|the\s+)?${WEEKDAY}\b\.?${PART}`, 'u'),
    kind: 'day',
    resolve: (d, m) => {
      const wd = weekdayNumber(m[1] ?? 'mon');
      const text = m[0].toLowerCase();
      // "next Friday" is the Friday of next week; a bare or "by" weekday is the coming one (today counts for "by/this").
      if (/^next\s/u.test(text)) return d.plus({ days: 8 - d.weekday + wd - 1 });
      return nextWeekday(d, wd, /^(?:by|before|until|till|this|no later than)\b/u.test(text));
    },
  },
  {
    // "by the 5th", "the 5th or the 6th": that day of this month, or of next month once it is past.
    re: /\b(?:(?:by|on|before|until)\s+)?the\s+(\d{1,2})(?:st|nd|rd|th)\b(?!\s+(?:of\s+)?(?:floor|century|time|place|percentile|anniversary|grade))/iu,
    kind: 'day',
    resolve: (d, m) => {
      const day = Number(m[1]);
      const inMonth = d.set({ day: Math.min(day, d.daysInMonth ?? 28) });
      return inMonth < d ? d.plus({ months: 1 }).set({ day: Math.min(day, d.plus({ months: 1 }).daysInMonth ?? 28) }) : inMonth;
    },
  },
  { re: /\b(?:asap|a\.s\.a\.p\.?|as soon as (?:possible|practicable|i can|we can)|right away|straight away|immediately|first thing)\b/iu, kind: 'day', resolve: (d) => d.plus({ days: 1 }) },
  {
    re: /\b(?:at|by|around|before|between|from)\s+(?:\d{1,2}(?::\d{2})?\s*(?:am|pm|a\.m\.|p\.m\.|o'clock)|\d{1,2}:\d{2}|\d{3,4}\s*\(?(?:[ECMP][SD]?T|GMT|UTC|CET|CEST|BST)\)?|noon)(?:\s*\(?(?:[ECMP][SD]?T|GMT|UTC|CET|CEST|BST)\)?)?/iu,
    kind: 'day',
    resolve: (d) => d,
  },
  {
    re: /\b(?:shortly|soon|later|in the (?:near )?future|at a later (?:day|date|time)|in due course|when (?:complete|ready|done|finished)|before (?:the|our|my|your|their) (?:[\w-]+ ){0,4}(?:meeting|call|trip|conference|deadline|holidays?|break|launch|review|close)|(?:as soon as|soon as|when(?: \([^)]{1,20}\))?|once|after|before(?: and after)?|as) (?:i|we|she|he|they|it|the|you|all|this|that)\b(?:(?!\s(?:and|so|then) (?:i|we)\b)[^,.;!?]){1,60}|as the situation \w+|in a (?:bit|while|little while|moment|minute|sec)\b(?: after [^,.;!?]{1,60})?|that (?:morning|afternoon|evening|night|day|week)\b|\b(?:before )?then\s*(?=[.!?]*\s*$)|(?:for |in the |the )?near future|over (?:lunch|dinner|breakfast|coffee|drinks)|(?:on )?another (?:day|time)|at the same time\b[^,.;!?]{0,60}|(?:sometime )?after work|every ?day\b(?: after [^,.;!?]{1,30})?)/iu,
    kind: 'vague',
  },
];

/** Prepositions kept in front of a chrono date ("by Dec 15", "prior to 2/4"). */
const DATE_LEAD = /(?:\b(?:by|before|on|until|till|no later than|prior to|for|around)\s+)$/iu;

/**
 * The due phrase of a sentence, if any: a phrase naming a day beats a vague one; among those the earliest wins.
 */
export function findDuePhrase(sentence: string, after = 0): DuePhrase | null {
  const candidates: DuePhrase[] = [];
  for (const rule of RULES) {
    const m = rule.re.exec(sentence);
    if (!m) continue;
    const resolve = rule.resolve;
    candidates.push({ text: m[0].trim().replace(/(?<=[a-z]{3})\.$/iu, ''), index: m.index, kind: rule.kind, ...(resolve ? { resolve: (d: DateTime) => resolve(d, m) } : {}) });
  }
  for (const found of chronoDates(sentence)) candidates.push(found);
  // A phrase after the promised action beats one in a leading condition ("If he doesn't call by EOD, I'll call him tomorrow").
  const later = candidates.filter((c) => c.index + c.text.length > after);
  const scoped = later.length > 0 ? later : candidates;
  const days = scoped.filter((c) => c.kind === 'day');
  const pool = days.length > 0 ? days : scoped;
  pool.sort((a, b) => a.index - b.index || b.text.length - a.text.length);
  return pool[0] ?? null;
}

const MAY_HAVE_DATE = /\d|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b/iu;

/** Calendar dates chrono recognises that our rules do not ("Dec 15", "2/4", "November 6th"). */
function chronoDates(sentence: string): DuePhrase[] {
  // An absolute date has a number or a month name; without either, chrono (the costliest step here) has nothing to find.
  if (!MAY_HAVE_DATE.test(sentence)) return [];
  // Only absolute dates are taken from chrono here, resolved later against the mail day. chrono calls a relative
  // phrase ("now", "in 3 days") certain too, computed from its reference: read with two references, a date that
  // moves with the reference is relative and is left to our rules.
  const results = chrono.parse(sentence, { instant: new Date(Date.UTC(2000, 0, 1)), timezone: 0 });
  const moved = chrono.parse(sentence, { instant: new Date(Date.UTC(2001, 6, 15)), timezone: 0 });
  const out: DuePhrase[] = [];
  for (const r of results) {
    const start = r.start;
    if (!start.isCertain('month') || !start.isCertain('day')) continue;
    const other = moved.find((m) => m.index === r.index)?.start;
    if (!other || other.get('month') !== start.get('month') || other.get('day') !== start.get('day')) continue;
    const month = start.get('month') ?? 1;
    const day = start.get('day') ?? 1;
    const year = start.isCertain('year') ? start.get('year') : null;
    const lead = DATE_LEAD.exec(sentence.slice(Math.max(0, r.index - 20), r.index));
    const index = lead ? r.index - lead[0].length : r.index;
    out.push({
      text: sentence.slice(index, r.index + r.text.length),
      index,
      kind: 'day',
      resolve: (d) => {
        let date = DateTime.fromObject({ year: year ?? d.year, month, day }, { zone: d.zone });
        if (!date.isValid) return d;
        // Without a year, a date already past this year means next year's.
        if (year === null && date < d) date = date.plus({ years: 1 });
        return date;
      },
    });
  }
  return out;
}

/** The mail's day in the user's zone (falls back to UTC for an unknown zone). */
export function localDay(dateIso: string, tz: string): DateTime {
  const at = DateTime.fromISO(dateIso, { zone: 'utc' });
  const local = at.setZone(tz);
  return (local.isValid ? local : at).startOf('day');
}

/** When the sentence says the promise is due, or the default (mail day + `defaultDueDays`). */
export function resolveDue(sentence: string, ctx: DueContext): Due {
  const day = localDay(ctx.date, ctx.tz);
  const fallback = day.plus({ days: ctx.defaultDueDays ?? DEFAULT_DUE_DAYS });
  const phrase = findDuePhrase(sentence, ctx.after ?? 0);
  if (!phrase) return { dueText: null, due: fallback.toISODate() ?? '' };
  const resolved = phrase.resolve ? phrase.resolve(day) : fallback;
  return { dueText: phrase.text, due: (resolved.isValid ? resolved : fallback).toISODate() ?? '' };
}
