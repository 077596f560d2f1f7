/** Runs one import in its own process so its peak RSS is its own; prints a JSON result line. */
import { silentLogger } from '#commons/logger';
import { ingestFiles } from '../functions/cli/ingest.ts';
import { openLocalContext } from '../functions/local/local-context.ts';
import { newUser } from '#domain/users';

const [file, dataDir] = process.argv.slice(2) as [string, string];
const ctx = await openLocalContext({ dataDir });
await ctx.store.createUser(newUser({ email: 'me@example.org' }, new Date(), 'u_bench0001'));
const t0 = performance.now();
const summary = await ingestFiles([file], { store: ctx.store, config: { captureAddress: 'log@in.example.com' }, log: silentLogger() });
const ms = performance.now() - t0;
await ctx.close();
process.stdout.write(`${JSON.stringify({ ms, summary, maxRssMb: process.resourceUsage().maxRSS / 1024, requests: ctx.store.metrics.requests })}\n`);
