/**
 * Calendar helpers for the weekly digest. Pure: the instant is always passed in.
 * Local time is computed with luxon's IANA zone support, so DST and half-hour zones are handled by the tz database.
 */
import { DateTime } from 'luxon';
import type { User } from './types.ts';

/** The ISO day (yyyy-mm-dd) of the Monday that starts the local week containing `now` in `tz`. */
export function weekOf(now: string | Date, tz: string): string {
  const local = toZone(now, tz);
  // luxon weeks are ISO weeks: they start on Monday.
  return local.startOf('week').toISODate() as string;
}

/**
 * The first instant strictly after `after` at which the user's local clock shows `digestDay` (ISO weekday,
 * 1 = Monday) at `digestHour`:00. When DST makes that local time not exist (spring forward), it is the first
 * instant after the gap (02:00 → 03:00); when it exists twice (fall back), it is the first of the two, so a
 * digest is never sent twice nor skipped.
 */
export function nextDigestAt(
  user: Pick<User, 'tz' | 'digestDay' | 'digestHour'>,
  after: Date,
): Date {
  const { tz, digestDay, digestHour } = user;
  if (!Number.isInteger(digestDay) || digestDay < 1 || digestDay > 7) {
    throw new RangeError(`digestDay must be an ISO weekday 1–7, got ${digestDay}`);
  }
  if (!Number.isInteger(digestHour) || digestHour < 0 || digestHour > 23) {
    throw new RangeError(`digestHour must be 0–23, got ${digestHour}`);
  }
  const startDay = toZone(after, tz).startOf('day');
  // Eight days always include one matching weekday later than `after`, even when today's slot has passed.
  for (let i = 0; i <= 8; i += 1) {
    const day = startDay.plus({ days: i });
    if (day.weekday !== digestDay) continue;
    const at = localHour(day, digestHour, tz);
    if (at.toMillis() > after.getTime()) return at.toJSDate();
  }
  throw new Error(`no digest time found after ${after.toISOString()} in ${tz}`);
}

/**
 * The week a digest belongs to, from the slot the user was due in (or, for a preview or a send by hand, now): the
 * week of the user's scheduled digest time most recently passed — so a Sunday 23:00 digest sent after midnight
 * still counts for the week it was due in — unless the next one is less than a day away, when it is that upcoming
 * digest (a preview at 07:00 of the 08:00 digest). A send by hand on Thursday is this week's, never next week's.
 */
export function digestWeekOf(user: Pick<User, 'tz' | 'digestDay' | 'digestHour'>, dueAt: Date): string {
  const day = 24 * 3_600_000;
  // Scheduled times are a week apart (±1 h across DST): three from eight days back surround dueAt.
  const first = nextDigestAt(user, new Date(dueAt.getTime() - 8 * day));
  const times = [first, nextDigestAt(user, first)];
  times.push(nextDigestAt(user, times[1] as Date));
  const after = times.find((t) => t.getTime() > dueAt.getTime()) as Date;
  const before = [...times].reverse().find((t) => t.getTime() <= dueAt.getTime());
  const chosen = !before || after.getTime() - dueAt.getTime() < day ? after : before;
  return weekOf(chosen, user.tz);
}

/** The UTC hour an instant falls in, as 'YYYY-MM-DDTHH' — the dispatcher's partition key for "due this hour". */
export function utcHourSlot(date: Date): string {
  if (Number.isNaN(date.getTime())) throw new RangeError('utcHourSlot: invalid date');
  return date.toISOString().slice(0, 13);
}

function toZone(at: string | Date, tz: string): DateTime {
  const dt = typeof at === 'string' ? DateTime.fromISO(at, { zone: tz }) : DateTime.fromJSDate(at, { zone: tz });
  if (!dt.isValid) throw new RangeError(`invalid instant or time zone: ${String(at)} in ${tz} (${dt.invalidReason})`);
  return dt;
}

/** `hour`:00 local on `day`, resolving DST gaps forward and overlaps to the earlier instant. */
function localHour(day: DateTime, hour: number, tz: string): DateTime {
  // luxon moves a nonexistent local time forward past the gap, and picks the later offset for an ambiguous one.
  const at = DateTime.fromObject({ year: day.year, month: day.month, day: day.day, hour }, { zone: tz });
  const earlier = at.minus({ hours: 1 });
  const sameWallClock = earlier.hour === at.hour && earlier.day === at.day && earlier.minute === at.minute;
  return sameWallClock ? earlier : at;
}

/**
 * The dispatcher slot for the user's next digest after `after`: the UTC hour of `nextDigestAt`, rounded *up* so a
 * half-hour zone's 08:00 (02:30 UTC in Kolkata) is sent at the 03:00 run — never before the local hour. The one
 * way every caller schedules a digest.
 */
export function nextDigestSlot(user: Pick<User, 'tz' | 'digestDay' | 'digestHour'>, after: Date): string {
  const hour = 3_600_000;
  return utcHourSlot(new Date(Math.ceil(nextDigestAt(user, after).getTime() / hour) * hour));
}
