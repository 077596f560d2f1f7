/**
 * Commands in a reply to the digest: `done 2`, `done 1,3`, `snooze 3 next monday`, `pause`, …
 *
 * Pure: the reply's text, `now` and the user's time zone in; commands and not-understood words out. Item numbers are
 * kept as typed; whether they exist in the digest being answered is for `apply-commands` to say.
 *
 * Prose is the norm in mail ("Thanks!", "Sent from my iPhone"), so a sentence counts only when it starts with a
 * command word, or looks like an attempt at one (a word and an item number, or one word that is a typo of a command).
 */
import * as chrono from 'chrono-node';
import { DateTime } from 'luxon';
import { textAboveQuote } from './own-text.ts';

export type ItemCommandKind = 'done' | 'undo' | 'drop';
export type DatedItemCommandKind = 'snooze' | 'skip';
export type SettingCommandKind = 'pause' | 'resume' | 'more' | 'fewer' | 'help';

interface CommandBase {
  /** The words as the user typed them, for confirmations. */
  readonly source: string;
}

/** `items` is empty when the user wrote the word alone and no quoted item tells which one was meant. */
export interface ItemCommand extends CommandBase {
  readonly kind: ItemCommandKind;
  readonly items: readonly number[];
  /** True when the item number came from the quote (a bare `done` under or answering one item). */
  readonly inferred: boolean;
}

export interface DatedItemCommand extends CommandBase {
  readonly kind: DatedItemCommandKind;
  readonly items: readonly number[];
  readonly inferred: boolean;
  /** ISO day in the user's time zone, always after today. */
  readonly until: string;
  /** The duration or date as written, or null when none was given (the default applies). */
  readonly untilText: string | null;
  /** Set when `untilText` could not be read as a future date, so the default was used. */
  readonly untilUnreadable: boolean;
}

export interface SettingCommand extends CommandBase {
  readonly kind: SettingCommandKind;
}

export type Command = ItemCommand | DatedItemCommand | SettingCommand;

export interface UnknownWord {
  /** The word not understood, lower-cased. */
  readonly word: string;
  /** The attempt as written (the sentence from that word), trimmed to a readable length. */
  readonly text: string;
  /** The attempt rewritten with the nearest command ("dne 2" → "done 2"), or null when nothing is close. */
  readonly suggestion: string | null;
}

export interface ParsedCommands {
  readonly commands: readonly Command[];
  readonly unknown: readonly UnknownWord[];
}

export interface ParseCommandsInput {
  /** The user's own words: quotes and signature removed. */
  readonly ownText: string;
  /** The quoted part (the digest as the client quoted it), used only to bind a bare `done` to a single item. */
  readonly quotedText: string;
  readonly now: Date;
  /** IANA zone for resolving dates ("next monday" is the user's Monday). */
  readonly tz: string;
}

export const DEFAULT_SNOOZE_DAYS = 7;
export const DEFAULT_SKIP_DAYS = 28;
/** Digests have a handful of items: wider numbers are phone numbers, years, prices. */
const MAX_ITEM_DIGITS = 2;
/** A range like `1-40` is a typo or not meant for us; don't expand it into dozens of changes. */
const MAX_RANGE_SPAN = 20;
/** Bare `done`/`undo`/`drop` count only in short sentences ("Done, thanks!"), not in "Done deal, let's meet Tuesday". */
const MAX_WORDS_AFTER_BARE_COMMAND = 3;
/** Tokens of a not-understood attempt kept after the item numbers ("snoze 3 next monday"). */
const MAX_WORDS_AFTER_UNKNOWN = 3;
const MAX_QUOTED_ATTEMPT = 60;

const KEYWORDS: Readonly<Record<string, ItemCommandKind | DatedItemCommandKind | SettingCommandKind>> = {
  done: 'done',
  undo: 'undo',
  reopen: 'undo',
  snooze: 'snooze',
  drop: 'drop',
  skip: 'skip',
  pause: 'pause',
  stop: 'pause',
  unsubscribe: 'pause',
  resume: 'resume',
  unpause: 'resume',
  more: 'more',
  fewer: 'fewer',
  less: 'fewer',
  help: 'help',
};

/** What a typo is compared against, in order of preference on a tie. */
const SUGGESTABLE = ['done', 'undo', 'snooze', 'drop', 'skip', 'pause', 'resume', 'more', 'fewer', 'help', 'stop'];

/** What takes item numbers: a typo followed by a number is compared against these only. */
const ITEM_COMMANDS = ['done', 'undo', 'snooze', 'drop', 'skip'];

/** Words allowed around a setting command without turning it into prose ("pause please", "stop sending me these"). */
const FILLER = new Set([
  'please', 'pls', 'plz', 'thanks', 'thank', 'you', 'thx', 'ty', 'now', 'for', 'a', 'while', 'the', 'digest',
  'digests', 'email', 'emails', 'mail', 'mails', 'these', 'them', 'it', 'me', 'sending', 'all', 'check-ins',
  'checkins', 'check', 'ins', 'reminders', 'again', 'and', 'too', 'then', 'ok', 'okay', 'this', 'that', 'week',
  'weeks', 'of', 'suggestions', 'per', 'nurture',
]);

/** Greetings, sign-offs and answers that sit alone on a line one slip from a command ("Don" ~ done, "None" ~ done). */
const PROSE_WORDS = new Set([
  'hello', 'hallo', 'hi', 'hey', 'thanks', 'thank', 'thx', 'ty', 'cheers', 'best', 'regards', 'ok', 'okay', 'yes',
  'yep', 'no', 'nope', 'sure', 'great', 'cool', 'nice', 'love', 'bye', 'dear', 'sincerely', 'none', 'gone', 'one',
  'don', 'moe', 'kip',
]);

/** Words joining items or commands: `done 1 and 3`, `done 2, then drop 4`. */
const JOINERS = new Set(['and', '&', '+', 'then', 'also', 'plus', 'or']);

// ---------------------------------------------------------------------------------------------------------------
// Tokens

interface Token {
  /** Lower-cased, surrounding punctuation removed. */
  readonly word: string;
  /** As typed. */
  readonly raw: string;
  /** Where the raw token sits in its sentence, to quote the user's own spelling back ("done 1,3"). */
  readonly start: number;
  readonly end: number;
  /** A `,` or `;` follows: a command may start right after it. */
  readonly endsClause: boolean;
}

function tokenize(sentence: string): Token[] {
  const tokens: Token[] = [];
  // Commas separate items as well as commands: `done 1,3` is `done 1 3`.
  for (const m of sentence.matchAll(/[^\s,;]+/g)) {
    const word = m[0]
      .toLowerCase()
      .replace(/^[^\p{L}\p{N}#&+]+/u, '')
      .replace(/[^\p{L}\p{N}&+]+$/u, '');
    const start = m.index;
    const end = start + m[0].length;
    const endsClause = /^\s*[,;]/.test(sentence.slice(end));
    if (word === '') {
      const last = tokens.at(-1);
      if (last && endsClause) tokens[tokens.length - 1] = { ...last, endsClause };
      continue;
    }
    tokens.push({ word, raw: m[0], start, end, endsClause });
  }
  return tokens;
}

/** The user's own spelling of tokens [from, to), without trailing punctuation. */
function typedSpan(sentence: string, tokens: readonly Token[], from: number, to: number): string {
  const first = tokens[from];
  const last = tokens[to - 1];
  if (!first || !last) return '';
  return clip(sentence.slice(first.start, last.end).replace(/[.,;:!?]+$/, ''));
}

/** `2`, `#2`, `1-3`, `1–3` → the item numbers, or null for anything else. */
function itemNumbers(word: string): number[] | null {
  const digits = `\\d{1,${MAX_ITEM_DIGITS}}`;
  const single = new RegExp(`^#?(${digits})$`).exec(word);
  if (single) return [Number(single[1])];
  const range = new RegExp(`^#?(${digits})[-–](${digits})$`).exec(word);
  if (!range) return null;
  const from = Number(range[1]);
  const to = Number(range[2]);
  if (to < from || to - from > MAX_RANGE_SPAN) return null;
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

const DURATION_UNIT = /^(d|days?|w|wks?|weeks?|mo?|mos|months?)$/;
const MONTH_NAME = /^(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*$/;

// ---------------------------------------------------------------------------------------------------------------
// Dates

function todayIn(now: Date, tz: string): DateTime {
  const local = DateTime.fromJSDate(now, { zone: tz });
  if (!local.isValid) throw new RangeError(`unknown time zone: ${tz}`);
  return local.startOf('day');
}

const NUMBER_WORDS: Readonly<Record<string, number>> = { a: 1, an: 1, one: 1, two: 2, three: 3, four: 4, six: 6 };

/** `2w`, `10d`, `3 months`, `a week` → the ISO day that far from today; otherwise chrono for dates. */
function resolveUntil(text: string, now: Date, tz: string): string | null {
  const today = todayIn(now, tz);
  const duration = /^(\d{1,3}|a|an|one|two|three|four|six)\s*(d|days?|w|wks?|weeks?|m|mo|mos|months?)\b/.exec(text);
  if (duration) {
    const amount = NUMBER_WORDS[duration[1] ?? ''] ?? Number(duration[1]);
    const unit = duration[2] ?? '';
    const until = unit.startsWith('d')
      ? today.plus({ days: amount })
      : unit.startsWith('w')
        ? today.plus({ weeks: amount })
        : today.plus({ months: amount });
    return amount > 0 ? until.toISODate() : null;
  }
  const offset = DateTime.fromJSDate(now, { zone: tz }).offset;
  const found = chrono.parse(text, { instant: now, timezone: offset }, { forwardDate: true })[0];
  // The date must be what follows the command, not a time mentioned later in a sentence.
  if (!found || found.index !== 0) return null;
  const start = found.start;
  let day = DateTime.fromObject(
    { year: start.get('year') ?? today.year, month: start.get('month') ?? 1, day: start.get('day') ?? 1 },
    { zone: tz },
  );
  // "snooze 3 monday" on a Monday means next Monday, not today.
  if (day <= today && !start.isCertain('day')) day = day.plus({ weeks: 1 });
  return day.isValid && day > today ? day.toISODate() : null;
}

function defaultUntil(kind: DatedItemCommandKind, now: Date, tz: string): string {
  const days = kind === 'snooze' ? DEFAULT_SNOOZE_DAYS : DEFAULT_SKIP_DAYS;
  return todayIn(now, tz).plus({ days }).toISODate() ?? '';
}

// ---------------------------------------------------------------------------------------------------------------
// Typos

/** Optimal string alignment distance: Levenshtein plus adjacent transpositions ("dnoe" is one slip from "done"). */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) =>
    Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  const at = (i: number, j: number): number => d[i]?.[j] ?? Number.POSITIVE_INFINITY;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, at(i - 2, j - 2) + 1);
      const row = d[i];
      if (row) row[j] = best;
    }
  }
  return at(a.length, b.length);
}

/**
 * The nearest command within reach: one slip for words up to five letters, two for longer ones. Plain Levenshtein ≤ 2
 * would turn sign-offs into commands ("Jane" → done, "Peter" → fewer).
 */
export function nearestCommand(word: string, among: readonly string[] = SUGGESTABLE): string | null {
  const reach = word.length <= 5 ? 1 : 2;
  let best: { command: string; distance: number } | null = null;
  for (const command of among) {
    const distance = editDistance(word, command);
    if (distance <= reach && (!best || distance < best.distance)) best = { command, distance };
  }
  return best?.command ?? null;
}

// ---------------------------------------------------------------------------------------------------------------
// Sentences

/**
 * `Thanks! done 2` holds two sentences; `snooze 3 dec. 15` and `Den 24. okt.` hold one (no break after a number:
 * `done 2. drop 4` needs none, the tokens separate it).
 */
function sentencesOf(line: string): string[] {
  return line
    .replace(/^\s*[-*•·]\s*/u, '')
    .split(/(?<=\p{L}[\p{L}\p{N}]*[)"'”]?)[.!?;:]+\s+(?=\p{L})|(?<=\S)[!?;]+\s+(?=\p{L})/u)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

interface SentenceContext {
  readonly now: Date;
  readonly tz: string;
  /** The item a bare `done` means here, if the quote says. */
  readonly impliedItem: number | null;
}

function isItemKeyword(kind: string): kind is ItemCommandKind | DatedItemCommandKind {
  return kind === 'done' || kind === 'undo' || kind === 'drop' || kind === 'snooze' || kind === 'skip';
}

function clip(text: string): string {
  return text.length > MAX_QUOTED_ATTEMPT ? `${text.slice(0, MAX_QUOTED_ATTEMPT - 1)}…` : text;
}

/** Where a command may start: at the beginning, after a joiner or clause break, or right after an item number. */
function startsCommand(tokens: readonly Token[], i: number): boolean {
  const token = tokens[i];
  if (!token || !(token.word in KEYWORDS)) return false;
  if (i === 0) return true;
  const next = tokens[i + 1];
  if (next && itemNumbers(next.word)) return true;
  const prev = tokens[i - 1];
  if (!prev) return true;
  if (!(prev.endsClause || JOINERS.has(prev.word) || itemNumbers(prev.word))) return false;
  return tokens.slice(i + 1, nextCommandIndex(tokens, i + 1)).every((t) => FILLER.has(t.word) || JOINERS.has(t.word));
}

function nextCommandIndex(tokens: readonly Token[], from: number): number {
  for (let i = from; i < tokens.length; i++) {
    const token = tokens[i];
    // Only a keyword followed by an item number, or after a clause break or joiner, starts a new command here.
    if (token && token.word in KEYWORDS) {
      const next = tokens[i + 1];
      const prev = tokens[i - 1];
      if ((next && itemNumbers(next.word)) || (prev && (prev.endsClause || JOINERS.has(prev.word)))) return i;
    }
  }
  return tokens.length;
}

function unknownAttempt(sentence: string, all: readonly Token[], from: number, to: number): UnknownWord | null {
  const tokens = all.slice(from, to);
  const [first, ...rest] = tokens;
  if (!first || first.word in KEYWORDS || !/^\p{L}[\p{L}'-]*$/u.test(first.word)) return null;
  // "Sendt: 24. oktober", "Date: 30 Jul": a label, not an attempt.
  if (/:\W*$/.test(first.raw)) return null;
  const restWords = rest.map((t) => t.word);
  const numbered = rest[0] !== undefined && /^#?\d/.test(rest[0].raw) && itemNumbers(rest[0].word) !== null;
  let suggestion: string | null;
  if (numbered) {
    suggestion = nearestCommand(first.word, ITEM_COMMANDS);
    const afterNumbers = restWords.findIndex((w) => !itemNumbers(w) && !JOINERS.has(w));
    const trailing = afterNumbers < 0 ? 0 : restWords.length - afterNumbers;
    // Dates in prose ("Jan 15 2024 at 14:30") trail words; attempts don't, except a snooze's date.
    const allowed = suggestion === null ? 0 : suggestion === 'snooze' || suggestion === 'skip' ? MAX_WORDS_AFTER_UNKNOWN : 1;
    if (trailing > allowed) return null;
  } else {
    // One word alone (or with polite filler) that is a slip away from a command; greetings and names are not.
    suggestion = nearestCommand(first.word);
    if (suggestion === null || PROSE_WORDS.has(first.word) || !restWords.every((w) => FILLER.has(w))) return null;
  }
  const text = typedSpan(sentence, all, from, to);
  const afterWord = text.slice(first.raw.length);
  return { word: first.word, text, suggestion: suggestion ? clip(`${suggestion}${afterWord}`) : null };
}

function parseSentence(sentence: string, ctx: SentenceContext): ParsedCommands {
  const tokens = tokenize(sentence);
  const first = tokens[0];
  if (!first) return { commands: [], unknown: [] };
  if (!(first.word in KEYWORDS)) {
    const unknown = unknownAttempt(sentence, tokens, 0, tokens.length);
    return { commands: [], unknown: unknown ? [unknown] : [] };
  }

  const commands: Command[] = [];
  const unknown: UnknownWord[] = [];
  let i = 0;
  while (i < tokens.length) {
    const token = tokens[i];
    if (!token) break;
    if (!startsCommand(tokens, i)) {
      // Inside a command line, "dorp 4" after "done 2" is still an attempt worth answering.
      const next = tokens[i + 1];
      if (i > 0 && next && itemNumbers(next.word) && /^\p{L}+$/u.test(token.word) && !JOINERS.has(token.word)) {
        const attempt = unknownAttempt(sentence, tokens, i, i + 2);
        if (attempt) unknown.push(attempt);
      }
      i++;
      continue;
    }
    const kind = KEYWORDS[token.word];
    const end = nextCommandIndex(tokens, i + 1);
    const args = tokens.slice(i + 1, end);
    const source = typedSpan(sentence, tokens, i, end);
    const start = i;
    i = end;
    if (!kind) continue;

    if (!isItemKeyword(kind)) {
      if (args.every((t) => FILLER.has(t.word) || JOINERS.has(t.word))) commands.push({ kind, source });
      continue;
    }

    const items: number[] = [];
    let k = 0;
    for (; k < args.length; k++) {
      const word = args[k]?.word ?? '';
      const numbers = itemNumbers(word);
      if (numbers) items.push(...numbers);
      else if (!(JOINERS.has(word) && args[k + 1] && itemNumbers(args[k + 1]?.word ?? ''))) break;
    }
    let rest = args.slice(k);

    if (kind === 'snooze' || kind === 'skip') {
      // "snooze 3 2 weeks", "snooze 3 15 dec": the last number belongs to the date, not the items.
      const following = rest[0]?.word ?? '';
      const lastArg = args[k - 1];
      // A month name after a lone number is "snooze 3 dec 15": that number is the item.
      const takesNumber = DURATION_UNIT.test(following) || (MONTH_NAME.test(following) && items.length > 1);
      if (items.length > 0 && lastArg && /^\d+$/.test(lastArg.word) && takesNumber) {
        items.pop();
        rest = [lastArg, ...rest];
      }
      const untilText = rest
        .map((t) => t.word)
        .join(' ')
        .replace(/^(for|until|till|til|to|by|in|on)\s+/, '')
        .trim();
      const resolved = untilText === '' ? null : resolveUntil(untilText, ctx.now, ctx.tz);
      // "Snooze button broke this morning": without a number, only a short line or a real date makes it a command.
      if (items.length === 0 && (commands.length > 0 || (resolved === null && rest.length > MAX_WORDS_AFTER_BARE_COMMAND))) {
        continue;
      }
      const inferred = items.length === 0 && ctx.impliedItem !== null;
      if (inferred && ctx.impliedItem !== null) items.push(ctx.impliedItem);
      commands.push({
        kind,
        items,
        inferred,
        until: resolved ?? defaultUntil(kind, ctx.now, ctx.tz),
        untilText: untilText === '' ? null : clip(untilText),
        untilUnreadable: untilText !== '' && resolved === null,
        source,
      });
      continue;
    }

    if (items.length === 0) {
      // A bare "done" counts in a short sentence only, and only as the sentence's first word.
      if (commands.length > 0 || unknown.length > 0 || args.length > MAX_WORDS_AFTER_BARE_COMMAND) continue;
      const inferred = ctx.impliedItem !== null;
      commands.push({ kind, items: inferred && ctx.impliedItem !== null ? [ctx.impliedItem] : [], inferred, source });
      continue;
    }
    // Words after the numbers ("done 2 thanks", "done 2 dorp 4") get another look as the loop goes on.
    const afterNumbers = start + 1 + k;
    commands.push({ kind, items, inferred: false, source: typedSpan(sentence, tokens, start, afterNumbers) });
    i = afterNumbers;
  }
  return { commands, unknown };
}

/** `3. done`, `[3] snooze 2w`: the user numbered the line themselves, so that is the item a bare command means. */
const OWN_NUMBERED_LINE = /^\s*(?:(\d{1,2})[.):]|\[(\d{1,2})\])\s+(?=\p{L})/u;

function ownNumbered(line: string): { n: number; rest: string } | null {
  const m = OWN_NUMBERED_LINE.exec(line);
  if (!m) return null;
  return { n: Number(m[1] ?? m[2]), rest: line.slice(m[0].length) };
}

function startsWithCommandWord(text: string): boolean {
  const word = tokenize(text)[0]?.word;
  return word !== undefined && word in KEYWORDS;
}

function parseLines(lines: readonly { text: string; impliedItem: number | null }[], now: Date, tz: string): ParsedCommands {
  const commands: Command[] = [];
  const unknown: UnknownWord[] = [];
  for (const line of lines) {
    const numbered = ownNumbered(line.text);
    const text = numbered ? numbered.rest : line.text;
    const impliedItem = numbered ? numbered.n : line.impliedItem;
    for (const sentence of sentencesOf(text)) {
      const parsed = parseSentence(sentence, { now, tz, impliedItem });
      commands.push(...parsed.commands);
      for (const u of parsed.unknown) if (!unknown.some((x) => x.text === u.text)) unknown.push(u);
    }
  }
  return { commands, unknown };
}

// ---------------------------------------------------------------------------------------------------------------
// Quoted digest items

/** A digest item line as clients quote it: `> 3. Check in…`, `3) …`, `[3] …` (any depth of `>`). */
const ITEM_LINE = /^\s*(?:>\s?)*\s*(?:(\d{1,2})[.)]|\[(\d{1,2})\])\s+\S/;

export function quotedItemNumber(line: string): number | null {
  const m = ITEM_LINE.exec(line);
  if (!m) return null;
  return Number(m[1] ?? m[2]);
}

/** The item numbers the quoted text shows, in order, without repeats. */
export function quotedItems(quotedText: string): number[] {
  const seen: number[] = [];
  for (const line of quotedText.split(/\r?\n/)) {
    const n = quotedItemNumber(line);
    if (n !== null && !seen.includes(n)) seen.push(n);
  }
  return seen;
}

function singleQuotedItem(quotedText: string): number | null {
  const items = quotedItems(quotedText);
  return items.length === 1 ? (items[0] ?? null) : null;
}

/**
 * Commands in the user's own text (quotes already removed). A bare `done` means the quoted item when the quote shows
 * exactly one (a single-item reminder, or a client that quoted only the line answered).
 */
export function parseCommands(input: ParseCommandsInput): ParsedCommands {
  const implied = singleQuotedItem(input.quotedText);
  const lines = input.ownText.split(/\r?\n/).map((text) => ({ text, impliedItem: implied }));
  return parseLines(lines, input.now, input.tz);
}

const QUOTE_LINE = /^\s*>/;
const SIGNATURE_DELIMITER = /^-- ?$/;

/**
 * Commands in a whole reply whose own words may be interleaved with the quote: a bare `done` typed under a quoted
 * item means that item. Nothing from where the unmarked quote starts (an HTML quote, an Outlook header block, a
 * top-posted reply's quote) is read: the quoted digest's own help block must never count as commands.
 */
export function parseInlineReply(input: { readonly text: string; readonly html?: string | null; readonly now: Date; readonly tz: string }): ParsedCommands {
  const lines = textAboveQuote({ text: input.text, html: input.html ?? null }).split('\n');
  const quoted = lines.filter((l) => QUOTE_LINE.test(l) || quotedItemNumber(l) !== null).join('\n');
  const wholeQuoteItem = singleQuotedItem(quoted);

  const own: { text: string; impliedItem: number | null }[] = [];
  let lastItem: number | null = null;
  let inSignature = false;
  for (const line of lines) {
    const item = quotedItemNumber(line);
    const ownNumberedCommand = !QUOTE_LINE.test(line) && startsWithCommandWord(ownNumbered(line)?.rest ?? '');
    if (item !== null && !ownNumberedCommand) {
      lastItem = item;
      inSignature = false;
      continue;
    }
    if (QUOTE_LINE.test(line)) {
      inSignature = false;
      continue;
    }
    if (SIGNATURE_DELIMITER.test(line)) inSignature = true;
    if (inSignature || line.trim() === '') continue;
    own.push({ text: line, impliedItem: lastItem ?? wholeQuoteItem });
  }
  return parseLines(own, input.now, input.tz);
}
