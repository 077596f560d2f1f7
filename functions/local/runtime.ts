/**
 * `nurture start`: the whole service on one machine — embedded DynamoDB on disk, a local SESv2 with a
 * web UI, the SMTP capture entry on loopback, and the hourly digest scheduler — running the same
 * capture, digest and command code as the Lambdas.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import sesLocalModule from 'aws-ses-v2-local';
import { createDocumentClient } from '#adapters/dynamo-client';
import { ensureTable, Store } from '#adapters/store';
import { keepRawMail } from '#adapters/raw-mail-dir';
import { DEFAULT_TABLE } from '#commons/config';
import type { Logger } from '#commons/logger';
import { captureBatch, type CaptureDeps } from '../capture/capture-service.ts';
import { startEmbeddedDynamoDb } from './embedded-dynamodb.ts';
import { checkSmtpPassword, loadOrCreateSecret } from './local-secret.ts';
import { removeServiceInfo, runningService, writeServiceInfo, type ServiceInfo } from './local-context.ts';
import { startSmtpInbound } from './smtp-inbound.ts';
import { localFromAddress, localSesMailer } from './local-mailer.ts';
import { startScheduler, type Scheduler } from './scheduler.ts';
import { handleReply } from '../replies/reply-service.ts';
import { noticeRejectedOwner } from '../capture/owner-notice.ts';

// A CommonJS module with `exports.default`: Node's ESM loader hands us the exports object, bundlers the function.
const sesLocal = ((sesLocalModule as unknown as { default?: typeof sesLocalModule }).default ?? sesLocalModule) as typeof sesLocalModule;

export interface RuntimeOptions {
  readonly dataDir: string;
  readonly captureAddress: string;
  readonly smtpPort?: number;
  readonly sesPort?: number;
  readonly log: Logger;
  readonly now?: () => Date;
}

export interface Runtime {
  readonly info: ServiceInfo;
  readonly store: Store;
  readonly secret: Uint8Array;
  readonly scheduler: Scheduler;
  stop(): Promise<void>;
}

export class AlreadyRunningError extends Error {
  override name = 'AlreadyRunningError';
}

export async function startRuntime(opts: RuntimeOptions): Promise<Runtime> {
  const dataDir = resolve(opts.dataDir);
  const existing = await runningService(dataDir);
  if (existing) throw new AlreadyRunningError(`Nurture is already running on ${dataDir} (pid ${existing.pid})`);
  const now = opts.now ?? (() => new Date());
  const secret = loadOrCreateSecret(dataDir);
  const db = await startEmbeddedDynamoDb({ dataDir });
  const client = createDocumentClient({ endpoint: db.endpoint });
  await ensureTable(client, DEFAULT_TABLE, { log: opts.log });
  const store = new Store(client, DEFAULT_TABLE);

  const ses: Server = await sesLocal({ host: '127.0.0.1', port: opts.sesPort ?? 8005 });
  const sesPort = (ses.address() as AddressInfo).port;

  const mailer = localSesMailer(`http://127.0.0.1:${sesPort}`, dataDir);
  const fromAddress = localFromAddress(opts.captureAddress);
  const config = { captureAddress: opts.captureAddress };
  const replyDeps = { store, secret, config, log: opts.log, now, mailer, fromAddress };
  const deps: CaptureDeps = {
    store,
    config,
    log: opts.log,
    now,
    onReply: (mail, input, outcome) => handleReply(replyDeps, mail, input, outcome),
    onRejectedOwner: (user, outcome) => noticeRejectedOwner(replyDeps, user, outcome.detail ?? 'not authenticated'),
  };
  const smtp = await startSmtpInbound({
    port: opts.smtpPort ?? 2525,
    log: opts.log,
    checkPassword: async (user, password) => Boolean(await store.findUserByAddress(user)) && checkSmtpPassword(secret, user, password),
    keepRaw: (raw) => keepRawMail(dataDir, raw, now()),
    deliver: async ({ raw, envelope, queueId }) => {
      const [outcome] = await captureBatch(deps, [{ raw, envelope, source: `smtp:${queueId}` }]);
      return outcome!;
    },
  });

  const scheduler = startScheduler(
    { store, secret, captureAddress: opts.captureAddress, fromAddress, mailer, log: opts.log },
    now,
  );

  const info: ServiceInfo = {
    pid: process.pid,
    dynamodb: db.endpoint,
    ses: `http://127.0.0.1:${sesPort}`,
    smtp: { host: smtp.host, port: smtp.port },
    capture: opts.captureAddress,
  };
  writeServiceInfo(dataDir, info);
  return {
    info,
    store,
    secret,
    scheduler,
    stop: async () => {
      scheduler.stop();
      removeServiceInfo(dataDir);
      await smtp.stop();
      await new Promise<void>((ok) => ses.close(() => ok()));
      ses.closeAllConnections?.();
      client.destroy();
      await db.stop();
    },
  };
}
