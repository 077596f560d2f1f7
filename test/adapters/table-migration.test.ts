/** A local table made by an older Nurture is rebuilt to the current schema, keeping every item, even if interrupted. */
import { CreateTableCommand, DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, GetCommand, PutCommand, ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDocumentClient } from '#adapters/dynamo-client';
import { ensureTable, Store } from '#adapters/store';
import { createTable, describeTable, dropTable, rebuildSideTable } from '#adapters/table-migration';
import { SCHEMA_MARKER, TABLE_DEFINITION } from '#adapters/table-schema';
import { memoryLogger } from '#commons/logger';
import { startEmbeddedDynamoDb, type EmbeddedDynamoDb } from '../../functions/local/embedded-dynamodb.ts';

let db: EmbeddedDynamoDb;
let client: DynamoDBDocumentClient;
beforeAll(async () => {
  db = await startEmbeddedDynamoDb();
  client = createDocumentClient({ endpoint: db.endpoint });
});
afterAll(async () => db.stop());

// A contact as the previous version stored it: no lsi1sk.
const ANA = { pk: 'USER#u1', sk: 'CONTACT#ana@corp.io', email: 'ana@corp.io', name: 'Ana', firstContacted: '2026-01-01T00:00:00.000Z', lastContacted: '2026-06-01T00:00:00.000Z', count: 4, recentDates: '2026-06-01T00:00:00.000Z 2026-05-01T00:00:00.000Z 2026-04-01T00:00:00.000Z 2026-03-01T00:00:00.000Z', replies: 1, notes: [], seen: 'k1 k2', v: 3 };
const MAIL = { pk: 'USER#u1', sk: 'MSG#k1', lsi1sk: '2026-06-01T00:00:00.000Z#k1', key: 'k1', kind: 'outgoing', date: '2026-06-01T00:00:00.000Z', recipients: [{ email: 'ana@corp.io' }] };
const profiles = (n: number) => Array.from({ length: n }, (_, i) => ({ pk: `USER#u${i + 2}`, sk: 'PROFILE', n: i }));

async function oldTable(name: string, items: Record<string, unknown>[]): Promise<void> {
  const old = structuredClone(TABLE_DEFINITION) as unknown as { LocalSecondaryIndexes: { Projection: object }[] };
  old.LocalSecondaryIndexes[0]!.Projection = { ProjectionType: 'KEYS_ONLY' };
  await client.send(new CreateTableCommand({ TableName: name, BillingMode: 'PAY_PER_REQUEST', ...(old as object) } as never));
  // A new table takes writes only once ACTIVE (dynalite keeps it CREATING for a moment, as DynamoDB does).
  while ((await describeTable(client, name))?.TableStatus !== 'ACTIVE') await new Promise((r) => setTimeout(r, 20));
  await put(name, items);
}

/**
 * Each test's budget follows the items it writes and the rebuild copies: an item costs well under a millisecond on an
 * idle machine (bench/README.md: ~5,000 BatchWriteItem items/s), and the budget allows fifty times that.
 */
const items = (n: number): number => 5_000 + n * 10;

async function put(name: string, items: Record<string, unknown>[]): Promise<void> {
  for (let i = 0; i < items.length; i += 25) await client.send(new BatchWriteCommand({ RequestItems: { [name]: items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })) } }));
}

async function count(name: string): Promise<number> {
  return (await client.send(new ScanCommand({ TableName: name, Select: 'COUNT' }))).Count ?? 0;
}

async function tableExists(name: string): Promise<boolean> {
  return client.send(new DescribeTableCommand({ TableName: name })).then(() => true, () => false);
}

/** The table is current, holds every item (plus its schema marker), and ranks the old contact. */
async function expectUpgraded(name: string, items: number): Promise<void> {
  const table = (await client.send(new DescribeTableCommand({ TableName: name }))).Table;
  expect(table?.LocalSecondaryIndexes?.[0]?.Projection?.ProjectionType).toBe('INCLUDE');
  expect(await count(name)).toBe(items + 1);
  expect(await tableExists(rebuildSideTable(name))).toBe(false);
  const store = new Store(client, name);
  expect((await store.contactsByBound('u1', 10)).contacts.map((c) => c.email)).toEqual(['ana@corp.io']);
  const kept = (await store.getContacts('u1', ['ana@corp.io'])).get('ana@corp.io');
  expect(kept?.version).toBe(3);
  expect(kept?.contact.seen).toEqual(['k1', 'k2']);
  expect(await store.interactionsBetween('u1', '2026-05-30', '2026-06-02')).toHaveLength(1);
}

describe('ensureTable on a table from an older version', () => {
  it('rebuilds it to the current indexes, keeps every item, and ranks the old contacts', async () => {
    await oldTable('old', [ANA, MAIL, ...profiles(700)]);
    const log = memoryLogger();
    await ensureTable(client, 'old', { log });
    await expectUpgraded('old', 702);
    expect(log.entries.map((e) => e.message)).toContain('local table rebuilt');
    // Up to date now: a second call changes nothing.
    await ensureTable(client, 'old', { log });
    expect(log.entries.filter((e) => e.message === 'local table rebuilt')).toHaveLength(1);
  }, items(3 * 702));

  it('refuses to rebuild a table a running service owns', async () => {
    await oldTable('owned', [ANA]);
    await expect(ensureTable(client, 'owned', { rebuild: false })).rejects.toThrow(/stop the running service/);
    expect(await count('owned')).toBe(1);
  });

  it('re-ranks contacts in place when the rank formula changed, though the indexes did not, even under a running service', async () => {
    await createTable(client, 'stale');
    await put('stale', [{ ...ANA, lsi1sk: 'CONTACT#000000000001#ana@corp.io' }, MAIL]);
    await client.send(new PutCommand({ TableName: 'stale', Item: { ...SCHEMA_MARKER, contactRank: 0 } }));
    const log = memoryLogger();
    await ensureTable(client, 'stale', { log, rebuild: false });
    const item = (await client.send(new GetCommand({ TableName: 'stale', Key: { pk: ANA.pk, sk: ANA.sk } }))).Item;
    expect(item?.lsi1sk).not.toBe('CONTACT#000000000001#ana@corp.io');
    expect(item?.lsi1sk).toMatch(/^CONTACT#\d{12}#\d{4}#ana@corp\.io$/);
    expect(item?.v).toBe(ANA.v);
    const messages = log.entries.map((e) => e.message);
    expect(messages).toContain('contacts re-ranked');
    expect(messages).not.toContain('local table rebuilt');
  });

  it('interrupted during the copy-out (the original still whole): starts the copy over, loses nothing', async () => {
    await oldTable('cut1', [ANA, MAIL, ...profiles(1_200)]);
    // A side table with part of the items and no "copied" marker.
    await createTable(client, rebuildSideTable('cut1'));
    await put(rebuildSideTable('cut1'), profiles(100));
    await ensureTable(client, 'cut1');
    await expectUpgraded('cut1', 1_202);
  }, items(100 + 3 * 1_202));

  it('interrupted during the copy-back (the original dropped): finishes from the complete side table', async () => {
    await oldTable('cut2', [ANA, MAIL, ...profiles(1_200)]);
    const side = rebuildSideTable('cut2');
    await createTable(client, side);
    await put(side, [ANA, MAIL, ...profiles(1_200), { pk: 'NURTURE#REBUILD', sk: 'COPIED' }]);
    // The original was dropped and recreated with the new shape, then only part was copied back. (Dropped for good:
    // recreating a table still being deleted is refused, as DynamoDB does — the flake this test once had under load.)
    await dropTable(client, 'cut2');
    await createTable(client, 'cut2');
    await put('cut2', profiles(500));
    await ensureTable(client, 'cut2');
    await expectUpgraded('cut2', 1_202);
  }, items(500 + 3 * 1_202));
});

describe('nurture table upgrade (the deployed table: indexes by the stack, ranks by this version)', () => {
  const stale = (email: string, extra: Record<string, unknown> = {}) => ({ ...ANA, sk: `CONTACT#${email}`, email, lsi1sk: `CONTACT#000000000001#${email}`, ...extra });

  it('re-ranks exactly the contacts ranked by another formula, then says it is up to date', async () => {
    await createTable(client, 'deployed');
    const store = new Store(client, 'deployed');
    await store.saveContact('u1', { ...ANA, seen: ['k1'], recentDates: ANA.recentDates.split(' ') } as never, undefined);
    const { v: _v, ...unversioned } = stale('old@corp.io');
    await put('deployed', [stale('bo@corp.io'), unversioned, MAIL]);
    expect(await store.upgradeTable()).toBe(2);
    const ranks = (await store.contactsByBound('u1', 10)).contacts.map((c) => c.email).sort();
    expect(ranks).toEqual(['ana@corp.io', 'bo@corp.io', 'old@corp.io']);
    expect(await store.upgradeTable()).toBeNull();
  });

  it('leaves a contact alone that a capture changed meanwhile (that capture wrote the current rank)', async () => {
    await createTable(client, 'racing');
    await put('racing', [stale('bo@corp.io'), stale('cy@corp.io')]);
    // A capture saves Bo between the upgrade's read and its write.
    const racy = createDocumentClient({ endpoint: db.endpoint });
    let raced = false;
    racy.middlewareStack.add(
      (next, context) => async (args) => {
        if (!raced && /^Update/.test(context.commandName ?? '')) {
          raced = true;
          await client.send(new PutCommand({ TableName: 'racing', Item: stale('bo@corp.io', { v: 4, lsi1sk: 'CONTACT#000000000777#bo@corp.io' }) }));
        }
        return next(args);
      },
      { step: 'initialize' },
    );
    const reranked = await new Store(racy, 'racing').upgradeTable();
    racy.destroy();
    expect(raced).toBe(true);
    expect(reranked).toBe(1);
    const bo = (await client.send(new GetCommand({ TableName: 'racing', Key: { pk: ANA.pk, sk: 'CONTACT#bo@corp.io' } }))).Item;
    expect(bo?.v).toBe(4);
    expect(bo?.lsi1sk).toBe('CONTACT#000000000777#bo@corp.io');
  });

  it('refuses a table whose indexes are not this version’s, and a table that does not exist', async () => {
    await oldTable('undeployed', [ANA]);
    await expect(new Store(client, 'undeployed').upgradeTable()).rejects.toThrow(/deploy the stack/);
    await expect(new Store(client, 'nowhere').upgradeTable()).rejects.toThrow(/there is no table nowhere/);
  });
});
