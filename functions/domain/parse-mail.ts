/**
 * Raw RFC 5322 bytes → `ParsedMail`. mailparser does the MIME work; this module decides what to trust:
 * only validated addr-specs become addresses (an encoded word or a group name never does), and every
 * problem is recorded as a warning rather than thrown, so no mail is lost to a parse error.
 */
import type { Transform } from 'node:stream';
import { Splitter } from '@zone-eu/mailsplit';
import { simpleParser, type AddressObject, type EmailAddress, type ParsedMail as MpParsedMail } from 'mailparser';
import { cleanDisplayName, normalizeAddress } from './addresses.ts';
import type { Address, ParsedMail } from './types.ts';

/** Bodies are cut here: promises live in the first screens of a mail, not in attached logs. */
export const MAX_BODY_CHARS = 200_000;
/**
 * The most text (encoded bytes of the text parts that are not attachments) a mail may carry to be parsed.
 * mailparser keeps every line of a text part as its own buffer until the part ends: a 38 MiB text of short lines
 * exhausted a 160 MB heap. Attachments are not counted (base64 lines are long and few: a 40 MB one parses fine).
 */
export const MAX_TEXT_BYTES = 4 * 1024 * 1024;
/** The most MIME parts a mail may have; real mail has a handful, a few hundred at most. */
export const MAX_MIME_PARTS = 500;

export class MailParseError extends Error {
  override name = 'MailParseError';
}

/** A mail beyond the limits above: recorded as rejected (too-large) without being parsed; its raw bytes stay kept. */
export class MailTooLargeError extends MailParseError {
  override name = 'MailTooLargeError';
}

export async function parseMail(raw: Uint8Array): Promise<ParsedMail> {
  const warnings: string[] = [];
  const buf = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
  // Only a mail bigger than the text limit can exceed it: small mail skips the scan.
  if (buf.byteLength > MAX_TEXT_BYTES) await checkLimits(buf);
  let mp: MpParsedMail;
  try {
    mp = await simpleParser(buf, {
      skipHtmlToText: true,
      skipTextToHtml: true,
      skipImageLinks: true,
      skipTextLinks: true,
      maxHtmlLengthToParse: MAX_BODY_CHARS,
    });
  } catch (err) {
    throw new MailParseError(`MIME could not be parsed: ${err instanceof Error ? err.message : String(err)}`, {
      cause: err,
    });
  }

  const collect = (field: string, value: AddressObject | AddressObject[] | undefined): Address[] =>
    flattenAddresses(value, field, warnings);

  // Exactly one From header with exactly one mailbox: with two, whoever authenticated one of them could write as
  // the other (`From: victim, attacker`). Such a mail has no sender, and is rejected as such.
  const fromMailboxes = collect('from', mp.from);
  const fromHeaderCount = mp.headerLines.filter((h) => h.key === 'from').length;
  const from = fromHeaderCount <= 1 && fromMailboxes.length === 1 ? fromMailboxes[0]! : null;
  if (!mp.from) warnings.push('missing From');
  else if (fromHeaderCount > 1) warnings.push(`${fromHeaderCount} From headers; exactly one is accepted`);
  else if (fromMailboxes.length > 1) warnings.push(`${fromMailboxes.length} mailboxes in From; exactly one is accepted`);
  const senderHeader = mp.headers.get('sender') as AddressObject | undefined;
  const messageId = validMessageId(mp.messageId);
  if (!messageId) warnings.push(mp.messageId ? `invalid Message-ID ${truncate(mp.messageId)}` : 'missing Message-ID');
  const date = mp.date && !Number.isNaN(mp.date.getTime()) ? mp.date.toISOString() : null;
  if (!date) warnings.push(mp.headers.has('date') ? 'unparseable Date' : 'missing Date');

  const text = (mp.text ?? '').slice(0, MAX_BODY_CHARS);
  const html = typeof mp.html === 'string' ? mp.html.slice(0, MAX_BODY_CHARS) : null;

  return {
    messageId,
    date,
    from,
    sender: collect('sender', senderHeader)[0] ?? null,
    to: collect('to', mp.to),
    cc: collect('cc', mp.cc),
    replyTo: collect('reply-to', mp.replyTo),
    subject: (mp.subject ?? '').replace(/\s+/g, ' ').trim().slice(0, 500),
    inReplyTo: validMessageId(mp.inReplyTo),
    references: toArray(mp.references)
      .map(validMessageId)
      .filter((r): r is string => r !== null)
      .slice(-50),
    text,
    html,
    attachments: mp.attachments.map((a) => ({
      filename: a.filename,
      contentType: a.contentType,
      size: a.size,
    })),
    bulk: bulkSignal(mp),
    warnings,
    size: raw.byteLength,
  };
}

function flattenAddresses(value: AddressObject | AddressObject[] | undefined, field: string, warnings: string[]): Address[] {
  const out: Address[] = [];
  const visit = (a: EmailAddress): void => {
    if (a.group) {
      a.group.forEach(visit);
      return;
    }
    const email = normalizeAddress(a.address);
    if (!email) {
      if (a.address || a.name) warnings.push(`${field}: not an address: ${truncate(a.address || a.name)}`);
      return;
    }
    const name = cleanDisplayName(a.name, email);
    out.push(name ? { email, name } : { email });
  };
  for (const obj of toArray(value)) obj.value.forEach(visit);
  return out;
}

function toArray<T>(v: T | T[] | undefined | null): T[] {
  if (v === undefined || v === null) return [];
  return Array.isArray(v) ? v : [v];
}

function validMessageId(id: string | undefined | null): string | null {
  if (!id) return null;
  const m = /<([^<>\s]{1,900})>/.exec(id) ?? /^([^<>\s@]+@[^<>\s]+)$/.exec(id.trim());
  return m ? `<${m[1]}>` : null;
}

function bulkSignal(mp: MpParsedMail): ParsedMail['bulk'] {
  const header = (name: string): string => {
    const line = mp.headerLines.find((h) => h.key === name);
    return line ? line.line.slice(line.line.indexOf(':') + 1).trim() : '';
  };
  if (header('list-id')) return { isBulk: true, why: 'List-Id header' };
  if (header('list-unsubscribe')) return { isBulk: true, why: 'List-Unsubscribe header' };
  const precedence = header('precedence').toLowerCase();
  if (/^(bulk|list|junk)\b/.test(precedence)) return { isBulk: true, why: `Precedence: ${precedence}` };
  const auto = header('auto-submitted').toLowerCase();
  if (auto && auto !== 'no') return { isBulk: true, why: `Auto-Submitted: ${auto}` };
  return { isBulk: false, why: null };
}

function truncate(s: string, n = 80): string {
  return s.length > n ? `${s.slice(0, n)}…` : s;
}

/**
 * One streaming pass of mailsplit (the splitter mailparser itself uses) that keeps nothing: counts MIME parts and
 * the bytes of inline text parts, and stops at the first limit exceeded.
 */
function checkLimits(buf: Buffer): Promise<void> {
  return new Promise((ok, fail) => {
    const splitter = new Splitter({ maxChildNodes: MAX_MIME_PARTS });
    let parts = 0;
    let text = 0;
    const tooLarge = (why: string): void => {
      splitter.removeAllListeners('data');
      splitter.destroy();
      fail(new MailTooLargeError(why));
    };
    splitter.on('data', (chunk) => {
      if (chunk.type === 'node') {
        if (++parts > MAX_MIME_PARTS) tooLarge(`more than ${MAX_MIME_PARTS} MIME parts`);
        return;
      }
      const node = chunk.node;
      const inlineText = chunk.type === 'body' && node.disposition !== 'attachment' && (!node.contentType || node.contentType.startsWith('text/'));
      if (inlineText && (text += chunk.value.length) > MAX_TEXT_BYTES) {
        tooLarge(`more than ${MAX_TEXT_BYTES / 1024 / 1024} MiB of text (the mail is ${(buf.byteLength / 1024 / 1024).toFixed(1)} MiB); only the raw mail is kept`);
      }
    });
    // mailsplit's typings declare only its 'data' event; it is a Node Transform with the usual others.
    const stream = splitter as unknown as Transform;
    stream.once('end', () => ok());
    stream.once('error', (err: Error) => fail(new MailParseError(`MIME could not be parsed: ${err.message}`, { cause: err })));
    splitter.end(buf);
  });
}
