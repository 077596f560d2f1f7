/**
 * Dispatcher cost, measured then extrapolated: put `users` users into one due-hour slot of the embedded store,
 * run the dispatcher's Queries, and count requests and consumed read capacity. The figure for 1,000,000 users
 * scales the per-user capacity by the number of digests a month (see bench/README.md for the method).
 */
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '#adapters/dynamo-client';
import { DUE_INDEX } from '#adapters/table-schema';
import { ensureTable, Store } from '#adapters/store';
import { newUser } from '#domain/users';
import { dueUsers, markDispatched } from '../functions/digest/dispatch.ts';
import { startEmbeddedDynamoDb } from '../functions/local/embedded-dynamodb.ts';

export interface DispatchBenchResult {
  users: number;
  requests: number;
  consumedRcu: number;
  wallMs: number;
}

export async function dispatchBench(users = 5_000): Promise<DispatchBenchResult> {
  const db = await startEmbeddedDynamoDb();
  const client = createDocumentClient({ endpoint: db.endpoint });
  await ensureTable(client, 'bench');
  const slot = '2026-11-30T07';
  const items = Array.from({ length: users }, (_, i) => {
    const u = newUser({ email: `user${i}@example.org`, tz: 'Europe/Berlin' }, new Date('2026-01-01T00:00:00Z'), `u_${i.toString(16).padStart(12, '0')}`);
    return { pk: `USER#${u.userId}`, sk: 'PROFILE', ...u, [DUE_INDEX.partitionKey]: `DUE#${slot}`, [DUE_INDEX.sortKey]: u.userId };
  });
  for (let i = 0; i < items.length; i += 25) {
    await client.send(new BatchWriteCommand({ RequestItems: { bench: items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })) } }));
  }
  const store = new Store(client, 'bench');
  // A steady-state run: the previous one completed an hour ago. Its mark's read is counted, as a run makes it.
  await markDispatched(store, new Date('2026-11-30T06:00:00Z'));
  const before = { requests: store.metrics.requests, rcu: store.metrics.consumedCapacity };
  const t0 = performance.now();
  const due = await dueUsers(store, new Date('2026-11-30T07:00:30Z'));
  const wallMs = performance.now() - t0;
  await db.stop();
  if (due.length !== users) throw new Error(`dispatcher found ${due.length} of ${users} due users`);
  return { users, requests: store.metrics.requests - before.requests, consumedRcu: store.metrics.consumedCapacity - before.rcu, wallMs };
}
