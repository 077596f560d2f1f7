/**
 * Promises the writer made in their own words ("I'll send you the deck by Friday"): own text is split into
 * sentences, each is read by its grammar (commitment.ts), and a promise found is given whom it is owed to, when
 * it is due, and — when it names its object only by a pronoun ("I'll send them Friday") — the sentence before it
 * as context.
 */
import type { Address, FoundPromise } from './types.ts';
import { detectCommitment } from './commitment.ts';
import { DEFAULT_DUE_DAYS, resolveDue } from './due-dates.ts';

export interface PromiseContext {
  /** When the mail was written, ISO UTC. */
  readonly date: string;
  /** The user's IANA time zone. */
  readonly tz: string;
  /** To and Cc of the mail (for a note: whoever else it was addressed to, usually nobody). */
  readonly recipients: readonly Address[];
  readonly knownContacts?: readonly { readonly email: string; readonly name?: string }[];
  readonly defaultDueDays?: number;
  /** A note the user wrote to Nurture: "Promised to send him the recommendation", imperatives are tasks. */
  readonly isNote?: boolean;
  /** Normalised wordings (see {@link normalizePromiseText}) the user marked "not a promise". */
  readonly distrust?: readonly string[];
}

/** Longest sentence examined; longer runs are lists, tables or pasted text, not commitments. */
const MAX_SENTENCE_CHARS = 600;
/** Most sentences examined per message (own text is capped upstream too). */
const MAX_SENTENCES = 400;

// ---------------------------------------------------------------------------------------------------------------
// Sentences

const ABBREVIATIONS = new Set(
  'mr mrs ms dr st jr sr vs etc e.g i.e a.m p.m no inc co corp ltd jan feb mar apr jun jul aug sep sept oct nov dec approx dept est fig ft mt'.split(' '),
);

/** A line that opens a list item: "- ", "* ", "• ", "1. ", "2) ". */
const LIST_ITEM = /^(?:[-*•·]\s|\d{1,2}[.)]\s)/u;

/**
 * Text exported from HTML, or from a client that doubles line breaks, has a blank line after every line, inside
 * sentences too ("I'll let you know as" / "" / "soon as I know."). Known by its shape: several blank lines, and no
 * two non-empty lines in a row anywhere. Other text (an inline reply whose quotes were removed, headings, greetings)
 * keeps every blank line as a break.
 */
function isDoubledText(text: string): boolean {
  const lines = text.split('\n').map((l) => l.trim());
  let blanks = 0;
  for (let i = 1; i < lines.length; i++) {
    if (lines[i] === '') {
      if (lines[i - 1] !== '') blanks++;
    } else if (lines[i - 1] !== '') return false;
  }
  return blanks >= 3;
}

/**
 * In doubled text, a blank line is only a line break when the line before is a wrapped line (long, no final stop)
 * and this one goes on in lower case; never after a list item, and never past a sentence's length.
 */
function continuesAcrossBlank(doubled: boolean, current: readonly string[], line: string, chars: number): boolean {
  const previous = current.at(-1) ?? '';
  return (
    doubled &&
    previous.length >= 40 &&
    /[\p{L}\d,]$/u.test(previous) &&
    /^\p{Ll}/u.test(line) &&
    !LIST_ITEM.test(current[0] ?? '') &&
    chars < MAX_SENTENCE_CHARS
  );
}

/** Splits own text into sentences: paragraphs and list items first, then sentence punctuation. */
export function splitSentences(text: string): string[] {
  const out: string[] = [];
  const units: string[] = [];
  let current: string[] = [];
  let chars = 0;
  const flush = (): void => {
    if (current.length > 0) units.push(current.join(' '));
    current = [];
    chars = 0;
  };
  const doubled = isDoubledText(text);
  let blank = false;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '') {
      blank = true;
      continue;
    }
    if (blank && !continuesAcrossBlank(doubled, current, line, chars)) flush();
    blank = false;
    // A list item or a line after a heading colon starts a new unit; wrapped prose lines are joined.
    if (LIST_ITEM.test(line) || /:\s*$/u.test(current.at(-1) ?? '')) flush();
    current.push(line);
    chars += line.length + 1;
  }
  flush();
  for (const unit of units) {
    let start = 0;
    const boundary = /[.!?]+["')\]]*\s+/gu;
    for (let m = boundary.exec(unit); m; m = boundary.exec(unit)) {
      // The word before the stop, looked for in a short window: a long unit must not be rescanned at every stop.
      const before = unit.slice(Math.max(start, m.index - 40), m.index);
      const lastWord = (/([\w.]+)$/u.exec(before)?.[1] ?? '').toLowerCase();
      const next = unit.charAt(m.index + m[0].length);
      if (m[0].startsWith('.') && (ABBREVIATIONS.has(lastWord) || /^[a-z]$/iu.test(lastWord))) continue;
      if (next !== '' && /[a-z]/u.test(next)) continue;
      out.push(unit.slice(start, m.index + m[0].trimEnd().length).trim());
      start = m.index + m[0].length;
    }
    if (start < unit.length) out.push(unit.slice(start).trim());
  }
  return out.filter((s) => s.length > 0).slice(0, MAX_SENTENCES);
}

/** The form wordings are compared in for "not a promise" feedback: lower case, letters and digits only. */
export function normalizePromiseText(text: string): string {
  return text
    .toLowerCase()
    .replace(/[’‘`]/gu, "'")
    .replace(/[^\p{L}\p{N}']+/gu, ' ')
    .replace(/\s+/gu, ' ')
    .trim();
}

// ---------------------------------------------------------------------------------------------------------------
// Whom it is owed to

interface Person {
  readonly email: string;
  readonly name?: string;
}

function namesOf(p: Person): string[] {
  const full = (p.name ?? '').trim().toLowerCase();
  if (!full) return [];
  const first = full.split(/\s+/u)[0] ?? '';
  return first && first !== full ? [full, first] : [full];
}

/** People named in the sentence (by full or first name), from recipients and known contacts. */
function namedPeople(sentence: string, people: readonly Person[]): Person[] {
  const text = ` ${normalizePromiseText(sentence)} `;
  const found: Person[] = [];
  for (const p of people) {
    if (found.some((f) => f.email === p.email)) continue;
    if (namesOf(p).some((n) => n.length >= 2 && text.includes(` ${n} `))) found.push(p);
  }
  // A full-name match beats a first-name match on someone else with the same first name.
  return found;
}

const INTRODUCE_PAIR =
  /\b(?:introduce|(?:e-?)?intro|connect|put)\s+(you|him|her|them|[A-Z][\w'-]*(?:\s+[A-Z][\w'-]*)?)\s+(?:(?:two\s+)?in touch\s+)?(?:to|with|and)\s+(you|him|her|them|[A-Z][\w'-]*(?:\s+[A-Z][\w'-]*)?)/u;

function resolveName(name: string, people: readonly Person[], recipients: readonly string[]): string[] {
  if (/^(?:you|him|her|them)$/iu.test(name)) return [...recipients];
  const match = namedPeople(name, people)[0];
  return [match ? match.email : name];
}

/** Finds the promises in the writer's own text. */
export function findPromises(ownText: string, ctx: PromiseContext): FoundPromise[] {
  const distrust = new Set((ctx.distrust ?? []).map(normalizePromiseText).filter((d) => d.length > 0));
  const recipients = ctx.recipients.map((a) => a.email);
  const people: Person[] = [...ctx.recipients, ...(ctx.knownContacts ?? [])];
  const out: FoundPromise[] = [];
  const sentences = splitSentences(ownText);
  for (const [i, raw] of sentences.entries()) {
    const sentence = raw.length > MAX_SENTENCE_CHARS ? raw.slice(0, MAX_SENTENCE_CHARS) : raw;
    const normalized = normalizePromiseText(sentence);
    if (distrust.has(normalized) || [...distrust].some((d) => d.length >= 12 && normalized.includes(d))) continue;
    const commitment = detectCommitment(sentence, { isNote: ctx.isNote ?? false });
    if (!commitment) continue;
    const named = namedPeople(sentence, ctx.isNote ? people : ctx.recipients);
    let to = named.length > 0 ? named.map((p) => p.email) : recipients;
    let introduce: string[] | undefined;
    if (commitment.action === 'introduce') {
      const pair = INTRODUCE_PAIR.exec(sentence);
      if (pair) {
        introduce = [...resolveName(pair[1] ?? '', people, recipients), ...resolveName(pair[2] ?? '', people, recipients)];
        introduce = [...new Set(introduce)];
        // Owed to the person being introduced (the reader, or the first named in a note).
        const first = resolveName(pair[1] ?? '', people, recipients).filter((e) => e.includes('@'));
        if (first.length > 0) to = first;
      }
    }
    const { dueText, due } = resolveDue(sentence, {
      after: commitment.index,
      date: ctx.date,
      tz: ctx.tz,
      defaultDueDays: ctx.defaultDueDays ?? DEFAULT_DUE_DAYS,
    });
    const context = commitment.pronounObject ? contextBefore(sentences, i) : null;
    out.push({ text: sentence, action: commitment.action, to: [...new Set(to)], ...(introduce ? { introduce } : {}), dueText, due, ...(context ? { context } : {}) });
  }
  return out;
}

/** Longest context kept with a promise: enough to say what "them" is, short enough for a digest line. */
const MAX_CONTEXT_CHARS = 200;

/**
 * The sentence before a promise that names its object by a pronoun, unless that is only a greeting or an address
 * line: a few words ending in a comma or colon ("Mr. Ross,", "Team:") says nothing about what "them" is.
 */
function contextBefore(sentences: readonly string[], i: number): string | null {
  const previous = sentences[i - 1]?.trim();
  if (!previous || /^(?:hi|hello|hey|dear|good (?:morning|afternoon|evening))\b[^.!?]{0,40}[,:!]?$/iu.test(previous)) return null;
  if (/[,:]$/u.test(previous) && previous.split(/\s+/u).length <= 5) return null;
  return previous.length > MAX_CONTEXT_CHARS ? `${previous.slice(0, MAX_CONTEXT_CHARS - 1).trimEnd()}…` : previous;
}
