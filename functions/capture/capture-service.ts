/**
 * Capture: raw mail in, contacts / interactions / promises recorded, one outcome per mail out.
 * The same code runs behind the local SMTP server, the SES Lambda and `nurture ingest`. It works on
 * batches so an import of thousands of mails makes few requests; a single delivery is a batch of one.
 *
 * Writes are ordered for idempotency without transactions: contacts first (each remembers the message
 * keys it applied), then promises (conditional on id), then the interaction, whose presence marks the
 * mail as done. A crash in between is repaired by the retry; a duplicate delivery changes nothing.
 */
import { classifyMail, type CaptureConfig, type Envelope } from '#domain/classify';
import { applyTouch, reachedVia, type ContactTouch } from '#domain/contacts';
import { messageKey, threadId } from '#domain/message-key';
import { findKnownPeopleInNote, findPeopleInNote } from '#domain/notes';
import { INTRO_POOL } from '#domain/digest-select';
import { extractOwnText } from '#domain/own-text';
import { findPromises } from '#domain/promises';
import { detectDelivery } from '#domain/fulfilment';
import { MailParseError, MailTooLargeError, parseMail } from '#domain/parse-mail';
import type { Address, CaptureKind, Contact, FoundPromise, Interaction, ParsedMail, StoredPromise, User } from '#domain/types';
import { ConflictError, type Store } from '#adapters/store';
import type { Logger } from '#commons/logger';
import { createHash } from 'node:crypto';

export interface CaptureInput {
  readonly raw: Uint8Array;
  readonly envelope: Envelope;
  /** A name for logs and output: file path, SES message id, SMTP queue id. */
  readonly source: string;
}

/** The contract of `explain --json` / `ingest --json` (see DESIGN.md), plus bookkeeping. */
export interface CaptureOutcome {
  file: string;
  messageId: string | null;
  kind: CaptureKind;
  reason: string | null;
  detail?: string;
  from: string | null;
  date: string | null;
  subject?: string;
  contacts: Address[];
  ownText: string;
  promises: FoundPromise[];
  warnings: string[];
  userId?: string;
  /** Set on `reply` outcomes: the address the reply was sent to. */
  replyAddress?: string;
}

export interface CaptureDeps {
  readonly store: Store;
  readonly config: CaptureConfig;
  readonly log: Logger;
  readonly now: () => Date;
  /**
   * The operator's bulk import (`nurture ingest`): contacts are written in batches without optimistic version
   * checks, since one process owns the writes. Every other path writes each contact conditionally.
   */
  readonly bulk?: boolean;
  /** Told when mail from a registered user's address fails authentication (the owner may be told why). */
  readonly onRejectedOwner?: (user: User, outcome: CaptureOutcome) => Promise<void>;
  /** Open promises per user kept across batches by a bulk import (see `openPromisesOf`). */
  readonly openPromises?: Map<string, Map<string, StoredPromise>>;
  /** Reply commands (issue 5) are handed here; without it a reply is recorded as such and not acted on. */
  readonly onReply?: (mail: ParsedMail, input: CaptureInput, outcome: CaptureOutcome) => Promise<CaptureOutcome>;
}

const CONTACT_WRITE_RETRIES = 5;

interface Analysed {
  input: CaptureInput;
  outcome: CaptureOutcome;
  mail?: ParsedMail;
  user?: User;
  interaction?: Interaction;
  touches: ContactTouch[];
  promises: StoredPromise[];
}

/**
 * What capture would record for one mail, written nowhere; the mail counts as outgoing mail of its From. With a
 * store, a registered sender is read as capture reads them (their time zone, the wordings they distrust, the known
 * contacts a note may name by name); `tz` is for a sender who is not registered.
 */
export async function explainMail(raw: Uint8Array, file: string, config: CaptureConfig, tz = 'UTC', now = new Date(), store?: Store): Promise<CaptureOutcome> {
  const envelope: Envelope = { recipients: [], auth: { verdict: 'trusted' } };
  const input = { raw, envelope, source: file };
  const parsed = await parseSafely(input);
  if ('outcome' in parsed) return parsed.outcome;
  const from = parsed.mail.from?.email;
  const registered = store && from ? await store.findUserByAddress(from) : null;
  if (!store || !registered) return analyse(input, parsed.mail, from ? syntheticUser(from, tz) : null, config, now, []).outcome;
  const wordings = await store.getDistrust(registered.userId);
  const a = analyse(input, parsed.mail, registered, config, now, wordings);
  return a.outcome.kind === 'note' ? analyse(input, parsed.mail, registered, config, now, wordings, await strongestContacts(store, registered.userId, KNOWN_FOR_NOTES)).outcome : a.outcome;
}

/** Captures mails for real. Outcomes come back in input order; nothing here throws for a bad mail. */
export async function captureBatch(deps: CaptureDeps, inputs: readonly CaptureInput[]): Promise<CaptureOutcome[]> {
  return recordBatch(deps, await prepareBatch(deps, inputs));
}

/** Mails parsed and understood, not yet recorded: the CPU half of capture. */
export interface PreparedBatch {
  readonly analysed: Analysed[];
}

/**
 * Parses and analyses a batch (reads only: users, distrusted wordings; replies are handed to `onReply`).
 * `nurture ingest` prepares the next batch while the previous one is being recorded.
 */
export async function prepareBatch(deps: CaptureDeps, inputs: readonly CaptureInput[]): Promise<PreparedBatch> {
  const now = deps.now();
  const users = new Map<string, Promise<User | null>>();
  const findUser = (email: string): Promise<User | null> => {
    if (!users.has(email)) users.set(email, deps.store.findUserByAddress(email));
    return users.get(email)!;
  };
  const distrust = new Map<string, Promise<string[]>>();
  const distrustOf = (userId: string): Promise<string[]> => {
    if (!distrust.has(userId)) distrust.set(userId, deps.store.getDistrust(userId));
    return distrust.get(userId)!;
  };

  const known = new Map<string, Promise<Address[]>>();
  const knownOf = (userId: string): Promise<Address[]> => {
    if (!known.has(userId)) known.set(userId, strongestContacts(deps.store, userId, KNOWN_FOR_NOTES));
    return known.get(userId)!;
  };

  const analysed: Analysed[] = [];
  for (const input of inputs) {
    const parsed = await parseSafely(input);
    if ('outcome' in parsed) {
      analysed.push({ input, outcome: parsed.outcome, touches: [], promises: [] });
      continue;
    }
    const user = parsed.mail.from ? await findUser(parsed.mail.from.email) : null;
    const wordings = user ? await distrustOf(user.userId) : [];
    let a = analyse(input, parsed.mail, user, deps.config, now, wordings);
    // A note may name people by name only: read whom the user knows (once per batch and user; notes are rare).
    if (user && a.outcome.kind === 'note') a = analyse(input, parsed.mail, user, deps.config, now, wordings, await knownOf(user.userId));
    if (a.outcome.kind === 'reply' && deps.onReply) a = { ...a, outcome: await deps.onReply(parsed.mail, input, a.outcome) };
    analysed.push(a);
  }
  return { analysed };
}

/** How many of the user's strongest contacts a note's bare names are looked up among (as the digest's introductions). */
const KNOWN_FOR_NOTES = INTRO_POOL;

/** The user's `limit` strongest contacts, as addresses (pages of the contact index until that many are read). */
async function strongestContacts(store: Store, userId: string, limit: number): Promise<Address[]> {
  const out: Address[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await store.contactsByBound(userId, limit - out.length, start);
    out.push(...page.contacts.map((c) => (c.name ? { email: c.email, name: c.name } : { email: c.email })));
    start = page.next;
  } while (start && out.length < limit);
  return out;
}

/** People a note names: with their address, or by the name of a known contact. */
function peopleInNote(text: string, exclude: ReadonlySet<string>, known: readonly Address[]): Address[] {
  const withAddress = findPeopleInNote(text, exclude);
  const byName = findKnownPeopleInNote(text, known, exclude).filter((k) => !withAddress.some((a) => a.email === k.email));
  return [...withAddress, ...byName];
}

/** Records a prepared batch: the I/O half. Batches of one user must be recorded one after the other. */
export async function recordBatch(deps: CaptureDeps, batch: PreparedBatch): Promise<CaptureOutcome[]> {
  const { analysed } = batch;
  // Group the mails to record by user; skip those already recorded (duplicates and re-imports).
  const byUser = groupBy(
    analysed.filter((a) => a.user && a.interaction),
    (a) => a.user!.userId,
  );
  for (const [userId, list] of byUser) {
    const existing = await deps.store.existingInteractions(userId, list.map((a) => a.interaction!.key));
    const seenInBatch = new Set<string>();
    const fresh = list.filter((a) => {
      const key = a.interaction!.key;
      if (existing.has(key) || seenInBatch.has(key)) {
        a.outcome = { ...a.outcome, kind: 'ignored', reason: 'duplicate', detail: 'already captured' };
        return false;
      }
      seenInBatch.add(key);
      return true;
    });
    await applyContacts(deps.store, userId, fresh.flatMap((a) => a.touches), deps.bulk ? batchId(fresh) : null);
    await deps.store.addPromises(userId, fresh.flatMap((a) => a.promises));
    await markDeliveries(deps, userId, fresh);
    await deps.store.putInteractions(userId, fresh.map((a) => a.interaction!));
  }

  for (const a of analysed) {
    logOutcome(deps.log, a.outcome);
    if (a.user && a.outcome.kind === 'rejected' && a.outcome.reason === 'unauthenticated') await deps.onRejectedOwner?.(a.user, a.outcome);
  }
  return analysed.map((a) => a.outcome);
}

/**
 * A later mail to the same person that plausibly delivers an open promise marks it likely done, with the
 * evidence. The digest asks the user to confirm rather than closing it silently.
 */
async function markDeliveries(deps: CaptureDeps, userId: string, fresh: readonly Analysed[]): Promise<void> {
  const outgoing = fresh.filter((a) => a.interaction!.kind === 'outgoing' && a.touches.length > 0);
  // An import's list stays up to date even for batches that deliver nothing; other paths list only when needed.
  const cached = deps.openPromises?.get(userId);
  if (!cached && !outgoing.length) return;
  const open = cached ?? (await openPromisesOf(deps, userId));
  for (const a of fresh) for (const p of a.promises) open.set(p.id, p);
  if (!outgoing.length) return;
  const byPerson = promisesByPerson(open.values());
  for (const a of [...outgoing].sort((x, y) => x.interaction!.date.localeCompare(y.interaction!.date))) {
    const i = a.interaction!;
    const recipients = i.recipients.map((r) => r.email);
    const cc = a.mail?.cc.map((c) => c.email) ?? [];
    // Only promises owed to someone on this mail (or naming nobody by address) can be delivered by it.
    const candidates = new Set([...byPerson.anyone, ...[...recipients, ...cc].flatMap((e) => byPerson.get(e.toLowerCase()) ?? [])]);
    for (const p of candidates) {
      if (!open.has(p.id) || p.messageKey === i.key || p.createdAt >= i.date) continue;
      const delivery = detectDelivery(p, { date: i.date, recipients, cc, ownText: a.outcome.ownText, hasAttachments: i.hasAttachments, hasLink: i.hasLink, inReplyTo: i.inReplyTo });
      if (!delivery) continue;
      await deps.store.markLikelyDone(userId, p.id, { messageKey: i.key, date: i.date, why: delivery.why });
      open.delete(p.id);
    }
  }
}

/**
 * The user's open promises, by id. An import (one writer) lists them once and keeps the list up to date across
 * batches; every other path lists them per batch. A stale entry is harmless: `markLikelyDone` is conditional.
 */
async function openPromisesOf(deps: CaptureDeps, userId: string): Promise<Map<string, StoredPromise>> {
  const listed = (await deps.store.listPromises(userId)).filter((p) => p.state === 'open' || p.state === 'snoozed');
  const open = new Map(listed.map((p) => [p.id, p]));
  deps.openPromises?.set(userId, open);
  return open;
}

function promisesByPerson(promises: Iterable<StoredPromise>): Map<string, StoredPromise[]> & { anyone: StoredPromise[] } {
  const index = Object.assign(new Map<string, StoredPromise[]>(), { anyone: [] as StoredPromise[] });
  for (const p of promises) {
    const addresses = [...p.to, ...(p.introduce ?? [])].filter((w) => w.includes('@')).map((w) => w.trim().toLowerCase());
    // An introduction naming someone without an address is delivered by any mail that copies the others and names them.
    const byName = p.action === 'introduce' && (p.introduce ?? []).some((w) => !w.includes('@'));
    if (!addresses.length || byName) index.anyone.push(p);
    for (const a of new Set(addresses)) {
      const list = index.get(a);
      if (list) list.push(p);
      else index.set(a, [p]);
    }
  }
  return index;
}

async function parseSafely(input: CaptureInput): Promise<{ mail: ParsedMail } | { outcome: CaptureOutcome }> {
  try {
    return { mail: await parseMail(input.raw) };
  } catch (err) {
    if (!(err instanceof MailParseError)) throw err;
    const reason = err instanceof MailTooLargeError ? 'too-large' : 'unparseable';
    return { outcome: { ...emptyOutcome(input.source), kind: 'rejected', reason, detail: err.message } };
  }
}

/**
 * `known`: the user's strongest contacts, for notes that name people without their address ("coffee with Ana");
 * given only for notes (see prepareBatch).
 */
function analyse(input: CaptureInput, mail: ParsedMail, user: User | null, config: CaptureConfig, now: Date, distrust: readonly string[], known: readonly Address[] = []): Analysed {
  const warnings = [...mail.warnings];
  const date = mail.date ?? now.toISOString();
  if (!mail.date) warnings.push('no usable Date: the time of receipt is used');
  const base: CaptureOutcome = {
    ...emptyOutcome(input.source),
    messageId: mail.messageId,
    from: mail.from?.email ?? null,
    date,
    subject: mail.subject,
    warnings,
  };
  const cls = classifyMail(mail, input.envelope, user, config);
  if (cls.kind === 'rejected' || cls.kind === 'ignored') {
    return { input, mail, user: user ?? undefined, outcome: { ...base, kind: cls.kind, reason: cls.reason, detail: cls.detail }, touches: [], promises: [] };
  }
  if (cls.kind === 'reply') {
    return { input, mail, user: user ?? undefined, outcome: { ...base, kind: 'reply', replyAddress: cls.replyAddress, userId: user?.userId }, touches: [], promises: [] };
  }
  const u = user!;
  const isNote = cls.kind === 'note';
  const key = messageKey(mail);
  const ownText = extractOwnText({ text: mail.text, html: mail.html });
  const exclude = new Set([u.email, ...u.aliases, config.captureAddress.toLowerCase()]);
  const contacts = isNote ? peopleInNote(ownText, exclude, known) : cls.contacts;
  // A note's promises go to the people the note names (with the stricter rules of peopleInNote), never to any known
  // contact whose first name happens to be a word in the sentence ("I will send…" is not Will Turner).
  const found = findPromises(ownText, { date, tz: u.tz, recipients: contacts, isNote, distrust });
  const noteText = isNote ? ownText.slice(0, 2_000) : undefined;
  const inTo = new Set(mail.to.map((a) => a.email));
  const touches: ContactTouch[] = contacts.map((address) => ({
    address,
    messageKey: key,
    date,
    kind: cls.kind,
    subject: mail.subject,
    isReply: Boolean(mail.inReplyTo),
    noteText,
    coRecipients: contacts.filter((c) => c.email !== address.email).map((c) => c.email),
    ...(isNote ? {} : { via: reachedVia(inTo.has(address.email), contacts.length) }),
  }));
  if (cls.recipientsCapped) warnings.push(`${cls.recipients.length}+ recipients: recorded without making them contacts`);
  const interaction: Interaction = {
    key,
    kind: cls.kind,
    messageId: mail.messageId,
    date,
    subject: mail.subject,
    recipients: isNote ? contacts : cls.recipients,
    threadId: threadId(mail, key),
    inReplyTo: mail.inReplyTo,
    references: mail.references.slice(-10),
    hasAttachments: mail.attachments.length > 0,
    hasLink: /https?:\/\/\S+/i.test(ownText),
    ...(noteText ? { noteText } : {}),
    ...(cls.recipientsCapped ? { recipientsCapped: true } : {}),
  };
  const promises: StoredPromise[] = found.map((p, i) => ({
    ...p,
    id: promiseId(key, i, p.text),
    messageId: mail.messageId,
    messageKey: key,
    createdAt: date,
    state: 'open',
  }));
  return {
    input,
    mail,
    user: u,
    interaction,
    touches,
    promises,
    outcome: {
      ...base,
      kind: cls.kind,
      reason: cls.recipientsCapped ? 'too-many-recipients' : null,
      contacts,
      ownText,
      promises: found,
      userId: u.userId,
    },
  };
}

/** Applies contact touches with optimistic concurrency: read, merge (pure), conditional write, retry on conflict. */
async function applyContacts(store: Store, userId: string, touches: readonly ContactTouch[], bulkBatch: string | null): Promise<void> {
  let pending = groupBy(touches, (t) => t.address.email);
  if (bulkBatch) {
    const current = await store.getContacts(userId, [...pending.keys()]);
    const merged = [...pending].flatMap(([email, list]) => {
      const before = current.get(email);
      // Written by this very batch before an interruption: a batch holds more mails than `seen` remembers.
      if (before?.contact.lastBatch === bulkBatch) return [];
      const contact = list.reduce<Contact | undefined>((c, t) => applyTouch(c, t) ?? c, before?.contact);
      return contact && contact !== before?.contact ? [{ contact: { ...contact, lastBatch: bulkBatch }, version: before?.version ?? 0 }] : [];
    });
    await store.saveContactsInBulk(userId, merged);
    return;
  }
  for (let attempt = 0; pending.size > 0; attempt++) {
    if (attempt >= CONTACT_WRITE_RETRIES) throw new ConflictError(`contacts still conflicting after ${attempt} attempts: ${[...pending.keys()].slice(0, 5).join(', ')}`);
    const current = await store.getContacts(userId, [...pending.keys()]);
    const conflicts = new Map<string, ContactTouch[]>();
    await inParallel([...pending], 8, async ([email, list]) => {
      const before = current.get(email);
      let contact: Contact | undefined = before?.contact;
      let changed = false;
      for (const t of list) {
        const next = applyTouch(contact, t);
        if (next) {
          contact = next;
          changed = true;
        }
      }
      if (!changed || !contact) return;
      try {
        await store.saveContact(userId, contact, before?.version);
      } catch (err) {
        if (!(err instanceof ConflictError)) throw err;
        conflicts.set(email, list);
      }
    });
    pending = conflicts;
  }
}

async function inParallel<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

function groupBy<T>(items: readonly T[], key: (t: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const i of items) {
    const k = key(i);
    const list = m.get(k);
    if (list) list.push(i);
    else m.set(k, [i]);
  }
  return m;
}

/** A bulk batch is named by the mails it records, so a resumed import recomputes the same name. */
function batchId(fresh: readonly Analysed[]): string {
  const keys = fresh.map((a) => a.interaction!.key).sort();
  return createHash('sha256').update(keys.join('\n')).digest('base64url').slice(0, 16);
}

function promiseId(key: string, index: number, text: string): string {
  return createHash('sha256').update(`${key}\n${index}\n${text}`).digest('base64url').slice(0, 16);
}

function emptyOutcome(file: string): CaptureOutcome {
  return { file, messageId: null, kind: 'ignored', reason: null, from: null, date: null, contacts: [], ownText: '', promises: [], warnings: [] };
}

function syntheticUser(email: string, tz: string): User {
  return {
    userId: 'explain',
    email,
    aliases: [],
    tz,
    checkins: 3,
    digestDay: 1,
    digestHour: 8,
    paused: false,
    confirmations: true,
    createdAt: new Date(0).toISOString(),
  };
}

function logOutcome(log: Logger, o: CaptureOutcome): void {
  const fields = { file: o.file, messageId: o.messageId, kind: o.kind, reason: o.reason, detail: o.detail, from: o.from, contacts: o.contacts.length, promises: o.promises.length, warnings: o.warnings.slice(0, 5) };
  if (o.kind === 'rejected') log.warn('mail rejected', fields);
  else log.info(`mail ${o.kind}`, fields);
}
