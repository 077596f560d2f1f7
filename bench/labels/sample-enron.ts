/**
 * Draws the sentences for our own promise labels from ../shared/fixtures/enron-sent/sent.jsonl, reproducibly:
 * every sentence of the writer's own text (quotes and signatures removed, as capture does) that has a first-person
 * future form, plus a seeded random sample of the rest. Only ids are kept in the repository; the text is read from
 * the fixture at evaluation time.
 *
 *   npx tsx bench/labels/sample-enron.ts [--fixtures DIR] > /tmp/pool_text.tsv
 *
 * An id is `enron:<line>:<sentence>`: the 1-based line of sent.jsonl and the 0-based index of the sentence among
 * `splitSentences(extractOwnText(body))`.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { extractOwnText } from '../../functions/domain/own-text.ts';
import { splitSentences } from '../../functions/domain/promises.ts';

const argIndex = process.argv.indexOf('--fixtures');
const fixtures = argIndex > 0 ? path.resolve(process.argv[argIndex + 1] ?? '') : path.resolve(import.meta.dirname, '../../../shared/fixtures');

export const FUTURE_FORM = /\b(?:I|we)(?:'ll|’ll| will| shall| am going to| are going to|'m going to|’m going to| would like to| plan to| intend to| need to| can| should|'d|’d| hope to| expect to)\b|\blet (?:me|us)\b|\blet's\b/i;

export interface SampledSentence {
  readonly id: string;
  readonly text: string;
}

/** Every own-text sentence of the fixture, with its id. */
export function enronSentences(fixturesDir: string): SampledSentence[] {
  const lines = readFileSync(path.join(fixturesDir, 'enron-sent/sent.jsonl'), 'utf8').split('\n');
  const out: SampledSentence[] = [];
  lines.forEach((line, i) => {
    if (!line.trim()) return;
    const mail = JSON.parse(line) as { body: string };
    splitSentences(extractOwnText({ text: mail.body, html: null })).forEach((text, k) => {
      out.push({ id: `enron:${i + 1}:${k}`, text: text.replace(/\s+/g, ' ').trim() });
    });
  });
  return out;
}

/** mulberry32: a small seeded generator, so the sample is the same on every machine. */
function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function sample(all: readonly SampledSentence[], restCount: number, seed = 20261129): SampledSentence[] {
  const usable = all.filter((s) => s.text.length >= 12 && s.text.length <= 400 && /[a-z]/i.test(s.text));
  const future = usable.filter((s) => FUTURE_FORM.test(s.text));
  const rest = usable.filter((s) => !FUTURE_FORM.test(s.text));
  const rand = seeded(seed);
  for (let i = rest.length - 1; i > 0; i -= 1) {
    const j = Math.floor(rand() * (i + 1));
    [rest[i], rest[j]] = [rest[j] as SampledSentence, rest[i] as SampledSentence];
  }
  return [...future, ...rest.slice(0, restCount)];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const picked = sample(enronSentences(fixtures), 380);
  process.stdout.write(`id\ttext\n${picked.map((s) => `${s.id}\t${s.text}`).join('\n')}\n`);
}
