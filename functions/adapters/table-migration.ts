/**
 * Local tables made by an older Nurture are rebuilt to the current shape, keeping every item: DynamoDB cannot
 * change a local secondary index in place. Items are copied out to a side table and back, a page at a time, so
 * memory stays flat; `transform` lets the caller add attributes the new indexes need. Local runtime only: on AWS
 * the CDK stack owns the table.
 */
import { CreateTableCommand, DeleteTableCommand, DescribeTableCommand, type CreateTableCommandInput, type TableDescription } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
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

export async function rebuildTable(db: DynamoDBDocumentClient, tableName: string, transform: (item: Item) => Item): Promise<number> {
  const side = `${tableName}-rebuild`;
  // A rebuild interrupted after the original was dropped resumes from the side table.
  const sideExists = await exists(db, side);
  if (!sideExists) {
    await createTable(db, side);
    await copy(db, tableName, side, (i) => i);
  }
  if (await exists(db, tableName)) await drop(db, tableName);
  await createTable(db, tableName);
  const copied = await copy(db, side, tableName, transform);
  await drop(db, side);
  return copied;
}

async function copy(db: DynamoDBDocumentClient, from: string, to: string, transform: (item: Item) => Item): Promise<number> {
  let start: Item | undefined;
  let copied = 0;
  do {
    // A migration reads everything once, by design: the only Scan in Nurture.
    const page = await db.send(new ScanCommand({ TableName: from, ExclusiveStartKey: start, Limit: 500 }));
    const items = (page.Items ?? []).map(transform);
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

async function exists(db: DynamoDBDocumentClient, tableName: string): Promise<boolean> {
  try {
    await db.send(new DescribeTableCommand({ TableName: tableName }));
    return true;
  } catch (err) {
    if ((err as { name?: string }).name === 'ResourceNotFoundException') return false;
    throw err;
  }
}

async function drop(db: DynamoDBDocumentClient, tableName: string): Promise<void> {
  await db.send(new DeleteTableCommand({ TableName: tableName }));
  await waitUntil(db, tableName, (t) => t === undefined);
}

async function waitUntil(db: DynamoDBDocumentClient, tableName: string, ok: (t: TableDescription | undefined) => boolean): Promise<void> {
  for (let attempt = 0; attempt < 600; attempt++) {
    let table: TableDescription | undefined;
    try {
      table = (await db.send(new DescribeTableCommand({ TableName: tableName }))).Table;
    } catch (err) {
      if ((err as { name?: string }).name !== 'ResourceNotFoundException') throw err;
    }
    if (ok(table)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`table ${tableName} did not settle`);
}
