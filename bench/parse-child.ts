/** The ceiling: the same mbox through mailparser alone (stream split + parse, nothing stored). */
import { createReadStream } from 'node:fs';
import { simpleParser } from 'mailparser';
import { readMbox } from '../functions/local/mail-files.ts';

const [file] = process.argv.slice(2) as [string];
const t0 = performance.now();
let n = 0;
for await (const m of readMbox(createReadStream(file, { highWaterMark: 1 << 20 }), file)) {
  await simpleParser(m.raw, { skipHtmlToText: true, skipTextToHtml: true, skipImageLinks: true, skipTextLinks: true });
  n++;
}
process.stdout.write(`${JSON.stringify({ ms: performance.now() - t0, n, maxRssMb: process.resourceUsage().maxRSS / 1024 })}\n`);
