/**
 * Labelled sentences for promise detection, and the fixed folds they are scored in.
 *
 * - `dev.tsv` (../shared/fixtures/commitments): 491 sentences with their text.
 * - `enron-sent.tsv` (this folder): our own labels of Enron sent sentences; ids only, the text is read back from
 *   ../shared/fixtures/enron-sent/sent.jsonl (`sentenceById`), so no fixture text lives in the repository.
 *
 * Folds are drawn once from a seeded shuffle of the sorted ids: the same sentence is in the same fold on every
 * machine and in every run, whatever order a file lists it in.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { enronBodies, seeded, sentenceById } from './sample-enron.ts';

export type Label = 'COMMIT' | 'OFFER' | 'NOT';

export interface LabelledSentence {
  readonly id: string;
  readonly label: Label;
  readonly action: string;
  readonly due: string;
  readonly text: string;
}

export const FOLDS = 5;
const FOLD_SEED = 5_2026;

/** Reads a TSV with a header naming its columns (`id label action due` at least, `text` when it carries it). */
export function readTsv(file: string): Record<string, string>[] {
  const [header, ...lines] = readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() !== '');
  const cols = (header ?? '').split('\t').map((c) => c.trim());
  return lines.map((line) => {
    const f = line.split('\t');
    return Object.fromEntries(cols.map((c, i) => [c, (f[i] ?? '').trim()]));
  });
}

function asLabel(value: string | undefined, where: string): Label {
  if (value === 'COMMIT' || value === 'OFFER' || value === 'NOT') return value;
  throw new Error(`${where}: label "${value ?? ''}" is not COMMIT, OFFER or NOT`);
}

/** dev.tsv of the shared fixtures. */
export function readDev(fixtures: string): LabelledSentence[] {
  const file = path.join(fixtures, 'commitments/dev.tsv');
  return readTsv(file).map((r) => ({ id: r.id ?? '', label: asLabel(r.label, `${file} ${r.id}`), action: r.action ?? '', due: r.due ?? '', text: r.text ?? '' }));
}

/** Our Enron labels with their text from the fixture; rows labelled DROP (unresolved disagreements) are left out. */
export function readEnronLabels(file: string, fixtures: string): LabelledSentence[] {
  if (!existsSync(file)) return [];
  const bodies = enronBodies(fixtures);
  return readTsv(file)
    .filter((r) => r.label !== 'DROP')
    .map((r) => {
      const id = r.id ?? '';
      const text = sentenceById(id, bodies);
      if (text === null) throw new Error(`${file}: ${id} names no sentence of enron-sent/sent.jsonl`);
      return { id, label: asLabel(r.label, `${file} ${id}`), action: r.action ?? '', due: r.due ?? '', text };
    });
}

/** Fold number (0…FOLDS−1) of every id, from a seeded shuffle of the sorted ids. */
export function foldsOf(ids: readonly string[], seed = FOLD_SEED): Map<string, number> {
  const sorted = [...new Set(ids)].sort();
  const rand = seeded(seed);
  for (let i = sorted.length - 1; i > 0; i -= 1) {
    const j = Math.floor(rand() * (i + 1));
    [sorted[i], sorted[j]] = [sorted[j] as string, sorted[i] as string];
  }
  return new Map(sorted.map((id, i) => [id, i % FOLDS]));
}
