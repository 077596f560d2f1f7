/**
 * `nurture ingest FILE...`: past mail imported as if each had been BCC'd. Streams, works in batches,
 * checkpoints after each batch so an interrupted import resumes, and is idempotent (a re-import
 * changes nothing: every mail is recognised by its key).
 */
import { createHash } from 'node:crypto';
import { open, realpath, stat } from 'node:fs/promises';
import cliProgress from 'cli-progress';
import type { Store } from '#adapters/store';
import type { CaptureConfig } from '#domain/classify';
import type { Logger } from '#commons/logger';
import { prepareBatch, recordBatch, type CaptureDeps, type CaptureInput, type CaptureOutcome } from '../capture/capture-service.ts';
import { readMailArgs } from '../local/mail-files.ts';

export const INGEST_BATCH = 500;

export interface IngestOptions {
  readonly store: Store;
  readonly config: CaptureConfig;
  readonly log: Logger;
  readonly now?: () => Date;
  /** Called with each outcome (e.g. to print JSON lines). */
  readonly onOutcome?: (o: CaptureOutcome) => void;
  readonly progress?: boolean;
  /** Ignore checkpoints and read every file from the start. */
  readonly restart?: boolean;
  /** Batched contact writes (one writer only); default true. */
  readonly bulk?: boolean;
  /** Replies to digests found among the files are applied (the operator's import is trusted). */
  readonly onReply?: CaptureDeps['onReply'];
}

export interface IngestSummary {
  readonly total: number;
  readonly byKind: Record<string, number>;
  /** The ignored mails by reason (`duplicate`: already imported). */
  readonly ignored: Record<string, number>;
  readonly resumedFrom: Record<string, number>;
}

/**
 * The line `nurture ingest` ends with: what was imported, what was there already, and why the rest was ignored —
 * "Imported 540 mails: 310 outgoing, 2 note, 228 ignored (200 no-recipients, 28 bulk-mail)." or, re-run,
 * "Read 540 mails: 312 already imported, 228 ignored (200 no-recipients, 28 bulk-mail)."
 */
export function summaryLine(s: IngestSummary): string {
  const { ignored = 0, ...recorded } = s.byKind;
  const { duplicate = 0, ...reasons } = s.ignored;
  const parts = Object.entries(recorded).map(([kind, n]) => `${n} ${kind}`);
  if (duplicate) parts.push(`${duplicate} already imported`);
  const why = Object.entries(reasons).sort((a, b) => b[1] - a[1]);
  if (ignored > duplicate) parts.push(`${ignored - duplicate} ignored (${why.map(([reason, n]) => `${n} ${reason}`).join(', ')})`);
  const mails = `${s.total} mail${s.total === 1 ? '' : 's'}`;
  return `${Object.keys(recorded).length ? 'Imported' : 'Read'} ${mails}: ${parts.join(', ') || 'none'}.`;
}

export async function ingestFiles(files: readonly string[], opts: IngestOptions): Promise<IngestSummary> {
  const byKind: Record<string, number> = {};
  const ignored: Record<string, number> = {};
  const resumedFrom: Record<string, number> = {};
  const fileIds = new Map<string, string>();
  const idOf = async (file: string): Promise<string> => {
    if (!fileIds.has(file)) fileIds.set(file, await fileIdentity(file));
    return fileIds.get(file)!;
  };
  const bar = opts.progress ? await progressBar(files) : null;
  let total = 0;
  let batch: { input: CaptureInput; file: string; endOffset: number | null }[] = [];
  const bulk = opts.bulk ?? true;
  const deps: CaptureDeps = { store: opts.store, config: opts.config, log: opts.log, now: opts.now ?? (() => new Date()), onReply: opts.onReply, bulk, ...(bulk ? { openPromises: new Map() } : {}) };
  // One batch is recorded while the next is parsed: parsing is CPU, recording mostly waits on the store.
  let recording: Promise<void> = Promise.resolve();

  const flush = async (): Promise<void> => {
    if (!batch.length) return;
    const taken = batch;
    batch = [];
    const prepared = await prepareBatch(deps, taken.map((b) => b.input));
    await recording;
    recording = record(taken, prepared);
  };

  const record = async (taken: typeof batch, prepared: Awaited<ReturnType<typeof prepareBatch>>): Promise<void> => {
    const outcomes = await recordBatch(deps, prepared);
    for (const o of outcomes) {
      byKind[o.kind] = (byKind[o.kind] ?? 0) + 1;
      if (o.kind === 'ignored') ignored[o.reason ?? 'unknown'] = (ignored[o.reason ?? 'unknown'] ?? 0) + 1;
      opts.onOutcome?.(o);
    }
    // The batch is recorded: remember where each mbox got to.
    const ends = new Map<string, number>();
    for (const b of taken) if (b.endOffset !== null) ends.set(b.file, b.endOffset);
    const updatedAt = new Date().toISOString();
    for (const [file, offset] of ends) await opts.store.putCheckpoint(await idOf(file), { done: total, offset, updatedAt });
    bar?.increment(taken.length, { offset: [...ends.values()].pop() ?? 0 });
  };

  const resumeFrom = async (file: string): Promise<number> => {
    if (opts.restart) return 0;
    const cp = await opts.store.getCheckpoint(await idOf(file));
    const size = (await stat(file)).size;
    const offset = cp && cp.offset <= size ? cp.offset : 0;
    if (offset > 0) {
      resumedFrom[file] = offset;
      opts.log.info('resuming import', { file, offset });
    }
    return offset;
  };

  for await (const m of readMailArgs(files, { resumeFrom })) {
    total++;
    batch.push({ input: { raw: m.raw, envelope: { recipients: [], auth: { verdict: 'trusted', detail: 'nurture ingest' } }, source: m.source }, file: m.file, endOffset: m.endOffset });
    if (batch.length >= INGEST_BATCH) await flush();
  }
  await flush();
  await recording;
  bar?.stop();
  return { total, byKind, ignored, resumedFrom };
}

/** An mbox is the same file if its path and its first 64 KB are; appending mail keeps the checkpoint. */
async function fileIdentity(file: string): Promise<string> {
  const fh = await open(file, 'r');
  try {
    const head = Buffer.alloc(65_536);
    const { bytesRead } = await fh.read(head, 0, head.length, 0);
    return createHash('sha256').update(await realpath(file)).update(head.subarray(0, bytesRead)).digest('base64url').slice(0, 22);
  } finally {
    await fh.close();
  }
}

async function progressBar(files: readonly string[]): Promise<{ increment(n: number, p: { offset: number }): void; stop(): void } | null> {
  if (!process.stderr.isTTY) return null;
  const sizes = await Promise.all(files.filter((f) => f !== '-').map((f) => stat(f).then((s) => s.size).catch(() => 0)));
  const totalBytes = sizes.reduce((a, b) => a + b, 0);
  const bar = new cliProgress.SingleBar(
    { stream: process.stderr, format: 'importing [{bar}] {percentage}% | {msgs} mails | {eta_formatted} left', hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  let msgs = 0;
  bar.start(Math.max(totalBytes, 1), 0, { msgs });
  return {
    increment(n, p) {
      msgs += n;
      bar.update(Math.min(p.offset, totalBytes), { msgs });
    },
    stop: () => bar.stop(),
  };
}
