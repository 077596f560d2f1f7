/** Shared helpers for the benchmarks: synthetic-but-realistic mail from the Enron sent corpus, tables, machine info. */
import { readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { resolve } from 'node:path';

export const FIXTURES = resolve(import.meta.dirname, '../../shared/fixtures');

export interface EnronMail {
  to: string[];
  cc: string[];
  subject: string;
  body: string;
}

export function enronBodies(): EnronMail[] {
  return readFileSync(resolve(FIXTURES, 'enron-sent/sent.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as EnronMail);
}

/** An mbox of `n` sent mails: real Enron bodies and subjects, addressed to a pool of 2,000 people. */
export function buildMbox(n: number, from: string): Buffer {
  const mails = enronBodies();
  const chunks: Buffer[] = [];
  const start = Date.parse('2024-01-01T09:00:00Z');
  for (let i = 0; i < n; i++) {
    const m = mails[i % mails.length]!;
    const date = new Date(start + i * 47 * 60_000);
    const person = (k: number): string => `person${k}@corp${k % 37}.example`;
    const to = [person((i * 7919) % 2000), ...(i % 3 === 0 ? [person((i * 104729) % 2000)] : [])];
    const body = m.body.replace(/\r?\n/g, '\r\n').replace(/^(>*From )/gm, '>$1');
    const subject = m.subject.replace(/[\r\n]+/g, ' ');
    chunks.push(
      Buffer.from(
        `From ${from} ${date.toUTCString()}\r\nFrom: Me <${from}>\r\nTo: ${to.join(', ')}\r\nSubject: ${subject}\r\nDate: ${date.toUTCString()}\r\nMessage-ID: <bench-${i}@example.org>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n${body}\r\n\r\n`,
      ),
    );
  }
  return Buffer.concat(chunks);
}

export function machine(): string {
  const c = cpus();
  return `${c.length} × ${c[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
}

export function table(rows: Record<string, string | number>[]): string {
  const cols = Object.keys(rows[0] ?? {});
  const width = cols.map((c) => Math.max(c.length, ...rows.map((r) => String(r[c]).length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(width[i]!)).join(' | ')} |`;
  return [line(cols), `|${width.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map((r) => line(cols.map((c) => String(r[c]))))].join('\n');
}
