/**
 * The embedded, API-compatible DynamoDB for the local runtime and tests: dynalite, in-process, on disk
 * under the data directory (LevelDB) or in memory.
 *
 * Why dynalite and not DynamoDB Local: it needs no Java, starts in milliseconds, and measured here it
 * writes ~10x faster on disk (BatchWriteItem ~5,000 items/s vs ~400 items/s). Nurture uses no
 * transactions, PartiQL or TTL calls at run time, the three things dynalite lacks, so nothing is lost.
 * The store contract tests can also run against DynamoDB Local (NURTURE_TEST_DYNAMODB=dynamodb-local).
 */
import dynalite from 'dynalite';
import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';

export interface EmbeddedDynamoDb {
  readonly endpoint: string;
  stop(): Promise<void>;
}

export async function startEmbeddedDynamoDb(opts: { dataDir?: string; port?: number } = {}): Promise<EmbeddedDynamoDb> {
  let path: string | undefined;
  if (opts.dataDir) {
    path = resolve(opts.dataDir, 'dynamodb');
    mkdirSync(path, { recursive: true });
  }
  const server = dynalite({ path, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(opts.port ?? 0, '127.0.0.1', () => ok());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((ok) => {
        server.close(() => ok());
        server.closeAllConnections?.();
      }),
  };
}
