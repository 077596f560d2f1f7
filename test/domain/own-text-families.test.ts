/**
 * Own text for the families of client formats issue 11 lists: attributions whose verb comes last or is missing,
 * dashed attributions, localized and stacked mobile footers, forward-only and quote-only mails, inline replies
 * quoted with a prefix other than ">", notification blocks. Each family is pinned by a real fixture (read from
 * ../shared at run time) and by hand-written cases in the layouts the clients use (names and addresses invented;
 * the layouts are those documented in docs/promises.md, "Own text: attribution formats").
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { extractOwnText, splitReply } from '../../functions/domain/own-text.ts';
import { parseInlineReply } from '../../functions/domain/reply-commands.ts';
import { FIXTURES, fixturesPresent, readFixture } from '../support/fixtures.ts';

const haveReplies = fixturesPresent('replies');
const own = (text: string): string => extractOwnText({ text, html: null });
const fixture = (rel: string): string => own(readFixture(`replies/${rel}`));
const LOREM_LAST = 'Fusce sed odio id arcu varius aliquet nec nec nibh.';
const ANSWER = 'Thursday works for me, I will bring the contract.';
const QUOTE = '> Can we meet this week?\n> Jana';

describe('attributions whose verb comes last, or that have none', () => {
  it.each([
    ['Gmail de', 'Am Mi., 2. Okt. 2024 um 10:15 Uhr schrieb Jana Nowak <jana@example.org>:'],
    ['Apple Mail de', 'Am 02.10.2024 um 10:15 schrieb Jana Nowak <jana@example.org>:'],
    ['Gmail nl', 'Op wo 2 okt 2024 om 10:15 schreef Jana Nowak <jana@example.org>:'],
    ['Apple Mail nl', 'Op 2 okt. 2024, om 10:15 heeft Jana Nowak <jana@example.org> het volgende geschreven:'],
    ['Gmail pl', 'wt., 1 paź 2024 o 10:15 Jana Nowak <jana@example.org> napisał(a):'],
    ['Thunderbird pl', 'W dniu 1.10.2024 o 10:15, Jana Nowak pisze:'],
    ['Gmail ru (no verb)', 'вт, 1 окт. 2024 г. в 10:15, Jana Nowak <jana@example.org>:'],
    ['Android ru', '01.10.2024 10:15 пользователь "Jana Nowak" <jana@example.org> написал:'],
    ['Gmail uk', 'вт, 1 жовт. 2024 р. о 10:15 Jana Nowak <jana@example.org> пише:'],
    ['Apple Mail uk', '1 жовт. 2024 р. о 10:15 Jana Nowak <jana@example.org> написала:'],
    ['Gmail no', 'tir. 1. okt. 2024 kl. 10:15 skrev Jana Nowak <jana@example.org>:'],
    ['Gmail hu', '2024. okt. 1., K 10:15 időpontban Jana Nowak <jana@example.org> ezt írta:'],
    ['ISO date with a zone, no verb', '2024-10-01 10:15 GMT+02:00 Jana Nowak <jana@example.org>:'],
    ['wrapped over two lines, Gmail de', 'Am Di., 1. Okt. 2024 um 10:15 Uhr schrieb Jana Nowak <\njana@example.org>:'],
    ['wrapped with a mailto: form', 'Op di 1 okt. 2024 om 10:15 schreef Jana Nowak <\nmailto:jana@example.org>:'],
    ['verb alone on its own line', 'On Tue, 1 Oct 2024 at 10:15, Jana Nowak <jana@example.org>\nwrote:'],
    ['wrapped over four lines with a mailto: form', 'On Tue, 1 Oct 2024 at 10:15 PM Jana Nowak\n<\nmailto:jana@example.org\n> wrote:'],
    ['Gmail mobile de, name first, "schrieb am" and the date last', 'Jana Nowak <jana@example.org> schrieb am Di., 1. Okt. 2024, 10:15:'],
    ['the same with an Outlook <mailto:> form', 'Jana Nowak <jana@example.org<mailto:jana@example.org>> schrieb am Di., 1. Okt. 2024, 10:15:'],
    ['name first, no address', 'Jana Nowak schrieb am 01.10.2024 um 10:15:'],
    ['Thunderbird de, no address', 'Am 01.10.24 um 10:15 schrieb Jana Nowak:'],
    ['K-9 Mail de, no date', 'Jana Nowak <jana@example.org> schrieb:'],
    ['name alone, its address opening the next line', 'Jana Nowak\n<jana@example.org> schreef op 1 okt. 2024 10:15:'],
  ])('%s', (_client, attribution) => {
    expect(own(`${ANSWER}\n\n${attribution}\n\n${QUOTE}\n`)).toBe(ANSWER);
    // Clients that do not prefix the quote: the attribution alone ends the writer's words.
    expect(own(`${ANSWER}\n\n${attribution}\nCan we meet this week?\nJana\n`)).toBe(ANSWER);
  });

  it('an attribution sharing its line with the reply, above a quote', () => {
    expect(own('Sounds good. On Tue, 1 Oct 2024 at 10:15, Jana Nowak <jana@example.org> wrote:\n> Can we meet?')).toBe('Sounds good.');
    expect(own('Sounds good--- On Tue, 1 Oct 2024 at 10:15, jana@example.org wrote:\n> Can we meet?')).toBe('Sounds good');
    expect(own('Danke. Am 01.10.2024 um 10:15 schrieb Jana Nowak <jana@example.org>:\n\n> Können wir uns treffen?')).toBe('Danke.');
  });

  it('the bare "2016/7/20 Name <address>" of older Gmail, above a quote, prefixed or not', () => {
    expect(own(`${ANSWER}\n\n2016/7/20 Jana Nowak <jana@example.org>\n\n${QUOTE}\n`)).toBe(ANSWER);
    expect(own(`${ANSWER}\n\n2016/7/20 Jana Nowak <jana@example.org>\nCan we meet this week?\n`)).toBe(ANSWER);
    expect(own(`${ANSWER}\n\n2016-07-20 9:41 Jana Nowak <jana@example.org>:\nCan we meet this week?\n`)).toBe(ANSWER);
  });

  it('keeps sentences that only look like attributions', () => {
    for (const text of [
      'In 2019 I wrote the following:\n\nAll of it still holds.',
      'Something wrote:\nnothing else.',
      'Am Montag schrieb ich dir schon:\nbitte melde dich.',
      'Notes from 10:15: the deck is ready.',
      'On 5/6 I wrote a long email to Bob about the budget:\nit still stands.',
      'Call Jana Nowak <jana@example.org> on 1 Oct:\nshe has the numbers.',
      'I said it On Monday at 10:00 in the meeting:\nnothing changed.',
    ]) expect(own(text)).toBe(text);
  });

  it.skipIf(!haveReplies).each([
    ['Ukrainian "написав", verb last', 'willdurand-EmailReplyParser/email_23.txt'],
    ['Polish "napisał(a)", verb last', 'crisp-email-reply-parser/email_16.txt'],
    ['Italian "ha scritto" wrapped, the quote’s long lines wrapped unprefixed', 'crisp-email-reply-parser/email_7.txt'],
  ])('real: %s', (_what, file) => {
    expect(fixture(file).endsWith(LOREM_LAST)).toBe(true);
  });

  it.skipIf(!haveReplies)('real: Hungarian "… keltezéssel, X írta:"', () => {
    expect(fixture('willdurand-EmailReplyParser/email_custom_quote_header.txt')).toBe('Thank you!');
  });

  it.skipIf(!haveReplies)('real: an Android mail in Russian, the address wrapped, "написал:" last', async () => {
    const mail = await simpleParser(readFileSync(join(FIXTURES, 'replies/mailgun-talon/standard_replies/android.eml')));
    expect(extractOwnText({ text: mail.text ?? '', html: null })).toBe('Hello');
  });
});

describe('dashed attributions (Zoho, Android)', () => {
  it.each([
    '---- On Tue, 01 Oct 2024 10:15:00 +0200 Jana Nowak <jana@example.org> wrote ----',
    '---- Le mar., 01 oct. 2024 10:15:00 +0200 Jana Nowak <jana@example.org> a écrit ----',
    '---- Am Di., 01 Okt. 2024 10:15:00 +0200 schrieb Jana Nowak <jana@example.org> ----',
    '---- Jana Nowak wrote ----',
  ])('%s', (attribution) => {
    expect(own(`${ANSWER}\n\n${attribution}\n\nCan we meet this week?\n`)).toBe(ANSWER);
  });

  it.skipIf(!haveReplies)('real: Zoho', () => {
    expect(fixture('crisp-email-reply-parser/email_zoho.txt')).toBe('What is the best way to clear a Riak bucket of all key, values after\nrunning a test?');
  });
});

describe('mobile and app footers, in many languages, stacked', () => {
  it.each([
    ['Sent from my iPhone'],
    ['Envoyé de mon iPhone'],
    ['Envoyé de mon iPad'],
    ['Von meinem iPhone gesendet'],
    ['Von meinem Samsung Galaxy Smartphone gesendet.'],
    ['Sendt fra min iPhone'],
    ['Sendt fra min iPad'],
    ['Skickat från min iPhone'],
    ['Verstuurd vanaf mijn iPhone'],
    ['Inviato da iPhone'],
    ['Enviado desde mi iPhone'],
    ['Enviado do meu iPhone'],
    ['Wysłane z iPhone’a'],
    ['Отправлено с iPhone'],
    ['Lähetetty iPhonesta'],
    ['iPhoneから送信'],
    ['Get Outlook for Android'],
    ['发自我的iPhone'],
    ['Εστάλη από το iPhone μου'],
    ['Outlook für iOS beziehen'],
    ['Sent from my Android device with K-9 Mail. Please excuse my brevity.'],
    ['Diese Nachricht wurde von meinem Android-Gerät mit K-9 Mail gesendet.'],
    ['Sent from Yahoo Mail on Android'],
  ])('%s', (footer) => {
    expect(own(`${ANSWER}\n\n${footer}\n`)).toBe(ANSWER);
    expect(own(`${ANSWER}\n\n${footer}\n\n${QUOTE}\n`)).toBe(ANSWER);
  });

  it('several footers stacked under each other, above an unprefixed quote', () => {
    const mail = `${ANSWER}\n\nEnvoyé de mon iPad\nSent from my Android device with K-9 Mail. Please excuse my brevity.\n\nGet Outlook for iOS\n\nCan we meet this week?\nJana\n`;
    expect(own(mail)).toBe(ANSWER);
  });

  it('keeps sentences about sending', () => {
    for (const text of [
      'The notification was sent from my iPhone app to all users.',
      'Sent from my desk, is much easier then my mobile phone.',
      'I get proper rendering as well.\n\nSent from a magnificent torch of pixels',
    ]) expect(own(text)).toBe(text);
  });

  it.skipIf(!haveReplies)('real: "Sent from my Wiko …" above the original mail, unprefixed', () => {
    expect(fixture('crisp-email-reply-parser/email_15.txt').endsWith(LOREM_LAST)).toBe(true);
  });
});

describe('mails that are only a forward or only a quote', () => {
  it('the one line above a forward is the writer’s own text', () => {
    expect(own('FYI, see below.\n\n---------- Forwarded message ---------\nFrom: Jana Nowak <jana@example.org>\nDate: Tue, 1 Oct 2024\nSubject: Contract\n\nPlease sign by Friday.\n')).toBe('FYI, see below.');
    expect(own('FYI\n\nBegin forwarded message:\n\nFrom: Jana Nowak <jana@example.org>\nSubject: Contract\n\nPlease sign by Friday.\n')).toBe('FYI');
  });

  it('a short forward heading in any language belongs to the forward, not to the writer', () => {
    for (const heading of ['Początek przekazywanej wiadomości:', 'Начало переадресованного сообщения:', 'Anfang der weitergeleiteten Nachricht:']) {
      expect(own(`Zur Info.\n\n${heading}\n\nVon: Jana Nowak <jana@example.org>\nBetreff: Vertrag\n\nBitte bis Freitag.\n`)).toBe('Zur Info.');
    }
    expect(own('FYI, see the forwarded message below:\n\nFrom: Jana Nowak <jana@example.org>\nSubject: Contract\n\nPlease sign.\n')).toBe('FYI, see the forwarded message below:');
  });

  it('a mail that is nothing but a quote or a forward has no own text', () => {
    expect(own(`${QUOTE}\n`)).toBe('');
    expect(own(`On Tue, 1 Oct 2024 at 10:15, Jana Nowak <jana@example.org> wrote:\n\n${QUOTE}\n`)).toBe('');
    expect(own('-------- Original message --------\nFrom: Jana Nowak <jana@example.org>\nDate: 01/10/2024 10:15\nTo: me@example.org\nSubject: Contract\n\nPlease sign by Friday.\n')).toBe('');
    expect(own('Début du message réexpédié :\n\nDe: Jana Nowak <jana@example.org>\nObjet: Contrat\n\nMerci de signer.\n')).toBe('');
  });

  it.skipIf(!haveReplies)('real: a Thunderbird forward and a Mail.ru forward are all quote; a Gmail forward keeps the line above', () => {
    const html = (rel: string): string => extractOwnText({ text: '', html: readFixture(`replies/${rel}`) });
    expect(html('closeio-quotequail/thunderbird_forward.html')).toBe('');
    expect(html('closeio-quotequail/mailru_forward.html')).toBe('');
    expect(html('closeio-quotequail/gmail_forward.html')).toBe('test\n\nblah');
  });
});

describe('Outlook header blocks in more languages, under a rule and a dated label', () => {
  it.each([
    ['zh', '发件人: Jana Nowak <jana@example.org>\n发送时间: 2024年10月1日 10:15\n收件人: me@example.org\n主题: 合同'],
    ['uk', 'Від: Jana Nowak <jana@example.org>\nНадіслано: 1 жовтня 2024 р. 10:15\nКому: me@example.org\nТема: Договір'],
    ['hu', 'Feladó: Jana Nowak <jana@example.org>\nElküldve: 2024. október 1. 10:15\nCímzett: me@example.org\nTárgy: Szerződés'],
    ['tr', 'Kimden: Jana Nowak <jana@example.org>\nGönderildi: 1 Ekim 2024 Salı 10:15\nKime: me@example.org\nKonu: Sözleşme'],
  ])('%s', (_lang, headers) => {
    expect(own(`${ANSWER}\n\n${headers}\n\nCan we meet this week?\n`)).toBe(ANSWER);
  });

  it.skipIf(!haveReplies)('real: Chinese Outlook headers; a "=====" rule with "Message du : …" above French headers', () => {
    expect(fixture('willdurand-EmailReplyParser/email_22.txt').endsWith(LOREM_LAST)).toBe(true);
    expect(fixture('crisp-email-reply-parser/email_9.txt').endsWith(LOREM_LAST)).toBe(true);
  });
});

describe('inline replies and notification blocks quoted with a prefix other than ">"', () => {
  it('answers between "| " quoted lines are own text, the quoted lines are not', () => {
    const mail = '| Can we meet on Thursday?\n| Or is Friday better?\n\nThursday.\n\n| And the contract?\n| Is it signed?\n\nI will sign it tonight.\n';
    const parts = splitReply({ text: mail, html: null });
    expect(parts.own).toBe('Thursday.\n\nI will sign it tonight.');
    expect(parts.quoted).toContain('Is it signed?');
  });

  it('a "| X replied to your post" notification block quoted without an attribution is not own text', () => {
    const mail = 'Thanks, I will answer her tomorrow.\n\n| Jana Nowak replied to your post\n| "Can we meet this week?"\n| View it on the forum: https://forum.example.org/t/42\n';
    expect(own(mail)).toBe('Thanks, I will answer her tomorrow.');
  });

  it('Supercite initials ("JN> "), "» " and an HTML-escaped "&gt; " work the same way', () => {
    expect(own('&gt; Can we meet on Thursday?\n&gt; Or is Friday better?\n\nThursday.\n')).toBe('Thursday.');
    expect(own('JN> Can we meet on Thursday?\nJN> Or is Friday better?\n\nThursday.\n')).toBe('Thursday.');
    expect(own('» Can we meet on Thursday?\n» Or is Friday better?\n\nThursday.\n')).toBe('Thursday.');
  });

  it('a Markdown table and a single "|" line stay the writer’s', () => {
    const table = 'Plan:\n\n| day | task |\n| Mon | call |\n| Tue | sign |';
    expect(own(table)).toBe(table);
    expect(own('Options | pick one')).toBe('Options | pick one');
  });
});

describe('reply commands act only on the user’s own words, in each family’s layout', () => {
  const NOW = new Date('2026-11-30T07:00:00.000Z');
  const TZ = 'Europe/Berlin';
  const digest = ['1.  Check in with Ana Souza', '2.  Follow up with Tom Baker', '', 'REPLY TO THIS MAIL', '  done 3        it’s done', '  drop 4        forget this one'];
  const prefixed = (prefix: string): string => digest.map((l) => (l === '' ? prefix.trimEnd() : `${prefix}${l}`)).join('\n');
  const unprefixed = digest.join('\n');
  const brief = (text: string): string[] =>
    parseInlineReply({ text, now: NOW, tz: TZ }).commands.map((c) => `${c.kind} ${'items' in c ? c.items.join(',') : ''}`);

  it.each([
    ['Gmail de, verb last', `done 2\n\nAm Mo., 30. Nov. 2026 um 08:00 Uhr schrieb Nurture <reply+abc@in.example.com>:\n\n${prefixed('> ')}`],
    ['Gmail ru, no verb, unprefixed quote', `done 2\n\nпн, 30 нояб. 2026 г. в 08:00, Nurture <reply+abc@in.example.com>:\n${unprefixed}`],
    ['Gmail pl, wrapped', `done 2\n\npon., 30 lis 2026 o 08:00 Nurture <\nreply+abc@in.example.com> napisał(a):\n\n${prefixed('> ')}`],
    ['Zoho, dashed', `done 2\n\n---- On Mon, 30 Nov 2026 08:00:00 +0100 Nurture <reply+abc@in.example.com> wrote ----\n\n${unprefixed}`],
    ['iPhone fr, footer above an unprefixed quote', `done 2\n\nEnvoyé de mon iPhone\n\n${unprefixed}`],
    ['stacked footers', `done 2\n\nSent from my Android device with K-9 Mail. Please excuse my brevity.\nGet Outlook for Android\n\n${unprefixed}`],
    ['Outlook zh headers', `done 2\n\n发件人: Nurture <reply+abc@in.example.com>\n发送时间: 2026年11月30日 8:00\n主题: Your week\n\n${unprefixed}`],
    ['quoted with "| "', `done 2\n\n${prefixed('| ')}`],
    ['quoted with Supercite initials', `done 2\n\n${prefixed('NU> ')}`],
    ['Chinese iPhone footer', `done 2\n\n发自我的iPhone\n\n${unprefixed}`],
  ])('%s: "done 2" only', (_layout, mail) => {
    expect(brief(mail)).toEqual(['done 2']);
  });

  it('"done" typed under a "| "-quoted item means that item', () => {
    const mail = `| 1.  Check in with Ana Souza\n|     Last wrote 11 weeks ago.\n\ndone\n\n| 2.  Follow up with Tom Baker\n`;
    expect(brief(mail)).toEqual(['done 1']);
  });
});
