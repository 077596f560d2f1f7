/**
 * The DynamoDB adapter: every read and write Nurture makes, typed, one table (see table-schema.ts).
 * Works unchanged against AWS and the embedded local implementation.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  BatchWriteCommand,
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
  type BatchGetCommandOutput,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { activeMonths, checkinBound } from '#domain/digest-select';
import type { Contact, Interaction, StoredPromise, User } from '#domain/types';
import type { Logger } from '#commons/logger';
import { createTable, describeTable, hasCurrentShape, rebuildSideTable, rebuildTable } from './table-migration.ts';
import { CONTACT_RANK_VERSION, DISPATCH_MARK, LOCAL_INDEX, DUE_INDEX, SCHEMA_MARKER, TTL_ATTRIBUTE } from './table-schema.ts';

export class ConflictError extends Error {
  override name = 'ConflictError';
}

export class AddressTakenError extends Error {
  override name = 'AddressTakenError';
}

/**
 * A `sending` digest claim older than this was left by a run that crashed or timed out mid-send (a send Lambda runs
 * at most a minute): a retry may take it over. The cost of a takeover is a possible second copy, with the same
 * Message-ID, if the crash came after SES accepted the mail and before the claim was marked sent.
 */
export const DIGEST_CLAIM_STALE_MS = 15 * 60_000;

/** The table can't be brought to this version from here: the message says what to do instead. */
export class TableVersionError extends Error {
  override name = 'TableVersionError';
}

export interface VersionedContact {
  readonly contact: Contact;
  readonly version: number;
}

/** What a digest looked like when sent; reply numbers refer to these items. */
export interface StoredDigest {
  readonly weekOf: string;
  readonly digestId: string;
  readonly status: 'sending' | 'sent' | 'empty';
  /** When the claim was made (ISO): a `sending` claim older than DIGEST_CLAIM_STALE_MS was left by a crash. */
  readonly claimedAt?: string;
  readonly messageId?: string;
  readonly sentAt?: string;
  readonly items: readonly { n: number; section: string; contacts: string[]; promiseId: string | null; text: string }[];
}

/** An interaction as the local index carries it (see LOCAL_INDEX_ATTRIBUTES). */
export type IndexedInteraction = Pick<Interaction, 'key' | 'kind' | 'date' | 'recipients'>;

export interface ImportCheckpoint {
  readonly done: number;
  readonly offset: number;
  readonly updatedAt: string;
}

const userPk = (userId: string): string => `USER#${userId}`;
const BATCH_GET_MAX = 100;
const BATCH_WRITE_MAX = 25;

/** Request counter, for benchmarks and for proving that a path makes no Scan. */
export interface StoreMetrics {
  requests: number;
  consumedCapacity: number;
  byOperation: Record<string, number>;
}

export class Store {
  readonly metrics: StoreMetrics = { requests: 0, consumedCapacity: 0, byOperation: {} };

  constructor(
    private readonly db: DynamoDBDocumentClient,
    readonly tableName: string,
  ) {}

  // ---- users -------------------------------------------------------------------------------

  /** Registers a user and claims their addresses; fails if another user owns one of them. */
  async createUser(user: User): Promise<void> {
    const claimed: string[] = [];
    for (const email of [user.email, ...user.aliases]) {
      try {
        await this.send('PutItem', () =>
          this.db.send(
            new PutCommand({
              TableName: this.tableName,
              Item: { pk: `ADDR#${email}`, sk: 'ADDR', userId: user.userId },
              ConditionExpression: 'attribute_not_exists(pk) OR userId = :u',
              ExpressionAttributeValues: { ':u': user.userId },
            }),
          ),
        );
        claimed.push(email);
      } catch (err) {
        // Give back what this call claimed, so a failed registration leaves no address pointing nowhere.
        for (const c of claimed) await this.send('DeleteItem', () => this.db.send(new DeleteCommand({ TableName: this.tableName, Key: { pk: `ADDR#${c}`, sk: 'ADDR' } })));
        if (err instanceof ConditionalCheckFailedException) throw new AddressTakenError(`${email} belongs to another user`);
        throw err;
      }
    }
    await this.putUser(user);
  }

  async putUser(user: User, nextDigestSlot?: string): Promise<void> {
    await this.send('PutItem', () =>
      this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            pk: userPk(user.userId),
            sk: 'PROFILE',
            ...user,
            ...(nextDigestSlot && !user.paused ? { [DUE_INDEX.partitionKey]: `DUE#${nextDigestSlot}`, [DUE_INDEX.sortKey]: user.userId } : {}),
          },
        }),
      ),
    );
  }

  async getUser(userId: string): Promise<User | null> {
    const res = await this.send('GetItem', () => this.db.send(new GetCommand({ TableName: this.tableName, Key: { pk: userPk(userId), sk: 'PROFILE' } })));
    return res.Item ? toUser(res.Item) : null;
  }

  async findUserByAddress(email: string): Promise<User | null> {
    const res = await this.send('GetItem', () =>
      this.db.send(new GetCommand({ TableName: this.tableName, Key: { pk: `ADDR#${email.toLowerCase()}`, sk: 'ADDR' } })),
    );
    const userId = res.Item?.userId as string | undefined;
    return userId ? this.getUser(userId) : null;
  }

  /** Patches settings; `nextDigestSlot` (UTC hour, or null to unschedule) moves the user in the due index. */
  async updateUser(userId: string, patch: Partial<Omit<User, 'userId' | 'email'>>, nextDigestSlot?: string | null): Promise<void> {
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = {};
    const sets: string[] = [];
    const removes: string[] = [];
    Object.entries(patch).forEach(([k, v], i) => {
      names[`#f${i}`] = k;
      if (v === undefined) removes.push(`#f${i}`);
      else {
        values[`:v${i}`] = v;
        sets.push(`#f${i} = :v${i}`);
      }
    });
    if (nextDigestSlot) {
      names['#gp'] = DUE_INDEX.partitionKey;
      names['#gs'] = DUE_INDEX.sortKey;
      values[':gp'] = `DUE#${nextDigestSlot}`;
      values[':gs'] = userId;
      sets.push('#gp = :gp', '#gs = :gs');
    } else if (nextDigestSlot === null) {
      names['#gp'] = DUE_INDEX.partitionKey;
      removes.push('#gp');
    }
    if (!sets.length && !removes.length) return;
    await this.send('UpdateItem', () =>
      this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: userPk(userId), sk: 'PROFILE' },
          UpdateExpression: [sets.length ? `SET ${sets.join(', ')}` : '', removes.length ? `REMOVE ${removes.join(', ')}` : ''].join(' '),
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: names,
          ...(Object.keys(values).length ? { ExpressionAttributeValues: values } : {}),
        }),
      ),
    );
  }

  /** Every user, for the operator's CLI on a local store. A Scan: never on a request path. */
  async listUsersForAdmin(): Promise<User[]> {
    const out: User[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const res = await this.send('Scan', () =>
        this.db.send(new ScanCommand({ TableName: this.tableName, FilterExpression: 'sk = :p', ExpressionAttributeValues: { ':p': 'PROFILE' }, ExclusiveStartKey: start })),
      );
      out.push(...(res.Items ?? []).map(toUser));
      start = res.LastEvaluatedKey;
    } while (start);
    return out;
  }

  /** Users whose digest is due in this UTC hour slot: a Query on the sparse due index, never a Scan. */
  async usersDueAt(slot: string): Promise<string[]> {
    const items = await this.queryAll({
      TableName: this.tableName,
      IndexName: DUE_INDEX.name,
      KeyConditionExpression: '#p = :p',
      ExpressionAttributeValues: { ':p': `DUE#${slot}` },
      ProjectionExpression: '#s',
      ExpressionAttributeNames: { '#p': DUE_INDEX.partitionKey, '#s': DUE_INDEX.sortKey },
    });
    return items.map((i) => i[DUE_INDEX.sortKey] as string);
  }

  /** The hour slot up to which the dispatcher last completed a run (a table-wide mark), or null before any. */
  async lastDispatchedSlot(): Promise<string | null> {
    const res = await this.send('GetItem', () => this.db.send(new GetCommand({ TableName: this.tableName, Key: { ...DISPATCH_MARK }, ConsistentRead: true })));
    return typeof res.Item?.slot === 'string' ? res.Item.slot : null;
  }

  async setLastDispatchedSlot(slot: string): Promise<void> {
    await this.send('PutItem', () => this.db.send(new PutCommand({ TableName: this.tableName, Item: { ...DISPATCH_MARK, slot } })));
  }

  // ---- interactions ------------------------------------------------------------------------

  /** Which of these message keys are already recorded for the user. */
  async existingInteractions(userId: string, keys: readonly string[]): Promise<Set<string>> {
    const found = await this.batchGet(
      keys.map((k) => ({ pk: userPk(userId), sk: `MSG#${k}` })),
      'sk',
    );
    return new Set(found.map((i) => (i.sk as string).slice(4)));
  }

  async putInteractions(userId: string, interactions: readonly Interaction[]): Promise<void> {
    await this.batchWrite(
      interactions.map((i) => ({ pk: userPk(userId), sk: `MSG#${i.key}`, [LOCAL_INDEX.sortKey]: `${i.date}#${i.key}`, ...i })),
    );
  }

  /** Mails and notes captured between two instants, as the local index holds them (who, when, what kind). */
  async interactionsBetween(userId: string, fromIso: string, toIso: string): Promise<IndexedInteraction[]> {
    const items = await this.queryAll({
      TableName: this.tableName,
      IndexName: LOCAL_INDEX.name,
      KeyConditionExpression: 'pk = :p AND #d BETWEEN :a AND :b',
      ExpressionAttributeNames: { '#d': LOCAL_INDEX.sortKey },
      ExpressionAttributeValues: { ':p': userPk(userId), ':a': fromIso, ':b': `${toIso}\uffff` },
    });
    return items.map((i) => strip(i) as unknown as IndexedInteraction);
  }

  async getInteraction(userId: string, key: string): Promise<Interaction | null> {
    const res = await this.send('GetItem', () =>
      this.db.send(new GetCommand({ TableName: this.tableName, Key: { pk: userPk(userId), sk: `MSG#${key}` } })),
    );
    return res.Item ? (strip(res.Item) as unknown as Interaction) : null;
  }

  // ---- contacts ----------------------------------------------------------------------------

  /**
   * `nurture table upgrade`: re-ranks contacts for this version's digest where the table says they were ranked by
   * another (see upgradeContactRanks). The indexes must already be this version's: on AWS the stack owns them.
   */
  async upgradeTable(log?: Logger): Promise<number | null> {
    const table = await describeTable(this.db, this.tableName);
    if (!table) throw new TableVersionError(`there is no table ${this.tableName}`);
    if (!hasCurrentShape(table)) throw new TableVersionError(`the table ${this.tableName} has other indexes than this version of Nurture expects: deploy the stack (npx cdk deploy) first`);
    return upgradeContactRanks(this.db, this.tableName, log);
  }

  async getContacts(userId: string, emails: readonly string[]): Promise<Map<string, VersionedContact>> {
    const items = await this.batchGet(emails.map((e) => ({ pk: userPk(userId), sk: `CONTACT#${e}` })));
    return new Map(items.map((i) => [i.email as string, { contact: toContact(i), version: i.v as number }]));
  }

  /** Optimistic write: fails with ConflictError if someone else changed the contact since it was read. */
  async saveContact(userId: string, contact: Contact, previousVersion: number | undefined): Promise<void> {
    try {
      await this.send('PutItem', () =>
        this.db.send(
          new PutCommand({
            TableName: this.tableName,
            Item: { pk: userPk(userId), sk: `CONTACT#${contact.email}`, ...contactItem(contact), v: (previousVersion ?? 0) + 1 },
            ConditionExpression: previousVersion === undefined ? 'attribute_not_exists(pk)' : 'v = :v',
            ...(previousVersion === undefined ? {} : { ExpressionAttributeValues: { ':v': previousVersion } }),
          }),
        ),
      );
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) throw new ConflictError(`contact ${contact.email} changed concurrently`, { cause: err });
      throw err;
    }
  }

  /**
   * Writes contacts in batches of 25 without a version check: for the operator's bulk import only, where one
   * process owns the writes. A concurrent conditional writer still sees the bumped version and re-reads.
   */
  async saveContactsInBulk(userId: string, contacts: readonly VersionedContact[]): Promise<void> {
    await this.batchWrite(contacts.map(({ contact, version }) => ({ pk: userPk(userId), sk: `CONTACT#${contact.email}`, ...contactItem(contact), v: version + 1 })));
  }

  /**
   * Every contact of a user (paged Query). No ProjectionExpression: it costs no capacity on AWS and, measured, makes
   * the embedded store's reads ~40% slower than returning whole items.
   */
  async listContacts(userId: string): Promise<Contact[]> {
    const items = await this.queryAll({
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :p AND begins_with(sk, :s)',
      ExpressionAttributeValues: { ':p': userPk(userId), ':s': 'CONTACT#' },
    });
    return items.map(toContact);
  }

  /**
   * One page of a user's contacts in descending check-in bound (the local index), and the bound of the last one:
   * every contact not yet read has a bound at most that. `lastBound` is null when none are left. The index leaves
   * out `seen` and `lastBatch`: these contacts are for reading, never for saving back.
   */
  async contactsByBound(userId: string, limit: number, start?: Record<string, unknown>): Promise<{ contacts: Contact[]; lastBound: number | null; next?: Record<string, unknown> }> {
    const res = await this.send('Query', () =>
      this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: LOCAL_INDEX.name,
          KeyConditionExpression: 'pk = :p AND begins_with(#r, :c)',
          ExpressionAttributeNames: { '#r': LOCAL_INDEX.sortKey },
          ExpressionAttributeValues: { ':p': userPk(userId), ':c': CONTACT_RANK_PREFIX },
          ScanIndexForward: false,
          Limit: limit,
          ExclusiveStartKey: start,
          ReturnConsumedCapacity: 'TOTAL',
        }),
      ),
    );
    this.addCapacity(res.ConsumedCapacity);
    const items = res.Items ?? [];
    const last = items[items.length - 1];
    return {
      contacts: items.map(toContact),
      lastBound: res.LastEvaluatedKey && last ? boundOfRankKey(last[LOCAL_INDEX.sortKey] as string) : null,
      ...(res.LastEvaluatedKey ? { next: res.LastEvaluatedKey } : {}),
    };
  }

  /** Digest bookkeeping and reply commands; `undefined` values are removed. */
  async updateContact(userId: string, email: string, patch: Partial<Pick<Contact, 'lastSuggested' | 'ignoredSuggestions' | 'skipUntil' | 'checkedInAt'>>): Promise<void> {
    const entries = Object.entries(patch);
    if (!entries.length) return;
    const sets = entries.filter(([, v]) => v !== undefined);
    const removes = entries.filter(([, v]) => v === undefined);
    // One update, and it bumps the version: a capture that read the contact before must re-read, not overwrite.
    await this.send('UpdateItem', () =>
      this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: userPk(userId), sk: `CONTACT#${email}` },
          UpdateExpression: [
            `SET ${[...sets.map(([k]) => `#${k} = :${k}`), 'v = v + :one'].join(', ')}`,
            removes.length ? `REMOVE ${removes.map(([k]) => `#${k}`).join(', ')}` : '',
          ].join(' '),
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: Object.fromEntries(entries.map(([k]) => [`#${k}`, k])),
          ExpressionAttributeValues: { ...Object.fromEntries(sets.map(([k, v]) => [`:${k}`, v])), ':one': 1 },
        }),
      ),
    );
  }

  // ---- promises ----------------------------------------------------------------------------

  /** Stores new promises; one already stored (same id) is left as it is, so re-capture is harmless. */
  async addPromises(userId: string, promises: readonly StoredPromise[]): Promise<number> {
    let added = 0;
    await inChunks(promises, 1, async ([p]) => {
      if (p && (await this.putIfAbsent({ pk: userPk(userId), sk: `PROMISE#${p.id}`, ...p }))) added++;
    });
    return added;
  }

  async getPromise(userId: string, id: string): Promise<StoredPromise | null> {
    const res = await this.send('GetItem', () => this.db.send(new GetCommand({ TableName: this.tableName, Key: { pk: userPk(userId), sk: `PROMISE#${id}` } })));
    return res.Item ? (strip(res.Item) as unknown as StoredPromise) : null;
  }

  async listPromises(userId: string): Promise<StoredPromise[]> {
    const items = await this.queryAll({
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :p AND begins_with(sk, :s)',
      ExpressionAttributeValues: { ':p': userPk(userId), ':s': 'PROMISE#' },
    });
    return items.map((i) => strip(i) as unknown as StoredPromise);
  }

  async updatePromise(userId: string, id: string, patch: Partial<Omit<StoredPromise, 'id'>>): Promise<void> {
    const entries = Object.entries(patch);
    const sets = entries.filter(([, v]) => v !== undefined);
    const removes = entries.filter(([, v]) => v === undefined);
    const names = Object.fromEntries(entries.map(([k], i) => [`#f${i}`, k]));
    const idx = (k: string): number => entries.findIndex(([n]) => n === k);
    await this.send('UpdateItem', () =>
      this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: userPk(userId), sk: `PROMISE#${id}` },
          UpdateExpression: [
            sets.length ? `SET ${sets.map(([k]) => `#f${idx(k)} = :v${idx(k)}`).join(', ')}` : '',
            removes.length ? `REMOVE ${removes.map(([k]) => `#f${idx(k)}`).join(', ')}` : '',
          ].join(' '),
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: names,
          ...(sets.length ? { ExpressionAttributeValues: Object.fromEntries(sets.map(([k, v]) => [`:v${idx(k)}`, v])) } : {}),
        }),
      ),
    );
  }

  /**
   * Marks a promise likely done with its evidence, only while it is still open or snoozed: a "done" or "drop" the
   * user replied meanwhile wins. False when the promise had moved on.
   */
  async markLikelyDone(userId: string, id: string, evidence: NonNullable<StoredPromise['evidence']>): Promise<boolean> {
    try {
      await this.send('UpdateItem', () =>
        this.db.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: { pk: userPk(userId), sk: `PROMISE#${id}` },
            UpdateExpression: 'SET #s = :likely, evidence = :e',
            ConditionExpression: 'attribute_exists(pk) AND #s IN (:open, :snoozed)',
            ExpressionAttributeNames: { '#s': 'state' },
            ExpressionAttributeValues: { ':likely': 'likely-done', ':e': evidence, ':open': 'open', ':snoozed': 'snoozed' },
          }),
        ),
      );
      return true;
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return false;
      throw err;
    }
  }

  async getDistrust(userId: string): Promise<string[]> {
    const res = await this.send('GetItem', () => this.db.send(new GetCommand({ TableName: this.tableName, Key: { pk: userPk(userId), sk: 'DISTRUST' } })));
    return (res.Item?.wordings as string[] | undefined) ?? [];
  }

  async addDistrust(userId: string, wording: string): Promise<void> {
    const current = await this.getDistrust(userId);
    if (current.includes(wording)) return;
    await this.send('PutItem', () =>
      this.db.send(
        new PutCommand({ TableName: this.tableName, Item: { pk: userPk(userId), sk: 'DISTRUST', wordings: [wording, ...current].slice(0, 200) } }),
      ),
    );
  }

  /** Gives a one-time marker back (the work it guarded failed and will be retried). */
  async releaseOnce(userId: string, key: string): Promise<void> {
    await this.send('DeleteItem', () => this.db.send(new DeleteCommand({ TableName: this.tableName, Key: { pk: userPk(userId), sk: `ONCE#${key}` } })));
  }

  /**
   * Claims a one-time marker (`ONCE#<key>`, expiring after `days`): true the first time, false after. Used for
   * reply commands already processed (replays) and for notices sent at most once.
   */
  async claimOnce(userId: string, key: string, at: Date, days = 90): Promise<boolean> {
    try {
      await this.send('PutItem', () =>
        this.db.send(
          new PutCommand({
            TableName: this.tableName,
            Item: { pk: userPk(userId), sk: `ONCE#${key}`, at: at.toISOString(), [TTL_ATTRIBUTE]: Math.floor(at.getTime() / 1000) + days * 86_400 },
            // Expired markers count as gone: TTL deletion lags on AWS and does not exist in the embedded store.
            ConditionExpression: 'attribute_not_exists(pk) OR #exp < :now',
            ExpressionAttributeNames: { '#exp': TTL_ATTRIBUTE },
            ExpressionAttributeValues: { ':now': Math.floor(at.getTime() / 1000) },
          }),
        ),
      );
      return true;
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return false;
      throw err;
    }
  }

  // ---- digests -----------------------------------------------------------------------------

  /**
   * Claims the user's digest for a week: 'claimed', or 'taken-over' when a `sending` claim was left stale by a crash
   * or a timeout (its send never confirmed); otherwise the claim that stands ('sending' by a run still at it, or
   * 'done': sent or found empty).
   */
  async claimDigest(userId: string, digest: StoredDigest, now: Date): Promise<'claimed' | 'taken-over' | 'sending' | 'done'> {
    const item = { pk: userPk(userId), sk: `DIGEST#${digest.weekOf}`, ...digest, claimedAt: now.toISOString() };
    try {
      const res = await this.send('PutItem', () =>
        this.db.send(
          new PutCommand({
            TableName: this.tableName,
            Item: item,
            ConditionExpression: 'attribute_not_exists(pk) OR (#s = :sending AND (attribute_not_exists(claimedAt) OR claimedAt < :stale))',
            ExpressionAttributeNames: { '#s': 'status' },
            ExpressionAttributeValues: { ':sending': 'sending', ':stale': new Date(now.getTime() - DIGEST_CLAIM_STALE_MS).toISOString() },
            ReturnValues: 'ALL_OLD',
          }),
        ),
      );
      // The put replaced an item only when it took over a stale claim.
      return res.Attributes ? 'taken-over' : 'claimed';
    } catch (err) {
      if (!(err instanceof ConditionalCheckFailedException)) throw err;
      // Rare (a second run for the same week): one read to tell a run still sending from a finished one.
      const standing = await this.send('GetItem', () =>
        this.db.send(new GetCommand({ TableName: this.tableName, Key: { pk: item.pk, sk: item.sk }, ConsistentRead: true, ProjectionExpression: '#s', ExpressionAttributeNames: { '#s': 'status' } })),
      );
      // Gone since the put failed: the other run released it after a failed send. Its retry, or ours, will send.
      if (!standing.Item) return 'sending';
      return standing.Item.status === 'sending' ? 'sending' : 'done';
    }
  }

  async getDigest(userId: string, weekOf: string): Promise<StoredDigest | null> {
    const res = await this.send('GetItem', () =>
      this.db.send(new GetCommand({ TableName: this.tableName, Key: { pk: userPk(userId), sk: `DIGEST#${weekOf}` } })),
    );
    return res.Item ? (strip(res.Item) as unknown as StoredDigest) : null;
  }

  async markDigest(userId: string, weekOf: string, patch: { status: StoredDigest['status']; messageId?: string; sentAt?: string }): Promise<void> {
    await this.send('UpdateItem', () =>
      this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: userPk(userId), sk: `DIGEST#${weekOf}` },
          UpdateExpression: 'SET #s = :s, messageId = :m, sentAt = :t',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':s': patch.status, ':m': patch.messageId ?? null, ':t': patch.sentAt ?? null },
        }),
      ),
    );
  }

  /** Drops a claim whose send failed, so a retry can send. */
  async releaseDigest(userId: string, weekOf: string): Promise<void> {
    await this.send('DeleteItem', () =>
      this.db.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: { pk: userPk(userId), sk: `DIGEST#${weekOf}` },
          ConditionExpression: '#s = :sending',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':sending': 'sending' },
        }),
      ),
    );
  }

  // ---- import checkpoints ------------------------------------------------------------------

  async getCheckpoint(fileId: string): Promise<ImportCheckpoint | null> {
    const res = await this.send('GetItem', () => this.db.send(new GetCommand({ TableName: this.tableName, Key: { pk: `IMPORT#${fileId}`, sk: 'PROGRESS' } })));
    return res.Item ? (strip(res.Item) as unknown as ImportCheckpoint) : null;
  }

  async putCheckpoint(fileId: string, cp: ImportCheckpoint): Promise<void> {
    const ttl = Math.floor(Date.parse(cp.updatedAt) / 1000) + 30 * 86_400;
    await this.send('PutItem', () =>
      this.db.send(new PutCommand({ TableName: this.tableName, Item: { pk: `IMPORT#${fileId}`, sk: 'PROGRESS', ...cp, [TTL_ATTRIBUTE]: ttl } })),
    );
  }

  // ---- plumbing ----------------------------------------------------------------------------

  /** Writes an item only if its key is new; false when it already exists. */
  private async putIfAbsent(item: Record<string, unknown>): Promise<boolean> {
    try {
      await this.send('PutItem', () => this.db.send(new PutCommand({ TableName: this.tableName, Item: item, ConditionExpression: 'attribute_not_exists(pk)' })));
      return true;
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return false;
      throw err;
    }
  }

  private async send<T>(operation: string, call: () => Promise<T>): Promise<T> {
    this.metrics.requests++;
    this.metrics.byOperation[operation] = (this.metrics.byOperation[operation] ?? 0) + 1;
    return call();
  }

  private addCapacity(c: { CapacityUnits?: number } | { CapacityUnits?: number }[] | undefined): void {
    for (const x of Array.isArray(c) ? c : c ? [c] : []) this.metrics.consumedCapacity += x.CapacityUnits ?? 0;
  }

  private async queryAll(input: QueryCommandInput): Promise<Record<string, unknown>[]> {
    const out: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const res = await this.send('Query', () =>
        this.db.send(new QueryCommand({ ...input, ExclusiveStartKey: start, ReturnConsumedCapacity: 'TOTAL' })),
      );
      this.addCapacity(res.ConsumedCapacity);
      out.push(...(res.Items ?? []));
      start = res.LastEvaluatedKey;
    } while (start);
    return out;
  }

  private async batchGet(keys: readonly Record<string, string>[], projection?: string): Promise<Record<string, unknown>[]> {
    const unique = [...new Map(keys.map((k) => [`${k.pk}|${k.sk}`, k])).values()];
    const out: Record<string, unknown>[] = [];
    await inChunks(unique, BATCH_GET_MAX, async (chunk) => {
      let pending: Record<string, unknown>[] | undefined = chunk;
      for (let attempt = 0; pending?.length; attempt++) {
        const req: { Keys: Record<string, unknown>[]; ProjectionExpression?: string } = { Keys: pending, ...(projection ? { ProjectionExpression: projection } : {}) };
        const res: BatchGetCommandOutput = await this.send('BatchGetItem', () =>
          this.db.send(new BatchGetCommand({ RequestItems: { [this.tableName]: req }, ReturnConsumedCapacity: 'TOTAL' })),
        );
        this.addCapacity(res.ConsumedCapacity);
        out.push(...(res.Responses?.[this.tableName] ?? []));
        pending = res.UnprocessedKeys?.[this.tableName]?.Keys;
        if (pending?.length) await backoff(attempt);
      }
    });
    return out;
  }

  private async batchWrite(items: readonly Record<string, unknown>[]): Promise<void> {
    await inChunks(items, BATCH_WRITE_MAX, async (chunk) => {
      let pending = chunk.map((Item) => ({ PutRequest: { Item } }));
      for (let attempt = 0; pending.length; attempt++) {
        const res = await this.send('BatchWriteItem', () =>
          this.db.send(new BatchWriteCommand({ RequestItems: { [this.tableName]: pending }, ReturnConsumedCapacity: 'TOTAL' })),
        );
        this.addCapacity(res.ConsumedCapacity);
        pending = (res.UnprocessedItems?.[this.tableName] ?? []) as typeof pending;
        if (pending.length) await backoff(attempt);
      }
    });
  }
}

/** Batch requests for chunks of `size`, a few in flight at once (latency, not throughput, bounds them). */
const CHUNKS_IN_FLIGHT = 8;
async function inChunks<T>(items: readonly T[], size: number, fn: (chunk: T[]) => Promise<void>): Promise<void> {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < chunks.length) await fn(chunks[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(CHUNKS_IN_FLIGHT, chunks.length) }, worker));
}

function backoff(attempt: number): Promise<void> {
  const ms = Math.min(2_000, 50 * 2 ** attempt) * (0.5 + Math.random() / 2);
  return new Promise((r) => setTimeout(r, ms));
}

const BOOKKEEPING = new Set(['pk', 'sk', 'v', DUE_INDEX.partitionKey, DUE_INDEX.sortKey, LOCAL_INDEX.sortKey, TTL_ATTRIBUTE]);

function strip(item: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(item).filter(([k]) => !BOOKKEEPING.has(k)));
}

function toUser(item: Record<string, unknown>): User {
  return strip(item) as unknown as User;
}

/**
 * Lists of plain strings (recent dates, applied message keys) are stored as one space-separated string:
 * a contact is read 20,000 times per digest for a big user, and one attribute parses far faster than 40.
 */
function contactItem(c: Contact): Record<string, unknown> {
  const { monthCount: _derived, ...stored } = c;
  return {
    ...stored,
    recentDates: c.recentDates.join(' '),
    seen: c.seen.join(' '),
    ...(c.months ? { months: c.months.join(' ') } : {}),
    [LOCAL_INDEX.sortKey]: contactRankKey(c),
  };
}

/**
 * The contact's place in the local index: its check-in bound, fixed-width so strings sort as numbers, then how many
 * distinct months they were written to. The month list itself is not in the index (an LSI's projection can never
 * change), so the key carries the one number the digest's ranking needs from it.
 */
function contactRankKey(c: Contact): string {
  const bound = Math.round(checkinBound(c) * 1e4).toString().padStart(12, '0');
  return `${CONTACT_RANK_PREFIX}${bound}#${Math.min(9999, activeMonths(c)).toString().padStart(4, '0')}#${c.email}`;
}

const CONTACT_RANK_PREFIX = 'CONTACT#';

function boundOfRankKey(key: string): number {
  return Number(key.slice(CONTACT_RANK_PREFIX.length, CONTACT_RANK_PREFIX.length + 12)) / 1e4;
}

/** The month count a rank key carries, or undefined for a key of an older format. */
function monthsOfRankKey(key: unknown): number | undefined {
  const m = typeof key === 'string' ? /^CONTACT#\d{12}#(\d{4})#/.exec(key) : null;
  return m ? Number(m[1]) : undefined;
}


function splitList(v: unknown): string[] {
  if (Array.isArray(v)) return v as string[];
  return typeof v === 'string' && v ? v.split(' ') : [];
}

function toContact(item: Record<string, unknown>): Contact {
  const c = strip(item) as unknown as Contact;
  const contact: Contact = { ...c, seen: splitList(item.seen), notes: c.notes ?? [], recentDates: splitList(item.recentDates) };
  if (item.months !== undefined) return { ...contact, months: splitList(item.months) };
  // Read from the index, which leaves the month list out: the rank key carries its length.
  const monthCount = monthsOfRankKey(item[LOCAL_INDEX.sortKey]);
  return monthCount === undefined ? contact : { ...contact, monthCount };
}

/**
 * Creates the table with its indexes if it does not exist (local runtime and tests; CDK owns it on AWS). A local
 * table from an older version is brought up to date, nothing lost: other indexes mean a rebuild (an interrupted
 * one is finished first); contacts ranked by another CONTACT_RANK_VERSION are re-ranked in place. `rebuild: false`
 * (a running service owns the table) refuses a rebuild instead of doing it under the service.
 */
export async function ensureTable(db: DynamoDBDocumentClient, tableName: string, opts: { log?: Logger; rebuild?: boolean } = {}): Promise<void> {
  const pending = (await describeTable(db, rebuildSideTable(tableName))) !== undefined;
  const table = await describeTable(db, tableName);
  if (!pending && !table) {
    await createTable(db, tableName);
    await markSchema(db, tableName);
    return;
  }
  if (!pending && hasCurrentShape(table)) {
    await upgradeContactRanks(db, tableName, opts.log);
    return;
  }
  if (opts.rebuild === false) throw new TableVersionError(`the table ${tableName} was made by an older Nurture: stop the running service and start it again to upgrade it`);
  opts.log?.info('rebuilding the local table to the current schema; no data is lost', { tableName });
  const copied = await rebuildTable(db, tableName, withIndexKeys);
  await markSchema(db, tableName);
  opts.log?.info('local table rebuilt', { tableName, items: copied });
}

/**
 * Brings contact ranks to CONTACT_RANK_VERSION, in place: a no-op (one read) when the table says it is current.
 * Safe while the service runs, so it also serves the deployed table (`nurture table upgrade --aws`), whose
 * indexes the stack owns. Returns how many contacts were re-ranked, or null when nothing had to be done.
 */
export async function upgradeContactRanks(db: DynamoDBDocumentClient, tableName: string, log?: Logger): Promise<number | null> {
  if (await schemaIsCurrent(db, tableName)) return null;
  log?.info('re-ranking contacts for the current digest formula', { tableName, contactRank: CONTACT_RANK_VERSION });
  const reranked = await rerankContacts(db, tableName);
  await markSchema(db, tableName);
  log?.info('contacts re-ranked', { tableName, reranked });
  return reranked;
}

/**
 * Rewrites each contact's rank key where the current formula gives another, only if the contact is unchanged since
 * it was read: a capture that changed it meanwhile wrote the current key itself. Reads the table once, by design.
 */
async function rerankContacts(db: DynamoDBDocumentClient, tableName: string): Promise<number> {
  let start: Record<string, unknown> | undefined;
  let reranked = 0;
  do {
    const page = await db.send(
      new ScanCommand({ TableName: tableName, ExclusiveStartKey: start, ConsistentRead: true, FilterExpression: 'begins_with(sk, :c)', ExpressionAttributeValues: { ':c': 'CONTACT#' } }),
    );
    const stale = (page.Items ?? []).filter((item) => item[LOCAL_INDEX.sortKey] !== contactRankKey(toContact(item)));
    for (let i = 0; i < stale.length; i += RERANK_PARALLEL) {
      const done = await Promise.all(stale.slice(i, i + RERANK_PARALLEL).map((item) => rerankOne(db, tableName, item)));
      reranked += done.filter(Boolean).length;
    }
    start = page.LastEvaluatedKey;
  } while (start);
  return reranked;
}

const RERANK_PARALLEL = 16;

async function rerankOne(db: DynamoDBDocumentClient, tableName: string, item: Record<string, unknown>): Promise<boolean> {
  const versioned = typeof item.v === 'number';
  try {
    await db.send(
      new UpdateCommand({
        TableName: tableName,
        Key: { pk: item.pk, sk: item.sk },
        UpdateExpression: 'SET #k = :k',
        ConditionExpression: versioned ? 'v = :v' : 'attribute_exists(pk) AND attribute_not_exists(v)',
        ExpressionAttributeNames: { '#k': LOCAL_INDEX.sortKey },
        ExpressionAttributeValues: { ':k': contactRankKey(toContact(item)), ...(versioned ? { ':v': item.v } : {}) },
      }),
    );
    return true;
  } catch (err) {
    if (err instanceof ConditionalCheckFailedException) return false;
    throw err;
  }
}

async function schemaIsCurrent(db: DynamoDBDocumentClient, tableName: string): Promise<boolean> {
  const res = await db.send(new GetCommand({ TableName: tableName, Key: { ...SCHEMA_MARKER }, ConsistentRead: true }));
  return res.Item?.contactRank === CONTACT_RANK_VERSION;
}

async function markSchema(db: DynamoDBDocumentClient, tableName: string): Promise<void> {
  await db.send(new PutCommand({ TableName: tableName, Item: { ...SCHEMA_MARKER, contactRank: CONTACT_RANK_VERSION } }));
}

/** Contacts stored before the contact index existed get their rank key. */
function withIndexKeys(item: Record<string, unknown>): Record<string, unknown> {
  return typeof item.sk === 'string' && item.sk.startsWith('CONTACT#') ? { ...item, ...contactItem(toContact(item)) } : item;
}
