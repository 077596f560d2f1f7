/**
 * The digest as it leaves: full MIME (text + HTML, Date, Message-ID, From/To/Reply-To, List-Unsubscribe with
 * RFC 8058 one-click) scored by Debian's SpamAssassin with local rules only (`spamassassin -L -t`).
 * Pass = total ≤ 0 and no rule with positive points (0.0-point rules are informational).
 */
import { spawnSync } from 'node:child_process';
import { buildDigestMime } from '../../functions/digest/digest-mime.ts';
import { replyAddress, signReplyToken } from '#domain/reply-token';
import { describe, expect, it } from 'vitest';
import { renderDigest } from '../../functions/digest/render.ts';
import { sampleDigest } from './sample-digest.ts';
import { prerequisite } from '../support/prerequisites.ts';

const SPAMASSASSIN = prerequisite('spamassassin');

interface RuleHit {
  readonly points: number;
  readonly rule: string;
  readonly description: string;
}

/** Reads "Content analysis details: (x points, …)" and the rule table under it from a `-t` report. */
function parseReport(report: string): { score: number; hits: RuleHit[] } {
  const details = report.indexOf('Content analysis details:');
  if (details < 0) throw new Error(`no SpamAssassin report in output:\n${report.slice(0, 2000)}`);
  const score = Number(/\((-?\d+(?:\.\d+)?) points?,/.exec(report.slice(details))?.[1]);
  const hits: RuleHit[] = [];
  for (const line of report.slice(details).split('\n')) {
    const m = /^\s*(-?\d+(?:\.\d+)?)\s+([A-Z0-9_]+)\s+(.*)$/.exec(line);
    const last = hits[hits.length - 1];
    if (m) hits.push({ points: Number(m[1]), rule: m[2] as string, description: (m[3] as string).trim() });
    // Long descriptions continue on indented lines under the description column.
    else if (last && /^\s{20,}\S/.test(line)) hits[hits.length - 1] = { ...last, description: `${last.description} ${line.trim()}` };
  }
  return { score, hits };
}

// Real signed tokens, as the digest service makes them: their shape (long base32 local parts) is what is scored.
const SECRET = new Uint8Array(32).fill(5);
const token = (purpose: 'reply' | 'unsubscribe'): string =>
  signReplyToken(SECRET, { userId: 'u_maria00001', digestId: '2026-11-30', expires: '2027-01-04T07:00:00.000Z', purpose });
const REPLY_TO = replyAddress(token('reply'), 'in.nurture.example.com');
const UNSUBSCRIBE_MAILTO = `mailto:${replyAddress(token('unsubscribe'), 'in.nurture.example.com', 'unsubscribe')}`;
const UNSUBSCRIBE_URL = `https://nurture.example.com/unsubscribe?t=${token('unsubscribe')}`;

/** The production builder: what SpamAssassin scores is exactly what the digest service sends. */
async function buildMime(unsubscribeUrl: string | undefined): Promise<Buffer> {
  const model = sampleDigest();
  const unsubscribeMailto = UNSUBSCRIBE_MAILTO.replace(/^mailto:/, '');
  const rendered = renderDigest(model, { replyTo: REPLY_TO, unsubscribeMailto: UNSUBSCRIBE_MAILTO, ...(unsubscribeUrl ? { unsubscribeUrl } : {}) });
  return buildDigestMime(rendered, {
    from: 'digest@nurture.example.com',
    fromName: 'Nurture',
    to: model.user,
    replyTo: REPLY_TO,
    messageId: `<digest.${model.weekOf}.u_maria@nurture.example.com>`,
    date: new Date('2026-11-30T07:00:00.000Z'),
    unsubscribeMailto,
    ...(unsubscribeUrl ? { unsubscribeUrl } : {}),
  });
}

describe.skipIf(SPAMASSASSIN.skip)('digest MIME under SpamAssassin local rules', () => {
  it.each([
    ['as deployed (mailto + one-click HTTPS unsubscribe)', UNSUBSCRIBE_URL],
    ['locally (mailto unsubscribe only)', undefined],
  ])('%s: scores ≤ 0 with no non-informational rule hit', async (_name, unsubscribeUrl) => {
    const spamassassin = SPAMASSASSIN.assert();
    const mime = await buildMime(unsubscribeUrl);
    const run = spawnSync(spamassassin, ['-L', '-t'], { input: mime, encoding: 'utf8', timeout: 120_000 });
    if (run.error) throw run.error;
    const { score, hits } = parseReport(run.stdout);
    const offending = hits.filter((h) => h.points > 0);
    const listing = hits.map((h) => `${h.points.toFixed(1).padStart(5)} ${h.rule} — ${h.description}`).join('\n');
    expect(offending, `SpamAssassin score ${score}; rules hit:\n${listing}`).toEqual([]);
    expect(score, `SpamAssassin score ${score}; rules hit:\n${listing}`).toBeLessThanOrEqual(0);
  }, 120_000);
});
