import { describe, expect, it } from 'vitest';
import { detectDelivery, type LaterMail, type PromiseLike } from '../../functions/domain/fulfilment.ts';

const made = '2026-11-25T10:00:00.000Z';
const later = (over: Partial<LaterMail> = {}): LaterMail => ({
  date: '2026-11-27T09:00:00.000Z',
  recipients: ['jane@acme.com'],
  ownText: 'Hi Jane, quick note.',
  hasAttachments: false,
  hasLink: false,
  ...over,
});
const promise = (over: Partial<PromiseLike> = {}): PromiseLike => ({
  action: 'send',
  to: ['jane@acme.com'],
  text: "I'll send you the deck.",
  createdAt: made,
  ...over,
});

describe('send: an attachment or a link to the same person', () => {
  it('an attachment to her delivers it', () => {
    expect(detectDelivery(promise(), later({ hasAttachments: true }))?.why).toMatch(/attachment/u);
  });
  it('a link with "here is" delivers it', () => {
    expect(detectDelivery(promise(), later({ hasLink: true, ownText: "Here's the link to the deck: https://x.io/d" }))).not.toBeNull();
  });
  it('"as promised" delivers it', () => {
    expect(detectDelivery(promise(), later({ ownText: 'As promised, the numbers are below.' }))?.why).toMatch(/as promised/iu);
  });
  it('an attachment to someone else does not', () => {
    expect(detectDelivery(promise(), later({ recipients: ['tom@x.com'], hasAttachments: true }))).toBeNull();
  });
  it('a plain mail to her without a deliverable does not', () => {
    expect(detectDelivery(promise(), later())).toBeNull();
  });
  it('a mail from before the promise does not', () => {
    expect(detectDelivery(promise(), later({ date: '2026-11-24T10:00:00.000Z', hasAttachments: true }))).toBeNull();
  });
});

describe('introduce: one mail to both people', () => {
  const intro = promise({ action: 'introduce', introduce: ['jane@acme.com', 'sam@beta.io'], text: "I'll introduce you to Sam." });
  it('an introduction Cc-ing both delivers it', () => {
    expect(detectDelivery(intro, later({ recipients: ['jane@acme.com'], cc: ['sam@beta.io'], ownText: 'Jane, meet Sam — I wanted to introduce you two.' }))?.why).toMatch(/both/u);
  });
  it('a mail to only one of them does not', () => {
    expect(detectDelivery(intro, later({ ownText: 'Jane, meet Sam.' }))).toBeNull();
  });
  it('both copied without introducing words does not', () => {
    expect(detectDelivery(intro, later({ cc: ['sam@beta.io'], ownText: 'Lunch on Friday?' }))).toBeNull();
  });
});

describe('reply, meet, review, do', () => {
  it('any later mail to them answers a reply promise', () => {
    expect(detectDelivery(promise({ action: 'reply' }), later({ ownText: 'The answer is yes.' }))).not.toBeNull();
  });
  it('a meeting confirmation delivers a meet promise, small talk does not', () => {
    expect(detectDelivery(promise({ action: 'meet' }), later({ ownText: 'Sent you a calendar invite for Tuesday.' }))).not.toBeNull();
    expect(detectDelivery(promise({ action: 'meet' }), later({ ownText: 'Great game last night.' }))).toBeNull();
  });
  it('"I have reviewed" delivers a review promise', () => {
    expect(detectDelivery(promise({ action: 'review' }), later({ ownText: "I've looked over the contract; comments below." }))).not.toBeNull();
  });
  it('"it is done" delivers a do promise', () => {
    expect(detectDelivery(promise({ action: 'do' }), later({ ownText: "I've signed it." }))).not.toBeNull();
    expect(detectDelivery(promise({ action: 'do' }), later({ ownText: 'Working on it.' }))).toBeNull();
  });
});
