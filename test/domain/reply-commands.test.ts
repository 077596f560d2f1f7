import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { convert } from 'html-to-text';
import { describe, expect, it } from 'vitest';
import {
  type Command,
  editDistance,
  nearestCommand,
  parseCommands,
  parseInlineReply,
  quotedItems,
} from '../../functions/domain/reply-commands.ts';
import { renderDigest } from '../../functions/digest/render.ts';
import { sampleDigest } from '../digest/sample-digest.ts';

/** Monday 30 Nov 2026, 08:00 in Berlin: when the digest goes out. */
const NOW = new Date('2026-11-30T07:00:00.000Z');
const TZ = 'Europe/Berlin';

/** The plain-text digest as the renderer lays it out (numbers padded to four columns, help block at the end). */
const DIGEST_TEXT = `Nurture · Your week of 30 November 2026

Hi Maria, here are 4 things worth a few minutes this week. To act on one, reply with what to do and its number, like “done 1”.


CHECK IN

1.  Check in with Ana Souza
    Last wrote 11 weeks ago about the Lisbon offsite.

2.  Follow up with Tom Baker
    You met on Thursday at the climate-tech meetup.


PROMISES

3.  You promised Jane Doe the restaurant recommendation
    Due Friday, 3 days late.

4.  Introduce Sam Lee to Priya, as you offered


REPLY TO THIS MAIL
  done 3        it’s done (several: done 1,3)
  snooze 1 2w   remind me in two weeks
  skip 1        leave this person out for a while
  drop 4        forget this one
  pause         stop the weekly mail until you write “resume”

Don’t want these mails? Reply “pause”, or unsubscribe:
mailto:reply+abc@in.example.com?subject=unsubscribe
`;

function quote(text: string, prefix = '> '): string {
  return text
    .trimEnd()
    .split('\n')
    .map((l) => (l === '' ? prefix.trimEnd() : `${prefix}${l}`))
    .join('\n');
}

/** Just enough of own-text extraction for these tests: own words end at the first quote header or quoted line. */
function splitReply(full: string): { ownText: string; quotedText: string } {
  const lines = full.split('\n');
  const start = lines.findIndex(
    (l) => /^>/.test(l) || /^On .+wrote:\s*$/.test(l) || /^(From|Von): /.test(l) || /^-----Original Message-----/.test(l),
  );
  const cut = start < 0 ? lines.length : start;
  return { ownText: lines.slice(0, cut).join('\n'), quotedText: lines.slice(cut).join('\n') };
}

function parse(ownText: string, quotedText = '', now = NOW, tz = TZ) {
  return parseCommands({ ownText, quotedText, now, tz });
}

/** Commands without the bookkeeping fields, for compact expectations. */
function brief(commands: readonly Command[]): string[] {
  return commands.map((c) => {
    const items = 'items' in c ? ` ${c.items.join(',') || '?'}` : '';
    const until = 'until' in c ? ` until ${c.until}` : '';
    return `${c.kind}${items}${until}`;
  });
}

describe('parseCommands: item commands', () => {
  it.each([
    ['done 2', ['done 2']],
    ['Done 2', ['done 2']],
    ['DONE 2', ['done 2']],
    ['done 1 3', ['done 1,3']],
    ['done 1,3', ['done 1,3']],
    ['done 1, 3', ['done 1,3']],
    ['done 1 and 3', ['done 1,3']],
    ['done 1-3', ['done 1,2,3']],
    ['done 1–3', ['done 1,2,3']],
    ['done #2', ['done 2']],
    ['done 2.', ['done 2']],
    ['- done 2', ['done 2']],
    ['*done 2*', ['done 2']],
    ['undo 2', ['undo 2']],
    ['reopen 2', ['undo 2']],
    ['drop 4', ['drop 4']],
    ['done 2, drop 4', ['done 2', 'drop 4']],
    ['done 2 and drop 4', ['done 2', 'drop 4']],
    ['done 2 drop 4', ['done 2', 'drop 4']],
    ['done 2. Drop 4', ['done 2', 'drop 4']],
    ['Thanks! done 2', ['done 2']],
    ['done 2 thanks for the help', ['done 2']],
  ])('reads %j', (text, expected) => {
    const { commands, unknown } = parse(text);
    expect(brief(commands)).toEqual(expected);
    expect(unknown).toEqual([]);
  });

  it('reads commands anywhere in the own text, one or more per line', () => {
    const own = 'Hi!\n\nGreat list this week.\ndone 1,3\nsnooze 2 next monday\n\nDrop 4 please\n\nCheers,\nMaria';
    expect(brief(parse(own).commands)).toEqual(['done 1,3', 'snooze 2 until 2026-12-07', 'drop 4']);
  });

  it('does not expand a runaway range or take phone numbers and years for items', () => {
    expect(brief(parse('done 1-40').commands)).toEqual(['done ?']);
    expect(brief(parse('done 2026').commands)).toEqual(['done ?']);
  });

  it('keeps what the user typed for the confirmation', () => {
    expect(parse('Done 1, 3 thanks').commands[0]?.source).toBe('Done 1, 3');
    expect(parse('Doen 1,3').unknown[0]).toMatchObject({ text: 'Doen 1,3', suggestion: 'done 1,3' });
  });
});

describe('parseCommands: snooze and skip dates', () => {
  it.each([
    ['snooze 3 2w', '2026-12-14'],
    ['snooze 3 10d', '2026-12-10'],
    ['snooze 3 2 weeks', '2026-12-14'],
    ['snooze 3 a month', '2026-12-30'],
    ['snooze 3 next monday', '2026-12-07'],
    ['snooze 3 until next monday', '2026-12-07'],
    ['snooze 3 dec 15', '2026-12-15'],
    ['snooze 3 15 dec', '2026-12-15'],
    ['snooze 3 friday', '2026-12-04'],
    ['snooze 3 jan 4', '2027-01-04'],
    ['snooze 3', '2026-12-07'],
  ])('%j → item 3 until %s', (text, until) => {
    const [command, ...rest] = parse(text).commands;
    expect(rest).toEqual([]);
    expect(command).toMatchObject({ kind: 'snooze', items: [3], until, untilUnreadable: false });
  });

  it('reads "monday" on a Monday as next week, not today', () => {
    expect(parse('snooze 3 monday').commands[0]).toMatchObject({ until: '2026-12-07' });
  });

  it('falls back to a week and says so when the date cannot be read or is in the past', () => {
    expect(parse('snooze 3 whenever').commands[0]).toMatchObject({
      until: '2026-12-07',
      untilText: 'whenever',
      untilUnreadable: true,
    });
    expect(parse('snooze 3 yesterday').commands[0]).toMatchObject({ until: '2026-12-07', untilUnreadable: true });
  });

  it("counts days from the user's own date, not UTC's", () => {
    // 23:30 UTC on Sunday is already Monday in Berlin, still Sunday in New York.
    const lateSunday = new Date('2026-11-29T23:30:00.000Z');
    expect(parse('snooze 3 10d', '', lateSunday, 'Europe/Berlin').commands[0]).toMatchObject({ until: '2026-12-10' });
    expect(parse('snooze 3 10d', '', lateSunday, 'America/New_York').commands[0]).toMatchObject({ until: '2026-12-09' });
    expect(parse('snooze 3 tomorrow', '', lateSunday, 'Europe/Berlin').commands[0]).toMatchObject({ until: '2026-12-01' });
    expect(parse('snooze 3 tomorrow', '', lateSunday, 'America/New_York').commands[0]).toMatchObject({
      until: '2026-11-30',
    });
  });

  it('skips a contact for four weeks unless told otherwise', () => {
    expect(brief(parse('skip 2').commands)).toEqual(['skip 2 until 2026-12-28']);
    expect(brief(parse('skip 2 3w').commands)).toEqual(['skip 2 until 2026-12-21']);
    expect(brief(parse('skip 1 until february 1').commands)).toEqual(['skip 1 until 2027-02-01']);
  });

  it('refuses an unknown time zone instead of guessing', () => {
    expect(() => parse('snooze 3 2w', '', NOW, 'Mars/Olympus')).toThrow(/unknown time zone/);
  });
});

describe('parseCommands: settings', () => {
  it.each([
    ['pause', 'pause'],
    ['Pause please', 'pause'],
    ['stop', 'pause'],
    ['Stop sending me these', 'pause'],
    ['unsubscribe', 'pause'],
    ['resume', 'resume'],
    ['more', 'more'],
    ['More please!', 'more'],
    ['fewer', 'fewer'],
    ['less', 'fewer'],
    ['help', 'help'],
    ['Help?', 'help'],
  ])('reads %j as %s', (text, kind) => {
    expect(brief(parse(text).commands)).toEqual([kind]);
  });

  it('reads a setting after an item command', () => {
    expect(brief(parse('done 3, pause').commands)).toEqual(['done 3', 'pause']);
  });
});

describe('parseCommands: prose is not a command', () => {
  it.each([
    'Thanks!',
    'Sent from my iPhone',
    'Sent from my iPad',
    'Get Outlook for iOS',
    'More later,',
    'More soon',
    'Help me understand why Tom is on the list',
    'Done deal, let us meet on Tuesday at the office',
    'Stop by any time next week',
    'I dropped the ball on Jane, sorry',
    'Skipping lunch today',
    'Snooze button on my alarm broke this morning',
    'Hello',
    'Jane',
    'Peter',
    'Dave',
    'Don',
    'None',
    'Best,',
    'Room 12 at 3pm',
    'Tel +49 30 1234 5678',
    'Date: 30 Nov 2026',
    'Meeting moved to Jan 15 2027 at 14:30',
  ])('ignores %j', (text) => {
    expect(parse(text)).toEqual({ commands: [], unknown: [] });
  });
});

describe('parseCommands: words not understood', () => {
  it.each([
    ['dne 2', 'dne', 'done 2'],
    ['dnoe 2', 'dnoe', 'done 2'],
    ['Doen 1,3', 'doen', 'done 1,3'],
    ['snoze 3 next monday', 'snoze', 'snooze 3 next monday'],
    ['dorp 4', 'dorp', 'drop 4'],
    ['pasue', 'pasue', 'pause'],
    ['resmue', 'resmue', 'resume'],
    ['hlep', 'hlep', 'help'],
  ])('answers %j with a suggestion', (text, word, suggestion) => {
    const { commands, unknown } = parse(text);
    expect(commands).toEqual([]);
    expect(unknown).toEqual([{ word, text: expect.any(String), suggestion }]);
  });

  it('flags a word with an item number even when nothing is close', () => {
    expect(parse('finished 2').unknown).toEqual([{ word: 'finished', text: 'finished 2', suggestion: null }]);
  });

  it('flags a typo after a good command on the same line', () => {
    const { commands, unknown } = parse('done 2 dorp 4');
    expect(brief(commands)).toEqual(['done 2']);
    expect(unknown).toEqual([{ word: 'dorp', text: 'dorp 4', suggestion: 'drop 4' }]);
  });

  it('flags the same attempt once', () => {
    expect(parse('dne 2\ndne 2').unknown).toHaveLength(1);
  });
});

describe('parseCommands: a bare "done"', () => {
  it('means the one item the reply quotes', () => {
    const quoted = quote('3.  You promised Jane Doe the restaurant recommendation\n    Due Friday, 3 days late.');
    const [command] = parse('Done, thanks!', quoted).commands;
    expect(command).toMatchObject({ kind: 'done', items: [3], inferred: true });
  });

  it('needs a number when the quote shows the whole digest', () => {
    const [command] = parse('done', quote(DIGEST_TEXT)).commands;
    expect(command).toMatchObject({ kind: 'done', items: [], inferred: false });
  });

  it('also works for snooze, with or without a date', () => {
    const quoted = quote('2) Follow up with Tom Baker');
    expect(parse('snooze', quoted).commands[0]).toMatchObject({ kind: 'snooze', items: [2], until: '2026-12-07' });
    expect(parse('snooze next friday', quoted).commands[0]).toMatchObject({ items: [2], until: '2026-12-11' });
  });

  it('does not take a long sentence that starts with "done" for a command', () => {
    const quoted = quote('[3] You promised Jane Doe the restaurant recommendation');
    expect(parse('Done with the deck but the recommendation is still open', quoted).commands).toEqual([]);
  });

  it('means the number the user put in front of the line: "3. done"', () => {
    expect(brief(parse('3. done\n[2] snooze 2w\n1. Check in with Ana soon', quote(DIGEST_TEXT)).commands)).toEqual([
      'done 3',
      'snooze 2 until 2026-12-14',
    ]);
    const reply = `3) done\n\nOn Mon, 30 Nov 2026 at 08:00, Nurture wrote:\n${quote(DIGEST_TEXT)}`;
    expect(brief(parseInlineReply({ text: reply, now: NOW, tz: TZ }).commands)).toEqual(['done 3']);
  });
});

describe('quotedItems', () => {
  it('finds digest items in the ways clients quote them', () => {
    expect(quotedItems(quote(DIGEST_TEXT))).toEqual([1, 2, 3, 4]);
    expect(quotedItems('> > 3. Nested quote\n>> 5) Another\n[7] Bracketed')).toEqual([3, 5, 7]);
    expect(quotedItems('> 2026. Not an item\n> 3.5 million\n> 4.Not spaced')).toEqual([]);
  });
});

describe('parseInlineReply: replies as clients write them', () => {
  const gmailHeader = 'On Mon, 30 Nov 2026 at 08:00, Nurture <reply+abc@in.example.com> wrote:';

  it('Gmail, top-posted above the quote', () => {
    const reply = `done 3\nsnooze 1 2w\n\n${gmailHeader}\n\n${quote(DIGEST_TEXT)}\n`;
    expect(brief(parseInlineReply({ text: reply, now: NOW, tz: TZ }).commands)).toEqual([
      'done 3',
      'snooze 1 until 2026-12-14',
    ]);
    const { ownText, quotedText } = splitReply(reply);
    expect(brief(parse(ownText, quotedText).commands)).toEqual(['done 3', 'snooze 1 until 2026-12-14']);
  });

  it('Apple Mail, "done" typed inline under the quoted item', () => {
    const lines = quote(DIGEST_TEXT).split('\n');
    const under3 = lines.findIndex((l) => l.startsWith('> 3.')) + 2;
    const under1 = lines.findIndex((l) => l.startsWith('> 1.')) + 2;
    const withInline = [...lines];
    withInline.splice(under3, 0, '', 'Done!', '');
    withInline.splice(under1, 0, '', 'snooze 3w', '');
    const reply = `On 30 Nov 2026, at 08:00, Nurture <reply+abc@in.example.com> wrote:\n\n${withInline.join('\n')}\n`;
    expect(brief(parseInlineReply({ text: reply, now: NOW, tz: TZ }).commands)).toEqual([
      'snooze 1 until 2026-12-21',
      'done 3',
    ]);
  });

  it('inline numbers still win over the item above them', () => {
    const reply = `${gmailHeader}\n> 1.  Check in with Ana Souza\n\ndone 2\n\n> 2.  Follow up with Tom Baker\n`;
    expect(brief(parseInlineReply({ text: reply, now: NOW, tz: TZ }).commands)).toEqual(['done 2']);
  });

  it('a top-posted bare "done" above the whole digest stays unresolved', () => {
    const reply = `Done\n\n${gmailHeader}\n\n${quote(DIGEST_TEXT)}\n`;
    expect(brief(parseInlineReply({ text: reply, now: NOW, tz: TZ }).commands)).toEqual(['done ?']);
  });

  it('iPhone, top-posted with "Sent from my iPhone" and a quoted single-item reminder', () => {
    const reminder = '3.  You promised Jane Doe the restaurant recommendation\n    Due Friday, 3 days late.';
    const reply = `Done\n\nSent from my iPhone\n\n> On 30 Nov 2026, at 08:00, Nurture <reply+abc@in.example.com> wrote:\n>\n${quote(reminder)}\n`;
    expect(parseInlineReply({ text: reply, now: NOW, tz: TZ })).toEqual({
      commands: [{ kind: 'done', items: [3], inferred: true, source: 'Done' }],
      unknown: [],
    });
  });

  it('Outlook, top-posted over an unprefixed quote whose help block must not count', () => {
    const reply = [
      'Drop 4 please',
      '',
      'Get Outlook for iOS',
      '________________________________',
      'From: Nurture <reply+abc@in.example.com>',
      'Sent: Monday, November 30, 2026 8:00:00 AM',
      'To: Maria Keller <maria@example.org>',
      'Subject: Your week: 4 things',
      '',
      DIGEST_TEXT,
    ].join('\n');
    expect(brief(parseInlineReply({ text: reply, now: NOW, tz: TZ }).commands)).toEqual(['drop 4']);
    const { ownText, quotedText } = splitReply(reply);
    expect(brief(parse(ownText, quotedText).commands)).toEqual(['drop 4']);
  });

  it('Outlook desktop with "-----Original Message-----"', () => {
    const reply = `done 1\r\n\r\n-----Original Message-----\r\nFrom: Nurture\r\n\r\n${DIGEST_TEXT.replaceAll('\n', '\r\n')}`;
    expect(brief(parseInlineReply({ text: reply, now: NOW, tz: TZ }).commands)).toEqual(['done 1']);
  });

  it('ignores the quoted help block and everything below a signature delimiter', () => {
    const reply = `Thanks!\n-- \nMaria Keller\nskip 9 if you like\n\n${gmailHeader}\n${quote(DIGEST_TEXT)}\n`;
    expect(parseInlineReply({ text: reply, now: NOW, tz: TZ })).toEqual({ commands: [], unknown: [] });
  });

  it('Gmail HTML-only, "Done" above a quoted single-item reminder', () => {
    const html = [
      '<div dir="ltr">Done</div><br>',
      '<div class="gmail_quote"><div dir="ltr" class="gmail_attr">On Mon, 30 Nov 2026 at 08:00, Nurture ',
      '&lt;reply+abc@in.example.com&gt; wrote:<br></div>',
      '<blockquote class="gmail_quote" style="margin:0px 0px 0px 0.8ex">',
      '<p>3.&nbsp; You promised Jane Doe the restaurant recommendation</p><p>Reply “done 3” when it’s done.</p>',
      '</blockquote></div>',
    ].join('');
    expect(parseInlineReply({ text: convert(html, { wordwrap: false }), now: NOW, tz: TZ }).commands).toEqual([
      { kind: 'done', items: [3], inferred: true, source: 'Done' },
    ]);
  });

  describe('never reads the quoted digest’s own help block as commands', () => {
    // The real digest, as a user's client quotes it: its help block says "done 1,3", "snooze 1", "drop 9"…
    const real = renderDigest(sampleDigest(), { replyTo: 'reply+abc@in.example.com', unsubscribeMailto: 'mailto:reply+abc@in.example.com' });
    // Clients quote the digest's body, not its document: <html>, <head> and <style> are dropped.
    const quotedBody = /<body[^>]*>([\s\S]*)<\/body>/i.exec(real.html)?.[1] ?? '';
    const attribution = '<div class="gmail_attr">On Mon, 30 Nov 2026 at 08:00, Nurture &lt;reply+abc@in.example.com&gt; wrote:</div>';

    it('the real digest’s text and HTML do offer commands to copy (so the cases below prove something)', () => {
      expect(quotedBody.length).toBeGreaterThan(1000);
      expect(parseInlineReply({ text: real.text, now: NOW, tz: TZ }).commands.length).toBeGreaterThan(2);
      expect(parseInlineReply({ text: '', html: quotedBody, now: NOW, tz: TZ }).commands.length).toBeGreaterThan(2);
    });

    it('HTML-only reply "Thanks" over a Gmail quote of the HTML digest', () => {
      const html = `<div dir="ltr">Thanks!</div><br><div class="gmail_quote">${attribution}<blockquote class="gmail_quote">${quotedBody}</blockquote></div>`;
      expect(parseInlineReply({ text: '', html, now: NOW, tz: TZ })).toEqual({ commands: [], unknown: [] });
    });

    it('HTML-only reply "Thanks" over a quote of the whole HTML document (its own <html>, <head> and <body> nested)', () => {
      const html = `<div dir="ltr">Thanks!</div><div class="gmail_quote">${attribution}<blockquote class="gmail_quote">${real.html}</blockquote></div>`;
      expect(real.html).toMatch(/<body/);
      expect(parseInlineReply({ text: '', html, now: NOW, tz: TZ })).toEqual({ commands: [], unknown: [] });
    });

    it('HTML-only reply "done 2" over an Outlook quote (no blockquote: a header div, then the digest)', () => {
      const html = `<div>done 2</div><hr style="display:inline-block;width:98%"><div id="divRplyFwdMsg"><b>From:</b> Nurture<br><b>Sent:</b> Monday<br><b>Subject:</b> Your week</div>${quotedBody}`;
      expect(brief(parseInlineReply({ text: '', html, now: NOW, tz: TZ }).commands)).toEqual(['done 2']);
    });

    it.each([
      ['Dutch Outlook', ['Van: Nurture <reply+abc@in.example.com>', 'Verzonden: maandag 30 november 2026 08:00', 'Aan: Maria Keller', 'Onderwerp: Your week']],
      ['Italian Outlook', ['Da: Nurture', 'Inviato: lunedì 30 novembre 2026 08:00', 'A: Maria Keller', 'Oggetto: Your week']],
      ['Outlook with a sender name only', ['From: Nurture', 'Sent: Monday, November 30, 2026 8:00 AM', 'To: Maria Keller', 'Subject: Your week']],
    ])('%s, plain text with an unprefixed quote', (_client, header) => {
      const reply = ['snooze 1 2w', '', ...header, '', real.text].join('\n');
      expect(brief(parseInlineReply({ text: reply, now: NOW, tz: TZ }).commands)).toEqual(['snooze 1 until 2026-12-14']);
    });
  });

  it('answers a typo inline with a suggestion', () => {
    const reply = `${gmailHeader}\n> 2.  Follow up with Tom Baker\n\nsnoze 2 2w\n`;
    expect(parseInlineReply({ text: reply, now: NOW, tz: TZ }).unknown).toEqual([
      { word: 'snoze', text: 'snoze 2 2w', suggestion: 'snooze 2 2w' },
    ]);
  });
});

describe('typo distance', () => {
  it('counts a swap of neighbours as one slip', () => {
    expect(editDistance('dnoe', 'done')).toBe(1);
    expect(editDistance('dne', 'done')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
  });

  it('reaches one slip for short words and two for long ones', () => {
    expect(nearestCommand('jane')).toBeNull();
    expect(nearestCommand('snoooze')).toBe('snooze');
    expect(nearestCommand('unsubscrbe')).toBeNull();
    expect(nearestCommand('resme')).toBe('resume');
  });
});

// ------------------------------------------------------------------------------------------------------------------
// Real replies from public reply-parser suites: prose, quotes and signatures in many clients and languages.

const REPLIES = resolve(import.meta.dirname, '../../../shared/fixtures/replies');
const hasReplies = (() => {
  try {
    return statSync(REPLIES).isDirectory();
  } catch {
    return false;
  }
})();
if (!hasReplies) console.warn(`\n!!! SKIPPING real reply fixtures: ${REPLIES} is absent (never in CI) !!!\n`);

function fixtureFiles(dir: string, wanted: (name: string) => boolean): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return fixtureFiles(path, wanted);
    return wanted(name) ? [path] : [];
  });
}

/** HTML-only replies reach the parser as text the way capture would make it: blockquotes become `> ` lines. */
function htmlToText(html: string): string {
  return convert(html, { wordwrap: false });
}

describe.skipIf(!hasReplies)('real replies from ../shared/fixtures/replies', () => {
  const files = hasReplies ? fixtureFiles(REPLIES, (name) => !/\.(html|eml|tsv)$/.test(name)) : [];
  const htmlFiles = hasReplies ? fixtureFiles(REPLIES, (name) => name.endsWith('.html')) : [];
  const TOP_POSTED = 'Done 2, snooze 3 next friday';
  const EXPECTED = 'done 2|snooze 3 until 2026-12-11';

  it('has a useful number of plain-text replies', () => {
    expect(files.length).toBeGreaterThan(100);
  });

  it('reads no command and flags no word in any of them', () => {
    const noisy = files
      .map((f) => ({ file: relative(REPLIES, f), parsed: parseInlineReply({ text: readFileSync(f, 'utf8'), now: NOW, tz: TZ }) }))
      .filter(({ parsed }) => parsed.commands.length > 0 || parsed.unknown.length > 0);
    expect(noisy).toEqual([]);
  });

  it('finds exactly the commands top-posted above each of them', () => {
    const wrong = files
      .map((f) => {
        const text = `${TOP_POSTED}\n\n${readFileSync(f, 'utf8')}`;
        return { file: relative(REPLIES, f), got: brief(parseInlineReply({ text, now: NOW, tz: TZ }).commands) };
      })
      .filter(({ got }) => got.join('|') !== EXPECTED);
    expect(wrong).toEqual([]);
  });

  it('HTML-only replies (Gmail, Apple Mail, Outlook, iOS, Yahoo…): nothing in them, exactly what is added on top', () => {
    expect(htmlFiles.length).toBeGreaterThan(10);
    const wrong = htmlFiles
      .map((f) => {
        const html = readFileSync(f, 'utf8');
        const withCommands = /<body[^>]*>/i.test(html)
          ? html.replace(/<body[^>]*>/i, (body) => `${body}<div>${TOP_POSTED}</div>`)
          : `<div>${TOP_POSTED}</div>${html}`;
        const plain = parseInlineReply({ text: htmlToText(html), now: NOW, tz: TZ });
        const added = parseInlineReply({ text: htmlToText(withCommands), now: NOW, tz: TZ });
        return { file: relative(REPLIES, f), plain: plain.commands.length + plain.unknown.length, got: brief(added.commands) };
      })
      .filter(({ plain, got }) => plain !== 0 || got.join('|') !== EXPECTED);
    expect(wrong).toEqual([]);
  });

  it('takes the iPhone fixture\'s own text "Here is another email" for prose', () => {
    const text = readFileSync(join(REPLIES, 'crisp-email-reply-parser/email_iphone.txt'), 'utf8');
    expect(text).toContain('Sent from my iPhone');
    expect(parse(text)).toEqual({ commands: [], unknown: [] });
  });
});
