/**
 * The hourly dispatcher: which users are due now. A Query per hour slot on the sparse due index — never a
 * Scan — so its cost grows with the users due this hour, not with all users. It also looks back a few
 * hours, so a missed or failed run is caught up; sending is idempotent per user and week.
 */
import type { Store } from '#adapters/store';
import { utcHourSlot } from '#domain/week';

export const LOOKBACK_HOURS = 3;

export function dueSlots(now: Date, lookback = LOOKBACK_HOURS): string[] {
  const h = 3_600_000;
  const current = Math.floor(now.getTime() / h) * h;
  return Array.from({ length: lookback + 1 }, (_, i) => utcHourSlot(new Date(current - i * h)));
}

/** Hours a service that was down (a laptop asleep on Monday morning) looks back at start: a whole week. */
export const STARTUP_LOOKBACK_HOURS = 7 * 24;

export async function dueUsers(store: Store, now: Date, lookback = LOOKBACK_HOURS): Promise<string[]> {
  const slots = dueSlots(now, lookback);
  const lists: string[][] = [];
  // A few Queries at a time: at start-up the look-back is a week of hourly slots.
  for (let i = 0; i < slots.length; i += 8) lists.push(...(await Promise.all(slots.slice(i, i + 8).map((s) => store.usersDueAt(s)))));
  return [...new Set(lists.flat())];
}
