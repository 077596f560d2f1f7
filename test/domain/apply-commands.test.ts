import { describe, expect, it } from 'vitest';
import {
  type DigestRef,
  HELP_TEXT,
  planCommands,
  renderConfirmation,
} from '../../functions/domain/apply-commands.ts';
import { type Command, parseCommands, parseInlineReply } from '../../functions/domain/reply-commands.ts';

const NOW = new Date('2026-11-30T07:00:00.000Z');
const TZ = 'Europe/Berlin';

const THIS_WEEK: DigestRef = {
  digestId: 'd_2026-11-30',
  weekOf: '2026-11-30',
  items: [
    { n: 1, section: 'checkin', contacts: ['ana@acme.example'], promiseId: null, text: 'Check in with Ana Souza' },
    { n: 2, section: 'followup', contacts: ['tom@startup.example'], promiseId: null, text: 'Follow up with Tom Baker' },
    {
      n: 3,
      section: 'promise',
      contacts: ['jane@acme.example'],
      promiseId: 'p_jane_deck',
      text: 'You promised Jane the deck',
    },
    {
      n: 4,
      section: 'connection',
      contacts: ['sam@robotics.example', 'priya@lab.example'],
      promiseId: 'p_intro_sam',
      text: 'Introduce Sam to Priya, as you offered',
    },
    { n: 5, section: 'checkin', contacts: ['lee@x.example', 'kim@x.example'], promiseId: null },
  ],
};

const LAST_WEEK: DigestRef = {
  digestId: 'd_2026-11-23',
  weekOf: '2026-11-23',
  items: [
    { n: 1, section: 'promise', contacts: ['bob@old.example'], promiseId: 'p_bob_report', text: 'You promised Bob the report' },
    { n: 2, section: 'checkin', contacts: ['eve@old.example'], promiseId: null, text: 'Check in with Eve' },
  ],
};

function commands(ownText: string): readonly Command[] {
  return parseCommands({ ownText, quotedText: '', now: NOW, tz: TZ }).commands;
}

function plan(ownText: string, digest = THIS_WEEK, settings?: { checkins: number; paused: boolean }) {
  return planCommands({ digest, commands: commands(ownText), settings });
}

describe('planCommands: items', () => {
  it('closes a promise with "done" and says which one', () => {
    const { changes, results } = plan('done 3');
    expect(changes).toEqual([{ type: 'promise-state', promiseId: 'p_jane_deck', state: 'done' }]);
    expect(results).toEqual([
      { kind: 'done', source: 'done 3', outcome: 'changed', message: 'Marked 3 done: You promised Jane the deck' },
    ]);
  });

  it('answers a check-in or follow-up with "done" for every person on it', () => {
    expect(plan('done 1').changes).toEqual([{ type: 'contact-done', email: 'ana@acme.example', digestId: 'd_2026-11-30' }]);
    expect(plan('done 5').changes).toEqual([
      { type: 'contact-done', email: 'lee@x.example', digestId: 'd_2026-11-30' },
      { type: 'contact-done', email: 'kim@x.example', digestId: 'd_2026-11-30' },
    ]);
  });

  it('describes an item without text from its section and people', () => {
    expect(plan('done 5').results[0]?.message).toBe('Marked 5 done: check in with lee@x.example, kim@x.example');
  });

  it('treats an introduction the user offered as the promise it is', () => {
    expect(plan('done 4').changes).toEqual([{ type: 'promise-state', promiseId: 'p_intro_sam', state: 'done' }]);
  });

  it('gives one result per item and acts on each item once', () => {
    const { changes, results } = plan('done 1,3 3');
    expect(results.map((r) => r.message)).toEqual([
      'Marked 1 done: Check in with Ana Souza',
      'Marked 3 done: You promised Jane the deck',
    ]);
    expect(changes).toHaveLength(2);
  });

  it('reopens with "undo"', () => {
    expect(plan('undo 3').changes).toEqual([{ type: 'promise-state', promiseId: 'p_jane_deck', state: 'open' }]);
    expect(plan('undo 2').changes).toEqual([
      { type: 'contact-reopen', email: 'tom@startup.example', digestId: 'd_2026-11-30' },
    ]);
    expect(plan('undo 3').results[0]?.message).toBe('Reopened 3: You promised Jane the deck');
  });

  it('snoozes promises and people to the day asked', () => {
    expect(plan('snooze 3 2w').changes).toEqual([
      { type: 'promise-state', promiseId: 'p_jane_deck', state: 'snoozed', until: '2026-12-14' },
    ]);
    expect(plan('snooze 1 dec 15').changes).toEqual([
      { type: 'contact-snooze', email: 'ana@acme.example', until: '2026-12-15' },
    ]);
    expect(plan('snooze 1 dec 15').results[0]?.message).toBe('Snoozed 1 until Tue 15 Dec: Check in with Ana Souza');
  });

  it('says when it could not read the date and used the default', () => {
    expect(plan('snooze 3 whenever').results[0]?.message).toBe(
      'Snoozed 3 until Mon 7 Dec: You promised Jane the deck (I couldn\'t read "whenever" as a date, so 7 days)',
    );
  });

  it('skips a person, and snoozes a promise that was "skipped"', () => {
    expect(plan('skip 2').changes).toEqual([{ type: 'contact-skip', email: 'tom@startup.example', until: '2026-12-28' }]);
    expect(plan('skip 2').results[0]?.message).toBe("Won't suggest 2 before Mon 28 Dec: Follow up with Tom Baker");
    expect(plan('skip 3 1w').changes).toEqual([
      { type: 'promise-state', promiseId: 'p_jane_deck', state: 'snoozed', until: '2026-12-07' },
    ]);
  });

  it('drops a promise and asks to trust that wording less', () => {
    const { changes, results } = plan('drop 3');
    expect(changes).toEqual([
      { type: 'promise-state', promiseId: 'p_jane_deck', state: 'dropped' },
      { type: 'distrust-wording', promiseId: 'p_jane_deck' },
    ]);
    expect(results[0]?.outcome).toBe('changed');
  });

  it('refuses to drop a check-in and points to skip', () => {
    const { changes, results } = plan('drop 1');
    expect(changes).toEqual([]);
    expect(results[0]).toMatchObject({ outcome: 'error', message: expect.stringContaining('reply "skip 1"') });
  });

  it('names the digest and its size when an item does not exist', () => {
    const { changes, results } = plan('done 9');
    expect(changes).toEqual([]);
    expect(results).toEqual([
      {
        kind: 'done',
        source: 'done 9',
        outcome: 'error',
        message: 'There is no item 9 in the digest of 30 Nov; it had 5 items.',
      },
    ]);
    const unnamed = planCommands({ digest: { ...LAST_WEEK, weekOf: undefined }, commands: commands('done 3') });
    expect(unnamed.results[0]?.message).toBe('There is no item 3 in the digest you replied to; it had 2 items.');
  });

  it('acts on the mix of good and bad items it was given', () => {
    const { changes, results } = plan('done 3 9');
    expect(changes).toEqual([{ type: 'promise-state', promiseId: 'p_jane_deck', state: 'done' }]);
    expect(results.map((r) => r.outcome)).toEqual(['changed', 'error']);
  });

  it('asks for a number when a bare "done" could not be tied to an item', () => {
    const { changes, results } = plan('done');
    expect(changes).toEqual([]);
    expect(results[0]?.message).toBe('"done" needs an item number from the digest, e.g. "done 2".');
  });

  it('reads numbers against the digest being answered, never another week', () => {
    expect(plan('done 1', LAST_WEEK).changes).toEqual([{ type: 'promise-state', promiseId: 'p_bob_report', state: 'done' }]);
    expect(plan('done 1', THIS_WEEK).changes).toEqual([
      { type: 'contact-done', email: 'ana@acme.example', digestId: 'd_2026-11-30' },
    ]);
    expect(plan('done 2', LAST_WEEK).changes).toEqual([
      { type: 'contact-done', email: 'eve@old.example', digestId: 'd_2026-11-23' },
    ]);
  });

  it('keeps the order the user wrote, so the last word wins', () => {
    expect(plan('done 3\nundo 3').changes.map((c) => 'state' in c && c.state)).toEqual(['done', 'open']);
  });

  it('says a promise already was done, dropped or open instead of changing it again, tracking the reply’s own changes', () => {
    const id = THIS_WEEK.items.find((i) => i.n === 3)!.promiseId!;
    const withState = (text: string, state: string) => planCommands({ digest: THIS_WEEK, commands: commands(text), promiseStates: new Map([[id, state]]) });
    const twice = withState('done 3', 'done');
    expect(twice.changes).toEqual([]);
    expect(twice.results[0]).toMatchObject({ outcome: 'info', message: expect.stringMatching(/^3 was already marked done: /) });
    expect(withState('drop 3', 'dropped').changes).toEqual([]);
    expect(withState('undo 3', 'open').results[0]?.outcome).toBe('info');
    // "undo 3, done 3" on a done promise: the undo reopens it, so the done that follows is a change again.
    expect(withState('undo 3\ndone 3', 'done').changes.map((c) => 'state' in c && c.state)).toEqual(['open', 'done']);
    // "done 3, undo 3" on an open promise: both apply.
    expect(withState('done 3\nundo 3', 'open').changes.map((c) => 'state' in c && c.state)).toEqual(['done', 'open']);
  });
});

describe('planCommands: settings', () => {
  it('pauses and resumes the digest', () => {
    expect(plan('pause').changes).toEqual([{ type: 'settings', paused: true }]);
    expect(plan('stop').changes).toEqual([{ type: 'settings', paused: true }]);
    expect(plan('resume').changes).toEqual([{ type: 'settings', paused: false }]);
  });

  it('says so instead of changing what is already so', () => {
    const { changes, results } = plan('pause', THIS_WEEK, { checkins: 3, paused: true });
    expect(changes).toEqual([]);
    expect(results[0]).toMatchObject({ outcome: 'info', message: 'Your digest was already paused.' });
  });

  it('counts check-ins up and down within 1–10', () => {
    expect(plan('more', THIS_WEEK, { checkins: 3, paused: false }).results[0]?.message).toBe('Check-ins per digest: 3 → 4.');
    const twice = plan('more\nmore', THIS_WEEK, { checkins: 3, paused: false });
    expect(twice.changes).toEqual([
      { type: 'settings', checkinsDelta: 1 },
      { type: 'settings', checkinsDelta: 1 },
    ]);
    expect(twice.results[1]?.message).toBe('Check-ins per digest: 4 → 5.');
    expect(plan('more', THIS_WEEK, { checkins: 10, paused: false }).changes).toEqual([]);
    expect(plan('fewer', THIS_WEEK, { checkins: 1, paused: false }).changes).toEqual([]);
    expect(plan('fewer', THIS_WEEK, { checkins: 2, paused: false }).changes).toEqual([{ type: 'settings', checkinsDelta: -1 }]);
  });

  it('plans a delta even without the current settings', () => {
    expect(plan('fewer').changes).toEqual([{ type: 'settings', checkinsDelta: -1 }]);
  });

  it('changes nothing for help', () => {
    expect(plan('help')).toEqual({
      changes: [],
      results: [{ kind: 'help', source: 'help', outcome: 'info', message: 'The commands are listed below.' }],
    });
  });
});

describe('renderConfirmation', () => {
  it('lists what changed, what needs a look, and points to help', () => {
    const parsed = parseCommands({ ownText: 'done 3\nsnooze 1 2w\ndone 9\ndne 2', quotedText: '', now: NOW, tz: TZ });
    const { results } = planCommands({ digest: THIS_WEEK, commands: parsed.commands });
    const mail = renderConfirmation(results, parsed.unknown);
    expect(mail.subject).toBe('Nurture: 2 changes, 2 things to check');
    expect(mail.text).toBe(
      [
        'Done from your reply:',
        '- Marked 3 done: You promised Jane the deck',
        '- Snoozed 1 until Mon 14 Dec: Check in with Ana Souza',
        '',
        'Needs a look:',
        '- There is no item 9 in the digest of 30 Nov; it had 5 items.',
        '- I didn\'t understand "dne 2". Did you mean "done 2"?',
        '',
        'Reply "help" for the list of commands.',
        '',
      ].join('\n'),
    );
  });

  it('sends the help text when asked, and only then with a help subject', () => {
    const mail = renderConfirmation(plan('help').results, []);
    expect(mail.subject).toBe('Nurture: how to reply');
    expect(mail.text).toContain(HELP_TEXT);
    expect(renderConfirmation(plan('done 3').results, []).text).not.toContain(HELP_TEXT);
  });

  it('says nothing changed and explains the commands when nothing was understood', () => {
    const mail = renderConfirmation([], []);
    expect(mail.subject).toBe('Nurture: nothing changed');
    expect(mail.text).toContain("I couldn't find a command in your reply.");
    expect(mail.text).toContain(HELP_TEXT);
  });

  it('shows a typo without help text when that is all there was', () => {
    const mail = renderConfirmation([], [{ word: 'pasue', text: 'pasue', suggestion: 'pause' }]);
    expect(mail.subject).toBe('Nurture: nothing changed');
    expect(mail.text).toContain('- I didn\'t understand "pasue". Did you mean "pause"?');
    expect(mail.text).not.toContain("I couldn't find a command");
  });

  it('shows what the user typed on one line, without control characters', () => {
    const mail = renderConfirmation([], [{ word: 'x', text: 'x\u0007 2\u202e', suggestion: null }]);
    expect(mail.text).toContain('- I didn\'t understand "x 2".');
  });

  it('mentions every command in the help text', () => {
    for (const word of ['done', 'undo', 'snooze', 'drop', 'skip', 'pause', 'resume', 'more', 'fewer', 'help']) {
      expect(HELP_TEXT).toMatch(new RegExp(`\\b${word}\\b`));
    }
  });
});

describe('a reply from start to finish', () => {
  it('an iPhone "Done" under a one-item reminder closes that promise', () => {
    const reply = [
      'Done',
      '',
      'Sent from my iPhone',
      '',
      '> On 30 Nov 2026, at 08:00, Nurture <reply+abc@in.example.com> wrote:',
      '>',
      '> 3.  You promised Jane the deck',
    ].join('\n');
    const parsed = parseInlineReply({ text: reply, now: NOW, tz: TZ });
    const { changes, results } = planCommands({ digest: THIS_WEEK, commands: parsed.commands });
    expect(changes).toEqual([{ type: 'promise-state', promiseId: 'p_jane_deck', state: 'done' }]);
    expect(renderConfirmation(results, parsed.unknown)).toEqual({
      subject: 'Nurture: 1 change',
      text: 'Done from your reply:\n- Marked 3 done: You promised Jane the deck\n',
    });
  });
});
