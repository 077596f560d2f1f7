/** Every mbox line-ending convention reads as its messages: LF (Unix), CRLF, and bare CR (classic Mac OS). */
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { parseMail } from '#domain/parse-mail';
import { readMbox } from '../../functions/local/mail-files.ts';

const message = (n: number, eol: string): string =>
  [`From me@example.org Fri Nov 20 10:00:0${n} 2026`, 'From: me@example.org', `To: p${n}@corp.io`, `Subject: number ${n}`, `Message-ID: <eol${n}@example.org>`, '', `Body ${n}.`, '>From the top.', '', ''].join(eol);

async function read(eol: string, chunk = 37): Promise<{ raw: Buffer; endOffset: number | null; startOffset: number }[]> {
  const mbox = Buffer.from([1, 2, 3].map((n) => message(n, eol)).join(''));
  const parts = [];
  for (let i = 0; i < mbox.length; i += chunk) parts.push(mbox.subarray(i, i + chunk));
  const out = [];
  for await (const m of readMbox(Readable.from(parts), 'x.mbox')) out.push(m);
  expect(out.at(-1)?.endOffset).toBe(mbox.length);
  return out;
}

describe('mbox line endings', () => {
  it.each([
    ['LF', '\n'],
    ['CRLF', '\r\n'],
    ['bare CR', '\r'],
  ])('%s: three messages, each parsed with its headers and un-escaped body', async (_, eol) => {
    const msgs = await read(eol);
    expect(msgs).toHaveLength(3);
    for (const [i, m] of msgs.entries()) {
      const mail = await parseMail(m.raw);
      expect(mail.subject).toBe(`number ${i + 1}`);
      expect(mail.to.map((a) => a.email)).toEqual([`p${i + 1}@corp.io`]);
      expect(mail.text).toContain('From the top.');
    }
    // Resuming at a message boundary reads the rest.
    expect(msgs[1]!.startOffset).toBe(msgs[0]!.endOffset);
  });
});
