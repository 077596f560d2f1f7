/**
 * The writer's own words in a mail: quoted replies, forwarded messages and signatures removed.
 *
 * Works line by line over plain text (HTML is converted first, with the quote containers that mail clients
 * mark replaced by a marker line). Every test is a bounded look at one to three lines, so the whole pass is
 * linear in the input; the input is capped at {@link MAX_TEXT_CHARS}.
 */
import { convert, type FormatCallback, type SelectorDefinition } from 'html-to-text';
import { ATTRIBUTION_OPENER, FORWARD_INTRO, HEADER_LINE, isMobileFooter, SEPARATOR_WORDS, STRONG_HEADER, WROTE_AT_END, WROTE_WORD } from './mail-formats.ts';

/** Longest text examined; the own text of a real mail is far shorter, and the rest is usually quotes. */
export const MAX_TEXT_CHARS = 200_000;
/** Longest HTML converted (quoted HTML threads are verbose). */
export const MAX_HTML_CHARS = 1_000_000;
/**
 * Longest line any pattern looks at. Attributions, headers, footers and signature lines are all short; a longer
 * line is plain text (or quoted, by its prefix) without being tested, which bounds the work of every pattern on
 * adversarial input (a 200 KB line costs one length check, not a regex scan).
 */
export const MAX_PROBE_CHARS = 1_000;
/** Lines an attribution ("On …, X <x@y> wrote:") may be wrapped over ("… Jana <" / "mailto:jana@x.org" / "> wrote:"). */
const MAX_ATTRIBUTION_LINES = 4;
/** Lines after a sign-off / signature delimiter that can still be a signature block. */
const MAX_SIGNATURE_LINES = 12;

export interface MailBody {
  readonly text: string;
  readonly html: string | null;
}

export interface ReplyParts {
  /** What the writer wrote: quotes, forwards and the signature removed. */
  readonly own: string;
  /** Quoted or forwarded text (attribution lines included), in order. */
  readonly quoted: string;
}

/** Inserted by the HTML conversion where a quote container starts. Private-use characters: never typed. */
const QUOTE_MARKER = '\uE000NURTURE-QUOTE\uE000';

// ---------------------------------------------------------------------------------------------------------------
// HTML

const quoteContainerSelectors = [
  'blockquote',
  'div.gmail_quote',
  'div.gmail_extra',
  'div.moz-cite-prefix',
  'div.moz-forward-container',
  '[class*=yahoo_quoted]',
  '[id*=divRplyFwdMsg]',
  '[id=appendonsend]',
  'hr#stopSpelling',
  'div.zmail_extra',
  'div.protonmail_quote',
] as const;

const markQuote: FormatCallback = (elem, walk, builder) => {
  builder.openBlock({ leadingLineBreaks: 2 });
  builder.addLiteral(QUOTE_MARKER);
  builder.closeBlock({ trailingLineBreaks: 1 });
  walk(elem.children, builder);
};

const htmlOptions = {
  wordwrap: false as const,
  // The whole document, not its first <body>: a client that quotes a whole HTML mail nests the quoted <body> inside
  // the reply, and html-to-text's default (start at the first <body>) would read only the quote.
  baseElements: { selectors: [], returnDomByDefault: true },
  formatters: { markQuote },
  selectors: [
    ...quoteContainerSelectors.map((selector): SelectorDefinition => ({ selector, format: 'markQuote' })),
    { selector: 'a', options: { ignoreHref: true } },
    { selector: 'img', format: 'skip' },
    { selector: 'style', format: 'skip' },
    { selector: 'script', format: 'skip' },
    { selector: 'head', format: 'skip' },
    { selector: 'title', format: 'skip' },
  ] satisfies SelectorDefinition[],
};

/** HTML to plain text, with a marker line at the start of every quote container mail clients add. */
export function htmlToTextMarkingQuotes(html: string): string {
  return convert(html.slice(0, MAX_HTML_CHARS), htmlOptions);
}

// ---------------------------------------------------------------------------------------------------------------
// Line tests. Each looks at a bounded number of lines; regexes have no nested quantifiers over the same text.

const ADDRESS = /[\w.+-]+@[\w-]+(?:\.[\w-]+)+|mailto:/iu;
/** An address closing the line before its colon: "… Julius Caesar <pantheon@rome.com>:" (verbless attributions). */
const ADDRESS_COLON_END = /(?:@[\w-]+(?:\.[\w-]+)+|mailto:\S*)[>)\]"']*\s*[:：]$/iu;
/** A time, a year or a numeric date somewhere in the line. */
const DATE_OR_TIME = /\d{1,2}[:.h]\d{2}|(?<!\d)(?:19|20)\d{2}(?!\d)|\d{4}年|\d{1,4}[./-]\d{1,2}[./-]\d{1,4}/u;
/** Gmail's bare "2016/7/20 Jane Doe <jane@x.com>" (CJK locales, older Gmail): a numeric date first, an address last. */
const BARE_DATE_ADDRESS = /^\d{4}[/.-]\d{1,2}[/.-]\d{1,2}\b.{0,120}<[^<>\s]+@[^<>\s]+>\s*[:：]?$/u;
/** The same with nothing but an optional time and a name between: an attribution even without a quote under it. */
const BARE_DATE_NAME_ADDRESS = /^\d{4}[/.-]\d{1,2}[/.-]\d{1,2}(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?\s+[^<>@:]{1,60}<[^<>\s]+@[^<>\s]+>\s*[:：]?$/u;
const DASHED = /^[-–—=]{2,}.*[-–—=]{2,}$/u;
/** A person's name as attributions print it: one to four capitalised words ("Jana Nowak", "O'Brien", "J. Doe"). */
const NAME_ONLY = /^\s*(?:["'“]?\p{Lu}[\p{L}'’.-]*["'”]?,?\s+){0,3}["'“]?\p{Lu}[\p{L}'’.-]*["'”]?\s*$/u;
/** What follows the verb when the date comes after it: "schrieb am …", "schreef (het volgende) op …", "wrote on …". */
const PREPOSITION_AFTER_VERB = /^\s+(?:het volgende\s+)?(?:am|op|on|le|el|em|il|den|dne|dnia|w dniu|в|у|på|at|um)\s/iu;
const NAME_THEN_COLON = /^\s*(?:["'“]?\p{Lu}[\p{L}'’.-]*["'”]?\s+){0,3}["'“]?\p{Lu}[\p{L}'’.-]*["'”]?\s*[:：]$/u;

/**
 * Number of lines (1..3) starting at `i` that form an attribution line such as
 * "On Mon, 2 Dec 2024 at 10:00, Jane <jane@x.com> wrote:" (possibly wrapped), or 0.
 */
export function attributionLength(lines: readonly string[], i: number): number {
  let joined = '';
  for (let n = 1; n <= MAX_ATTRIBUTION_LINES && i + n - 1 < lines.length; n++) {
    const line = stripQuotePrefix(lines[i + n - 1] ?? '').trim();
    if (n > 1 && line === '') return 0;
    // A wrapped attribution starts with its date or address (or its address opens the second line), never with a
    // finished sentence.
    if (n === 2 && !/[\d<@]/u.test(joined) && !/^(?:<|mailto:|\S+@)/iu.test(line)) return 0;
    if (n > 1 && /[.!?]$/u.test(joined)) return 0;
    joined = n === 1 ? line : `${joined} ${line}`;
    if (joined.length > 400) return 0;
    // Every attribution ends with a colon, between dashes, or with "wrote"; testing only those keeps the scan cheap.
    if ((/[:：]$/u.test(joined) || /^[-–—=]{2}/u.test(joined) || /wrote$/iu.test(joined)) && isAttribution(joined)) return n;
    if (n === 1 && /^\d/u.test(joined) && (BARE_DATE_NAME_ADDRESS.test(joined) || (BARE_DATE_ADDRESS.test(joined) && nextNonBlankIsQuoted(lines, i + 1)))) return 1;
  }
  return 0;
}

/**
 * An attribution by its shape, in any of the orders clients write it (docs/promises.md has the table):
 * - the localized "wrote" last, after a date, an address or an opening word ("On …", "Am …", "W dniu …"), or
 *   between dashes ("---- On … wrote ----", "---- Jane wrote ----");
 * - "wrote" before the name and address, after a date or opening word ("Am 2. Mai 2024 um 10:00 schrieb Jane <j@x>:");
 * - no verb at all: a date or time and an address closing the line before its colon ("2014-10-17 11:28 GMT+03:00 Jane <j@x>:").
 */
function isAttribution(raw: string): boolean {
  const dashed = DASHED.test(raw);
  const line = dashed ? raw.replace(/^[-–—=\s]+/u, '').replace(/[-–—=\s]+$/u, '') : raw;
  if (line === '' || /^(?:https?:|www\.)/iu.test(line)) return false;
  const hasAddress = ADDRESS.test(line) || /<[^<>]*>/u.test(line);
  const hasDate = DATE_OR_TIME.test(line);
  const opener = ATTRIBUTION_OPENER.test(line);
  if (WROTE_AT_END.test(line)) return hasDate || hasAddress || opener || dashed;
  if (dashed && WROTE_WORD.test(line)) return hasDate || hasAddress;
  if (!/[:：]$/u.test(line)) return false;
  const verb = WROTE_WORD.exec(line);
  if (verb) {
    if (hasAddress && (hasDate || opener)) return true;
    const before = line.slice(0, verb.index);
    const after = line.slice(verb.index + verb[0].length);
    // "Am 01.10.24 um 10:15 schrieb Jana Nowak:" (Thunderbird): a date before the verb, only a name after it.
    if (DATE_OR_TIME.test(before) && NAME_THEN_COLON.test(after)) return true;
    // "Jana Nowak schrieb am 01.10.2024 um 10:15:": a name before, a preposition and a date after.
    return NAME_ONLY.test(before) && /\p{L}{2}/u.test(before) && PREPOSITION_AFTER_VERB.test(after) && DATE_OR_TIME.test(after);
  }
  return ADDRESS_COLON_END.test(line) && hasDate;
}

/** Where an opener word of an attribution starts inside a line ("reply On …", "reply--- On …"). */
const INNER_OPENER = /(?:\s|-{2,}\s*)(?:On|Am|Le|El|Op|Em|Il|Den|W dniu|Dnia)\s/gu;

/**
 * A line that ends with an attribution after the writer's own words, directly above a quote: the position where
 * the attribution starts, or 0. Only lines ending like an attribution are searched, and only up to 400 characters.
 */
function attributionTail(lines: readonly string[], i: number): number {
  const line = lines[i] ?? '';
  if (line.length > 400 || !/(?:[:：]|wrote)\s*$/u.test(line) || !nextNonBlankIsQuoted(lines, i + 1)) return 0;
  for (const m of line.matchAll(INNER_OPENER)) {
    const at = m.index + m[0].length - m[0].trimStart().replace(/^-+\s*/u, '').length;
    const own = line.slice(0, m.index).trim();
    if (own !== '' && /[\p{L}\d]/u.test(own) && isAttribution(line.slice(at).trim())) return m.index;
  }
  return 0;
}

function nextNonBlankIsQuoted(lines: readonly string[], from: number): boolean {
  for (let j = from; j < lines.length && j <= from + 2; j++) if (!isBlank(lines[j] ?? '')) return isQuotedLine(lines[j] ?? '') || altQuotePrefix(lines[j] ?? '') !== null;
  return false;
}

/** "-----Original Message-----", "---------- Forwarded message ---------", "Begin forwarded message:"… */
const SEPARATOR = /^\s*[-=_*]{2,}\s*[^-=_*\s][^-=_*]{0,80}?\s*[-=_*]{2,}\s*$/u;

export function isSeparatorLine(line: string): boolean {
  const bare = stripQuotePrefix(line);
  return (SEPARATOR.test(bare) && SEPARATOR_WORDS.test(bare)) || FORWARD_INTRO.test(bare);
}

/** Lotus Notes: `"Jane Doe" <jane@x.com> on 05/14/2001 12:36:51 PM` above To:/cc:/Subject:. */
const NOTES_FROM_LINE = /\bon\s+\d{1,2}\/\d{1,2}\/\d{2,4}\s+\d{1,2}:\d{2}(?::\d{2})?\s*(?:[AP]M)?\s*$/iu;

/**
 * True when a block of mail headers starts at line `i`: at least two header lines (one of them From/Subject) within
 * the next few lines, allowing wrapped values and blank lines in between (Enron/Lotus Notes double-spaces them).
 */
export function isHeaderBlockStart(lines: readonly string[], i: number): boolean {
  const first = headerProbe(lines[i] ?? '');
  const notesFrom = isProbed(lines[i] ?? '') && NOTES_FROM_LINE.test(first);
  if (!/[:：]/u.test(first.slice(0, 48)) && !notesFrom) return false;
  const startsWithHeader = HEADER_LINE.test(first);
  if (!startsWithHeader && !notesFrom) return false;
  let headers = 1;
  let strong = STRONG_HEADER.test(first) || !startsWithHeader;
  for (let j = i + 1; j < lines.length && j <= i + 8; j++) {
    const line = headerProbe(lines[j] ?? '');
    if (HEADER_LINE.test(line)) {
      headers++;
      strong ||= STRONG_HEADER.test(line);
      if (headers >= 2 && strong) return true;
    }
  }
  return false;
}

/**
 * A header line is known by its start ("To:\tJane…, 2,000 more characters"), so a long one is tested on its first
 * characters only: Notes-era header blocks list hundreds of recipients on one line.
 */
function headerProbe(line: string): string {
  return stripQuotePrefix(line.length > MAX_PROBE_CHARS ? line.slice(0, 200) : line);
}

function stripQuotePrefix(line: string): string {
  // Most lines start with a letter: skip the regex for them (this runs for every line a header block is sought in).
  const first = line.charAt(0);
  if (first !== '>' && first.trim() !== '') return line;
  return line.replace(/^[\s>]*/u, (m) => (m.includes('>') ? '' : m));
}

const isQuotedLine = (line: string): boolean => /^\s*>/u.test(line);
const isBlank = (line: string): boolean => line.trim() === '';
const isProbed = (line: string): boolean => line.length <= MAX_PROBE_CHARS;

/** "| ", "» ", "› ", a full-width "＞", an HTML-escaped "&gt;", or Supercite's initials ("JN> ", Emacs/Gnus). */
const ALT_QUOTE_PREFIX = /^\s*([|»›＞]|&gt;|\p{Lu}{1,4}>)/u;

/**
 * Quote prefixes other than ">" some clients and mailing-list tools use ("| ", "» ", "› ", "JN> "). A line counts as quoted
 * by one only inside a run of two or more lines with the same prefix (or right under an attribution), so a single
 * "| " in prose stays prose; a Markdown table row ("| a | b |") is never a quote.
 */
function altQuotePrefix(line: string): string | null {
  const m = ALT_QUOTE_PREFIX.exec(line);
  if (!m) return null;
  if (m[1] === '|' && /\|\s*$/u.test(line) && line.trim().length > 1) return null;
  return m[1] ?? null;
}

/**
 * Which lines are quoted: ">" lines, runs of an alternative prefix, and the wrapped tail of a long quoted line
 * ("> … pharetra d" / "ignissim odio?" / "> …"): a short unprefixed line between two quoted lines, under one long
 * enough to have been wrapped by the quoting client.
 */
function quotedLines(lines: readonly string[]): boolean[] {
  const quoted = lines.map(isQuotedLine);
  for (let i = 0; i < lines.length; ) {
    const prefix = altQuotePrefix(lines[i] ?? '');
    if (prefix === null || quoted[i]) {
      i++;
      continue;
    }
    let j = i + 1;
    while (j < lines.length && altQuotePrefix(lines[j] ?? '') === prefix) j++;
    if (j - i >= 2 || (i > 0 && attributionLength(lines, i - 1) > 0)) for (let k = i; k < j; k++) quoted[k] = true;
    i = j;
  }
  for (let i = 1; i + 1 < lines.length; i++) {
    const line = lines[i] ?? '';
    if (quoted[i] || isBlank(line) || !quoted[i - 1] || !quoted[i + 1]) continue;
    if ((lines[i - 1] ?? '').trim().length >= 60 && line.trim().length < 60) quoted[i] = true;
  }
  return quoted;
}

// ---------------------------------------------------------------------------------------------------------------
// Signatures

const SIGN_OFF =
  /^\s*[-–—~]?\s*(?:(?:best|kind|warm|warmest|many|with)?\s*(?:regards|wishes)|best|all the best|cheers|thanks|thank you|thanks again|thanks so much|many thanks|thx|ty|sincerely|yours(?: truly| sincerely)?|respectfully|take care|talk soon|speak soon|br|rgds|mfg|(?:viele|liebe|beste|freundliche)\s+grüße|mit freundlichen grüßen|gruß|cordialement|bien à vous|bien cordialement|amicalement|saludos|un saludo|atentamente|un saluto|cordiali saluti|distinti saluti|saluti|cumprimentos|atenciosamente|abraços|met vriendelijke groet(?:en)?|groeten|groetjes|med venlig hilsen|venlig hilsen|mvh|hilsen|kh|kærlig hilsen|lg|vg|med vänliga hälsningar|vänliga hälsningar|hälsningar|mvh|ystävällisin terveisin|terveisin|pozdrawiam|z poważaniem|с уважением|спасибо)\s*[,.!]?\s*(?:\p{Extended_Pictographic}\s*)?$/iu;
const SIGNATURE_DELIMITER = /^\s*(?:--|[—–_]{2,})\s*$/u;
const DISCLAIMER_HEAD =
  /^\s*\**\s*(?:confidentiality(?: notice| note| statement)?|disclaimer|privileged (?:and|&) confidential|legal notice|important notice|notice of confidentiality)\b|^\s*if you (?:are not the intended|have received this (?:e-?mail|message|communication) in error)/iu;
const DISCLAIMER_SUBJECT = /^\s*(?:this|the information|the contents?|diese|ce|ce message)\b.{0,40}\b(?:e-?mail|message|communication|transmission|nachricht|courriel)/iu;
const DISCLAIMER_WORDS = /intended (?:solely |only )?(?:for|recipient)|confidential|privileged|vertraulich/iu;

/** A legal notice: a "Confidentiality notice" heading, "This e-mail … is confidential/intended …", or a long paragraph about intended recipients. */
export function isDisclaimerLine(line: string): boolean {
  if (DISCLAIMER_HEAD.test(line)) return true;
  if (DISCLAIMER_SUBJECT.test(line) && DISCLAIMER_WORDS.test(line.slice(0, 200))) return true;
  return line.length > 200 && /intended recipient/iu.test(line);
}
const CONTACT_LINE =
  /^\s*(?:(?:tel|phone|ph|mobile|mob|cell|fax|direct|office|m|t|p|f|e|w|skype|web|email|e-mail)\s*[.:]|\+?\(?\d[\d\s().\/-]{6,}\d\s*(?:\((?:c|m|o|w|fax|cell|mobile|office)\))?\s*$|https?:\/\/\S+\s*$|www\.\S+\s*$|[\w.+-]+@[\w-]+(?:\.[\w-]+)+\s*$|[^|\s].*\s[|•·]\s.*$|\p{Extended_Pictographic})/iu;

/** Drops a trailing signature: sign-off + name block, "-- " block, mobile footer, disclaimer, contact lines. */
export function stripSignature(lines: readonly string[]): string[] {
  let end = lines.length;
  // A legal notice ends the message wherever it starts (its length is unbounded). Mobile footers were cut by the scan.
  for (let i = 1; i < end; i++) if (isProbed(lines[i] ?? '') && isDisclaimerLine(lines[i] ?? '')) end = i;
  // The last delimiter or sign-off followed only by a short block.
  for (let i = 1; i < end; i++) {
    // "Thanks,\n______" opens a signature block however long the footer under it is.
    if (isProbed(lines[i] ?? '') && SIGN_OFF.test(lines[i] ?? '') && SIGNATURE_DELIMITER.test(lines[i + 1] ?? '')) {
      end = i;
      break;
    }
  }
  const from = Math.max(0, end - MAX_SIGNATURE_LINES - 1);
  for (let i = from; i < end; i++) {
    const line = lines[i] ?? '';
    if (isProbed(line) && (SIGNATURE_DELIMITER.test(line) || SIGN_OFF.test(line)) && i > 0 && restIsSignatureLike(lines, i + 1, end)) {
      end = i;
      break;
    }
  }
  let out = lines.slice(0, end);
  out = trimTrailingBlank(out);
  // Trailing contact lines (phone, address, links) and, above them, a short name block.
  let k = out.length;
  let sawContact = false;
  while (k > 0 && ((isProbed(out[k - 1] ?? '') && CONTACT_LINE.test(out[k - 1] ?? '')) || isBlank(out[k - 1] ?? ''))) {
    if (!isBlank(out[k - 1] ?? '')) sawContact = true;
    k--;
  }
  if (sawContact && k > 0) {
    out = out.slice(0, k);
    let nameLines = 0;
    while (out.length > 1 && nameLines < 3 && isNameLike(out[out.length - 1] ?? '')) {
      out.pop();
      nameLines++;
    }
  }
  out = trimTrailingBlank(out);
  // A lone name after a blank line that closes a finished sentence ("…pretty well.\n\nScott").
  const n = out.length;
  if (n >= 3 && isNameLike(out[n - 1] ?? '') && isBlank(out[n - 2] ?? '')) {
    const prev = lastNonBlank(out, n - 2);
    if (prev !== undefined && /[.!?)"']\s*$/u.test(prev)) out = trimTrailingBlank(out.slice(0, n - 1));
  }
  return out;
}

function restIsSignatureLike(lines: readonly string[], from: number, end: number): boolean {
  let nonBlank = 0;
  for (let j = from; j < end; j++) {
    const line = (lines[j] ?? '').trim();
    if (line === '') continue;
    nonBlank++;
    if (nonBlank > MAX_SIGNATURE_LINES) return false;
    if (!isProbed(line) || (line.length > 90 && !CONTACT_LINE.test(line))) return false;
    // A sentence that reads like prose is message, not signature.
    if (/[a-z]{2,}[.!?]\s+[A-Z]/u.test(line) && line.length > 60) return false;
  }
  return true;
}

function isNameLike(line: string): boolean {
  const t = line.trim().replace(/^[-–—~]\s*/u, '');
  return t.length > 0 && t.length <= 40 && /^[\p{Lu}][\p{L}'.-]*(?:[ ,][\p{L}'.&-]+){0,4}$/u.test(t) && !/[.!?]$/u.test(t);
}

function trimTrailingBlank(lines: string[]): string[] {
  let end = lines.length;
  while (end > 0 && isBlank(lines[end - 1] ?? '')) end--;
  return end === lines.length ? lines : lines.slice(0, end);
}

function lastNonBlank(lines: readonly string[], before: number): string | undefined {
  for (let i = before - 1; i >= 0; i--) if (!isBlank(lines[i] ?? '')) return lines[i];
  return undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// Splitting

/** The text to read: the plain part, or the HTML converted when the plain part is empty. */
export function bodyText(input: MailBody): string {
  const text = input.text.trim() !== '' || !input.html ? input.text : htmlToTextMarkingQuotes(input.html);
  return text
    .slice(0, MAX_TEXT_CHARS)
    .replace(/\r\n?/gu, '\n')
    .replace(/[\u00A0\u2007\u202F]/gu, ' ')
    .replace(/[\u200B-\u200D\u2060\uFEFF]/gu, '');
}

/** External-sender banners some gateways prepend; not the writer's words. */
const GATEWAY_BANNER = /^\s*\[?(?:caution|external(?: email| sender)?|warning)\s*[:\]]\s.*(?:outside|external|do not click|links)/iu;

/**
 * Splits a mail into the writer's own words and the quoted/forwarded text.
 * Top-posted replies cut at the first attribution, header block, separator or mobile footer; bottom-posted and
 * inline replies keep the unquoted lines between quoted blocks.
 */
export function splitReply(input: MailBody): ReplyParts {
  const { lines, from, cut, quoteFrom, ownLines } = scanReply(input);
  const quoted = lines.slice(from, cut).filter((_, k) => !ownLines.has(from + k)).concat(lines.slice(quoteFrom));
  const own = lines.slice(from, cut).filter((_, k) => ownLines.has(from + k));
  return { own: tidy(stripSignature(trimTrailingBlank(own)).join('\n')), quoted: tidy(quoted.join('\n')) };
}

/**
 * The mail's text down to where its unmarked quote starts (a top-posted reply's quote, an HTML quote, a forward,
 * an Outlook header block, a mobile footer); quoted lines above it are kept, as inline replies answer them line by
 * line, and are written with a "> " prefix whatever prefix the client used.
 */
export function textAboveQuote(input: MailBody): string {
  const { lines, from, cut, quoted, ownLines } = scanReply(input);
  const out: string[] = [];
  for (let k = from; k < cut; k++) {
    const line = lines[k] ?? '';
    if (quoted[k]) out.push(isQuotedLine(line) ? line : `> ${line.replace(ALT_QUOTE_PREFIX, '').replace(/^\s/u, '')}`);
    else if (ownLines.has(k) || isBlank(line)) out.push(line);
  }
  return out.join('\n');
}

interface Scan {
  readonly lines: string[];
  readonly quoted: boolean[];
  readonly from: number;
  readonly cut: number;
  readonly quoteFrom: number;
  readonly ownLines: Set<number>;
}

/**
 * One pass over the lines: where the unmarked quote starts (`cut`; its text from `quoteFrom`, past an HTML quote
 * marker), and which lines above it are the writer's.
 */
function scanReply(input: MailBody): Scan {
  const lines = bodyText(input).split('\n');
  const quoted = quotedLines(lines);
  const ownLines = new Set<number>();
  const done = (cut: number, quoteFrom = cut): Scan => {
    for (const k of ownLines) if (k >= cut) ownLines.delete(k);
    return { lines, quoted, from, cut, quoteFrom, ownLines };
  };
  let i = 0;
  while (i < lines.length && isBlank(lines[i] ?? '')) i++;
  if (isProbed(lines[i] ?? '') && GATEWAY_BANNER.test(lines[i] ?? '')) i++;
  const from = i;
  let seenQuote = false;
  let afterFooter = false;
  for (; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (line.includes(QUOTE_MARKER)) return done(i, i + 1);
    if (quoted[i]) {
      seenQuote = true;
      continue;
    }
    if (!isProbed(line)) {
      if (isHeaderBlockStart(lines, i)) return done(headingAbove(lines, i, from));
      ownLines.add(i);
      continue;
    }
    const tail = attributionTail(lines, i);
    if (tail > 0) {
      // "Sounds good. On Wed, Apr 4, 2012 at 3:59 PM, Jana <j@x> wrote:" above a quote: the words before "On" are own.
      lines[i] = line.slice(0, tail).replace(/[-\s]+$/u, '');
      ownLines.add(i);
      if (nextNonBlankIsQuoted(lines, i + 1)) continue;
      return done(i + 1);
    }
    const attribution = attributionLength(lines, i);
    if (attribution > 0) {
      let j = i + attribution;
      while (j < lines.length && isBlank(lines[j] ?? '')) j++;
      // Bottom-posted or inline reply: only the quoted block (and its attribution) is quoted; keep reading after it.
      if (j < lines.length && quoted[j]) {
        for (let k = i; k < i + attribution; k++) quoted[k] = true;
        i = j - 1;
        continue;
      }
      return done(i);
    }
    // Under a quote, a "-- " delimiter opens a signature (the writer's, or the quoted mail's left unprefixed).
    if (isSeparatorLine(line) || (seenQuote && SIGNATURE_DELIMITER.test(line))) return done(i);
    if (isHeaderBlockStart(lines, i)) return done(headingAbove(lines, i, from));
    // A mobile footer ends the writer's words; below it come more footers or the quote, marked or not. Marked
    // quotes are still read (a "done" above a quoted reminder means that reminder), unmarked lines are not own.
    if (isMobileFooter(line)) afterFooter = true;
    if (afterFooter) continue;
    ownLines.add(i);
  }
  return done(lines.length);
}

/**
 * Where a header block's heading starts: clients put a rule ("________", "======", " ------"), a dated label
 * ("Message du : 12/12/2016 13:20") or a short forward heading ("Begin forwarded message:" in any language) above
 * "From:/De :"; they belong to the quote, not to the writer.
 */
function headingAbove(lines: readonly string[], i: number, from: number): number {
  let start = i;
  for (let j = i - 1, seen = 0; j >= from && seen < 3; j--) {
    const line = (lines[j] ?? '').trim();
    if (line === '') continue;
    seen++;
    const rule = /^[-_=—–*]{3,}$/u.test(line);
    // The label sits right on the block or its rule, and holds a date: "Message du : 12/12/2016 13:20".
    const datedLabel = j === start - 1 && line.length <= 60 && /^[^:：]{1,30}[:：]\s*\S/u.test(line) && DATE_OR_TIME.test(line) && !/[.!?]$/u.test(line);
    // A short heading naming a forward, in a language the intro list lacks: "Początek przekazywanej wiadomości:".
    const forwardIntro = line.length <= 60 && /[:：]$/u.test(line) && !line.includes(',') && line.split(/\s+/u).length <= 5 && SEPARATOR_WORDS.test(line);
    if (!rule && !datedLabel && !forwardIntro) break;
    start = j;
  }
  return start;
}

/** Trailing spaces off every line, at most one blank line in a row. Line by line: no pattern scans a long line. */
function tidy(text: string): string {
  const out: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trimEnd();
    if (line === '' && (out.length === 0 || out[out.length - 1] === '')) continue;
    out.push(line);
  }
  return out.join('\n').trim();
}

/** The text the writer wrote themselves: quotes, forwarded messages and signature removed. */
export function extractOwnText(input: MailBody): string {
  return splitReply(input).own;
}
