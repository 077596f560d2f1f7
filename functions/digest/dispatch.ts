/**
 * The hourly dispatcher: which users are due now. A Query per hour slot on the sparse due index — never a
 * Scan — so its cost grows with the users due, not with all users. Each run looks back to where the last
 * completed run left off (at least a few hours), so a failed run, an outage or a machine that was off is caught
 * up and nobody is left behind in a slot no run queries again; sending is idempotent per user and week.
 */
import type { Store } from '#adapters/store';
import { utcHourSlot } from '#domain/week';

/** Hours every run looks back at, even right after another run. */
export const LOOKBACK_HOURS = 3;
/** Look-back when no run has been recorded yet (a first start, or data from before the mark existed). */
export const FIRST_RUN_LOOKBACK_HOURS = 7 * 24;
/** Longest catch-up: ten weeks of hourly Queries (1,680), once, after a long outage. */
export const MAX_LOOKBACK_HOURS = 10 * 7 * 24;

const HOUR = 3_600_000;

export interface DueUser {
  readonly userId: string;
  /** The UTC hour slot the user was due in, as an instant: their digest's week is pinned to it. */
  readonly dueAt: Date;
}

export function dueSlots(now: Date, lookback = LOOKBACK_HOURS): string[] {
  const current = Math.floor(now.getTime() / HOUR) * HOUR;
  return Array.from({ length: lookback + 1 }, (_, i) => utcHourSlot(new Date(current - i * HOUR)));
}

/** Hours to look back at `now`: back to the slot the last completed run recorded, within the bounds above. */
export async function lookbackHours(store: Store, now: Date): Promise<number> {
  const last = await store.lastDispatchedSlot();
  if (!last) return FIRST_RUN_LOOKBACK_HOURS;
  const since = Math.ceil((now.getTime() - Date.parse(`${last}:00:00Z`)) / HOUR);
  return Math.min(MAX_LOOKBACK_HOURS, Math.max(LOOKBACK_HOURS, since));
}

export async function dueUsers(store: Store, now: Date, lookback?: number): Promise<DueUser[]> {
  const slots = dueSlots(now, lookback ?? (await lookbackHours(store, now)));
  const due = new Map<string, DueUser>();
  // A few Queries at a time: a catch-up can be weeks of hourly slots. Oldest last, so each user keeps the newest slot.
  for (let i = 0; i < slots.length; i += 8) {
    const batch = slots.slice(i, i + 8);
    const lists = await Promise.all(batch.map((s) => store.usersDueAt(s)));
    lists.forEach((ids, k) => ids.forEach((userId) => due.has(userId) || due.set(userId, { userId, dueAt: new Date(`${batch[k]}:00:00Z`) })));
  }
  return [...due.values()];
}

/**
 * Records that every slot up to `upTo` was dispatched: the next run looks back to it. A run passes the oldest slot
 * it could not finish (the local scheduler's failed sends), so those users are found again.
 */
export async function markDispatched(store: Store, upTo: Date): Promise<void> {
  await store.setLastDispatchedSlot(utcHourSlot(upTo));
}
