/**
 * A first digest as a new user sees it: the Enron sent mail imported as one user's history (see
 * test/support/enron-history.ts), then the digest rendered — text to stdout, HTML and a 375 px screenshot (with
 * Chromium, when installed) to the folder given. To read as its user would.
 *
 *   npx tsx bench/enron-digest.ts [OUT_DIR]
 */
import { mkdirSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { memoryLogger } from '#commons/logger';
import { newUser } from '#domain/users';
import { prepareDigest } from '../functions/digest/digest-service.ts';
import { importEnronHistory } from '../test/support/enron-history.ts';
import { startTestStore } from '../test/support/local-store.ts';

const out = path.resolve(process.argv[2] ?? '/tmp/enron-digest');
mkdirSync(out, { recursive: true });
const NOW = new Date('2026-11-30T07:00:00Z');
const CAPTURE = 'log@in.example.com';

const ts = await startTestStore();
const user = newUser({ email: 'me@enron.example', name: 'Scott Hendrickson', tz: 'America/Chicago' }, new Date('2026-01-01T00:00:00Z'), 'u_enron0001');
await ts.store.createUser(user);
const outcomes = await importEnronHistory(ts.store, user, NOW, CAPTURE);
const kinds = new Map<string, number>();
for (const o of outcomes) kinds.set(`${o.kind}${o.reason ? ` (${o.reason})` : ''}`, (kinds.get(`${o.kind}${o.reason ? ` (${o.reason})` : ''}`) ?? 0) + 1);
console.log(`Imported ${outcomes.length} mails: ${[...kinds].map(([k, n]) => `${n} ${k}`).join(', ')}\n`);
const d = await prepareDigest({ store: ts.store, secret: new Uint8Array(32).fill(1), captureAddress: CAPTURE, fromAddress: 'nurture@in.example.com', log: memoryLogger() }, user, NOW);
writeFileSync(path.join(out, 'digest.html'), d.rendered.html);
writeFileSync(path.join(out, 'digest.txt'), d.rendered.text);
console.log(`Subject: ${d.rendered.subject}\n`);
console.log(d.rendered.text);
if (existsSync('/usr/bin/chromium')) {
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic', '--no-first-run'] });
  const page = await browser.newPage({ viewport: { width: 375, height: 812 } });
  await page.setContent(d.rendered.html);
  await page.screenshot({ path: path.join(out, 'digest-375.png'), fullPage: true });
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  console.log(`Rendered at 375 px: ${height} px tall (${(height / 812).toFixed(2)} phone screens of 812 px)`);
  await browser.close();
}
await ts.stop();
