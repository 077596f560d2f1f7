/**
 * Where import time goes: the same mbox through the capture pipeline in two separate stages — prepare (parse, own
 * text, promises; nothing stored) for every mail, then record (store the prepared mails) — each timed on its own.
 * Record alone bounds what any pipeline over this store can reach, however fast the parsing.
 */
import { createReadStream } from 'node:fs';
import { silentLogger } from '#commons/logger';
import { newUser } from '#domain/users';
import { prepareBatch, recordBatch, type CaptureDeps, type PreparedBatch } from '../functions/capture/capture-service.ts';
import { INGEST_BATCH } from '../functions/cli/ingest.ts';
import { openLocalContext } from '../functions/local/local-context.ts';
import { readMbox } from '../functions/local/mail-files.ts';

const [file, dataDir] = process.argv.slice(2) as [string, string];
const ctx = await openLocalContext({ dataDir });
await ctx.store.createUser(newUser({ email: 'me@example.org' }, new Date(), 'u_bench0001'));
const deps: CaptureDeps = { store: ctx.store, config: { captureAddress: 'log@in.example.com' }, log: silentLogger(), now: () => new Date(), bulk: true, openPromises: new Map() };
const raws: Uint8Array[] = [];
for await (const m of readMbox(createReadStream(file, { highWaterMark: 1 << 20 }), file)) raws.push(m.raw);
const inputs = raws.map((raw, i) => ({ raw, envelope: { recipients: [], auth: { verdict: 'trusted' as const } }, source: String(i) }));

let t = performance.now();
const prepared: PreparedBatch[] = [];
for (let i = 0; i < inputs.length; i += INGEST_BATCH) prepared.push(await prepareBatch(deps, inputs.slice(i, i + INGEST_BATCH)));
const prepareMs = performance.now() - t;
t = performance.now();
for (const p of prepared) await recordBatch(deps, p);
const recordMs = performance.now() - t;
await ctx.close();
process.stdout.write(`${JSON.stringify({ n: inputs.length, prepareMs, recordMs, byOperation: ctx.store.metrics.byOperation })}\n`);
