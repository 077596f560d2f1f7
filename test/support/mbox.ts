/** Writes an mbox the way Gmail Takeout / Thunderbird do: "From " separators, mboxrd-escaped body lines. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { composeMail } from './mail.ts';
import { FIXTURES } from './fixtures.ts';

export function mboxEntry(raw: Buffer, date = 'Thu Nov 20 10:00:00 2026'): Buffer {
  const escaped = raw.toString('latin1').replace(/^(>*From )/gm, '>$1');
  return Buffer.from(`From 1234567890@xxx ${date}\n${escaped.replace(/\r\n/g, '\n')}\n\n`, 'latin1');
}

export interface EnronMail {
  from: string;
  to: string[];
  cc: string[];
  date: string;
  subject: string;
  body: string;
}

export function enronMails(): EnronMail[] {
  return readFileSync(join(FIXTURES, 'enron-sent', 'sent.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as EnronMail);
}

/** One of the real Enron sent mails, as the given user sent it. */
export async function enronAsUser(m: EnronMail, from: string, i: number): Promise<Buffer> {
  const [d, mo, rest] = m.date.split('/');
  const date = new Date(`${rest?.slice(0, 4)}-${mo}-${d}T12:00:00Z`);
  return composeMail({
    from,
    to: m.to.filter((a) => a.includes('@')),
    cc: m.cc.filter((a) => a.includes('@')),
    subject: m.subject,
    text: m.body,
    date: Number.isNaN(date.getTime()) ? new Date('2001-05-01T12:00:00Z') : date,
    messageId: `<enron-${i}@example.org>`,
  });
}
