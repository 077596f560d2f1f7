/** A real DynamoDB API (embedded dynalite, in memory) with Nurture's table, for one test file. */
import { createDocumentClient } from '#adapters/dynamo-client';
import { ensureTable, Store } from '#adapters/store';
import { startEmbeddedDynamoDb } from '../../functions/local/embedded-dynamodb.ts';
import { startDynamoDbLocal } from '../../functions/local/dynamodb-local.ts';

export interface TestStore {
  readonly store: Store;
  readonly endpoint: string;
  readonly tableName: string;
  stop(): Promise<void>;
}

let tables = 0;

/**
 * The embedded dynalite by default; with NURTURE_TEST_DYNAMODB=dynamodb-local, AWS's own DynamoDB Local
 * (needs Java), so CI proves the same requests work against the reference implementation.
 */
export async function startTestStore(): Promise<TestStore> {
  const db = process.env.NURTURE_TEST_DYNAMODB === 'dynamodb-local' ? await startDynamoDbLocal() : await startEmbeddedDynamoDb();
  const tableName = `nurture-test-${++tables}`;
  const client = createDocumentClient({ endpoint: db.endpoint });
  await ensureTable(client, tableName);
  return { store: new Store(client, tableName), endpoint: db.endpoint, tableName, stop: () => db.stop() };
}

export { testUser } from './users.ts';
