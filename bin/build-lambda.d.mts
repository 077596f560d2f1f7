import type { Metafile } from 'esbuild';

/** Bundles one Lambda handler into `outdir` (see build-lambda.mjs). Paths relative to the project root or absolute. */
export function buildLambda(options: { entry: string; outdir: string; copy?: readonly string[] }): Promise<Metafile>;

/** A built bundle's modules: what importing `index.mjs` loads, and the chunks only a dynamic import reaches. */
export function modulesByLoad(dir: string): { init: string[]; onFirstUse: string[] };

/** esbuild plugin: packages shipping both ES module and CommonJS builds are bundled once (see build-lambda.mjs). */
export const oneCopyOfDualPackages: import('esbuild').Plugin;
