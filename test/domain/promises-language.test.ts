/**
 * Issue 10: promises read from the language, not from a verb list. Each sentence a user reported is sent as the
 * body of a real MIME mail through `explain`, as the promise fixtures are scored.
 */
import { describe, expect, it } from 'vitest';
import { explainMail } from '../../functions/capture/capture-service.ts';
import { detectCommitment } from '../../functions/domain/commitment.ts';
import { actionOf } from '../../functions/domain/promise-actions.ts';
import type { FoundPromise } from '../../functions/domain/types.ts';
import { composeMail } from '../support/mail.ts';

const CAPTURE = 'log@in.example.com';

async function explain(text: string, to = 'Pat Lee <pat@corp.example>'): Promise<FoundPromise[]> {
  const raw = await composeMail({ from: 'me@example.org', to, subject: 'Re: next steps', text, date: new Date('2026-11-25T10:00:00Z') });
  return (await explainMail(raw, 'test', { captureAddress: CAPTURE }, 'America/Chicago', new Date('2026-11-25T10:00:00Z'))).promises;
}

describe('ordinary verbs outside any action list are promises (issue 10, missed)', () => {
  it.each([
    ["I'll get the cookies on Friday.", 'do', 'on Friday'],
    ['I will make the adjustments.', 'do', null],
    ['I will return the transponder.', 'do', null],
    ["We'll finalize and file it today.", 'do', 'today'],
    ['I will then have it executed.', 'do', null],
    ["I'll invite suebob.", 'meet', null],
    ["I'll work with Frazier to see if we can identify someone.", 'do', null],
    ['I will have Kay send you the draft tomorrow.', 'send', 'tomorrow'],
    ["I'll have to check with Sara on the rates.", 'review', null],
    ['We will be working with the pipeline to schedule the volumes.', 'do', null],
    ['Please let me know when it is programmed and I will return the transponder.', 'do', 'when it is programmed'],
  ])('%s → %s', async (sentence, action, dueText) => {
    const found = await explain(sentence);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ action, dueText, to: ['pat@corp.example'] });
  });
});

describe('not promises, though they have a first person and "will" (issue 10, listed wrongly)', () => {
  it.each([
    "Among other things, I'll be handling Northern Natural's compliance with the rule.",
    'Our response to Data Request No. 1 contemplates that we will provide to FERC copies of the other bids.',
    'Pursuant to the order, we will provide the Commission with the revised volumes.',
    'Mom, John and I will come by before we leave.',
    'We are going to go into Columbus sat morning.',
    'if (x > 0) { y = f(x); } I will return y;',
    "I'll talk to you later.",
    "We'll just see what happens.",
    "I don't think we'll be able to help.",
    "I'll plan to attend.",
    'We will likely be defaulting on a lot of our December business.',
    'I will be willing to settle the option financially.',
    "In case some of my e-mails are floating through cyber space I'll recap.",
    "We'll do dinner tonight.",
    'We will have activities on Thursday for Bring Your Kid to Work Day.',
    "I'll be working from home on Friday.",
    'Let me explain how the pricing works.',
    "We'll get through this together.",
    "We'll cross that bridge when we come to it.",
    "I'll take that as a yes.",
  ])('%s', async (sentence) => {
    expect(await explain(sentence)).toEqual([]);
  });
});

describe('the part owed to the reader names a coordinated promise', () => {
  it('"check with the team and get back to you by Thursday" owes a reply, due Thursday', async () => {
    const [p] = await explain('Let me check with the team and get back to you by Thursday.');
    expect(p).toMatchObject({ action: 'reply', dueText: 'by Thursday', due: '2026-11-26' });
  });

  it('keeps the first verb when none is owed to the reader by name', () => {
    expect(detectCommitment("We'll finalize and file it today.")?.action).toBe('do');
    expect(detectCommitment("I'll send you the file and call Bob.")?.action).toBe('send');
  });

  it('does not take nouns joined by "and" for verbs', () => {
    expect(detectCommitment('This year we will participate as a sponsor and exhibitor.')).toBeNull();
  });
});

describe('a promise that names its object by a pronoun carries the sentence before it', () => {
  it('"I\'ll send them Friday" says what "them" is', async () => {
    const found = await explain("Hi Pat,\n\nThe signed copies of the lease are with Kay.\nI'll send them Friday.\n\nBest,\nMe");
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ action: 'send', dueText: 'Friday', context: 'The signed copies of the lease are with Kay.' });
  });

  it('has no context when the object is named, or when only a greeting comes before', async () => {
    expect((await explain("Thanks for the call. I'll send the lease Friday."))[0]?.context).toBeUndefined();
    expect((await explain("Hi Pat,\n\nI'll forward it tomorrow."))[0]).toMatchObject({ action: 'send' });
    expect((await explain("Hi Pat,\n\nI'll forward it tomorrow."))[0]?.context).toBeUndefined();
    // An address line is not a greeting word, but says no more (seen on real Enron mail in a digest).
    expect((await explain("Mr. Ross,\n\nWe will make this change and send it back.")).map((p) => p.context)).toEqual([undefined]);
    // A real sentence before still counts.
    expect((await explain("The lease is signed. I'll forward it tomorrow."))[0]?.context).toBe('The lease is signed.');
  });
});

describe('"intro" is an introduction', () => {
  it('in a note: "promised to intro her to Lee"', async () => {
    const raw = await composeMail({ from: 'me@example.org', to: CAPTURE, subject: 'met Dana', text: 'Met Dana White <dana@startup.io> at the meetup. Promised to intro her to Lee.', date: new Date('2026-11-25T10:00:00Z') });
    const out = await explainMail(raw, 'test', { captureAddress: CAPTURE }, 'UTC', new Date('2026-11-25T10:00:00Z'));
    expect(out.kind).toBe('note');
    expect(out.promises).toHaveLength(1);
    expect(out.promises[0]).toMatchObject({ action: 'introduce', to: ['dana@startup.io'], introduce: ['dana@startup.io', 'Lee'] });
  });

  it.each(["I'll intro you to Lee.", "I'll e-intro you two tomorrow.", "Sam is great, I'll make an intro next week."])('%s', async (sentence) => {
    expect((await explain(sentence))[0]?.action).toBe('introduce');
  });

  it('"intro\'d" names an introduction, "introduction" alone is a noun', () => {
    expect(actionOf("intro'd you to her")).toBe('introduce');
    expect(actionOf('introduction of the new rules')).toBe('do');
  });
});

describe('the grammar decides, the lexicon only names', () => {
  it('any verb after a first-person future form is a promise of kind do', () => {
    expect(detectCommitment("I'll recalibrate the meter on Monday.")).toMatchObject({ action: 'do' });
    expect(detectCommitment("We're going to repaint the lobby for you.")).toMatchObject({ action: 'do' });
  });

  it('a capitalised word or a function word after "going to" is a place, not a verb', () => {
    expect(detectCommitment('I am going to Chicago tomorrow.')).toBeNull();
    expect(detectCommitment("I'm going to the store.")).toBeNull();
  });

  it('"have <someone> <do>" is judged by the delegated verb', () => {
    expect(detectCommitment('I will have Kay call you.')?.action).toBe('meet');
    expect(detectCommitment('We will have a party.')).toBeNull();
  });

  it('"going to" / "plan to" is an intention: a promise only when aimed at the reader', () => {
    expect(detectCommitment("I'm going to send you the numbers tonight.")?.action).toBe('send');
    expect(detectCommitment("We're going to repaint the lobby for you.")?.action).toBe('do');
    expect(detectCommitment('I am going to do another cake with white chocolate frosting.')).toBeNull();
    expect(detectCommitment('I will do another cake for the party.')?.action).toBe('do');
  });

  it('an offer on the reader\'s terms stays an offer; a condition on events does not', () => {
    expect(detectCommitment("If you want, I'll send the deck.")).toBeNull();
    expect(detectCommitment("If the numbers come in, I'll call Bob.")?.action).toBe('meet');
  });
});
