/** A registered user for tests, with sensible settings; override what a test is about. */
import type { User } from '#domain/types';

export function testUser(overrides: Partial<User> = {}): User {
  return {
    userId: 'u_test0001',
    email: 'me@example.org',
    aliases: ['me@work.example'],
    name: 'Me',
    tz: 'Europe/Berlin',
    checkins: 3,
    digestDay: 1,
    digestHour: 8,
    paused: false,
    confirmations: true,
    createdAt: '2026-11-01T00:00:00.000Z',
    ...overrides,
  };
}
