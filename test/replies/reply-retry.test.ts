import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '#adapters/store';
import { memoryLogger } from '#commons/logger';
import { captureBatch, type CaptureDeps } from '../../functions/capture/capture-service.ts';
import { prepareDigest, sendDigest } from '../../functions/digest/digest-service.ts';
import { handleReply } from '../../functions/replies/reply-service.ts';
import { startTestStore, testUser, type TestStore } from '../support/local-store.ts';
import { composeMail } from '../support/mail.ts';

const CAPTURE = 'log@in.example.com';
const SECRET = new Uint8Array(32).fill(9);
const NOW = new Date('2026-11-30T09:00:00Z');
let ts: TestStore;
const user = testUser({ userId: 'u_retry0001', email: 'me@example.org', aliases: [] });
const trusted = { recipients: [CAPTURE], auth: { verdict: 'trusted' as const } };

function deps(store: Store): CaptureDeps {
  const replyDeps = { store, secret: SECRET, config: { captureAddress: CAPTURE }, log: memoryLogger(), now: () => NOW, fromAddress: 'nurture@in.example.com' };
  return { store, config: { captureAddress: CAPTURE }, log: memoryLogger(), now: () => NOW, onReply: (m, i, o) => handleReply(replyDeps, m, i, o) };
}

beforeAll(async () => {
  ts = await startTestStore();
  await ts.store.createUser(user);
});
afterAll(async () => ts.stop());

describe('a reply whose changes fail to apply', () => {
  it('is applied by the retry, not dismissed as a duplicate', async () => {
    const promiseMail = await composeMail({ from: user.email, to: 'jane@acme.com', subject: 'deck', text: "I'll send you the deck by Friday.", date: new Date('2026-11-24T10:00:00Z'), messageId: '<rr1@x>' });
    await captureBatch(deps(ts.store), [{ raw: promiseMail, envelope: trusted, source: 't' }]);
    const digestDeps = { store: ts.store, secret: SECRET, captureAddress: CAPTURE, fromAddress: 'nurture@in.example.com', log: memoryLogger(), mailer: { send: async () => ({ messageId: 'm' }) } };
    const d = await prepareDigest(digestDeps, user, new Date('2026-11-30T07:00:00Z'));
    await sendDigest(digestDeps, user.userId, new Date('2026-11-30T07:00:00Z'));
    const n = d.json.items.find((i) => i.section === 'promise')!.n;
    const reply = await composeMail({ from: user.email, to: d.replyTo, subject: 'Re', text: `done ${n}`, messageId: '<rr-reply@x>' });

    // DynamoDB fails the first write (a 500 from the service, say).
    let failures = 1;
    const flaky = Object.create(ts.store) as Store;
    flaky.updatePromise = async (...args: Parameters<Store['updatePromise']>) => {
      if (failures-- > 0) throw Object.assign(new Error('InternalServerError'), { name: 'InternalServerError' });
      return ts.store.updatePromise(...args);
    };
    await expect(captureBatch(deps(flaky), [{ raw: reply, envelope: trusted, source: 't' }])).rejects.toThrow(/InternalServerError/);
    expect((await ts.store.listPromises(user.userId))[0]?.state).toBe('open');

    const [retry] = await captureBatch(deps(ts.store), [{ raw: reply, envelope: trusted, source: 't' }]);
    expect(retry).toMatchObject({ kind: 'reply', reason: null });
    expect((await ts.store.listPromises(user.userId))[0]?.state).toBe('done');
    const [again] = await captureBatch(deps(ts.store), [{ raw: reply, envelope: trusted, source: 't' }]);
    expect(again).toMatchObject({ kind: 'ignored', reason: 'duplicate' });
  });
});

describe('"drop N" on a promise', () => {
  it('drops it and remembers the wording, so the same sentence is not taken for a promise again', async () => {
    const u = testUser({ userId: 'u_drop00001', email: 'drop@example.org', aliases: [] });
    await ts.store.createUser(u);
    const sentence = "I'll send you the brochure tomorrow.";
    const mail = await composeMail({ from: u.email, to: 'ana@corp.io', subject: 'b', text: sentence, date: new Date('2026-11-24T10:00:00Z'), messageId: '<drop1@x>' });
    await captureBatch(deps(ts.store), [{ raw: mail, envelope: trusted, source: 't' }]);
    const digestDeps = { store: ts.store, secret: SECRET, captureAddress: CAPTURE, fromAddress: 'nurture@in.example.com', log: memoryLogger(), mailer: { send: async () => ({ messageId: 'm' }) } };
    const d = await prepareDigest(digestDeps, u, new Date('2026-11-30T07:00:00Z'));
    await sendDigest(digestDeps, u.userId, new Date('2026-11-30T07:00:00Z'));
    const n = d.json.items.find((i) => i.section === 'promise')!.n;
    const reply = await composeMail({ from: u.email, to: d.replyTo, subject: 'Re', text: `drop ${n}`, messageId: '<drop-reply@x>' });
    await captureBatch(deps(ts.store), [{ raw: reply, envelope: trusted, source: 't' }]);
    expect((await ts.store.listPromises(u.userId))[0]?.state).toBe('dropped');
    expect(await ts.store.getDistrust(u.userId)).toHaveLength(1);
    const again = await composeMail({ from: u.email, to: 'bob@corp.io', subject: 'b', text: sentence, date: new Date('2026-12-01T10:00:00Z'), messageId: '<drop2@x>' });
    const [out] = await captureBatch(deps(ts.store), [{ raw: again, envelope: trusted, source: 't' }]);
    expect(out?.promises).toEqual([]);
  });
});
