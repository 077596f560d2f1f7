import type { Metafile } from 'esbuild';

/** Bundles one Lambda handler into `outdir` (see build-lambda.mjs). Paths relative to the project root or absolute. */
export function buildLambda(options: { entry: string; outdir: string; copy?: readonly string[] }): Promise<Metafile>;

/** A built bundle's files: the modules and JSON data importing `index.mjs` loads, and what waits for first use. */
export function modulesByLoad(dir: string): { init: string[]; initData: string[]; onFirstUse: string[] };

/** esbuild plugin: packages shipping both ES module and CommonJS builds are bundled once (see build-lambda.mjs). */
export const oneCopyOfDualPackages: import('esbuild').Plugin;

/** Deferred packages and the exports their stand-ins forward (see build-lambda.mjs). */
export const DEFERRED: Record<string, { named?: readonly string[]; default?: readonly string[] }>;
