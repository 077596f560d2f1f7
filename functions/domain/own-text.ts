/**
 * The writer's own words in a mail: quoted replies, forwarded messages and signatures removed.
 *
 * Works line by line over plain text (HTML is converted first, with the quote containers that mail clients
 * mark replaced by a marker line). Every test is a bounded look at one to three lines, so the whole pass is
 * linear in the input; the input is capped at {@link MAX_TEXT_CHARS}.
 */
import { convert, type FormatCallback, type SelectorDefinition } from 'html-to-text';

/** Longest text examined; the own text of a real mail is far shorter, and the rest is usually quotes. */
export const MAX_TEXT_CHARS = 200_000;
/** Longest HTML converted (quoted HTML threads are verbose). */
export const MAX_HTML_CHARS = 1_000_000;
/** Lines an attribution ("On …, X <x@y> wrote:") may be wrapped over. */
const MAX_ATTRIBUTION_LINES = 3;
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

/** "wrote" in the languages mail clients localise their attribution line into. */
const WROTE =
  /(?:\bwrote|\bschrieb|\ba\s+écrit|\bescribió|\bescreveu|\bschreef|\bskrev|\bskriver|\bkirjoitti|\bha\s+scritto|\bscrisse|\bnapisał[a]?|\bнаписал[а]?|\bírta|\byazdı|\bnapsal[a]?|\bέγραψε|\bcomposed|書きました|寫道|写道|작성)\s*:?\s*$/iu;
/** A trailing "<addr>:" or "addr:" (attributions without a verb: Russian, Japanese, Korean Gmail). */
const ADDRESS_COLON_END = /[\w.+-]+@[\w-]+(?:\.[\w-]+)+>?\)?\s*:\s*$/u;
const HAS_DIGIT = /\d/u;
const TIME_OR_YEAR = /\d{1,2}[:.]\d{2}|\b(?:19|20)\d{2}\b|\d{4}年/u;

/**
 * Number of lines (1..3) starting at `i` that form an attribution line such as
 * "On Mon, 2 Dec 2024 at 10:00, Jane <jane@x.com> wrote:" (possibly wrapped), or 0.
 */
export function attributionLength(lines: readonly string[], i: number): number {
  let joined = '';
  for (let n = 1; n <= MAX_ATTRIBUTION_LINES && i + n - 1 < lines.length; n++) {
    const line = stripQuotePrefix(lines[i + n - 1] ?? '').trim();
    if (n > 1 && line === '') return 0;
    // A wrapped attribution starts with its date or address, never with a finished sentence.
    if (n === 2 && !/[\d<@]/u.test(joined)) return 0;
    if (n > 1 && /[.!?]$/u.test(joined)) return 0;
    joined = n === 1 ? line : `${joined} ${line}`;
    if (joined.length > 400) return 0;
    if (!joined.endsWith(':') && !/\bwrote$/iu.test(joined)) continue;
    if (isAttribution(joined)) return n;
  }
  return 0;
}

function isAttribution(line: string): boolean {
  if (/^(?:https?:|www\.)/iu.test(line)) return false;
  if (WROTE.test(line)) return HAS_DIGIT.test(line) || /[<@]/u.test(line) || /^[-\s]*(?:on|am|le|el|op|em|il|den|på)\b/iu.test(line);
  return ADDRESS_COLON_END.test(line) && TIME_OR_YEAR.test(line);
}

/** "-----Original Message-----", "---------- Forwarded message ---------", "Begin forwarded message:"… */
const SEPARATOR =
  /^\s*(?:[-=_*]{2,}\s*[^-=_*\s][^-=_*]{0,80}?\s*[-=_*]{2,}\s*$|begin forwarded message:?\s*$|(?:début du message réexpédié|anfang der weitergeleiteten nachricht|inicio del mensaje reenviado)\s*:?\s*$)/iu;
const SEPARATOR_WORDS =
  /(?:original|forward|message|nachricht|ursprüngliche|weitergeleitet|origine|transféré|mensaje|reenviado|messaggio|inoltrato|bericht|doorgestuurd|oorspronkelijk|besked|oprindelig|meddelande|ursprungligt|vidarebefordrat|melding|opprinnelig|videresendt|viesti|alkuperäinen|wiadomość|oryginalna|сообщение|пересылаемое|исходное|mensagem|encaminhada|reply|forwarded by|転送|元のメッセージ)/iu;

export function isSeparatorLine(line: string): boolean {
  const bare = stripQuotePrefix(line);
  return SEPARATOR.test(bare) && SEPARATOR_WORDS.test(bare);
}

/** Header names clients print above a quoted or forwarded message, in many languages. */
const HEADER_LINE =
  /^\s*\*?\s*(from|sent|date|to|cc|bcc|subject|reply-to|von|gesendet|datum|an|betreff|de|envoyé|envoyé le|date|à|objet|fra|sendt|dato|til|emne|från|skickat|till|ämne|van|verzonden|aan|onderwerp|datum|od|wysłano|temat|do|da|inviato|oggetto|data|a|enviado|para|asunto|assunto|lähettäjä|lähetetty|vastaanottaja|aihe|от|отправлено|кому|тема|差出人|送信日時|宛先|件名)\s*\*?\s*:/iu;
const STRONG_HEADER = /^\s*\*?\s*(from|von|de|fra|från|van|od|da|lähettäjä|от|差出人|subject|betreff|objet|emne|ämne|onderwerp|temat|oggetto|asunto|assunto|aihe|тема|件名)\s*\*?\s*:/iu;
/** Lotus Notes: `"Jane Doe" <jane@x.com> on 05/14/2001 12:36:51 PM` above To:/cc:/Subject:. */
const NOTES_FROM_LINE = /\bon\s+\d{1,2}\/\d{1,2}\/\d{2,4}\s+\d{1,2}:\d{2}(?::\d{2})?\s*(?:[AP]M)?\s*$/iu;

/**
 * True when a block of mail headers starts at line `i`: at least two header lines (one of them From/Subject) within
 * the next few lines, allowing wrapped values and blank lines in between (Enron/Lotus Notes double-spaces them).
 */
export function isHeaderBlockStart(lines: readonly string[], i: number): boolean {
  const first = stripQuotePrefix(lines[i] ?? '');
  const startsWithHeader = HEADER_LINE.test(first);
  if (!startsWithHeader && !NOTES_FROM_LINE.test(first)) return false;
  let headers = startsWithHeader ? 1 : 1;
  let strong = STRONG_HEADER.test(first) || !startsWithHeader;
  for (let j = i + 1; j < lines.length && j <= i + 8; j++) {
    const line = stripQuotePrefix(lines[j] ?? '');
    if (HEADER_LINE.test(line)) {
      headers++;
      strong ||= STRONG_HEADER.test(line);
      if (headers >= 2 && strong) return true;
    }
  }
  return false;
}

function stripQuotePrefix(line: string): string {
  return line.replace(/^[\s>]*/u, (m) => (m.includes('>') ? '' : m));
}

const isQuotedLine = (line: string): boolean => /^\s*>/u.test(line);
const isBlank = (line: string): boolean => line.trim() === '';

// ---------------------------------------------------------------------------------------------------------------
// Signatures

const SIGN_OFF =
  /^\s*[-–—~]?\s*(?:(?:best|kind|warm|warmest|many|with)?\s*(?:regards|wishes)|best|all the best|cheers|thanks|thank you|thanks again|thanks so much|many thanks|thx|ty|sincerely|yours(?: truly| sincerely)?|respectfully|take care|talk soon|speak soon|br|rgds|mfg|(?:viele|liebe|beste|freundliche)\s+grüße|mit freundlichen grüßen|gruß|cordialement|bien à vous|bien cordialement|amicalement|saludos|un saludo|atentamente|un saluto|cordiali saluti|distinti saluti|saluti|cumprimentos|atenciosamente|abraços|met vriendelijke groet(?:en)?|groeten|groetjes|med venlig hilsen|venlig hilsen|mvh|hilsen|med vänliga hälsningar|vänliga hälsningar|hälsningar|mvh|ystävällisin terveisin|terveisin|pozdrawiam|z poważaniem|с уважением|спасибо)\s*[,.!]?\s*(?:\p{Extended_Pictographic}\s*)?$/iu;
const SIGNATURE_DELIMITER = /^\s*(?:--|[—–_]{2,})\s*$/u;
const MOBILE_FOOTER =
  /^\s*(?:sent from (?:my|the|mail|outlook|yahoo|aol|samsung|\w+ for)|sent with|sent via|get outlook for|envoyé (?:de|depuis|à partir de)|gesendet (?:von|mit|vom)|von meinem .{1,40} gesendet|enviado (?:desde|de) |inviato da|verzonden (?:met|vanaf|van)|verstuurd (?:vanaf|met)|skickat från|sendt fra|lähetetty|отправлено с|iphoneから送信)/iu;
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
  /^\s*(?:(?:tel|phone|ph|mobile|mob|cell|fax|direct|office|m|t|p|f|e|w|skype|web|email|e-mail)\s*[.:]|\+?\(?\d[\d\s().\/-]{6,}\d\s*(?:\((?:c|m|o|w|fax|cell|mobile|office)\))?\s*$|https?:\/\/\S+\s*$|www\.\S+\s*$|[\w.+-]+@[\w-]+(?:\.[\w-]+)+\s*$|.*\s[|•·]\s.*$|\p{Extended_Pictographic})/iu;

/** Drops a trailing signature: sign-off + name block, "-- " block, mobile footer, disclaimer, contact lines. */
export function stripSignature(lines: readonly string[]): string[] {
  let end = lines.length;
  // A legal notice or mobile footer ends the message wherever it starts (their length is unbounded).
  for (let i = 0; i < end; i++) {
    const line = lines[i] ?? '';
    if (i > 0 && isDisclaimerLine(line)) end = i;
    else if (MOBILE_FOOTER.test(line) && line.length <= 80 && !/,\s/u.test(line) && restIsSignatureLike(lines, i + 1, end)) end = i;
  }
  // The last delimiter or sign-off followed only by a short block.
  for (let i = 1; i < end; i++) {
    // "Thanks,\n______" opens a signature block however long the footer under it is.
    if (SIGN_OFF.test(lines[i] ?? '') && SIGNATURE_DELIMITER.test(lines[i + 1] ?? '')) {
      end = i;
      break;
    }
  }
  const from = Math.max(0, end - MAX_SIGNATURE_LINES - 1);
  for (let i = from; i < end; i++) {
    const line = lines[i] ?? '';
    if ((SIGNATURE_DELIMITER.test(line) || SIGN_OFF.test(line)) && i > 0 && restIsSignatureLike(lines, i + 1, end)) {
      end = i;
      break;
    }
  }
  let out = lines.slice(0, end);
  out = trimTrailingBlank(out);
  // Trailing contact lines (phone, address, links) and, above them, a short name block.
  let k = out.length;
  let sawContact = false;
  while (k > 0 && (CONTACT_LINE.test(out[k - 1] ?? '') || isBlank(out[k - 1] ?? ''))) {
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
    if (line.length > 90 && !CONTACT_LINE.test(line)) return false;
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
 * Top-posted replies cut at the first attribution, header block or separator; bottom-posted and inline replies
 * keep the unquoted lines between `>` blocks.
 */
export function splitReply(input: MailBody): ReplyParts {
  const { lines, from, cut, quoteFrom, ownLines } = scanReply(input);
  const quoted = lines.slice(from, cut).filter((_, k) => !ownLines.has(from + k)).concat(lines.slice(quoteFrom));
  const own = lines.slice(from, cut).filter((_, k) => ownLines.has(from + k));
  return { own: tidy(stripSignature(trimTrailingBlank(own)).join('\n')), quoted: tidy(quoted.join('\n')) };
}

/**
 * The mail's text down to where its unmarked quote starts (a top-posted reply's quote, an HTML quote, a forward,
 * an Outlook header block); `>`-quoted lines above it are kept, as inline replies answer them line by line.
 */
export function textAboveQuote(input: MailBody): string {
  const { lines, from, cut } = scanReply(input);
  return lines.slice(from, cut).join('\n');
}

/**
 * One pass over the lines: where the unmarked quote starts (`cut`; its text from `quoteFrom`, past an HTML quote
 * marker), and which lines above it are the writer's.
 */
function scanReply(input: MailBody): { lines: string[]; from: number; cut: number; quoteFrom: number; ownLines: Set<number> } {
  const lines = bodyText(input).split('\n');
  const ownLines = new Set<number>();
  let i = 0;
  while (i < lines.length && isBlank(lines[i] ?? '')) i++;
  if (GATEWAY_BANNER.test(lines[i] ?? '')) i++;
  const from = i;
  for (; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (line.includes(QUOTE_MARKER)) return { lines, from, cut: i, quoteFrom: i + 1, ownLines };
    if (isQuotedLine(line)) continue;
    const attribution = attributionLength(lines, i);
    if (attribution > 0) {
      let j = i + attribution;
      while (j < lines.length && isBlank(lines[j] ?? '')) j++;
      // Bottom-posted or inline reply: only the `>` block (and its attribution) is quoted; keep reading after it.
      if (j < lines.length && isQuotedLine(lines[j] ?? '')) {
        i = j - 1;
        continue;
      }
      return { lines, from, cut: i, quoteFrom: i, ownLines };
    }
    if (isSeparatorLine(line) || isHeaderBlockStart(lines, i) || isUnderscoreRuleBeforeHeaders(lines, i)) return { lines, from, cut: i, quoteFrom: i, ownLines };
    ownLines.add(i);
  }
  return { lines, from, cut: lines.length, quoteFrom: lines.length, ownLines };
}

function isUnderscoreRuleBeforeHeaders(lines: readonly string[], i: number): boolean {
  if (!/^\s*[_—–-]{8,}\s*$/u.test(lines[i] ?? '')) return false;
  let j = i + 1;
  while (j < lines.length && j <= i + 2 && isBlank(lines[j] ?? '')) j++;
  return isHeaderBlockStart(lines, j);
}

function tidy(text: string): string {
  return text.replace(/[ \t]+$/gmu, '').replace(/\n{3,}/gu, '\n\n').trim();
}

/** The text the writer wrote themselves: quotes, forwarded messages and signature removed. */
export function extractOwnText(input: MailBody): string {
  return splitReply(input).own;
}
