/**
 * Local tables made by an older Nurture are rebuilt to the current shape, keeping every item: DynamoDB cannot
 * change a local secondary index in place. Items are copied out to a side table and back, a page at a time, so
 * memory stays flat; `transform` lets the caller add attributes the new indexes need. Local runtime only: on AWS
 * the CDK stack owns the table.
 */
import { CreateTableCommand, DeleteTableCommand, DescribeTableCommand, type CreateTableCommandInput, type TableDescription } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, GetCommand, PutCommand, ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { TABLE_DEFINITION } from './table-schema.ts';

type Item = Record<string, unknown>;

/** True when the table's indexes are the ones TABLE_DEFINITION declares (names, keys and projections). */
export function hasCurrentShape(table: TableDescription | undefined): boolean {
  type Index = { IndexName?: string; KeySchema?: readonly unknown[]; Projection?: { ProjectionType?: string; NonKeyAttributes?: readonly string[] } };
  const shape = (indexes: readonly Index[] | undefined): string =>
    JSON.stringify((indexes ?? []).map((i) => [i.IndexName, i.KeySchema, i.Projection?.ProjectionType, [...(i.Projection?.NonKeyAttributes ?? [])].sort()]).sort());
  return (
    shape(table?.LocalSecondaryIndexes) === shape(TABLE_DEFINITION.LocalSecondaryIndexes) &&
    shape(table?.GlobalSecondaryIndexes) === shape(TABLE_DEFINITION.GlobalSecondaryIndexes)
  );
}

export async function createTable(db: DynamoDBDocumentClient, tableName: string): Promise<void> {
  const def = structuredClone(TABLE_DEFINITION) as unknown as Omit<CreateTableCommandInput, 'TableName' | 'BillingMode'>;
  await db.send(new CreateTableCommand({ TableName: tableName, BillingMode: 'PAY_PER_REQUEST', ...def }));
  await waitUntil(db, tableName, (t) => t?.TableStatus === 'ACTIVE');
}

const REBUILD_MARKER = { pk: 'NURTURE#REBUILD', sk: 'COPIED' } as const;

/**
 * Copies every item out to `<table>-rebuild`, marks the copy complete, drops and recreates the table, copies
 * the items back through `transform`, and drops the side table. Interrupted anywhere, it resumes: without the
 * marker the original is still whole and the copy-out starts over; with it the side table is whole and the
 * copy-back starts over.
 */
export async function rebuildTable(db: DynamoDBDocumentClient, tableName: string, transform: (item: Item) => Item): Promise<number> {
  const side = rebuildSideTable(tableName);
  if (!(await isCopiedOut(db, side))) {
    if (!(await exists(db, tableName))) throw new Error(`cannot rebuild ${tableName}: it is gone and ${side} holds an incomplete copy; nothing was deleted`);
    if (await exists(db, side)) await dropTable(db, side);
    await createTable(db, side);
    await copy(db, tableName, side, (i) => i);
    await db.send(new PutCommand({ TableName: side, Item: { ...REBUILD_MARKER } }));
  }
  if (await exists(db, tableName)) await dropTable(db, tableName);
  await createTable(db, tableName);
  const copied = await copy(db, side, tableName, transform, (i) => i.pk !== REBUILD_MARKER.pk);
  await dropTable(db, side);
  return copied;
}

export function rebuildSideTable(tableName: string): string {
  return `${tableName}-rebuild`;
}

async function isCopiedOut(db: DynamoDBDocumentClient, side: string): Promise<boolean> {
  if (!(await exists(db, side))) return false;
  return Boolean((await db.send(new GetCommand({ TableName: side, Key: { ...REBUILD_MARKER }, ConsistentRead: true }))).Item);
}

async function copy(db: DynamoDBDocumentClient, from: string, to: string, transform: (item: Item) => Item, keep: (item: Item) => boolean = () => true): Promise<number> {
  let start: Item | undefined;
  let copied = 0;
  do {
    // A rebuild reads everything once, by design (consistently: nothing written before is missed).
    const page = await db.send(new ScanCommand({ TableName: from, ExclusiveStartKey: start, Limit: 500, ConsistentRead: true }));
    const items = (page.Items ?? []).filter(keep).map(transform);
    for (let i = 0; i < items.length; i += 25) {
      let pending = items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } }));
      while (pending.length) {
        const res = await db.send(new BatchWriteCommand({ RequestItems: { [to]: pending } }));
        pending = (res.UnprocessedItems?.[to] ?? []) as typeof pending;
      }
    }
    copied += items.length;
    start = page.LastEvaluatedKey;
  } while (start);
  return copied;
}

/** The table's description, or undefined when there is no such table. */
export async function describeTable(db: DynamoDBDocumentClient, tableName: string): Promise<TableDescription | undefined> {
  try {
    return (await db.send(new DescribeTableCommand({ TableName: tableName }))).Table;
  } catch (err) {
    if ((err as { name?: string }).name === 'ResourceNotFoundException') return undefined;
    throw err;
  }
}

async function exists(db: DynamoDBDocumentClient, tableName: string): Promise<boolean> {
  return (await describeTable(db, tableName)) !== undefined;
}

/** Deletes the table and waits until it is gone: DynamoDB refuses to create a table of that name while it is still being deleted. */
export async function dropTable(db: DynamoDBDocumentClient, tableName: string): Promise<void> {
  await db.send(new DeleteTableCommand({ TableName: tableName }));
  await waitUntil(db, tableName, (t) => t === undefined);
}

async function waitUntil(db: DynamoDBDocumentClient, tableName: string, ok: (t: TableDescription | undefined) => boolean): Promise<void> {
  for (let attempt = 0; attempt < 600; attempt++) {
    if (ok(await describeTable(db, tableName))) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`table ${tableName} did not settle`);
}
