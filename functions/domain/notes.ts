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
