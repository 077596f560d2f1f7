import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryLogger } from '#commons/logger';
import { createHandler } from '../../functions/capture/handler.ts';
import { handleReply } from '../../functions/replies/reply-service.ts';
import type { SesCaptureDeps } from '../../functions/capture/ses-capture.ts';
import { startTestStore, testUser, type TestStore } from '../support/local-store.ts';
import { composeMail } from '../support/mail.ts';
import { sesEvent } from '../support/ses-event.ts';

const BUCKET = 'nurture-raw';
const PREFIX = 'raw/';
let ts: TestStore;
let s3server: S3rver;
let s3: S3Client;
let dir: string;
const user = testUser({ userId: 'u_ses00001', email: 'me@example.org', aliases: [] });
const log = memoryLogger();

function deps(overrides: Partial<SesCaptureDeps> = {}): () => SesCaptureDeps {
  return () => ({ store: ts.store, s3, rawBucket: BUCKET, rawPrefix: PREFIX, config: { captureAddress: 'log@in.example.com' }, log, now: () => new Date('2026-11-20T10:00:02Z'), ...overrides });
}

async function deliver(messageId: string, raw: Buffer): Promise<void> {
  await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: `${PREFIX}${messageId}`, Body: raw }));
}

beforeAll(async () => {
  ts = await startTestStore();
  await ts.store.createUser(user);
  dir = mkdtempSync(join(tmpdir(), 's3rver-'));
  s3server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: dir });
  const { port } = await s3server.run();
  s3 = new S3Client({
    endpoint: `http://127.0.0.1:${port}`,
    region: 'us-east-1',
    forcePathStyle: true,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  });
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
});
afterAll(async () => {
  await s3server.close();
  await ts.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('capture Lambda behind the SES receipt rule', () => {
  it('reads the raw mail from S3 by the rule prefix and SES message id, and records contacts', async () => {
    const raw = await composeMail({ from: 'Me <me@example.org>', to: 'Jane Doe <jane@acme.com>', subject: 'Hi', text: 'hello', messageId: '<s1@example.org>' });
    await deliver('ses-msg-1', raw);
    const out = await createHandler(deps())(sesEvent({ messageId: 'ses-msg-1', from: 'Me <me@example.org>' }));
    expect(out.outcomes).toEqual([{ messageId: '<s1@example.org>', kind: 'outgoing', reason: null }]);
    expect((await ts.store.listContacts(user.userId)).map((c) => c.email)).toContain('jane@acme.com');
  });

  it('rejects a From that DMARC did not authenticate', async () => {
    const raw = await composeMail({ from: 'me@example.org', to: 'eve@corp.io', subject: 'spoof', text: 'x', messageId: '<s2@example.org>' });
    await deliver('ses-msg-2', raw);
    const out = await createHandler(deps())(sesEvent({ messageId: 'ses-msg-2', from: 'me@example.org', dmarc: 'FAIL', spf: 'FAIL', dkim: 'FAIL' }));
    expect(out.outcomes[0]).toMatchObject({ kind: 'rejected', reason: 'unauthenticated' });
    expect((await ts.store.listContacts(user.userId)).map((c) => c.email)).not.toContain('eve@corp.io');
  });

  it('refuses an SPF-only sender (no DMARC, no DKIM) by default, and accepts it aligned when the operator opted in', async () => {
    const raw = await composeMail({ from: 'me@example.org', to: 'spf@corp.io', subject: 'x', text: 'x', messageId: '<s3@example.org>' });
    await deliver('ses-msg-3', raw);
    const event = () => sesEvent({ messageId: 'ses-msg-3', from: 'me@example.org', mailFrom: 'bounce@mail.example.org', dmarc: 'GRAY', dkim: 'GRAY', authenticationResults: 'amazonses.com; spf=pass smtp.mailfrom=mail.example.org; dkim=none; dmarc=none header.from=example.org;' });
    const refused = await createHandler(deps())(event());
    expect(refused.outcomes[0]).toMatchObject({ kind: 'rejected', reason: 'unauthenticated' });
    expect((await ts.store.listContacts(user.userId)).map((c) => c.email)).not.toContain('spf@corp.io');
    const allowed = await createHandler(deps({ allowSpfOnly: true }))(event());
    expect(allowed.outcomes[0]).toMatchObject({ kind: 'outgoing' });
  });

  it('accepts a DKIM signature of the From domain when the domain publishes no DMARC', async () => {
    const raw = await composeMail({ from: 'me@example.org', to: 'dkim@corp.io', subject: 'x', text: 'x', messageId: '<s3d@example.org>' });
    await deliver('ses-msg-3d', raw);
    const out = await createHandler(deps())(sesEvent({ messageId: 'ses-msg-3d', from: 'me@example.org', dmarc: 'GRAY', spf: 'GRAY', authenticationResults: 'amazonses.com; spf=none; dkim=pass header.i=@example.org; dmarc=none header.from=example.org;' }));
    expect(out.outcomes[0]).toMatchObject({ kind: 'outgoing' });
  });

  // The probe's attack: the attacker's domain passes DMARC, and the victim's address rides along in From.
  const attackerPass = 'amazonses.com; spf=pass smtp.mailfrom=evil.net; dkim=pass header.i=@evil.net; dmarc=pass header.from=evil.net;';

  it('rejects two mailboxes in From ("victim, attacker") even with a DMARC pass, and captures nothing', async () => {
    const from = 'me@example.org, mallory@evil.net';
    const raw = await composeMail({ from, to: 'two@corp.io', subject: 'x', text: 'x', messageId: '<s9@evil.net>' });
    await deliver('ses-msg-9', raw);
    const event = sesEvent({ messageId: 'ses-msg-9', from, mailFrom: 'mallory@evil.net', authenticationResults: attackerPass });
    event.Records[0]!.ses.mail.commonHeaders.from = ['me@example.org', 'mallory@evil.net'];
    const out = await createHandler(deps())(event);
    expect(out.outcomes[0]).toMatchObject({ kind: 'rejected' });
    expect((await ts.store.listContacts(user.userId)).map((c) => c.email)).not.toContain('two@corp.io');
  });

  it('rejects two From headers even with a DMARC pass for one of them', async () => {
    const raw = Buffer.from(
      ['From: me@example.org', 'From: mallory@evil.net', 'To: twohdr@corp.io', 'Subject: x', 'Message-ID: <s10@evil.net>', 'Date: Fri, 20 Nov 2026 10:00:00 +0000', '', 'x', ''].join('\r\n'),
    );
    await deliver('ses-msg-10', raw);
    const event = sesEvent({ messageId: 'ses-msg-10', from: 'me@example.org', mailFrom: 'mallory@evil.net', authenticationResults: attackerPass });
    event.Records[0]!.ses.mail.headers.push({ name: 'From', value: 'mallory@evil.net' });
    const out = await createHandler(deps())(event);
    expect(out.outcomes[0]).toMatchObject({ kind: 'rejected' });
    expect((await ts.store.listContacts(user.userId)).map((c) => c.email)).not.toContain('twohdr@corp.io');
  });

  it('rejects a DMARC pass SES reports for another domain than the From domain', async () => {
    const raw = await composeMail({ from: 'me@example.org', to: 'other@corp.io', subject: 'x', text: 'x', messageId: '<s11@evil.net>' });
    await deliver('ses-msg-11', raw);
    const out = await createHandler(deps())(sesEvent({ messageId: 'ses-msg-11', from: 'me@example.org', mailFrom: 'mallory@evil.net', authenticationResults: attackerPass }));
    expect(out.outcomes[0]).toMatchObject({ kind: 'rejected', reason: 'unauthenticated' });
    expect((await ts.store.listContacts(user.userId)).map((c) => c.email)).not.toContain('other@corp.io');
  });

  it('does not accept SPF that passed for another domain', async () => {
    const raw = await composeMail({ from: 'me@example.org', to: 'spf2@corp.io', subject: 'x', text: 'x', messageId: '<s4@example.org>' });
    await deliver('ses-msg-4', raw);
    const out = await createHandler(deps())(
      sesEvent({ messageId: 'ses-msg-4', from: 'me@example.org', mailFrom: 'attacker@evil.net', dmarc: 'GRAY', dkim: 'FAIL', authenticationResults: 'amazonses.com; spf=pass smtp.mailfrom=evil.net; dkim=fail' }),
    );
    expect(out.outcomes[0]).toMatchObject({ kind: 'rejected', reason: 'unauthenticated' });
  });

  it('ignores an Authentication-Results header the sender forged into the mail', async () => {
    const raw = await composeMail({ from: 'me@example.org', to: 'forged@corp.io', subject: 'x', text: 'x', messageId: '<s8@example.org>' });
    await deliver('ses-msg-8', raw);
    const event = sesEvent({ messageId: 'ses-msg-8', from: 'me@example.org', mailFrom: 'attacker@evil.net', dmarc: 'GRAY', spf: 'FAIL', dkim: 'PASS', authenticationResults: 'amazonses.com; spf=fail smtp.mailfrom=evil.net; dkim=pass header.d=evil.net;' });
    // The attacker's own header, below SES's: it claims a DKIM pass for the victim's domain.
    event.Records[0]!.ses.mail.headers.push({ name: 'Authentication-Results', value: 'amazonses.com; dkim=pass header.d=example.org' });
    const out = await createHandler(deps())(event);
    expect(out.outcomes[0]).toMatchObject({ kind: 'rejected', reason: 'unauthenticated' });
    expect((await ts.store.listContacts(user.userId)).map((c) => c.email)).not.toContain('forged@corp.io');
  });

  it('rejects a DMARC pass for one domain when the raw mail claims another From', async () => {
    const raw = await composeMail({ from: 'me@example.org', to: 'x@corp.io', subject: 'x', text: 'x', messageId: '<s5@example.org>' });
    await deliver('ses-msg-5', raw);
    // SES saw a different From header (e.g. two From headers): the verdict is not for this sender.
    const out = await createHandler(deps())(sesEvent({ messageId: 'ses-msg-5', from: 'someone@other.org' }));
    expect(out.outcomes[0]).toMatchObject({ kind: 'rejected' });
  });

  it('never processes a virus verdict FAIL', async () => {
    const raw = await composeMail({ from: 'me@example.org', to: 'v@corp.io', subject: 'x', text: 'x', messageId: '<s6@example.org>' });
    await deliver('ses-msg-6', raw);
    const out = await createHandler(deps())(sesEvent({ messageId: 'ses-msg-6', from: 'me@example.org', virus: 'FAIL' }));
    expect(out.outcomes[0]).toMatchObject({ kind: 'rejected', reason: 'virus' });
  });

  it('drops an invalid event with a logged reason instead of retrying it forever', async () => {
    const out = await createHandler(deps())({ Records: [{ eventSource: 'aws:sqs' }] });
    expect(out.outcomes).toEqual([]);
    expect(log.entries.some((e) => e.message === 'invalid SES event')).toBe(true);
  });

  it('throws (so Lambda retries) when S3 is throttling, and the raw mail is still there', async () => {
    const raw = await composeMail({ from: 'me@example.org', to: 't@corp.io', subject: 'x', text: 'x', messageId: '<s7@example.org>' });
    await deliver('ses-msg-7', raw);
    const faulty = new S3Client({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
    const mock = mockClient(faulty);
    mock.on(GetObjectCommand).rejects(Object.assign(new Error('SlowDown'), { name: 'SlowDown', $metadata: { httpStatusCode: 503 } }));
    await expect(createHandler(deps({ s3: faulty }))(sesEvent({ messageId: 'ses-msg-7', from: 'me@example.org' }))).rejects.toThrow(/capture failed for ses-msg-7/);
    const kept = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: `${PREFIX}ses-msg-7` }));
    expect(Buffer.from(await kept.Body!.transformToByteArray()).equals(raw)).toBe(true);
    // The retry succeeds once S3 answers again.
    const retry = await createHandler(deps())(sesEvent({ messageId: 'ses-msg-7', from: 'me@example.org' }));
    expect(retry.outcomes[0]).toMatchObject({ kind: 'outgoing' });
  });
});

describe('reply commands through the SES Lambda path', () => {
  async function digestFor(): Promise<{ replyTo: string; promiseN: number }> {
    const { prepareDigest, sendDigest } = await import('../../functions/digest/digest-service.ts');
    const capture = await composeMail({ from: 'me@example.org', to: 'jane@acme.com', subject: 'deck', text: "I'll send you the deck by Friday.", messageId: '<lp1@example.org>', date: new Date('2026-11-24T10:00:00Z') });
    await deliver('ses-lp-1', capture);
    await createHandler(deps())(sesEvent({ messageId: 'ses-lp-1', from: 'me@example.org' }));
    const digestDeps = { store: ts.store, secret: SECRET, captureAddress: 'log@in.example.com', fromAddress: 'nurture@in.example.com', log, mailer: { send: async () => ({ messageId: 'x' }) } };
    const now = new Date('2026-11-30T07:00:00Z');
    const prepared = await prepareDigest(digestDeps, user, now);
    expect((await sendDigest(digestDeps, user.userId, now)).status).toBe('sent');
    return { replyTo: prepared.replyTo, promiseN: prepared.json.items.find((i) => i.section === 'promise')!.n };
  }
  const SECRET = new Uint8Array(32).fill(3);
  const withReplies = () =>
    deps({
      onReply: (mail, input, outcome) =>
        handleReply({ store: ts.store, secret: SECRET, config: { captureAddress: 'log@in.example.com' }, log, now: () => new Date('2026-11-30T09:00:00Z'), fromAddress: 'nurture@in.example.com' }, mail, input, outcome),
    });

  it('applies "done N" from a DMARC-authenticated reply, and ignores the same reply when DMARC failed', async () => {
    const d = await digestFor();
    const spoofed = await composeMail({ from: 'me@example.org', to: d.replyTo, subject: 'Re', text: `drop ${d.promiseN}`, messageId: '<lp-spoof@evil.net>' });
    await deliver('ses-lp-2', spoofed);
    const bad = await createHandler(withReplies())(sesEvent({ messageId: 'ses-lp-2', from: 'me@example.org', recipients: [d.replyTo], dmarc: 'FAIL' }));
    expect(bad.outcomes[0]).toMatchObject({ kind: 'rejected', reason: 'unauthenticated' });
    expect((await ts.store.listPromises(user.userId)).find((p) => p.text.includes('deck'))?.state).toBe('open');

    const reply = await composeMail({ from: 'me@example.org', to: d.replyTo, subject: 'Re', text: `done ${d.promiseN}`, messageId: '<lp-reply@example.org>' });
    await deliver('ses-lp-3', reply);
    const ok = await createHandler(withReplies())(sesEvent({ messageId: 'ses-lp-3', from: 'me@example.org', recipients: [d.replyTo] }));
    expect(ok.outcomes[0]).toMatchObject({ kind: 'reply', reason: null });
    expect((await ts.store.listPromises(user.userId)).find((p) => p.text.includes('deck'))?.state).toBe('done');
  });
});
