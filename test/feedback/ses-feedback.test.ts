/**
 * SES feedback against a real DynamoDB API: a permanent bounce marks the user bouncing and pauses the digest,
 * a complaint pauses it, and everything else is logged without a write.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { memoryLogger } from '#commons/logger';
import { handleFeedback, type FeedbackDeps } from '../../functions/feedback/ses-feedback.ts';
import { startTestStore, testUser, type TestStore } from '../support/local-store.ts';

const NOW = new Date('2026-11-30T08:01:00.000Z');
const SLOT = '2026-12-07T07';
let db: TestStore;
let log: ReturnType<typeof memoryLogger>;
const deps = (): FeedbackDeps => ({ store: db.store, now: () => NOW, log });

/** The EventBridge event SES publishes for a configuration-set bounce (shape from the SES event-publishing docs). */
function bounceEvent(bounce: { bounceType?: string; bounceSubType?: string; recipients?: string[] } = {}) {
  return {
    version: '0',
    id: 'e1',
    'detail-type': 'Email Bounced',
    source: 'aws.ses',
    account: '123456789012',
    time: NOW.toISOString(),
    region: 'eu-west-1',
    resources: ['arn:aws:ses:eu-west-1:123456789012:configuration-set/Nurture-digest'],
    detail: {
      eventType: 'Bounce',
      bounce: {
        bounceType: bounce.bounceType ?? 'Permanent',
        bounceSubType: bounce.bounceSubType ?? 'General',
        bouncedRecipients: (bounce.recipients ?? ['me@example.org']).map((emailAddress) => ({ emailAddress, action: 'failed', status: '5.1.1' })),
        timestamp: NOW.toISOString(),
        feedbackId: 'f1',
      },
      mail: {
        timestamp: NOW.toISOString(),
        source: 'nurture@in.example.com',
        messageId: '0100018c-ses-id',
        destination: bounce.recipients ?? ['me@example.org'],
        tags: { 'ses:configuration-set': ['Nurture-digest'] },
      },
    },
  };
}

function complaintEvent(recipients = ['Me <ME@work.example>']) {
  return {
    'detail-type': 'Email Complaint Received',
    source: 'aws.ses',
    detail: {
      eventType: 'Complaint',
      complaint: { complainedRecipients: recipients.map((emailAddress) => ({ emailAddress })), complaintFeedbackType: 'abuse' },
      mail: { messageId: '0100018c-ses-id2', destination: recipients },
    },
  };
}

beforeAll(async () => {
  db = await startTestStore();
});
afterAll(async () => {
  await db.stop();
});
beforeEach(async () => {
  log = memoryLogger();
  await db.store.createUser(testUser());
  await db.store.putUser(testUser(), SLOT);
});

describe('permanent bounce', () => {
  it('marks the user bouncing with the time, pauses the digest and unschedules it', async () => {
    const outcomes = await handleFeedback(deps(), bounceEvent());
    expect(outcomes).toEqual([{ email: 'me@example.org', action: 'bouncing', userId: 'u_test0001' }]);
    const user = await db.store.getUser('u_test0001');
    expect(user?.bouncing).toBe(NOW.toISOString());
    expect(user?.paused).toBe(true);
    expect(await db.store.usersDueAt(SLOT)).toEqual([]);
  });

  it('finds the user by an alias address too', async () => {
    const outcomes = await handleFeedback(deps(), bounceEvent({ recipients: ['me@work.example'] }));
    expect(outcomes[0]?.action).toBe('bouncing');
    expect((await db.store.getUser('u_test0001'))?.paused).toBe(true);
  });

  it('skips a recipient who is not a user, with a warning, and writes nothing', async () => {
    const outcomes = await handleFeedback(deps(), bounceEvent({ recipients: ['stranger@example.net'] }));
    expect(outcomes).toEqual([{ email: 'stranger@example.net', action: 'unknown-recipient' }]);
    expect(log.entries.some((e) => e.level === 'WARN' && e.message === 'feedback: recipient is not a user')).toBe(true);
    expect((await db.store.getUser('u_test0001'))?.paused).toBe(false);
  });
});

describe('complaint', () => {
  it('pauses the digest of the complaining user (display name and case do not matter) without marking a bounce', async () => {
    const outcomes = await handleFeedback(deps(), complaintEvent());
    expect(outcomes).toEqual([{ email: 'me@work.example', action: 'paused', userId: 'u_test0001' }]);
    const user = await db.store.getUser('u_test0001');
    expect(user?.paused).toBe(true);
    expect(user?.bouncing).toBeUndefined();
  });
});

describe('logged only', () => {
  it('a transient bounce changes nothing', async () => {
    const outcomes = await handleFeedback(deps(), bounceEvent({ bounceType: 'Transient', bounceSubType: 'MailboxFull' }));
    expect(outcomes).toEqual([{ email: 'me@example.org', action: 'logged' }]);
    expect((await db.store.getUser('u_test0001'))?.paused).toBe(false);
    expect(log.entries.some((e) => e.message === 'feedback: transient bounce, no change')).toBe(true);
  });

  it('another event type changes nothing', async () => {
    const event = { ...bounceEvent(), 'detail-type': 'Email Delivered', detail: { eventType: 'Delivery', mail: { messageId: 'm' } } };
    expect(await handleFeedback(deps(), event)).toEqual([]);
    expect((await db.store.getUser('u_test0001'))?.paused).toBe(false);
  });

  it('a malformed event is logged as an error and not retried', async () => {
    expect(await handleFeedback(deps(), { source: 'aws.s3', detail: {} })).toEqual([]);
    expect(log.entries.some((e) => e.level === 'ERROR' && e.message === 'feedback: invalid SES event')).toBe(true);
  });
});
