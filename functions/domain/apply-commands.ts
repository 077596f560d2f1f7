/**
 * What reply commands change, planned against the digest being answered (never today's: numbers mean what the user
 * saw). Pure: returns typed changes for the store to apply, and one human-readable line per outcome for the
 * confirmation mail.
 */
import { DateTime } from 'luxon';
import { REPLY_TOKEN_WEEKS } from './reply-token.ts';
import {
  type Command,
  DEFAULT_SKIP_DAYS,
  DEFAULT_SNOOZE_DAYS,
  type DatedItemCommand,
  type ItemCommand,
  type UnknownWord,
} from './reply-commands.ts';

export type DigestSection = 'checkin' | 'followup' | 'promise' | 'connection';

export interface DigestItemRef {
  readonly n: number;
  readonly section: DigestSection;
  /** E-mail addresses the item is about. */
  readonly contacts: readonly string[];
  readonly promiseId: string | null;
  /** The item as the digest showed it ("You promised Jane the deck"), for confirmations. */
  readonly text?: string;
}

export interface DigestRef {
  readonly digestId: string;
  /** ISO day the digest was for, named in errors ("the digest of 30 Nov"). */
  readonly weekOf?: string;
  readonly items: readonly DigestItemRef[];
}

export type Change =
  | {
      readonly type: 'promise-state';
      readonly promiseId: string;
      readonly state: 'done' | 'open' | 'snoozed' | 'dropped';
      /** ISO day, with `snoozed`. */
      readonly until?: string;
    }
  /** Checked in / followed up: the suggestion is answered. */
  | { readonly type: 'contact-done'; readonly email: string; readonly digestId: string }
  /** `undo` on a contact item: take back a done/skip/snooze given for this digest. */
  | { readonly type: 'contact-reopen'; readonly email: string; readonly digestId: string }
  /** Don't suggest until the day (ISO). */
  | { readonly type: 'contact-skip'; readonly email: string; readonly until: string }
  /** Suggest again on the day (ISO). */
  | { readonly type: 'contact-snooze'; readonly email: string; readonly until: string }
  | { readonly type: 'settings'; readonly paused?: boolean; readonly checkinsDelta?: number }
  /** `drop`: this was not a promise; trust the same wording less for this user. */
  | { readonly type: 'distrust-wording'; readonly promiseId: string };

export type Outcome = 'changed' | 'error' | 'info';

export interface CommandResult {
  readonly kind: Command['kind'];
  /** The command as typed. */
  readonly source: string;
  readonly outcome: Outcome;
  readonly message: string;
}

export interface CommandPlan {
  readonly changes: readonly Change[];
  readonly results: readonly CommandResult[];
}

export interface PlanInput {
  readonly digest: DigestRef;
  readonly commands: readonly Command[];
  /** The user's settings now, to say "3 → 4" and not go past the limits; without them deltas are planned blindly. */
  readonly settings?: { readonly checkins: number; readonly paused: boolean };
  /** The reply's token is past its date: settings still apply, the digest's item numbers no longer do. */
  readonly expired?: boolean;
  /** The current state of the promises the commands name, so "done 3" twice says it already was. */
  readonly promiseStates?: ReadonlyMap<string, string>;
}

export const MIN_CHECKINS = 1;
export const MAX_CHECKINS = 10;

const SECTION_FALLBACK: Readonly<Record<DigestSection, string>> = {
  checkin: 'check in with',
  followup: 'follow up with',
  promise: 'your promise to',
  connection: 'the introduction for',
};

function describe(item: DigestItemRef): string {
  if (item.text && item.text.trim() !== '') return item.text.trim();
  return `${SECTION_FALLBACK[item.section]} ${item.contacts.join(', ') || 'someone'}`;
}

function dayLabel(isoDay: string): string {
  return DateTime.fromISO(isoDay, { zone: 'utc' }).setLocale('en-GB').toFormat('ccc d LLL');
}

function digestLabel(digest: DigestRef): string {
  if (!digest.weekOf) return 'the digest you replied to';
  return `the digest of ${DateTime.fromISO(digest.weekOf, { zone: 'utc' }).setLocale('en-GB').toFormat('d LLL')}`;
}

function missingItem(digest: DigestRef, n: number): string {
  const count = digest.items.length;
  return `There is no item ${n} in ${digestLabel(digest)}; it had ${count} item${count === 1 ? '' : 's'}.`;
}

function untilNote(command: DatedItemCommand): string {
  if (!command.untilUnreadable || command.untilText === null) return '';
  const fallback = command.kind === 'snooze' ? DEFAULT_SNOOZE_DAYS : DEFAULT_SKIP_DAYS;
  return ` (I couldn't read "${command.untilText}" as a date, so ${fallback} days)`;
}

interface Planned {
  readonly changes: Change[];
  readonly result: Omit<CommandResult, 'source' | 'kind'>;
}

function changed(message: string, ...changes: Change[]): Planned {
  return { changes, result: { outcome: 'changed', message } };
}

function failed(message: string): Planned {
  return { changes: [], result: { outcome: 'error', message } };
}

/** What the promise already is, when the command would change nothing ("done" on a done promise). */
const ALREADY: Readonly<Record<string, { readonly state: string; readonly message: string }>> = {
  done: { state: 'done', message: 'was already marked done' },
  drop: { state: 'dropped', message: 'was already dropped' },
  undo: { state: 'open', message: 'is open already' },
};

function unchanged(message: string): Planned {
  return { changes: [], result: { outcome: 'info', message } };
}

function planItem(command: ItemCommand | DatedItemCommand, item: DigestItemRef, digest: DigestRef, promiseState?: string): Planned {
  const what = describe(item);
  const promiseId = item.promiseId;
  const already = ALREADY[command.kind];
  if (promiseId && already && promiseState === already.state) return unchanged(`${item.n} ${already.message}: ${what}`);
  const contactChanges = <T extends Change>(make: (email: string) => T): T[] => item.contacts.map(make);
  if (promiseId === null && item.contacts.length === 0) return failed(`Item ${item.n} can't be changed by reply.`);

  switch (command.kind) {
    case 'done':
      return promiseId
        ? changed(`Marked ${item.n} done: ${what}`, { type: 'promise-state', promiseId, state: 'done' })
        : changed(
            `Marked ${item.n} done: ${what}`,
            ...contactChanges((email) => ({ type: 'contact-done' as const, email, digestId: digest.digestId })),
          );
    case 'undo':
      return promiseId
        ? changed(`Reopened ${item.n}: ${what}`, { type: 'promise-state', promiseId, state: 'open' })
        : changed(
            `Reopened ${item.n}: ${what}`,
            ...contactChanges((email) => ({ type: 'contact-reopen' as const, email, digestId: digest.digestId })),
          );
    case 'drop':
      return promiseId
        ? changed(
            `Dropped ${item.n}: ${what}. I'll trust wording like this less from now on.`,
            { type: 'promise-state', promiseId, state: 'dropped' },
            { type: 'distrust-wording', promiseId },
          )
        : failed(
            `Item ${item.n} is not a promise, so there is nothing to drop. To stop seeing it for a while, reply "skip ${item.n}".`,
          );
    case 'snooze':
    case 'skip': {
      const until = command.until;
      // A promise can't be "skipped" the way a person can: both words mean "later" for it.
      if (promiseId) {
        return changed(`Snoozed ${item.n} until ${dayLabel(until)}: ${what}${untilNote(command)}`, {
          type: 'promise-state',
          promiseId,
          state: 'snoozed',
          until,
        });
      }
      if (command.kind === 'snooze') {
        return changed(
          `Snoozed ${item.n} until ${dayLabel(until)}: ${what}${untilNote(command)}`,
          ...contactChanges((email) => ({ type: 'contact-snooze' as const, email, until })),
        );
      }
      return changed(
        `Won't suggest ${item.n} before ${dayLabel(until)}: ${what}${untilNote(command)}`,
        ...contactChanges((email) => ({ type: 'contact-skip' as const, email, until })),
      );
    }
  }
}

/** Plans every command in order; later commands win ("done 2" then "undo 2" leaves 2 open). */
export function planCommands(input: PlanInput): CommandPlan {
  const { digest } = input;
  const changes: Change[] = [];
  const results: CommandResult[] = [];
  const states = new Map(input.promiseStates);
  let checkins = input.settings?.checkins;
  let paused = input.settings?.paused;
  const add = (command: Command, planned: Planned): void => {
    changes.push(...planned.changes);
    results.push({ kind: command.kind, source: command.source, ...planned.result });
  };

  for (const command of input.commands) {
    switch (command.kind) {
      case 'done':
      case 'undo':
      case 'drop':
      case 'snooze':
      case 'skip': {
        if (input.expired) {
          const label = digestLabel(digest);
          add(command, failed(`${label.charAt(0).toUpperCase()}${label.slice(1)} is more than ${REPLY_TOKEN_WEEKS} weeks old, so its item numbers no longer apply: reply to your latest digest to change an item.`));
          break;
        }
        if (command.items.length === 0) {
          add(
            command,
            failed(`"${command.kind}" needs an item number from the digest, e.g. "${command.kind} 2".`),
          );
          break;
        }
        for (const n of new Set(command.items)) {
          const item = digest.items.find((i) => i.n === n);
          const planned = item ? planItem(command, item, digest, item.promiseId ? states.get(item.promiseId) : undefined) : failed(missingItem(digest, n));
          // Later commands see what earlier ones did: "done 2, undo 2" leaves 2 open.
          for (const c of planned.changes) if (c.type === 'promise-state') states.set(c.promiseId, c.state);
          add(command, planned);
        }
        break;
      }
      case 'pause':
      case 'resume': {
        const want = command.kind === 'pause';
        if (paused === want) {
          add(command, {
            changes: [],
            result: { outcome: 'info', message: want ? 'Your digest was already paused.' : 'Your digest is already on.' },
          });
          break;
        }
        paused = want;
        add(
          command,
          changed(
            want ? 'Paused your weekly digest. Reply "resume" to start it again.' : 'Resumed your weekly digest.',
            { type: 'settings', paused: want },
          ),
        );
        break;
      }
      case 'more':
      case 'fewer': {
        const delta = command.kind === 'more' ? 1 : -1;
        if (checkins === undefined) {
          add(
            command,
            changed(`One ${command.kind === 'more' ? 'more' : 'fewer'} check-in per digest.`, {
              type: 'settings',
              checkinsDelta: delta,
            }),
          );
          break;
        }
        const next = Math.min(MAX_CHECKINS, Math.max(MIN_CHECKINS, checkins + delta));
        if (next === checkins) {
          add(command, {
            changes: [],
            result: {
              outcome: 'info',
              message: `You already get ${checkins === MAX_CHECKINS ? 'the most' : 'the fewest'} check-ins per digest (${checkins}).`,
            },
          });
          break;
        }
        add(command, changed(`Check-ins per digest: ${checkins} → ${next}.`, { type: 'settings', checkinsDelta: delta }));
        checkins = next;
        break;
      }
      case 'help':
        add(command, { changes: [], result: { outcome: 'info', message: 'The commands are listed below.' } });
        break;
    }
  }
  return { changes, results };
}

export const HELP_TEXT = [
  'Reply to a digest with commands, one per line. Numbers are the items of the digest you reply to.',
  '',
  '  done 2         mark item 2 done (also: done 1 3, done 1,3, done 1-3)',
  '  undo 2         reopen item 2',
  `  snooze 3 2w    bring item 3 back later: 2w, 10d, next monday, dec 15 (default ${DEFAULT_SNOOZE_DAYS} days)`,
  '  drop 4         item 4 is not a real promise: remove it and trust that wording less',
  `  skip 2         don't suggest this person for a while (default ${DEFAULT_SKIP_DAYS} days)`,
  '  pause, resume  stop or restart the weekly digest (stop and unsubscribe also pause)',
  '  more, fewer    one more or one fewer check-in per digest',
  '  help           this list',
  '',
  'Typing "done" on its own line right under a quoted item works too.',
].join('\n');

function bullet(message: string): string {
  return `- ${message}`;
}

/** Anything the user typed that we show back: one line, printable, short. */
function quoteTyped(text: string): string {
  return text.replace(/[\p{Cc}\p{Cf}\s]+/gu, ' ').trim();
}

function unknownMessage(u: UnknownWord): string {
  const typed = quoteTyped(u.text);
  return u.suggestion
    ? `I didn't understand "${typed}". Did you mean "${quoteTyped(u.suggestion)}"?`
    : `I didn't understand "${typed}".`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** The confirmation mail for one reply: what changed, what needs a look, and help when it helps. */
export function renderConfirmation(
  results: readonly CommandResult[],
  unknown: readonly UnknownWord[],
): { subject: string; text: string } {
  const done = results.filter((r) => r.outcome === 'changed');
  const info = results.filter((r) => r.outcome === 'info');
  const problems = [...results.filter((r) => r.outcome === 'error').map((r) => r.message), ...unknown.map(unknownMessage)];
  const askedHelp = results.some((r) => r.kind === 'help');
  const nothingUnderstood = results.length === 0;

  const subject =
    done.length > 0
      ? `Nurture: ${plural(done.length, 'change')}${problems.length > 0 ? `, ${plural(problems.length, 'thing')} to check` : ''}`
      : askedHelp && problems.length === 0
        ? 'Nurture: how to reply'
        : 'Nurture: nothing changed';

  const parts: string[] = [];
  if (done.length > 0) parts.push(['Done from your reply:', ...done.map((r) => bullet(r.message))].join('\n'));
  const notes = info.filter((r) => r.kind !== 'help');
  if (notes.length > 0) parts.push(notes.map((r) => bullet(r.message)).join('\n'));
  if (problems.length > 0) parts.push(['Needs a look:', ...problems.map(bullet)].join('\n'));
  if (nothingUnderstood && unknown.length === 0) parts.push("I couldn't find a command in your reply.");

  if (askedHelp || nothingUnderstood) parts.push(HELP_TEXT);
  else if (problems.length > 0) parts.push('Reply "help" for the list of commands.');
  return { subject, text: `${parts.join('\n\n')}\n` };
}
