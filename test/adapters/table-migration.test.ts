/** A local table made by an older Nurture (keys-only local index, contacts without a rank) is rebuilt, keeping every item. */
import { DescribeTableCommand, CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDocumentClient } from '#adapters/dynamo-client';
import { ensureTable, Store } from '#adapters/store';
import { TABLE_DEFINITION } from '#adapters/table-schema';
import { memoryLogger } from '#commons/logger';
import { startEmbeddedDynamoDb, type EmbeddedDynamoDb } from '../../functions/local/embedded-dynamodb.ts';

let db: EmbeddedDynamoDb;
beforeAll(async () => {
  db = await startEmbeddedDynamoDb();
});
afterAll(async () => db.stop());

describe('ensureTable on a table from an older version', () => {
  it('rebuilds it to the current indexes, keeps every item, and ranks the old contacts', async () => {
    const client = createDocumentClient({ endpoint: db.endpoint });
    const old = structuredClone(TABLE_DEFINITION) as unknown as { LocalSecondaryIndexes: { Projection: object }[] };
    old.LocalSecondaryIndexes[0]!.Projection = { ProjectionType: 'KEYS_ONLY' };
    await client.send(new CreateTableCommand({ TableName: 'old', BillingMode: 'PAY_PER_REQUEST', ...(old as object) } as never));
    // A contact as the previous version stored it: no lsi1sk.
    const contact = { pk: 'USER#u1', sk: 'CONTACT#ana@corp.io', email: 'ana@corp.io', name: 'Ana', firstContacted: '2026-01-01T00:00:00.000Z', lastContacted: '2026-06-01T00:00:00.000Z', count: 4, recentDates: '2026-06-01T00:00:00.000Z 2026-05-01T00:00:00.000Z 2026-04-01T00:00:00.000Z 2026-03-01T00:00:00.000Z', replies: 1, notes: [], seen: 'k1 k2', v: 3 };
    await client.send(new PutCommand({ TableName: 'old', Item: contact }));
    await client.send(new PutCommand({ TableName: 'old', Item: { pk: 'USER#u1', sk: 'MSG#k1', lsi1sk: '2026-06-01T00:00:00.000Z#k1', key: 'k1', date: '2026-06-01T00:00:00.000Z', recipients: [{ email: 'ana@corp.io' }] } }));
    for (let i = 0; i < 700; i++) await client.send(new PutCommand({ TableName: 'old', Item: { pk: `USER#u${i + 2}`, sk: 'PROFILE', n: i } }));

    const log = memoryLogger();
    await ensureTable(client, 'old', log);

    const table = (await client.send(new DescribeTableCommand({ TableName: 'old' }))).Table;
    expect(table?.LocalSecondaryIndexes?.[0]?.Projection?.ProjectionType).toBe('INCLUDE');
    expect((await client.send(new ScanCommand({ TableName: 'old', Select: 'COUNT' }))).Count).toBe(702);
    const store = new Store(client, 'old');
    const page = await store.contactsByBound('u1', 10);
    expect(page.contacts.map((c) => c.email)).toEqual(['ana@corp.io']);
    const kept = (await store.getContacts('u1', ['ana@corp.io'])).get('ana@corp.io');
    expect(kept?.version).toBe(3);
    expect(kept?.contact.seen).toEqual(['k1', 'k2']);
    expect(await store.interactionsBetween('u1', '2026-05-30', '2026-06-02')).toHaveLength(1);
    expect(log.entries.map((e) => e.message)).toContain('local table rebuilt');
    // Up to date now: a second call changes nothing.
    await ensureTable(client, 'old', log);
    expect(log.entries.filter((e) => e.message === 'local table rebuilt')).toHaveLength(1);
  });
});
