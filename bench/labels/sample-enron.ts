/**
 * Draws the sentences for our own promise labels from ../shared/fixtures/enron-sent/sent.jsonl, reproducibly:
 * every sentence of the writer's own text (quotes and signatures removed, as capture does) that has a first-person
 * future form, plus a seeded random sample of the rest. Only ids are kept in the repository; the text is read from
 * the fixture at evaluation time.
 *
 *   npx tsx bench/labels/sample-enron.ts [--fixtures DIR] > /tmp/pool_text.tsv
 *
 * An id is `enron:<line>:<start>-<end>`: the 1-based line of sent.jsonl and the sentence's character span in that
 * mail's `body`, so an id keeps naming the same words however own text or sentence splitting change later. The text
 * is the span with its white space folded (`sentenceById`).
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
    const { body } = JSON.parse(line) as { body: string };
    let from = 0;
    for (const sentence of splitSentences(extractOwnText({ text: body, html: null }))) {
      const words = sentence.trim().split(/\s+/).map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
      const found = new RegExp(words.join('\\s+'), 'g');
      found.lastIndex = from;
      const m = found.exec(body);
      if (!m) continue; // rewritten by own-text (rare): not locatable in the body, so not sampled
      from = m.index + m[0].length;
      out.push({ id: `enron:${i + 1}:${m.index}-${from}`, text: fold(m[0]) });
    }
  });
  return out;
}

function fold(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** The sentence an id names, read from the fixture (bodies by 1-based line). */
export function sentenceById(id: string, bodies: readonly string[]): string | null {
  const m = /^enron:(\d+):(\d+)-(\d+)$/.exec(id);
  const body = m ? bodies[Number(m[1]) - 1] : undefined;
  return m && body !== undefined ? fold(body.slice(Number(m[2]), Number(m[3]))) : null;
}

/** Mail bodies of sent.jsonl, index = line − 1. */
export function enronBodies(fixturesDir: string): string[] {
  return readFileSync(path.join(fixturesDir, 'enron-sent/sent.jsonl'), 'utf8')
    .split('\n')
    .map((line) => (line.trim() ? (JSON.parse(line) as { body: string }).body : ''));
}

/** mulberry32: a small seeded generator, so the sample is the same on every machine. */
export function seeded(seed: number): () => number {
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
