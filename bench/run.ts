/**
 * `npm run bench`: import throughput vs parse-only, peak RSS, capture Lambda bundle size and module load time,
 * digest build for a heavy user, and own-text + promise extraction speed. Prints tables; record them in bench/README.md.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { extractOwnText } from '#domain/own-text';
import { findPromises } from '#domain/promises';
import { buildLambda, modulesByLoad } from '../bin/build-lambda.mjs';
import { digestBench } from './digest-bench.ts';
import { dispatchBench } from './dispatch-bench.ts';
import { buildMbox, enronBodies, FIXTURES, machine, table } from './support.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'; // Node 20 here; the notice would clutter the tables
const N = Number(process.env.BENCH_MESSAGES ?? 10_000);
const work = mkdtempSync(join(tmpdir(), 'nurture-bench-'));

function child(script: string, ...args: string[]): Record<string, unknown> {
  // The same heap cap as the `nurture` command (bin/nurture.js), so the RSS measured is what a user gets.
  return run(['--max-old-space-size=160'], script, args);
}

function run(flags: string[], script: string, args: string[]): Record<string, unknown> {
  const out = execFileSync(process.execPath, [...flags, '--import', 'tsx', resolve(import.meta.dirname, script), ...args], { encoding: 'utf8', env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' }, maxBuffer: 1 << 26 });
  return JSON.parse(out.trim().split('\n').pop()!) as Record<string, unknown>;
}

console.log(`Machine: ${machine()}\n`);
if (!existsSync(FIXTURES)) {
  console.error(`!!! ${FIXTURES} is absent: the benchmarks need the shared fixtures.`);
  process.exit(1);
}

// 1. Import throughput.
const mbox = join(work, 'Sent.mbox');
writeFileSync(mbox, buildMbox(N, 'me@example.org'));
const mb = statSync(mbox).size / 2 ** 20;
const parse = child('parse-child.ts', mbox);
const ingest = child('ingest-child.ts', mbox, join(work, 'data'));
const parseRate = (N / (parse.ms as number)) * 1000;
const ingestRate = (N / (ingest.ms as number)) * 1000;
console.log(`Import of a ${N.toLocaleString('en')}-message mbox (${mb.toFixed(1)} MB) into the embedded store`);
console.log(
  table([
    { run: 'mailparser only (ceiling)', 'msgs/s': parseRate.toFixed(0), 'seconds': ((parse.ms as number) / 1000).toFixed(1), 'peak RSS MB': (parse.maxRssMb as number).toFixed(0), 'DynamoDB requests': '-' },
    { run: 'nurture ingest (pipeline)', 'msgs/s': ingestRate.toFixed(0), 'seconds': ((ingest.ms as number) / 1000).toFixed(1), 'peak RSS MB': (ingest.maxRssMb as number).toFixed(0), 'DynamoDB requests': String(ingest.requests) },
  ]),
);
console.log(`pipeline / parse-only = ${(ingestRate / parseRate).toFixed(2)} (goal ≥ 0.50); outcomes: ${JSON.stringify((ingest.summary as { byKind: unknown }).byKind)}`);
// The two halves of the pipeline, each on its own: record alone bounds any pipeline over this store.
// No heap cap: this child holds every prepared mail at once, which the real import never does.
const stages = run([], 'stages-child.ts', [mbox, join(work, 'stages')]);
const rate = (ms: number): number => (N / ms) * 1000;
console.log(
  table([
    { stage: 'prepare only: parse, own text, promises (nothing stored)', 'msgs/s': rate(stages.prepareMs as number).toFixed(0), 'of parse-only': (rate(stages.prepareMs as number) / parseRate).toFixed(2) },
    { stage: 'record only: store the prepared mails', 'msgs/s': rate(stages.recordMs as number).toFixed(0), 'of parse-only': (rate(stages.recordMs as number) / parseRate).toFixed(2) },
  ]),
);
console.log(`store requests by operation: ${JSON.stringify(stages.byOperation)}\n`);

// 2. Capture Lambda: built as the stack builds it (bin/build-lambda.mjs); what module init loads, and its time.
// bench/cold-start.ts measures every function on the synthesized assets.
const captureDir = join(work, 'capture');
await buildLambda({ entry: 'functions/capture/handler.ts', outdir: captureDir });
const captureModules = modulesByLoad(captureDir);
const kbOf = (files: string[]): string => (files.reduce((n, f) => n + statSync(join(captureDir, f)).size, 0) / 1024).toFixed(0);
const loads: number[] = [];
for (let i = 0; i < 7; i++) {
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', `const t=performance.now(); await import(${JSON.stringify(join(captureDir, 'index.mjs'))}); console.log(performance.now()-t)`], { encoding: 'utf8' });
  loads.push(Number(r.stdout.trim()));
}
loads.sort((a, b) => a - b);
console.log('Capture Lambda bundle (bin/build-lambda.mjs: minified ESM, code splitting)');
console.log(table([{ 'code at init KB': kbOf(captureModules.init), 'JSON data at init KB': kbOf(captureModules.initData), 'module init ms (median of 7)': loads[3]!.toFixed(0), 'min ms': loads[0]!.toFixed(0), 'max ms': loads[6]!.toFixed(0) }]));
console.log('');

// 3. Digest for a heavy user.
const d = await digestBench();
console.log('Digest for 20,000 contacts, 100,000 interactions, 2,000 promises (load + select + render + MIME)');
console.log(
  table([
    { 'wall ms': d.wallMs.toFixed(0), requests: d.requests, 'by operation': Object.entries(d.byOperation).map(([k, v]) => `${k} ${v}`).join(', '), 'consumed RCU': d.consumedCapacity.toFixed(1), Scans: d.byOperation.Scan ?? 0, items: d.items },
  ]),
);
console.log('goal: < 1,000 ms and < 50 requests, no Scan\n');

// 4. Dispatcher and per-digest cost, for the 1,000,000-user estimate.
const dispatch = await dispatchBench(5_000);
const typical = await digestBench({ contacts: 300, interactions: 3_000, promises: 30 });
const digestsPerMonth = 1_000_000 * (52 / 12);
const dispatchRcuPerUser = dispatch.consumedRcu / dispatch.users;
console.log('Dispatcher: one hour slot with 5,000 due users; and one digest for a typical user (300 contacts)');
console.log(
  table([
    { what: 'dispatch (4 slot Queries + run mark)', requests: dispatch.requests, 'consumed RCU': dispatch.consumedRcu.toFixed(1), 'RCU per user': dispatchRcuPerUser.toFixed(4), 'wall ms': dispatch.wallMs.toFixed(0) },
    { what: 'digest, typical user', requests: typical.requests, 'consumed RCU': typical.consumedCapacity.toFixed(1), 'RCU per user': typical.consumedCapacity.toFixed(1), 'wall ms': typical.wallMs.toFixed(0) },
  ]),
);
const rru = (units: number): number => (units / 1e6) * 0.125; // on-demand, us-east-1: $0.125 per million read request units
console.log(
  `1,000,000 users: ${Math.round(digestsPerMonth).toLocaleString('en')} digests a month; dispatcher reads ≈ ${Math.round(dispatchRcuPerUser * digestsPerMonth).toLocaleString('en')} RRU ` +
    `($${rru(dispatchRcuPerUser * digestsPerMonth).toFixed(2)}) + ${(720 * 4).toLocaleString('en')} Queries on empty look-back slots; ` +
    `digest reads ≈ ${Math.round(typical.consumedCapacity * digestsPerMonth).toLocaleString('en')} RRU ($${rru(typical.consumedCapacity * digestsPerMonth).toFixed(2)}); ` +
    `SQS ${Math.round(digestsPerMonth / 10).toLocaleString('en')} SendMessageBatch calls ($${((digestsPerMonth / 10 / 1e6) * 0.4).toFixed(2)}).\n`,
);

// 5. Own text + promise extraction on real sent mail.
const mails = enronBodies();
const t0 = performance.now();
let found = 0;
for (let round = 0; round < 3; round++) {
  for (const m of mails) {
    const own = extractOwnText({ text: m.body, html: null });
    found += findPromises(own, { date: '2001-05-01T12:00:00Z', tz: 'America/Chicago', recipients: [] }).length;
  }
}
const perSec = ((mails.length * 3) / (performance.now() - t0)) * 1000;
console.log('Own text + promise extraction on enron-sent (791 real mails, 3 rounds)');
console.log(table([{ 'msgs/s': perSec.toFixed(0), 'ms per mail': (1000 / perSec).toFixed(2), 'promises found per round': found / 3 }]));

rmSync(work, { recursive: true, force: true });
