/**
 * The local stand-in for EventBridge Scheduler + SQS: at start and then at every full hour, find the users
 * due and send their digests in-process, with the same dispatcher and digest code as the Lambdas.
 */
import type { Logger } from '#commons/logger';
import type { Store } from '#adapters/store';
import { sendDigest, type DigestDeps } from '../digest/digest-service.ts';
import { dueUsers, markDispatched } from '../digest/dispatch.ts';

export interface Scheduler {
  /** One dispatch round now (also what each hourly tick does), looking back to the last round (or `lookback` hours). */
  runOnce(lookback?: number): Promise<{ userId: string; status: string }[]>;
  /** The catch-up round run at start (settles, never rejects). */
  readonly firstRound: Promise<unknown>;
  stop(): void;
}

export function startScheduler(deps: DigestDeps & { store: Store; log: Logger }, now: () => Date = () => new Date()): Scheduler {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const runOnce = async (lookback?: number): Promise<{ userId: string; status: string }[]> => {
    const at = now();
    const results: { userId: string; status: string }[] = [];
    // The oldest slot not finished: the next round looks back to it, so a failed digest is retried, never dropped.
    let unfinished = at;
    for (const { userId, dueAt } of await dueUsers(deps.store, at, lookback)) {
      try {
        results.push({ userId, status: (await sendDigest(deps, userId, at, dueAt)).status });
      } catch (err) {
        deps.log.error('digest failed; the next hourly run retries', { userId, error: String(err) });
        results.push({ userId, status: 'failed' });
        if (dueAt < unfinished) unfinished = dueAt;
      }
    }
    await markDispatched(deps.store, unfinished);
    return results;
  };
  const schedule = (): void => {
    if (stopped) return;
    const ms = 3_600_000 - (Date.now() % 3_600_000) + 1_000;
    timer = setTimeout(() => {
      runOnce()
        .catch((err: unknown) => deps.log.error('dispatch failed', { error: String(err) }))
        .finally(schedule);
    }, ms);
    timer.unref();
  };
  // At start, catch up on every hour since the last round (the machine may have been off when digests were due).
  const firstRound = runOnce().catch((err: unknown) => deps.log.error('dispatch failed', { error: String(err) }));
  schedule();
  return {
    runOnce,
    firstRound,
    stop: () => {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}
