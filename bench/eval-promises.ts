/**
 * Promise detection quality on the labelled sentences of ../shared/fixtures/commitments/dev.tsv, scored as the
 * fixtures README says (COMMIT positive, NOT negative, OFFER left out; due accuracy = reported dueText overlaps the
 * labelled due on true positives), and own-text + promise throughput on ../shared/fixtures/enron-sent/sent.jsonl.
 *
 *   npm run eval:promises [-- --fixtures DIR]
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

const argIndex = process.argv.indexOf('--fixtures');
const fixtures = argIndex > 0 ? path.resolve(process.argv[argIndex + 1] ?? '') : path.resolve(import.meta.dirname, '../../shared/fixtures');

const ctx = { date: '2026-11-25T10:00:00.000Z', tz: 'America/Chicago', recipients: [{ email: 'reader@example.com', name: 'Reader' }] };

interface Row {
  readonly id: string;
  readonly label: 'COMMIT' | 'OFFER' | 'NOT';
  readonly due: string;
  readonly text: string;
}

function readRows(file: string): Row[] {
  const [header, ...lines] = readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() !== '');
  const cols = (header ?? '').split('\t');
  const at = (name: string): number => cols.indexOf(name);
  return lines.map((line) => {
    const f = line.split('\t');
    return { id: f[at('id')] ?? '', label: (f[at('label')] ?? 'NOT') as Row['label'], due: f[at('due')] ?? '', text: f[at('text')] ?? '' };
  });
}

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

async function evaluate(rows: readonly Row[]): Promise<void> {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let tn = 0;
  let offersReported = 0;
  let dueScored = 0;
  let dueRight = 0;
  const misses: string[] = [];
  const dueMisses: string[] = [];
  for (const row of rows) {
    const found = await explainSentence(row.text);
    const reported = found.length > 0;
    if (row.label === 'OFFER') {
      if (reported) offersReported++;
      continue;
    }
    if (row.label === 'COMMIT' && reported) {
      tp++;
      if (row.due) {
        dueScored++;
        const dueText = found.map((p) => p.dueText).find((d) => d !== null) ?? null;
        if (dueText && overlaps(row.text, dueText, row.due)) dueRight++;
        else dueMisses.push(`  ${row.id}  want "${row.due}" got ${JSON.stringify(dueText)}  | ${row.text}`);
      }
    } else if (row.label === 'COMMIT') {
      fn++;
      misses.push(`  FN ${row.id}  ${row.text}`);
    } else if (reported) {
      fp++;
      misses.push(`  FP ${row.id}  [${found.map((p) => p.action).join(',')}] ${row.text}`);
    } else tn++;
  }
  const precision = tp / Math.max(1, tp + fp);
  const recall = tp / Math.max(1, tp + fn);
  const f1 = (2 * precision * recall) / Math.max(1e-9, precision + recall);
  console.log(`\nPromise detection on ${path.relative(process.cwd(), path.join(fixtures, 'commitments/dev.tsv'))} (${rows.length} sentences)`);
  console.table({
    precision: precision.toFixed(3),
    recall: recall.toFixed(3),
    F1: f1.toFixed(3),
    'due accuracy': `${(dueRight / Math.max(1, dueScored)).toFixed(3)} (${dueRight}/${dueScored})`,
    'TP / FP / FN / TN': `${tp} / ${fp} / ${fn} / ${tn}`,
    'OFFER reported (not scored)': `${offersReported} / ${rows.filter((r) => r.label === 'OFFER').length}`,
  });
  if (misses.length > 0) console.log(`Misses (${misses.length}):\n${misses.join('\n')}`);
  if (dueMisses.length > 0) console.log(`Due phrase misses (${dueMisses.length}):\n${dueMisses.join('\n')}`);
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

function throughput(file: string): void {
  const mails = readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as SentMail);
  const run = (): number => {
    let promises = 0;
    for (const mail of mails) {
      const own = extractOwnText({ text: mail.body, html: null });
      promises += findPromises(own, { ...ctx, recipients: [...mail.to, ...mail.cc].map(addressOf) }).length;
    }
    return promises;
  };
  run(); // warm-up (JIT, chrono's parser tables)
  const rounds = 3;
  const t0 = performance.now();
  let promises = 0;
  for (let r = 0; r < rounds; r++) promises = run();
  const seconds = (performance.now() - t0) / 1000;
  const rate = (mails.length * rounds) / seconds;
  console.log(`\nThroughput on enron-sent/sent.jsonl: ${mails.length} mails, ${promises} promises found`);
  console.log(`  own text + promises: ${rate.toFixed(0)} messages/s (${((seconds / (mails.length * rounds)) * 1000).toFixed(2)} ms/message)`);
  console.log(`  machine: ${os.cpus().length} cores, ${os.cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}`);
}

const devFile = path.join(fixtures, 'commitments/dev.tsv');
const sentFile = path.join(fixtures, 'enron-sent/sent.jsonl');
if (!existsSync(devFile)) {
  console.error(`Fixtures not found at ${fixtures} (expected commitments/dev.tsv). Pass --fixtures DIR.`);
  process.exit(1);
}
await evaluate(readRows(devFile));
if (existsSync(sentFile)) throughput(sentFile);
else console.warn(`\n(no ${sentFile}: throughput skipped)`);
