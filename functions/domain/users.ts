/** Registering a user: validated settings with sensible defaults. */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { normalizeAddress } from './addresses.ts';
import type { User } from './types.ts';

const address = z.string().transform((s, ctx) => {
  const a = normalizeAddress(s);
  if (!a) {
    ctx.addIssue({ code: 'custom', message: `not a valid e-mail address: ${s}` });
    return z.NEVER;
  }
  return a;
});

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** The settings a user can change. */
export const UserSettings = z.object({
  tz: z.string().refine(isTimeZone, { message: 'unknown time zone (use an IANA name like Europe/Berlin)' }).default('UTC'),
  // One check-in a week is the habit the digest builds; `more`/`fewer` or the setting change it.
  checkins: z.coerce.number().int().min(1).max(10).default(1),
  maxItems: z.coerce.number().int().min(3).max(30).optional(),
  digestDay: z.coerce.number().int().min(1).max(7).default(1),
  digestHour: z.coerce.number().int().min(0).max(23).default(8),
});

export const NewUserInput = UserSettings.extend({
  email: address,
  aliases: z.array(address).default([]),
  name: z.string().trim().min(1).max(100).optional(),
});
export type NewUserInput = z.input<typeof NewUserInput>;

/** Short on purpose: the id is inside every reply token, which must fit a 64-octet local part with its prefix. */
export function newUserId(): string {
  return `u_${randomBytes(6).toString('hex')}`;
}

export function newUser(input: NewUserInput, now: Date, userId = newUserId()): User {
  const v = NewUserInput.parse(input);
  return {
    userId,
    email: v.email,
    aliases: [...new Set(v.aliases.filter((a) => a !== v.email))],
    ...(v.name ? { name: v.name } : {}),
    tz: v.tz,
    checkins: v.checkins,
    ...(v.maxItems !== undefined ? { maxItems: v.maxItems } : {}),
    digestDay: v.digestDay,
    digestHour: v.digestHour,
    paused: false,
    confirmations: true,
    createdAt: now.toISOString(),
  };
}
