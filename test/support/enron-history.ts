/**
 * The Enron sent mail (../shared/fixtures/enron-sent) imported as one user's history: the first 740 mails by date,
 * moved so the newest is two days before `now` — a new user's first week after importing their sent folder.
 */
import { simpleParser } from 'mailparser';
import type { Store } from '#adapters/store';
import { memoryLogger } from '#commons/logger';
import type { CaptureOutcome } from '../../functions/capture/capture-service.ts';
import { captureBatch } from '../../functions/capture/capture-service.ts';
import type { User } from '#domain/types';
import { enronAsUser, enronMails } from './mbox.ts';

export const ENRON_HISTORY_MAILS = 740;

export async function importEnronHistory(store: Store, user: User, now: Date, captureAddress: string): Promise<CaptureOutcome[]> {
  const raws = await Promise.all(enronMails().map((m, i) => enronAsUser(m, user.email, i)));
  const dates = await Promise.all(raws.map(async (r) => (await simpleParser(r)).date?.getTime() ?? 0));
  const cutoff = [...dates].sort((a, b) => a - b)[ENRON_HISTORY_MAILS - 1] ?? Math.max(...dates);
  const shift = now.getTime() - 2 * 86_400_000 - cutoff;
  const shifted = raws
    .map((r, i) => ({ r, at: dates[i] ?? 0 }))
    .filter(({ at }) => at <= cutoff)
    .map(({ r, at }) => Buffer.from(r.toString('latin1').replace(/^Date: .*$/m, `Date: ${new Date(at + shift).toUTCString()}`), 'latin1'));
  const outcomes: CaptureOutcome[] = [];
  for (let i = 0; i < shifted.length; i += 100) {
    outcomes.push(
      ...(await captureBatch(
        { store, config: { captureAddress }, log: memoryLogger(), now: () => now },
        shifted.slice(i, i + 100).map((raw) => ({ raw, envelope: { recipients: [captureAddress], auth: { verdict: 'trusted' as const } }, source: 'enron' })),
      )),
    );
  }
  return outcomes;
}
