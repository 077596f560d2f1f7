/**
 * Promise detection quality, scored as ../shared/fixtures/README.md says (COMMIT positive, NOT negative, OFFER left
 * out; due accuracy = the reported dueText overlaps the labelled due on true positives), on
 *  - ../shared/fixtures/commitments/dev.tsv (the set the rules were first written against), and
 *  - bench/labels/enron-sent.tsv (our own two-pass labels of Enron sent sentences, text read from the fixture),
 * each as a whole set and in 5 fixed seeded folds; and own-text + promise throughput on enron-sent/sent.jsonl.
 *
 * The detector is rules only (no learned weights), so nothing is fitted on four folds: each fold is scored on its
 * own and the table gives the per-fold figures, their mean and the worst fold. The pooled figure over the folds is
 * the whole-set figure. The spread says how much a figure depends on which sentences happen to be in a set.
 *
 *   npm run eval:promises [-- --fixtures DIR] [--labels FILE] [--misses]
 */
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import { explainMail } from '../functions/capture/capture-service.ts';
import type { FoundPromise } from '../functions/domain/types.ts';
import { extractOwnText } from '../functions/domain/own-text.ts';
import { findPromises } from '../functions/domain/promises.ts';
import type { Address } from '../functions/domain/types.ts';
import { FOLDS, foldsOf, readDev, readEnronLabels, type LabelledSentence } from './labels/labelled.ts';

const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const fixtures = path.resolve(arg('--fixtures') ?? path.join(import.meta.dirname, '../../shared/fixtures'));
const labelsFile = path.resolve(arg('--labels') ?? path.join(import.meta.dirname, 'labels/enron-sent.tsv'));
const showMisses = process.argv.includes('--misses');

const ctx = { date: '2026-11-25T10:00:00.000Z', tz: 'America/Chicago', recipients: [{ email: 'reader@example.com', name: 'Reader' }] };

/** Character spans of two phrases in the sentence overlap (case-insensitive). */
function overlaps(sentence: string, a: string, b: string): boolean {
  const lower = sentence.toLowerCase();
  const i = lower.indexOf(a.toLowerCase());
  const j = lower.indexOf(b.toLowerCase());
  if (i < 0 || j < 0) return a.toLowerCase().includes(b.toLowerCase()) || b.toLowerCase().includes(a.toLowerCase());
  return i < j + b.length && j < i + a.length;
}

/**
 * Scored as the fixtures README says: what `explain` reports for a message whose body is the sentence — a real
 * MIME mail from the user to one recipient, through parsing, own text and detection.
 */
async function explainSentence(text: string): Promise<FoundPromise[]> {
  const raw = await new MailComposer({ from: 'me@example.org', to: 'Pat Lee <pat@corp.example>', subject: 'Re: next steps', text, date: new Date(ctx.date) }).compile().build();
  return (await explainMail(raw, 'eval', { captureAddress: 'log@in.example.com' }, ctx.tz, new Date(ctx.date))).promises;
}

interface Scored {
  readonly row: LabelledSentence;
  readonly found: readonly FoundPromise[];
}

interface Figures {
  readonly tp: number;
  readonly fp: number;
  readonly fn: number;
  readonly tn: number;
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
  readonly dueRight: number;
  readonly dueScored: number;
  readonly offersReported: number;
  readonly offers: number;
}

function figures(scored: readonly Scored[]): Figures {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let tn = 0;
  let dueScored = 0;
  let dueRight = 0;
  let offersReported = 0;
  let offers = 0;
  for (const { row, found } of scored) {
    const reported = found.length > 0;
    if (row.label === 'OFFER') {
      offers++;
      if (reported) offersReported++;
    } else if (row.label === 'COMMIT' && reported) {
      tp++;
      if (row.due) {
        dueScored++;
        if (dueOf(found) !== null && overlaps(row.text, dueOf(found) ?? '', row.due)) dueRight++;
      }
    } else if (row.label === 'COMMIT') fn++;
    else if (reported) fp++;
    else tn++;
  }
  const precision = tp / Math.max(1, tp + fp);
  const recall = tp / Math.max(1, tp + fn);
  const f1 = (2 * precision * recall) / Math.max(1e-9, precision + recall);
  return { tp, fp, fn, tn, precision, recall, f1, dueRight, dueScored, offersReported, offers };
}

const dueOf = (found: readonly FoundPromise[]): string | null => found.map((p) => p.dueText).find((d) => d !== null) ?? null;

const row = (f: Figures): Record<string, string> => ({
  P: f.precision.toFixed(3),
  R: f.recall.toFixed(3),
  F1: f.f1.toFixed(3),
  due: `${f.dueRight}/${f.dueScored}`,
  'TP/FP/FN/TN': `${f.tp}/${f.fp}/${f.fn}/${f.tn}`,
  'offers reported': `${f.offersReported}/${f.offers}`,
});

const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
const sd = (xs: readonly number[]): number => Math.sqrt(mean(xs.map((x) => (x - mean(xs)) ** 2)));
const spread = (xs: readonly number[]): string => `${mean(xs).toFixed(3)} ± ${sd(xs).toFixed(3)} (min ${Math.min(...xs).toFixed(3)})`;

async function evaluate(name: string, rows: readonly LabelledSentence[]): Promise<void> {
  const scored: Scored[] = [];
  for (const r of rows) scored.push({ row: r, found: await explainSentence(r.text) });
  const fold = foldsOf(rows.map((r) => r.id));
  const perFold = Array.from({ length: FOLDS }, (_, k) => figures(scored.filter((s) => fold.get(s.row.id) === k)));
  const whole = figures(scored);
  const counts = (['COMMIT', 'NOT', 'OFFER'] as const).map((l) => `${rows.filter((r) => r.label === l).length} ${l}`).join(', ');
  console.log(`\nPromise detection on ${name} (${rows.length} sentences: ${counts})`);
  console.table({
    'whole set': row(whole),
    ...Object.fromEntries(perFold.map((f, k) => [`fold ${k + 1}`, row(f)])),
  });
  const dueAcc = perFold.filter((f) => f.dueScored > 0).map((f) => f.dueRight / f.dueScored);
  console.log(`  5-fold (rules scored per fold): P ${spread(perFold.map((f) => f.precision))}  R ${spread(perFold.map((f) => f.recall))}  F1 ${spread(perFold.map((f) => f.f1))}  due ${spread(dueAcc)}`);
  console.log(`  whole set: P ${whole.precision.toFixed(3)}  R ${whole.recall.toFixed(3)}  F1 ${whole.f1.toFixed(3)}  due ${(whole.dueRight / Math.max(1, whole.dueScored)).toFixed(3)} (${whole.dueRight}/${whole.dueScored})`);
  if (!showMisses) return;
  for (const { row: r, found } of scored) {
    if (r.label === 'COMMIT' && found.length === 0) console.log(`  FN ${r.id}  ${r.text}`);
    if (r.label === 'NOT' && found.length > 0) console.log(`  FP ${r.id}  [${found.map((p) => p.action).join(',')}] ${r.text}`);
    if (r.label === 'COMMIT' && found.length > 0 && r.due && !overlaps(r.text, dueOf(found) ?? '\u0000', r.due)) console.log(`  DUE ${r.id}  want "${r.due}" got ${JSON.stringify(dueOf(found))}  | ${r.text}`);
  }
}

interface SentMail {
  readonly to: readonly string[];
  readonly cc: readonly string[];
  readonly body: string;
}

function addressOf(raw: string): Address {
  const m = /^(.*?)\s*<([^>]+)>\s*$/u.exec(raw);
  return m ? { email: (m[2] ?? '').toLowerCase(), name: (m[1] ?? '').replace(/"/gu, '').trim() } : { email: raw.trim().toLowerCase() };
}

const recipientsOf = (mail: SentMail): Address[] => [...mail.to, ...mail.cc].map(addressOf);

function throughput(file: string): void {
  const mails = readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as SentMail);
  const run = (): number => {
    let promises = 0;
    for (const mail of mails) {
      const own = extractOwnText({ text: mail.body, html: null });
      promises += findPromises(own, { ...ctx, recipients: recipientsOf(mail) }).length;
    }
    return promises;
  };
  run(); // warm-up (JIT, chrono's parser tables)
  // Own text and promises timed apart, five rounds each; the best round is the one least disturbed by the other
  // work on this shared machine, the mean says how disturbed it was.
  const owns = mails.map((mail) => extractOwnText({ text: mail.body, html: null }));
  const timed = (work: () => void): { best: number; mean: number } => {
    const times: number[] = [];
    for (let r = 0; r < 5; r++) {
      const t0 = performance.now();
      work();
      times.push((performance.now() - t0) / 1000);
    }
    return { best: Math.min(...times), mean: times.reduce((a, b) => a + b, 0) / times.length };
  };
  const both = timed(run);
  const ownOnly = timed(() => mails.forEach((mail) => extractOwnText({ text: mail.body, html: null })));
  const promisesOnly = timed(() => owns.forEach((own, i) => findPromises(own, { ...ctx, recipients: recipientsOf(mails[i] as SentMail) })));
  const rate = (t: { best: number; mean: number }): string =>
    `${(mails.length / t.best).toFixed(0)} messages/s best (${((t.best / mails.length) * 1000).toFixed(3)} ms/message), ${(mails.length / t.mean).toFixed(0)} mean`;
  console.log(`\nThroughput on enron-sent/sent.jsonl: ${mails.length} mails, ${run()} promises found (5 rounds each)`);
  console.log(`  own text + promises: ${rate(both)}`);
  console.log(`  own text alone: ${rate(ownOnly)}`);
  console.log(`  promises alone: ${rate(promisesOnly)}`);
  console.log(`  machine: ${os.cpus().length} cores, ${os.cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}`);
}

const devFile = path.join(fixtures, 'commitments/dev.tsv');
const sentFile = path.join(fixtures, 'enron-sent/sent.jsonl');
if (!existsSync(devFile)) {
  console.error(`Fixtures not found at ${fixtures} (expected commitments/dev.tsv). Pass --fixtures DIR.`);
  process.exit(1);
}
await evaluate(path.relative(process.cwd(), devFile), readDev(fixtures));
const ours = readEnronLabels(labelsFile, fixtures);
if (ours.length > 0) await evaluate(path.relative(process.cwd(), labelsFile), ours);
else console.warn(`\n(no ${labelsFile}: our Enron labels skipped)`);
if (existsSync(sentFile)) throughput(sentFile);
else console.warn(`\n(no ${sentFile}: throughput skipped)`);
