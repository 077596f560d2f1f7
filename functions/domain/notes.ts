/**
 * People named in a note to Nurture: "Met Jane Doe <jane@acme.com> at the meetup", "coffee with bob@x.io".
 */
import { cleanDisplayName, normalizeAddress } from './addresses.ts';
import type { Address } from './types.ts';

// "Jane Doe <jane@acme.com>", "Jane Doe (jane@acme.com)", or a bare address. Bounded quantifiers keep it linear.
const NAMED = /((?:[\p{Lu}][\p{L}'’.-]{0,40}\s+){0,3}[\p{Lu}][\p{L}'’.-]{0,40})?\s*[<(\[]?\s*([^\s<>()[\],;:"]{1,64}@[^\s<>()[\],;:"]{1,255})\s*[>)\]]?/gu;
// Words that start a sentence before a name ("Met Jane"), not part of it.
const LEAD_WORDS = new Set(['met', 'saw', 'with', 'and', 'called', 'emailed', 'lunch', 'coffee', 'dinner', 'talked', 'to', 'from', 'introduced', 'promised']);

export function findPeopleInNote(text: string, exclude: ReadonlySet<string>): Address[] {
  const found = new Map<string, Address>();
  for (const m of text.slice(0, 20_000).matchAll(NAMED)) {
    const email = normalizeAddress(m[2]?.replace(/[.,;:!?]+$/, ''));
    if (!email || exclude.has(email)) continue;
    const words = (m[1] ?? '').trim().split(/\s+/).filter(Boolean);
    while (words.length && LEAD_WORDS.has(words[0]!.toLowerCase())) words.shift();
    const name = cleanDisplayName(words.join(' '), email);
    const prev = found.get(email);
    if (!prev || (!prev.name && name)) found.set(email, name ? { email, name } : { email });
  }
  return [...found.values()];
}

/** Words after which a capitalised first name is a person: "coffee with Ana", "met Tom", "told Ana", "send Ana…". */
const PERSON_CUES = new Set([
  'with', 'met', 'meet', 'saw', 'see', 'and', 'to', 'from', 'for', 'told', 'tell', 'asked', 'ask', 'called', 'call',
  'emailed', 'email', 'texted', 'text', 'thanked', 'thank', 'introduced', 'introduce', 'promised', 'send', 'sent',
  'owe', 'owes', 'visited', 'visit', 'congratulate', 'congratulated', 'remind', 'reminded', 'ping', 'pinged',
]);

/**
 * Known contacts a note names without their address: by full name anywhere ("Coffee with Ana Souza"), or by a first
 * name only one known contact has, written capitalised right after a word that introduces a person ("coffee with
 * Ana", "told Tom") — so "Will send…", "- May I…" or "the Google doc" are nobody. `known`: the user's strongest
 * contacts. One pass over the note's words, then a set lookup per contact.
 */
export function findKnownPeopleInNote(text: string, known: readonly Address[], exclude: ReadonlySet<string>): Address[] {
  const note = text.slice(0, 20_000);
  const cuedNames = new Set<string>();
  let previous = '';
  for (const m of note.matchAll(/[\p{L}][\p{L}'’-]*|[^\p{L}\s]+/gu)) {
    const word = m[0];
    if (/^\p{Lu}/u.test(word) && PERSON_CUES.has(previous)) cuedNames.add(word);
    previous = /^\p{L}/u.test(word) ? word.toLowerCase() : '';
  }
  const firstNames = new Map<string, number>();
  for (const c of known) {
    const first = c.name?.trim().split(/\s+/u)[0];
    if (first) firstNames.set(first, (firstNames.get(first) ?? 0) + 1);
  }
  const found: Address[] = [];
  for (const c of known) {
    if (!c.name || exclude.has(c.email)) continue;
    const name = c.name.trim();
    const words = name.split(/\s+/u);
    const first = words[0] ?? '';
    const byFullName = words.length > 1 && note.includes(name) && wholeWordsAt(note, name);
    const byFirstName = first.length >= 2 && firstNames.get(first) === 1 && cuedNames.has(first);
    if (byFullName || byFirstName) found.push({ email: c.email, name });
  }
  return found;
}

/** True when `phrase` occurs in `text` with no letter or digit right before or after it. */
function wholeWordsAt(text: string, phrase: string): boolean {
  for (let at = text.indexOf(phrase); at >= 0; at = text.indexOf(phrase, at + 1)) {
    const before = text[at - 1] ?? ' ';
    const after = text[at + phrase.length] ?? ' ';
    if (!/[\p{L}\p{N}]/u.test(before) && !/[\p{L}\p{N}]/u.test(after)) return true;
  }
  return false;
}
