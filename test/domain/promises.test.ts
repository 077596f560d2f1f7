import { fixturesPresent, readFixture } from '../support/fixtures.ts';
import { describe, expect, it } from 'vitest';
import { extractOwnText } from '../../functions/domain/own-text.ts';
import { detectCommitment } from '../../functions/domain/commitment.ts';
import { findPromises, normalizePromiseText, splitSentences } from '../../functions/domain/promises.ts';

const ctx = {
  date: '2026-11-25T10:00:00.000Z', // a Wednesday
  tz: 'Europe/Berlin',
  recipients: [{ email: 'jane@acme.com', name: 'Jane Doe' }, { email: 'sam@beta.io', name: 'Sam Lee' }],
};
const promised = (text: string): boolean => findPromises(text, ctx).length > 0;

describe('first person + future modal + concrete action is a promise', () => {
  it.each([
    ["I'll send you the app link.", 'send'],
    ['I will introduce you to Sam.', 'introduce'],
    ['Let me check and get back to you by Thursday.', 'reply'],
    ["We'll have the draft to you next week.", 'send'],
    ["I'll try to call you this afternoon.", 'meet'],
    ['I should be able to get it to you next week.', 'send'],
    ["I'll take care of it.", 'do'],
    ['We will keep you posted.', 'reply'],
    ["We'll be sending out the agenda shortly.", 'send'],
    ["I'll look at it and get back to you first thing Monday.", 'reply'],
  ])('%s → %s', (sentence, action) => {
    expect(findPromises(sentence, ctx).map((p) => p.action)).toEqual([action]);
  });
});

describe('not promises: requests, questions, past, plans, others, pleasantries, negations', () => {
  it.each([
    'Please send me the report.',
    'Can you call me tomorrow?',
    'Shall I send it over?',
    'I sent it yesterday.',
    'I am attaching the file.',
    "I'll be out of the office next week.",
    'I am going to Chicago tomorrow on business.',
    'John will send it on Friday.',
    "I'll see you there.",
    "I'll talk to you soon.",
    'I look forward to meeting you.',
    "I won't be able to make it.",
    'I will not send it.',
    'We will need the signed contract.',
    'I will attend the meeting.',
    'I still cannot say if we will file the motion.',
  ])('%s', (sentence) => {
    expect(promised(sentence)).toBe(false);
  });
});

describe('opinions and guesses about one\'s own future are not promises', () => {
  it.each([
    "I guess I'll be updating my resume this weekend.",
    "I think I'm going to sign it, which means I'll be here another year.",
    "Probably we'll send the numbers next week.",
  ])('%s', (sentence) => expect(promised(sentence)).toBe(false));

  it('but a plain undertaking next to an opinion still is', () => {
    expect(promised("I think the draft is good; I'll send it to you tomorrow.")).toBe(true);
  });
});

describe('offers that wait on the reader are not reported', () => {
  it.each([
    "Let me know if you need anything and I'll send it.",
    "Let me know and I'll get you access.",
    "If you want, I'll send the deck.",
    "Happy to help if that's useful.",
    "I'll send it over if you'd like.",
    "I'd be happy to introduce you to Sam.",
    'I can call you if that works.',
  ])('%s', (sentence) => {
    expect(promised(sentence)).toBe(false);
  });

  it('keeps a promise whose condition is not on the reader', () => {
    expect(promised("I'll call him at 3pm if he is available.")).toBe(true);
  });
});

describe('whom it is owed to', () => {
  it('owes a mail promise to the recipients', () => {
    expect(findPromises("I'll send you the deck.", ctx)[0]?.to).toEqual(['jane@acme.com', 'sam@beta.io']);
  });

  it('narrows to a recipient named in the sentence', () => {
    expect(findPromises("I'll send Jane the deck tomorrow.", ctx)[0]?.to).toEqual(['jane@acme.com']);
  });

  it('names both people of an introduction, resolving a Cc by first name', () => {
    const [p] = findPromises("I'll introduce you to Sam next week.", { ...ctx, recipients: [ctx.recipients[0]!] , knownContacts: [{ email: 'sam@beta.io', name: 'Sam Lee' }] });
    expect(p?.action).toBe('introduce');
    expect(p?.introduce).toEqual(['jane@acme.com', 'sam@beta.io']);
    expect(p?.to).toEqual(['jane@acme.com']);
  });

  it('resolves the person of a note from known contacts', () => {
    const known = [{ email: 'ana@lisbon.pt', name: 'Ana Silva' }, { email: 'tom@x.com', name: 'Tom Hart' }];
    const found = findPromises('Met Ana at the conference. Promised to send her the restaurant recommendation.', {
      ...ctx,
      recipients: [],
      knownContacts: known,
      isNote: true,
    });
    expect(found).toHaveLength(1);
    expect(found[0]?.action).toBe('send');
    expect(found[0]?.to).toEqual([]); // "her" alone: the name is in the previous sentence
    const named = findPromises('Promised to send Ana the restaurant recommendation by Friday.', { ...ctx, recipients: [], knownContacts: known, isNote: true });
    expect(named[0]?.to).toEqual(['ana@lisbon.pt']);
    expect(named[0]?.due).toBe('2026-11-27');
  });
});

describe('due phrases and defaults', () => {
  it('resolves "by Friday" against the mail day', () => {
    expect(findPromises("I'll send you the deck by Friday.", ctx)[0]).toMatchObject({ dueText: 'by Friday', due: '2026-11-27' });
  });
  it('defaults to mail day + defaultDueDays', () => {
    expect(findPromises("I'll send you the deck.", { ...ctx, defaultDueDays: 5 })[0]).toMatchObject({ dueText: null, due: '2026-11-30' });
  });
  it('takes the phrase after the promise, not the one in a leading condition', () => {
    const [p] = findPromises("If he doesn't call by the end of the day I will call him tomorrow morning.", ctx);
    expect(p?.dueText).toBe('tomorrow morning');
  });
});

describe('"not a promise" feedback', () => {
  it('drops sentences whose normalised wording the user distrusted', () => {
    const wording = normalizePromiseText("I'll take care of it!");
    expect(wording).toBe("i'll take care of it");
    expect(findPromises("I’ll take care of it.", { ...ctx, distrust: [wording] })).toEqual([]);
    expect(findPromises("I'll send you the deck.", { ...ctx, distrust: [wording] })).toHaveLength(1);
  });
});

describe('sentence splitting', () => {
  it('keeps a sentence whole across a doubled line break inside it, in text that doubles every break', () => {
    // Text exported from HTML (a real Enron mail) has a blank line after every line, in the middle of sentences too.
    const doubled = [
      'Stevens,',
      'Joe put a call into Destin today, but our contact was out.  Once we talk to ',
      'the right person and find out exactly what needs to be done, I think we would ',
      "be very interested in having Rebel draft the letter.  I'll let you know as ",
      'soon as I know...',
      'Susan',
    ].join('\n\n');
    expect(splitSentences(doubled)).toEqual([
      'Stevens,',
      'Joe put a call into Destin today, but our contact was out.',
      'Once we talk to the right person and find out exactly what needs to be done, I think we would be very interested in having Rebel draft the letter.',
      "I'll let you know as soon as I know...",
      'Susan',
    ]);
  });

  it('keeps a blank line a break everywhere else: inline replies, headings, greetings, lists', () => {
    // An inline reply whose quoted questions were taken out: each answer stands alone (its own due date, its own person).
    expect(splitSentences("Sure, I'll send it over\n\nnext tuesday works for me\n\ntom does")).toEqual(["Sure, I'll send it over", 'next tuesday works for me', 'tom does']);
    expect(splitSentences('Next steps\n\nwe will circulate the draft\n\nthanks\n\nbob')).toEqual(['Next steps', 'we will circulate the draft', 'thanks', 'bob']);
    expect(splitSentences("hey tom,\n\ni'll send them over tonight\n\ncheers\n\nann")).toEqual(['hey tom,', "i'll send them over tonight", 'cheers', 'ann']);
    expect(splitSentences('a) budget\n\nb) hiring\n\nwe walk the dogs\n\ni\'ll do dishes')).toEqual(['a) budget', 'b) hiring', 'we walk the dogs', "i'll do dishes"]);
  });

  it('reads a very long unit in linear time and gives no sentence past its length', () => {
    const long = `${'a'.repeat(50)}. b\n\n`.repeat(4_000);
    const sentences = splitSentences(long);
    expect(sentences.length).toBeGreaterThan(0);
    expect(Math.max(...sentences.map((x) => x.length))).toBeLessThan(2_000);
  });

  it('joins wrapped lines, splits sentences and list items, respects abbreviations', () => {
    expect(splitSentences('Hi Jane,\n\nI will send the deck to\nyou tomorrow. Mr. Lee agrees.\n- item one\n- item two')).toEqual([
      'Hi Jane,',
      'I will send the deck to you tomorrow.',
      'Mr. Lee agrees.',
      '- item one',
      '- item two',
    ]);
  });
});

const haveEnron = fixturesPresent('enron-sent');
describe.skipIf(!haveEnron)('real sent mail (Enron)', () => {
  const mails = haveEnron
    ? readFixture('enron-sent/sent.jsonl').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { body: string; to: string[] })
    : [];
  it('finds promises only in the writer’s words, never in forwarded text', () => {
    let total = 0;
    for (const mail of mails) {
      const own = extractOwnText({ text: mail.body, html: null });
      // A sentence's lines are joined by one space, also across a doubled line break inside it.
      const folded = own.replace(/\s+/g, ' ');
      for (const p of findPromises(own, { ...ctx, recipients: [] })) {
        total++;
        expect(folded).toContain(p.text.slice(0, 20));
        expect(p.text).not.toMatch(/Forwarded by|-----Original Message-----/u);
      }
    }
    expect(total).toBeGreaterThan(10);
  });
});

describe('detectCommitment', () => {
  it('accepts a subjectless imperative only in a note', () => {
    expect(detectCommitment('Send Jane the Lisbon deck.')).toBeNull();
    expect(detectCommitment('Send Jane the Lisbon deck.', { isNote: true })?.action).toBe('send');
  });

  it('reads "promised her the app link" in a note as a promise to send it', () => {
    expect(detectCommitment('Met Jane Doe at the meetup — promised her the app link.', { isNote: true })?.action).toBe('send');
    expect(detectCommitment('Promised Jane the app link by Friday.', { isNote: true })?.action).toBe('send');
    expect(detectCommitment('Promised Jane Doe a copy of the report.', { isNote: true })?.action).toBe('send');
    // Not a thing given: a promise someone made to the user, or past talk outside a note.
    expect(detectCommitment('She promised me the app link.', { isNote: true })).toBeNull();
    expect(detectCommitment('Jane promised Bob the deck.', { isNote: true })).toBeNull();
    expect(detectCommitment('Lunch with Jane; I promised her a copy of the report.', { isNote: true })?.action).toBe('send');
    expect(detectCommitment('Met Jane at the meetup — promised her the app link.')).toBeNull();
  });
});
