/**
 * Merges two independent labelling passes of the sampled Enron sentences (and the adjudication of their
 * disagreements) into bench/labels/enron-sent.tsv, and reports how far the two passes agreed (Cohen's kappa).
 *
 *   npx tsx bench/labels/merge-labels.ts --a pass-a.tsv --b pass-b.tsv [--adjudicated adjudicated.tsv] [--out FILE]
 *
 * Every input is a TSV with header `id label action due` (GUIDELINES.md of the commitments fixture). The merged
 * file keeps both pass labels so the agreement can be re-checked, and never the sentence text (read from the
 * fixture at evaluation time). A label the passes agree on is kept; a disagreement takes the adjudicated label
 * (DROP there, or no adjudication at all, drops the sentence: it stays in the file as DROP and is not scored).
 */
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { readTsv } from './labelled.ts';

type Row = Record<string, string>;

const CLASSES = ['COMMIT', 'OFFER', 'NOT'] as const;

/** Cohen's kappa of two label sequences over the given classes. */
export function cohensKappa(a: readonly string[], b: readonly string[], classes: readonly string[]): number {
  const n = a.length;
  if (n === 0 || n !== b.length) throw new Error('kappa needs two label lists of the same, non-zero length');
  const observed = a.filter((x, i) => x === b[i]).length / n;
  const expected = classes.reduce((sum, c) => sum + (a.filter((x) => x === c).length / n) * (b.filter((x) => x === c).length / n), 0);
  return expected === 1 ? 1 : (observed - expected) / (1 - expected);
}

export interface Merged {
  readonly id: string;
  readonly label: string;
  readonly action: string;
  readonly due: string;
  readonly passA: string;
  readonly passB: string;
}

export function mergePasses(a: readonly Row[], b: readonly Row[], adjudicated: readonly Row[]): Merged[] {
  const byB = new Map(b.map((r) => [r.id ?? '', r]));
  const byAdj = new Map(adjudicated.map((r) => [r.id ?? '', r]));
  return a
    .filter((r) => byB.has(r.id ?? ''))
    .map((ra) => {
      const id = ra.id ?? '';
      const rb = byB.get(id) as Row;
      const passA = ra.label ?? '';
      const passB = rb.label ?? '';
      const adj = byAdj.get(id);
      if (adj) return { id, label: adj.label ?? 'DROP', action: adj.action ?? '', due: adj.due ?? '', passA, passB };
      if (passA !== passB) return { id, label: 'DROP', action: '', due: '', passA, passB };
      if (passA === 'NOT') return { id, label: 'NOT', action: '', due: '', passA, passB };
      // Agreed COMMIT/OFFER: a due phrase one pass marked and the other missed is kept (it is a substring either way).
      return { id, label: passA, action: ra.action || rb.action || '', due: ra.due || rb.due || '', passA, passB };
    });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const arg = (name: string): string | undefined => {
    const i = process.argv.indexOf(name);
    return i > 0 ? process.argv[i + 1] : undefined;
  };
  const fileA = arg('--a');
  const fileB = arg('--b');
  if (!fileA || !fileB) throw new Error('usage: merge-labels.ts --a pass-a.tsv --b pass-b.tsv [--adjudicated FILE] [--out FILE]');
  const adjFile = arg('--adjudicated');
  const out = arg('--out') ?? path.join(import.meta.dirname, 'enron-sent.tsv');
  const a = readTsv(fileA);
  const b = readTsv(fileB);
  const adjudicated = adjFile && existsSync(adjFile) ? readTsv(adjFile) : [];
  const merged = mergePasses(a, b, adjudicated);
  const la = merged.map((m) => m.passA);
  const lb = merged.map((m) => m.passB);
  const binary = (xs: readonly string[]): string[] => xs.map((x) => (x === 'COMMIT' ? 'COMMIT' : 'OTHER'));
  const disagreements = merged.filter((m) => m.passA !== m.passB).length;
  writeFileSync(out, `id\tlabel\taction\tdue\tpass_a\tpass_b\n${merged.map((m) => [m.id, m.label, m.action, m.due, m.passA, m.passB].join('\t')).join('\n')}\n`);
  const count = (l: string): number => merged.filter((m) => m.label === l).length;
  console.log(`${merged.length} sentences in both passes (pass A ${a.length}, pass B ${b.length}); agreed on ${merged.length - disagreements}, ${disagreements} disagreements, ${adjudicated.length} adjudicated`);
  console.log(`Cohen's kappa, COMMIT/OFFER/NOT: ${cohensKappa(la, lb, CLASSES).toFixed(3)}; COMMIT vs the rest: ${cohensKappa(binary(la), binary(lb), ['COMMIT', 'OTHER']).toFixed(3)}`);
  console.log(`merged: ${count('COMMIT')} COMMIT, ${count('OFFER')} OFFER, ${count('NOT')} NOT, ${count('DROP')} dropped → ${path.relative(process.cwd(), out)}`);
}
