/**
 * Own-text quality on the reply-parser fixtures of ../shared/fixtures/replies: for every case whose expected own
 * text the source project's tests pin (bench/replies/expected.tsv says which, and which test), compare
 * `extractOwnText` with it, exactly and by similarity, per source.
 *
 *   npm run eval:replies [-- --fixtures DIR] [-- --quiet]
 *
 * Similarity: both texts whitespace-folded (runs of whitespace → one space, trimmed), then
 * 1 − Levenshtein distance ÷ the longer length (two empty texts are identical). "Near" means ≥ 0.90.
 * Exact means equal after the same folding: the projects disagree on blank lines, never on words.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { extractOwnText, htmlToTextMarkingQuotes, type MailBody } from '../functions/domain/own-text.ts';

const argIndex = process.argv.indexOf('--fixtures');
const fixtures = argIndex > 0 ? path.resolve(process.argv[argIndex + 1] ?? '') : path.resolve(import.meta.dirname, '../../shared/fixtures');
const quiet = process.argv.includes('--quiet');
const replies = path.join(fixtures, 'replies');
const NEAR = 0.9;

export interface Case {
  readonly source: string;
  readonly file: string;
  readonly expected: string;
  readonly origin: string;
}

export function readCases(): Case[] {
  return readFileSync(path.join(import.meta.dirname, 'replies/expected.tsv'), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.startsWith('#'))
    .map((l) => {
      const [source = '', file = '', expected = '', origin = ''] = l.split('\t');
      return { source, file, expected, origin };
    });
}

const read = (rel: string): string => readFileSync(path.join(replies, rel), 'utf8');
const lines = (text: string): string[] => text.replace(/\r\n?/gu, '\n').split('\n');

/** The mail body a fixture stands for: plain text, HTML, or a whole .eml parsed as capture parses it. */
async function bodyOf(c: Case): Promise<MailBody> {
  const rel = `${c.source}/${c.file}`;
  if (c.file.endsWith('.html')) return { text: '', html: read(rel) };
  if (c.file.endsWith('.eml')) {
    const mail = await simpleParser(readFileSync(path.join(replies, rel)));
    return { text: mail.text ?? '', html: typeof mail.html === 'string' ? mail.html : null };
  }
  return { text: read(rel), html: null };
}

/** The expected own text, built from the fixture itself (line ranges) or from the spec's own short literal. */
function expectedOf(c: Case): string {
  const spec = c.expected;
  if (spec === '-') return '';
  if (spec.startsWith('T:')) return spec.slice(2).replace(/\\n/gu, '\n');
  if (spec.startsWith('F:')) {
    const other = read(`${c.source}/${spec.slice(2)}`);
    return spec.endsWith('.html') ? htmlToTextMarkingQuotes(other) : other;
  }
  if (spec.startsWith('SIG:')) {
    const body = read(`${c.source}/${c.file}`).trim();
    const signature = read(`${c.source}/${spec.slice(4)}`);
    return body.slice(0, body.length - signature.length);
  }
  if (spec.startsWith('L')) {
    const all = lines(read(`${c.source}/${c.file}`));
    const picked: string[] = [];
    for (const range of spec.slice(1).split(',')) {
      const [a, b = a] = range.split('-').map(Number);
      for (let n = a ?? 1; n <= (b ?? 0); n++) picked.push(all[n - 1] ?? '');
    }
    return picked.join('\n');
  }
  throw new Error(`bench/replies/expected.tsv: cannot read the expectation "${spec}" of ${c.source}/${c.file}`);
}

export const fold = (s: string): string => s.replace(/\s+/gu, ' ').trim();

/** 1 − Levenshtein(a, b) ÷ max(|a|, |b|), over code points. */
export function similarity(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  if (x.length === 0 && y.length === 0) return 1;
  let prev = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const row = [i];
    for (let j = 1; j <= y.length; j++) {
      row[j] = Math.min((prev[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + (x[i - 1] === y[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return 1 - (prev[y.length] ?? 0) / Math.max(x.length, y.length);
}

interface Result extends Case {
  readonly got: string;
  readonly want: string;
  readonly sim: number;
}

async function main(): Promise<void> {
  const results: Result[] = [];
  for (const c of readCases()) {
    const want = fold(expectedOf(c));
    const got = fold(extractOwnText(await bodyOf(c)));
    results.push({ ...c, want, got, sim: similarity(got, want) });
  }
  const sources = [...new Set(results.map((r) => r.source))];
  const row = (name: string, rs: readonly Result[]): string => {
    const exact = rs.filter((r) => r.got === r.want).length;
    const near = rs.filter((r) => r.sim >= NEAR).length;
    return `| ${name} | ${rs.length} | ${exact} | ${near} | ${((100 * near) / Math.max(1, rs.length)).toFixed(0)} % |`;
  };
  console.log('| source | cases | exact | ≥ 90 % similar | share near |');
  console.log('|---|---|---|---|---|');
  for (const s of sources) console.log(row(s, results.filter((r) => r.source === s)));
  console.log(row('**all**', results));
  if (quiet) return;
  const misses = results.filter((r) => r.sim < NEAR || r.got !== r.want).sort((a, b) => a.sim - b.sim);
  console.log(`\nNot exact (${misses.length}), least similar first:`);
  const clip = (s: string): string => (s.length > 160 ? `${s.slice(0, 157)}…` : s);
  for (const m of misses) {
    console.log(`\n${m.sim >= NEAR ? 'near' : 'MISS'} ${m.sim.toFixed(2)}  ${m.source}/${m.file}  (${m.origin})`);
    console.log(`  want: ${clip(m.want)}`);
    console.log(`  got:  ${clip(m.got)}`);
  }
}

await main();
