/**
 * Issue 5 end to end, locally: a digest goes out through the local SES, the user answers it from a mail
 * client (nodemailer, quoting the digest) through the local SMTP server with AUTH, and the store changes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { memoryLogger } from '#commons/logger';
import { signReplyToken, replyAddress } from '#domain/reply-token';
import { captureBatch } from '../../functions/capture/capture-service.ts';
import { sendDigest, prepareDigest } from '../../functions/digest/digest-service.ts';
import { localFromAddress, localSesMailer } from '../../functions/local/local-mailer.ts';
import { smtpPassword } from '../../functions/local/local-secret.ts';
import { startRuntime, type Runtime } from '../../functions/local/runtime.ts';
import type { User } from '#domain/types';
import { composeMail } from '../support/mail.ts';
import { testUser } from '../support/local-store.ts';

const CAPTURE = 'log@nurture.localhost';
const MONDAY_8 = new Date('2026-11-30T07:00:00Z');
let rt: Runtime;
let dir: string;
let seq = 0;
let user: User;
let sesEndpoint: string;

const sesStore = async () => ((await (await fetch(`${sesEndpoint}/store`)).json()) as { emails: { destination: { to: string[] }; replyTo?: string[]; subject: string; body: { text: string } }[] }).emails;
const smtp = (auth?: { user: string; pass: string }) => nodemailer.createTransport({ host: rt.info.smtp.host, port: rt.info.smtp.port, secure: false, ignoreTLS: true, auth });
const asUser = () => smtp({ user: user.email, pass: smtpPassword(rt.secret, user.email) });
const digestDeps = () => ({ store: rt.store, secret: rt.secret, captureAddress: CAPTURE, fromAddress: localFromAddress(CAPTURE), mailer: localSesMailer(sesEndpoint), log: memoryLogger() });

async function seedAndSendDigest(): Promise<{ replyTo: string; subject: string; text: string; html: string; promiseN: number; checkinN: number; messageId: string }> {
  const mails = await Promise.all([
    ...['2026-05-01', '2026-06-01', '2026-07-01', '2026-08-01'].map((d, i) => composeMail({ from: user.email, to: 'Ana Lima <ana@corp.io>', subject: `Lisbon ${i}`, text: 'Hi', date: new Date(`${d}T10:00:00Z`), messageId: `<ana${seq}-${i}@x>` })),
    composeMail({ from: user.email, to: 'Jane Doe <jane@acme.com>', subject: 'deck', text: "Hi Jane, I'll send you the deck by Friday.", date: new Date('2026-11-23T10:00:00Z'), messageId: `<jane${seq}@x>` }),
  ]);
  await captureBatch({ store: rt.store, config: { captureAddress: CAPTURE }, log: memoryLogger(), now: () => MONDAY_8 }, mails.map((raw) => ({ raw, envelope: { recipients: [], auth: { verdict: 'trusted' } }, source: 'seed' })));
  const prepared = await prepareDigest(digestDeps(), user, MONDAY_8);
  const result = await sendDigest(digestDeps(), user.userId, MONDAY_8);
  expect(result.status).toBe('sent');
  const sent = (await sesStore()).find((m) => m.destination.to.includes(user.email));
  expect(sent).toBeDefined();
  return {
    replyTo: prepared.replyTo,
    subject: prepared.rendered.subject,
    text: sent!.body.text,
    html: prepared.rendered.html,
    promiseN: prepared.json.items.find((i) => i.section === 'promise')!.n,
    checkinN: prepared.json.items.find((i) => i.section === 'checkin')!.n,
    messageId: prepared.messageId,
  };
}

const quote = (text: string) => text.split('\n').map((l) => `> ${l}`).join('\n');

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'nurture-reply-'));
  rt = await startRuntime({ dataDir: dir, captureAddress: CAPTURE, smtpPort: 0, sesPort: 0, log: memoryLogger(), now: () => new Date('2026-12-01T09:00:00Z') });
  sesEndpoint = rt.info.ses;
});
afterAll(async () => {
  await rt.stop();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(async () => {
  seq++;
  user = testUser({ userId: `u_rep${seq}abc`, email: `me${seq}@example.org`, aliases: [`me${seq}@phone.example`], tz: 'Europe/Berlin' });
  await rt.store.createUser(user);
});

describe('replying "done" to the digest from a mail client', () => {
  it('Gmail-style top-posted "done N" closes the promise, and a confirmation comes back', async () => {
    const d = await seedAndSendDigest();
    const info = await asUser().sendMail({
      from: user.email,
      to: d.replyTo,
      subject: `Re: ${d.subject}`,
      inReplyTo: d.messageId,
      text: `done ${d.promiseN}\n\nOn Mon, Nov 30, 2026 at 8:00 AM Nurture <${localFromAddress(CAPTURE)}> wrote:\n${quote(d.text)}\n`,
    });
    expect(info.response).toMatch(/Accepted: reply/);
    const promise = (await rt.store.listPromises(user.userId)).find((p) => p.text.includes('deck'));
    expect(promise?.state).toBe('done');
    const confirmation = (await sesStore()).filter((m) => m.destination.to.includes(user.email) && /change/.test(m.subject));
    expect(confirmation).toHaveLength(1);
    expect(confirmation[0]!.body.text).toMatch(/deck|done/i);
    // Answering the confirmation ("undo …") goes back to the same digest.
    expect(confirmation[0]!.replyTo).toEqual([d.replyTo]);
  });

  it('iPhone-style "snooze N 2w" from an alias, plus "Sent from my iPhone", snoozes the contact', async () => {
    const d = await seedAndSendDigest();
    await asUser().sendMail({ from: user.aliases[0], to: d.replyTo, subject: `Re: ${d.subject}`, text: `Snooze ${d.checkinN} 2w\n\nSent from my iPhone\n\n> On 30 Nov 2026, at 08:00, Nurture wrote:\n${quote(d.text)}` });
    const ana = (await rt.store.listContacts(user.userId)).find((c) => c.email === 'ana@corp.io');
    expect(ana?.skipUntil).toBe('2026-12-15');
  });

  it('HTML-only replies (Outlook) work too', async () => {
    const d = await seedAndSendDigest();
    await asUser().sendMail({
      from: user.email,
      to: d.replyTo,
      subject: `RE: ${d.subject}`,
      html: `<div>pause</div><div id="divRplyFwdMsg"><hr><b>From:</b> Nurture<br><b>Sent:</b> Monday<br></div><div>${d.text.replace(/\n/g, '<br>')}</div>`,
    });
    expect((await rt.store.getUser(user.userId))?.paused).toBe(true);
  });

  it('an HTML-only "Thanks!" over the quoted digest changes nothing: its help block is not the user’s', async () => {
    const d = await seedAndSendDigest();
    const body = /<body[^>]*>([\s\S]*)<\/body>/i.exec(d.html)?.[1] ?? '';
    expect(body).toMatch(/done \d/);
    await asUser().sendMail({
      from: user.email,
      to: d.replyTo,
      subject: `Re: ${d.subject}`,
      html: `<div dir="ltr">Thanks!</div><div class="gmail_quote"><div class="gmail_attr">On Mon, 30 Nov 2026 at 08:00, Nurture wrote:</div><blockquote class="gmail_quote">${body}</blockquote></div>`,
    });
    expect((await rt.store.listPromises(user.userId)).map((p) => p.state)).toEqual(['open']);
    const ana = (await rt.store.listContacts(user.userId)).find((c) => c.email === 'ana@corp.io');
    expect(ana?.skipUntil).toBeUndefined();
    expect(ana?.checkedInAt).toBeUndefined();
    expect((await rt.store.getUser(user.userId))?.paused).toBe(false);
    // The same with the whole HTML document quoted (some clients nest its <html>, <head> and <body>).
    await asUser().sendMail({
      from: user.email,
      to: d.replyTo,
      subject: `Re: ${d.subject}`,
      html: `<div dir="ltr">Thanks again!</div><div class="gmail_quote"><blockquote class="gmail_quote">${d.html}</blockquote></div>`,
    });
    expect((await rt.store.listPromises(user.userId)).map((p) => p.state)).toEqual(['open']);
    expect((await rt.store.getUser(user.userId))?.paused).toBe(false);
  });

  it('ignores a vacation auto-reply to the digest: no change, no confirmation, so no mail loop', async () => {
    const d = await seedAndSendDigest();
    const before = (await sesStore()).length;
    const r = await asUser().sendMail({
      from: user.email,
      to: d.replyTo,
      subject: `Out of office: ${d.subject}`,
      headers: { 'Auto-Submitted': 'auto-replied' },
      text: `I am away until Monday.\n\nOn Mon, Nov 30, 2026 at 8:00 AM Nurture wrote:\n${quote(d.text)}\n`,
    });
    expect(r.response).toMatch(/ignored \(bulk-mail\)/);
    expect((await sesStore()).length).toBe(before);
  });

  it('acts on the numbers of the digest answered, and a duplicate delivery of the same reply changes nothing more', async () => {
    const d = await seedAndSendDigest();
    const reply = await composeMail({ from: user.email, to: d.replyTo, subject: 'Re', text: 'more', messageId: `<dup-reply-${seq}@x>` });
    const t = asUser();
    await t.sendMail({ envelope: { from: user.email, to: [d.replyTo] }, raw: reply });
    const second = await t.sendMail({ envelope: { from: user.email, to: [d.replyTo] }, raw: reply });
    expect(second.response).toMatch(/ignored \(duplicate\)/);
    expect((await rt.store.getUser(user.userId))?.checkins).toBe(user.checkins + 1);
  });
});

describe('settings in one reply build on each other', () => {
  it('"more" twice is two more check-ins, as the confirmation says', async () => {
    const d = await seedAndSendDigest();
    await asUser().sendMail({ from: user.email, to: d.replyTo, subject: `Re: ${d.subject}`, text: 'more\nmore' });
    expect((await rt.store.getUser(user.userId))?.checkins).toBe(user.checkins + 2);
    const confirmation = (await sesStore()).find((m) => m.destination.to.includes(user.email) && /change/.test(m.subject));
    expect(confirmation?.body.text).toContain(`${user.checkins + 1} → ${user.checkins + 2}`);
  });
});

describe('undo on a promise that looks done', () => {
  it('reopens it: the next digest lists it as open, and a later delivery can mark it again', async () => {
    const mails = await Promise.all([
      composeMail({ from: user.email, to: 'Jane Doe <jane@acme.com>', subject: 'deck', text: "Hi Jane, I'll send you the deck by Friday.", date: new Date('2026-11-23T10:00:00Z'), messageId: `<undo-p${seq}@x>` }),
      composeMail({ from: user.email, to: 'Jane Doe <jane@acme.com>', subject: 'The deck', text: 'Here is the deck.', date: new Date('2026-11-25T10:00:00Z'), messageId: `<undo-d${seq}@x>`, attachments: [{ filename: 'deck.pdf', content: Buffer.from('%PDF-1.4 fake') }] }),
    ]);
    await captureBatch({ store: rt.store, config: { captureAddress: CAPTURE }, log: memoryLogger(), now: () => MONDAY_8 }, mails.map((raw) => ({ raw, envelope: { recipients: [], auth: { verdict: 'trusted' } }, source: 'seed' })));
    const prepared = await prepareDigest(digestDeps(), user, MONDAY_8);
    const looksDone = prepared.json.items.find((i) => i.looksDone);
    expect(looksDone?.text).toMatch(/deck/);
    expect((await sendDigest(digestDeps(), user.userId, MONDAY_8)).status).toBe('sent');

    await asUser().sendMail({ from: user.email, to: prepared.replyTo, subject: `Re: ${prepared.rendered.subject}`, text: `undo ${looksDone!.n}` });
    const promise = await rt.store.getPromise(user.userId, looksDone!.promiseId!);
    expect(promise?.state).toBe('open');
    expect(promise?.evidence).toBeUndefined();
    expect(promise?.looksDoneShownAt).toBeUndefined();
    const nextWeek = await prepareDigest(digestDeps(), user, new Date('2026-12-07T07:00:00Z'));
    expect(nextWeek.json.items.find((i) => i.promiseId === promise!.id)).toMatchObject({ section: 'promise' });
    expect(nextWeek.json.items.find((i) => i.promiseId === promise!.id)?.looksDone).toBeUndefined();
    // The deck really goes out on Wednesday: shown as looking done again.
    const delivery = await composeMail({ from: user.email, to: 'jane@acme.com', subject: 'Deck v2', text: 'The final deck.', date: new Date('2026-12-02T10:00:00Z'), messageId: `<undo-d2${seq}@x>`, attachments: [{ filename: 'deck-v2.pdf', content: Buffer.from('%PDF-1.4 fake') }] });
    await captureBatch({ store: rt.store, config: { captureAddress: CAPTURE }, log: memoryLogger(), now: () => new Date('2026-12-02T11:00:00Z') }, [{ raw: delivery, envelope: { recipients: [], auth: { verdict: 'trusted' } }, source: 'seed' }]);
    const after = await prepareDigest(digestDeps(), user, new Date('2026-12-07T07:00:00Z'));
    expect(after.json.items.find((i) => i.promiseId === promise!.id)?.looksDone).toBe(true);
  });
});

describe('only the real user can change their data', () => {
  it('refuses a reply without SMTP AUTH (530 before MAIL FROM)', async () => {
    const d = await seedAndSendDigest();
    await expect(smtp().sendMail({ from: user.email, to: d.replyTo, subject: 'Re', text: `done ${d.promiseN}` })).rejects.toMatchObject({ responseCode: 530 });
    expect((await rt.store.listPromises(user.userId)).every((p) => p.state === 'open')).toBe(true);
  });

  it('ignores a reply from an address that is not the user’s, even with a valid token', async () => {
    const d = await seedAndSendDigest();
    const other = testUser({ userId: `u_oth${seq}abc`, email: `other${seq}@example.org`, aliases: [] });
    await rt.store.createUser(other);
    const info = await smtp({ user: other.email, pass: smtpPassword(rt.secret, other.email) }).sendMail({ from: other.email, to: d.replyTo, subject: 'Re', text: `done ${d.promiseN}` });
    expect(info.response).toMatch(/rejected \(not-owner\)/);
    expect((await rt.store.listPromises(user.userId)).every((p) => p.state === 'open')).toBe(true);
  });

  it('rejects a forged token, and sends no confirmation', async () => {
    const d = await seedAndSendDigest();
    const before = (await sesStore()).length;
    // Change one character in the middle of the token (its signed claims), keeping it well-formed base32.
    const [local, domain] = d.replyTo.split('@') as [string, string];
    const mid = Math.floor(local.length / 2);
    const forged = `${local.slice(0, mid)}${local[mid] === 'a' ? 'b' : 'a'}${local.slice(mid + 1)}@${domain}`;
    const r1 = await asUser().sendMail({ from: user.email, to: forged, subject: 'Re', text: `done ${d.promiseN}` });
    expect(r1.response).toMatch(/rejected \(bad-token\)/);
    expect((await sesStore()).length).toBe(before);
    expect((await rt.store.listPromises(user.userId)).every((p) => p.state === 'open')).toBe(true);
  });

  it('an expired token still carries "resume" from the real user, never an item number', async () => {
    const d = await seedAndSendDigest();
    await rt.store.updateUser(user.userId, { paused: true }, null);
    // The digest of 30 Nov, answered in January: its five weeks are over.
    const expired = replyAddress(signReplyToken(rt.secret, { userId: user.userId, digestId: '2026-11-30', expires: '2026-11-30T12:00:00Z', purpose: 'reply' }), 'nurture.localhost');
    // An old reply resent word for word (after its replay marker lapsed) is not fresh: refused.
    const replayed = await asUser().sendMail({ from: user.email, to: expired, subject: 'Re', date: new Date('2026-10-01T08:00:00Z'), text: 'resume' });
    expect(replayed.response).toMatch(/rejected \(expired-token\)/);
    expect((await rt.store.getUser(user.userId))?.paused).toBe(true);
    await asUser().sendMail({ from: user.email, to: expired, subject: 'Re', date: new Date('2026-12-01T08:55:00Z'), text: `done ${d.promiseN}\nresume` });
    expect((await rt.store.listPromises(user.userId)).every((p) => p.state === 'open')).toBe(true);
    expect((await rt.store.getUser(user.userId))?.paused).toBe(false);
    const confirmation = (await sesStore()).find((m) => m.destination.to.includes(user.email) && /change/i.test(m.subject));
    expect(confirmation?.body.text).toMatch(/more than 5 weeks old, so its item numbers no longer apply/);
    // A stranger with the same expired token changes nothing.
    await rt.store.updateUser(user.userId, { paused: true }, null);
    await expect(smtp().sendMail({ from: 'mallory@evil.example', to: expired, subject: 'Re', date: new Date('2026-12-01T08:55:00Z'), text: 'resume' })).rejects.toMatchObject({ responseCode: 530 });
    expect((await rt.store.getUser(user.userId))?.paused).toBe(true);
  });

  it('a token from one user’s digest never touches another user’s data', async () => {
    const d = await seedAndSendDigest();
    const victim = user;
    seq++;
    user = testUser({ userId: `u_rep${seq}abc`, email: `me${seq}@example.org`, aliases: [], tz: 'Europe/Berlin' });
    await rt.store.createUser(user);
    // The attacker is a real, authenticated user replaying the victim's Reply-To address.
    const info = await asUser().sendMail({ from: user.email, to: d.replyTo, subject: 'Re', text: `drop ${d.promiseN}` });
    expect(info.response).toMatch(/rejected \(not-owner\)/);
    expect((await rt.store.listPromises(victim.userId)).every((p) => p.state === 'open')).toBe(true);
  });

  it('unsub+token pauses the digest, for a user id as long as real ones', async () => {
    // Real ids are u_ + 12 hex characters (newUser); the address must still fit in a 64-octet local part.
    user = testUser({ userId: `u_${'a1b2c3d4e5f6'.slice(0, 10)}${String(seq).padStart(2, '0')}`, email: `long${seq}@example.org`, aliases: [], tz: 'Europe/Berlin' });
    await rt.store.createUser(user);
    expect(user.userId).toHaveLength(14);
    await seedAndSendDigest();
    const prepared = await prepareDigest(digestDeps(), user, MONDAY_8);
    const mailto = /unsub\+[a-z0-9]+@nurture\.localhost/.exec(prepared.rendered.text)?.[0];
    expect(mailto).toBeDefined();
    expect(mailto!.split('@')[0]!.length).toBeLessThanOrEqual(64);
    // As a mail provider's unsubscribe button sends it: automatically, and still honoured.
    await asUser().sendMail({ from: user.email, to: mailto, subject: 'unsubscribe', text: 'unsubscribe', headers: { 'Auto-Submitted': 'auto-generated' } });
    expect((await rt.store.getUser(user.userId))?.paused).toBe(true);
  });
});
