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

/**
 * Known contacts a note names without their address: "Coffee with Ana Souza", or "Ana" when she is the only known
 * contact of that first name. Names must be written capitalised, and a lone first name must not open a sentence
 * ("May I…" is not May Chen), so ordinary words don't turn into people. `known` is the user's strongest contacts.
 */
export function findKnownPeopleInNote(text: string, known: readonly Address[], exclude: ReadonlySet<string>): Address[] {
  const note = text.slice(0, 20_000);
  const byFirst = new Map<string, Address[]>();
  for (const c of known) {
    const first = c.name?.trim().split(/\s+/u)[0];
    if (first) byFirst.set(first, [...(byFirst.get(first) ?? []), c]);
  }
  const found: Address[] = [];
  for (const c of known) {
    if (!c.name || exclude.has(c.email)) continue;
    const name = c.name.trim();
    const words = name.split(/\s+/u);
    const full = words.length > 1 && wordAt(note, name, false);
    const first = words[0] ?? '';
    const byFirstName = first.length >= 2 && byFirst.get(first)?.length === 1 && wordAt(note, first, true);
    if (full || byFirstName) found.push({ email: c.email, name });
  }
  return found;
}

/** True when `word` occurs in `text` as a whole word, capitalised as given; `midSentence` excludes sentence starts. */
function wordAt(text: string, word: string, midSentence: boolean): boolean {
  const escaped = word.replace(/[.*+?^${}()|[\]\\]/gu, '\\$&');
  const re = new RegExp(`(^|[^\\p{L}\\p{N}])${escaped}(?![\\p{L}\\p{N}])`, 'gu');
  for (const m of text.matchAll(re)) {
    if (!midSentence) return true;
    const before = text.slice(0, (m.index ?? 0) + (m[1]?.length ?? 0)).trimEnd();
    if (before !== '' && !/[.!?]$/u.test(before)) return true;
  }
  return false;
}
