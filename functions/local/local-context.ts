/**
 * Opens the local data for the CLI: the running service's store when `nurture start` is up on the same
 * data directory (so both see the same data), otherwise an embedded store started in this process.
 *
 * The store's modules (the AWS SDK) are imported only here, while the embedded store starts on its worker thread:
 * both take a while, and a CLI command should wait for the longer one, not for both in turn.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join, resolve } from 'node:path';
import type { Store } from '#adapters/store';
import { DEFAULT_TABLE } from '#commons/config';
import { startEmbeddedDynamoDb } from './embedded-dynamodb.ts';
import { loadOrCreateSecret } from './local-secret.ts';

const storeModules = () => Promise.all([import('#adapters/dynamo-client'), import('#adapters/store'), import('#commons/logger')]);

export interface ServiceInfo {
  readonly pid: number;
  readonly dynamodb: string;
  readonly ses: string;
  readonly smtp: { host: string; port: number };
  readonly capture: string;
}

export interface LocalContext {
  readonly store: Store;
  readonly secret: Uint8Array;
  readonly dataDir: string;
  /** The running service, when there is one. */
  readonly service: ServiceInfo | null;
  close(): Promise<void>;
}

const serviceFile = (dataDir: string): string => join(dataDir, 'service.json');

export function writeServiceInfo(dataDir: string, info: ServiceInfo): void {
  writeFileSync(serviceFile(dataDir), `${JSON.stringify(info, null, 2)}\n`);
}

export function removeServiceInfo(dataDir: string): void {
  rmSync(serviceFile(dataDir), { force: true });
}

export async function runningService(dataDir: string): Promise<ServiceInfo | null> {
  const file = serviceFile(dataDir);
  if (!existsSync(file)) return null;
  try {
    const info = JSON.parse(readFileSync(file, 'utf8')) as ServiceInfo;
    process.kill(info.pid, 0); // throws if the process is gone
    const url = new URL(info.dynamodb);
    return (await reachable(url.hostname, Number(url.port))) ? info : null;
  } catch {
    return null;
  }
}

/** The deployed table on AWS (`--aws`): credentials and region from the usual AWS settings. No key material is read. */
export async function openAwsContext(opts: { tableName: string; region?: string }): Promise<LocalContext> {
  const [{ createDocumentClient }, { Store }] = await storeModules();
  const client = createDocumentClient({ region: opts.region ?? process.env.AWS_REGION });
  return { store: new Store(client, opts.tableName), secret: new Uint8Array(0), dataDir: '', service: null, close: async () => client.destroy() };
}

export async function openLocalContext(opts: { dataDir: string; endpoint?: string; tableName?: string }): Promise<LocalContext> {
  const dataDir = resolve(opts.dataDir);
  const secret = loadOrCreateSecret(dataDir);
  const tableName = opts.tableName ?? DEFAULT_TABLE;
  const service = opts.endpoint ? null : await runningService(dataDir);
  const existing = opts.endpoint ?? service?.dynamodb;
  const [db, [{ createDocumentClient }, { ensureTable, Store }, { jsonLogger }]] = await Promise.all([existing ? null : startEmbeddedDynamoDb({ dataDir }), storeModules()]);
  const client = createDocumentClient({ endpoint: existing ?? db!.endpoint });
  // The CLI says so on stderr when an older local table is rebuilt; a running service's table is never rebuilt under it.
  await ensureTable(client, tableName, { log: jsonLogger('nurture'), rebuild: !service && !opts.endpoint });
  return {
    store: new Store(client, tableName),
    secret,
    dataDir,
    service,
    close: async () => {
      client.destroy();
      await db?.stop();
    },
  };
}

function reachable(host: string, port: number): Promise<boolean> {
  return new Promise((ok) => {
    const s = connect({ host, port });
    s.setTimeout(1_000, () => {
      s.destroy();
      ok(false);
    });
    s.once('connect', () => {
      s.destroy();
      ok(true);
    });
    s.once('error', () => ok(false));
  });
}
