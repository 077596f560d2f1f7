import { fixturesPresent, readFixture } from '../support/fixtures.ts';
import { describe, expect, it } from 'vitest';
import { extractOwnText, MAX_PROBE_CHARS, MAX_TEXT_CHARS, splitReply } from '../../functions/domain/own-text.ts';

const haveReplies = fixturesPresent('replies');
const text = (rel: string): string => extractOwnText({ text: readFixture(`replies/${rel}`), html: null });
const html = (rel: string): string => extractOwnText({ text: '', html: readFixture(`replies/${rel}`) });
const LOREM_FIRST = 'Fusce bibendum, quam hendrerit sagittis tempor';
const LOREM_LAST = 'Fusce sed odio id arcu varius aliquet nec nec nibh.';

describe.skipIf(!haveReplies)('quoted replies: "On … wrote:" attributions in many languages', () => {
  it.each([
    'crisp-email-reply-parser/email_german.txt',
    'crisp-email-reply-parser/email_fr_multiline.txt',
    'crisp-email-reply-parser/email_french_2.txt',
    'crisp-email-reply-parser/email_italian.txt',
    'crisp-email-reply-parser/email_portuguese.txt',
    'crisp-email-reply-parser/email_russian.txt',
    'crisp-email-reply-parser/email_finnish.txt',
    'crisp-email-reply-parser/email_norwegian_gmail.txt',
    'crisp-email-reply-parser/email_gmail_split_line_from.txt',
    'crisp-email-reply-parser/email_tricky_5_mixed_languages.txt',
    'crisp-email-reply-parser/email_tricky_12_no_space_after_header.txt',
    'crisp-email-reply-parser/email_tricky_14_long_quote_header.txt',
  ])('keeps only the writer’s paragraph of %s', (file) => {
    const own = text(file);
    expect(own.startsWith(LOREM_FIRST)).toBe(true);
    expect(own.endsWith(LOREM_LAST)).toBe(true);
  });

  it('cuts a Gmail attribution wrapped over two lines and the quote under it', () => {
    const own = text('alfonsrv-mail-parser-reply/pathological.txt');
    expect(own).toContain('I will try to fix the problem as soon as I');
    expect(own).not.toMatch(/wrote:|John Sullivan|reference sequence/u);
  });

  it('cuts German and Danish/Swedish attributions ("Am … schrieb", "kl. … skrev")', () => {
    expect(text('alfonsrv-mail-parser-reply/multiline_on_de.txt')).toBe('Am heutigen Tage');
    const sv = text('alfonsrv-mail-parser-reply/email_sv_anon_1.txt');
    expect(sv).toContain('flexibel fram till kl 15 idag.');
    expect(sv).not.toMatch(/skrev|Ursäkta|Mvh/u);
    const da = text('alfonsrv-mail-parser-reply/email_danish_1.txt');
    expect(da).toContain('Tak for din mail.');
    expect(da).not.toMatch(/skrev|Hvordan|Med venlig hilsen/u);
  });

  it('cuts a Japanese attribution without a verb ("2022年1月1日(金) 9:00 田中太郎 <…>:")', () => {
    const own = text('alfonsrv-mail-parser-reply/email_ja_1_2.txt');
    expect(own).toContain('それでは 11:00 にお待ちしております。');
    expect(own).not.toContain('かしこまりました');
  });

  it('does not take "On the other hand" or "On Thursday" for an attribution', () => {
    const own = text('crisp-email-reply-parser/email_tricky_1_on_false_positive.txt');
    expect(own).toContain('On a separate note, I wanted to mention that performance is great.');
    expect(text('crisp-email-reply-parser/email_20.txt')).toBe('On Thursday.');
  });

  it('keeps the writer’s lines between `>` blocks of an inline reply', () => {
    const { own, quoted } = splitReply({ text: readFixture('replies/crisp-email-reply-parser/email_tricky_18_inline_reply.txt'), html: null });
    expect(own).toContain('I think option A is great.');
    expect(own).toContain('Option C is not suitable for our use case.');
    expect(own).not.toContain('What about option B?');
    expect(quoted).toContain('What about option B?');
  });
});

describe.skipIf(!haveReplies)('Outlook header blocks, separators and forwards', () => {
  it.each([
    'crisp-email-reply-parser/email_german_2.txt',
    'crisp-email-reply-parser/email_german_outlook.txt',
    'crisp-email-reply-parser/email_french_dash_separator.txt',
    'crisp-email-reply-parser/email_danish_dash_separator.txt',
    'crisp-email-reply-parser/email_outlook_split_line_from.txt',
    'crisp-email-reply-parser/email_ios_outlook.txt',
    'crisp-email-reply-parser/email_tricky_15_original_message_variations.txt',
  ])('keeps only the writer’s paragraph of %s', (file) => {
    const own = text(file);
    expect(own.endsWith(LOREM_LAST)).toBe(true);
    expect(own).not.toMatch(/From:|Von:|Fra:|De :|Original|Get Outlook/u);
  });

  it('cuts "---------- Forwarded message ---------" and the forwarded headers', () => {
    expect(text('crisp-email-reply-parser/email_tricky_17_forward_header.txt')).toBe('See the forwarded message below.');
  });

  it('cuts a French Yahoo header block indented with spaces', () => {
    const own = text('crisp-email-reply-parser/email_customer_quote_header_3.txt');
    expect(own).toContain('merci d');
    expect(own).not.toMatch(/De :|Objet|ici dans la description/u);
  });

  it('does not cut at "From:" used in a sentence', () => {
    expect(text('crisp-email-reply-parser/email_tricky_4_from_in_body.txt')).toContain('This is the actual message content.');
  });
});

describe.skipIf(!haveReplies)('HTML mail: quote containers removed before conversion', () => {
  it.each([
    'mailgun-talon/html_replies/gmail.html',
    'mailgun-talon/html_replies/hotmail.html',
    'mailgun-talon/html_replies/ms_outlook_2003.html',
    'mailgun-talon/html_replies/ms_outlook_2010.html',
    'mailgun-talon/html_replies/thunderbird.html',
    'mailgun-talon/html_replies/yandex_ru.html',
  ])('%s reads "Hi. I am fine."', (file) => {
    expect(html(file)).toBe('Hi. I am fine.');
  });

  it('drops a Gmail blockquote and a Yahoo yahoo_quoted container', () => {
    expect(html('closeio-quotequail/gmail_reply.html')).toBe('foo\n\nbar');
    const yahoo = html('closeio-quotequail/yahoo_reply_unescaped_address.html');
    expect(yahoo).toContain('can we ship it before Friday?');
    expect(yahoo).not.toMatch(/wrote|Yahoo/iu);
  });
});

describe.skipIf(!haveReplies)('signatures', () => {
  it('drops "Sent from my iPhone" and mobile footers in other languages', () => {
    expect(text('crisp-email-reply-parser/email_iphone.txt')).toBe('Here is another email');
    expect(text('crisp-email-reply-parser/email_german_3.txt')).not.toContain('Gesendet von Outlook');
  });

  it('keeps "sent from my…" inside a sentence', () => {
    expect(text('crisp-email-reply-parser/email_tricky_8_sent_from_in_content.txt')).toContain('not Sent from my iPad.');
    expect(text('crisp-email-reply-parser/email_sent_from_my_not_signature.txt')).toBe('Here is another email\n\nSent from my desk, is much easier then my mobile phone.');
  });

  it('drops a sign-off with its name block, a "--" block and emoji contact lines', () => {
    expect(text('crisp-email-reply-parser/email_tricky_11_double_signature.txt')).toBe('Thanks for your help!');
    expect(text('crisp-email-reply-parser/email_tricky_16_unicode_signatures.txt')).toBe('Thanks for the update!');
  });

  it('keeps "-- " lines inside the text and "regards" used in a sentence', () => {
    expect(text('crisp-email-reply-parser/email_not_a_signature_2.txt')).toContain('-- second point needs to be checked');
    expect(text('crisp-email-reply-parser/email_tricky_6_regards_in_sentence.txt')).toContain('This is the actual content that should be visible.');
  });

  it('drops a legal disclaimer and the contact block above it', () => {
    const own = text('alfonsrv-mail-parser-reply/caution.txt');
    expect(own).toContain('could you please check and advise us ASAP.');
    expect(own).not.toMatch(/intended recipient|CAUTION|Mobile:/u);
  });
});

describe('limits', () => {
  // Patterns are only ever applied to lines of at most MAX_PROBE_CHARS: a longer line is plain text (or quoted, by its
  // prefix) without a test, so no pattern can backtrack over 200 KB. These inputs would take minutes if one did.
  // Just under the 200,000 characters examined in all (MAX_TEXT_CHARS), so the whole line is read.
  const KB200 = 199_980;
  it.each([
    ['spaces then a letter', `${' '.repeat(KB200 - 1)}x`, `${' '.repeat(KB200 - 1)}x`],
    ['one long word', 'a'.repeat(KB200), 'a'.repeat(KB200)],
    ['"On 1 " repeated', 'On 1 '.repeat(KB200 / 5), 'On 1 '.repeat(KB200 / 5).trim()],
    ['digits and spaces', '1 '.repeat(KB200 / 2), '1 '.repeat(KB200 / 2).trim()],
    ['"a | b " repeated (a contact-line shape)', 'a | b '.repeat(KB200 / 6), 'a | b '.repeat(KB200 / 6).trim()],
    ['dashes', '-'.repeat(KB200), '-'.repeat(KB200)],
  ])('a 200 KB line of %s is kept whole, untested', (_name, line, own) => {
    expect(line.length).toBeGreaterThan(MAX_PROBE_CHARS);
    expect(line.length + 5).toBeLessThanOrEqual(MAX_TEXT_CHARS);
    const got = extractOwnText({ text: `Hi,\n\n${line}`, html: null });
    // Compared as a flag: a failing diff of two 200 KB strings would itself take minutes.
    expect(got.length).toBe(own.length + 5);
    expect(got === `Hi,\n\n${own}`).toBe(true);
  });

  it('a 200 KB line of "> " is a quote, and a 200 KB line of "wrote:" after a date is no attribution', () => {
    expect(extractOwnText({ text: `Fine by me.\n\n${'> '.repeat(KB200 / 2)}`, html: null })).toBe('Fine by me.');
    const long = `On 1 May 2024 ${'x'.repeat(KB200)} wrote:`;
    expect(splitReply({ text: `Fine by me.\n${long}\n> quoted`, html: null }).own).toContain('x'.repeat(1000));
  });

  it('a header block whose To: line lists thousands of characters of recipients is still a header block', () => {
    const to = Array.from({ length: 120 }, (_, k) => `Person ${k}/HOU/ECT@ECT`).join(', ');
    expect(to.length).toBeGreaterThan(MAX_PROBE_CHARS);
    const mail = `Please fill in the survey below.\n\nTo:\t${to}\n\ncc:\t \n\nSubject:\tSurvey\n\nFull Name:`;
    expect(extractOwnText({ text: mail, html: null })).toBe('Please fill in the survey below.');
  });

  it('returns empty own text for a mail that is only a forward', () => {
    expect(extractOwnText({ text: '---------- Forwarded message ---------\nFrom: A <a@x.com>\nSubject: hi\n\nbody', html: null })).toBe('');
  });
});

describe('HTML-only mail', () => {
  it('reads the whole document: a quoted mail’s nested <body> neither hides the writer’s words nor leaks its <title>', () => {
    const html = '<html><title>Weekly digest</title><body><p>Sounds good, see you then.</p><div class="gmail_quote"><blockquote><html><head><title>Quoted</title></head><body><p>done 1</p></body></html></blockquote></div></body></html>';
    expect(extractOwnText({ text: '', html })).toBe('Sounds good, see you then.');
    expect(splitReply({ text: '', html }).quoted).toContain('done 1');
  });
});
