// Bundles one Lambda handler into a directory, as the stack deploys it: `index.mjs` (the file Lambda loads) plus
// chunks that load on first use, each a minified ES module with its source map. `NurtureFunction` runs this script
// while `cdk synth` stages the asset; bench/cold-start.ts measures what it writes.
//
// Why not NodejsFunction's own esbuild call: it writes one file, so everything a function might ever need is
// compiled at every cold start. With code splitting, what the handler imports dynamically (a rarely taken path,
// the SDK's credential providers for profiles and SSO) becomes a chunk read only when that path runs. Two data
// sets stay files beside the bundle instead of JavaScript to compile:
// - iconv-lite's double-byte tables (Chinese, Japanese, Korean charsets), which iconv-lite itself requires only
//   when such a charset is first decoded;
// - email-providers' JSON lists, which JSON.parse reads faster than V8 compiles an array literal.
//
// Usage: node bin/build-lambda.mjs <entry.ts> <outdir> [dir-to-copy…]   (directories relative to the project root)
// Plain JavaScript: it runs before anything is compiled.
import { cpSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Bundled CommonJS packages (mailparser, iconv-lite, handlebars…) call require(); ESM has none, so each file gets one. */
const ESM_REQUIRE_BANNER =
  "import { createRequire as __nurtureCreateRequire } from 'node:module'; const require = __nurtureCreateRequire(import.meta.url);";

const ICONV_TABLES = 'iconv-lite-tables';

/** iconv-lite's `require('./tables/x.json')` (inside functions it calls on first use) reads a file beside the bundle. */
const iconvTablesBeside = {
  name: 'iconv-tables-beside',
  setup(build) {
    build.onResolve({ filter: /^\.\/tables\/[\w-]+\.json$/ }, (args) =>
      args.importer.includes(`${join('node_modules', 'iconv-lite')}`) ? { path: `./${ICONV_TABLES}/${basename(args.path)}`, external: true } : undefined,
    );
  },
};

/**
 * @param {{ entry: string, outdir: string, copy?: readonly string[] }} options  entry and copy relative to ROOT or absolute
 * @returns {Promise<import('esbuild').Metafile>}
 */
export async function buildLambda({ entry, outdir, copy = [] }) {
  const { build } = await import('esbuild');
  mkdirSync(outdir, { recursive: true });
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: { index: resolve(ROOT, entry) },
    outdir,
    outExtension: { '.js': '.mjs' },
    chunkNames: 'chunk-[hash]',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node22',
    // ES module builds of dependencies: the AWS SDK tree-shaken to the commands used.
    mainFields: ['module', 'main'],
    minify: true,
    // Non-ASCII text (charset tables, the promise lexicon in many languages) as UTF-8, not \u escapes: a third smaller.
    charset: 'utf8',
    // Maps ship beside each file, without the sources, but Lambda does not load them: --enable-source-maps parses
    // the whole map at every cold start (about 30 ms for capture). docs/deploy.md says how to read a stack.
    sourcemap: true,
    sourcesContent: false,
    // The AWS SDK is bundled too: the versions the tests ran against, not whatever the runtime ships this month.
    external: ['email-providers'],
    banner: { js: ESM_REQUIRE_BANNER },
    plugins: [iconvTablesBeside],
    metafile: true,
    logLevel: 'error',
  });
  const inputs = Object.keys(result.metafile.inputs);
  if (inputs.some((f) => f.includes('node_modules/iconv-lite/'))) {
    cpSync(join(ROOT, 'node_modules/iconv-lite/encodings/tables'), join(outdir, ICONV_TABLES), { recursive: true });
  }
  if (Object.values(result.metafile.outputs).some((o) => o.imports.some((i) => i.path.startsWith('email-providers')))) {
    const pkg = join(ROOT, 'node_modules/email-providers');
    for (const file of ['package.json', 'all.json', 'common.json', 'license.md']) {
      cpSync(join(pkg, file), join(outdir, 'node_modules/email-providers', file));
    }
  }
  for (const dir of copy) cpSync(resolve(ROOT, dir), join(outdir, basename(dir)), { recursive: true });
  return result.metafile;
}

/**
 * A built bundle's modules split by when they load: `init`, what importing `index.mjs` loads (its static imports,
 * followed), and `onFirstUse`, the chunks only a dynamic import reaches.
 * @param {string} dir
 * @returns {{ init: string[], onFirstUse: string[] }}
 */
export function modulesByLoad(dir) {
  const init = new Set();
  const visit = (file) => {
    if (init.has(file)) return;
    init.add(file);
    // Static imports only, `import{…}from"./x.mjs"` or `import"./x.mjs"`; `import("./x.mjs")` is a dynamic one.
    for (const m of readFileSync(join(dir, file), 'utf8').matchAll(/\bfrom\s*"\.\/([\w.-]+\.mjs)"|\bimport\s*"\.\/([\w.-]+\.mjs)"/g)) visit(m[1] ?? m[2]);
  };
  visit('index.mjs');
  const all = readdirSync(dir).filter((f) => f.endsWith('.mjs'));
  return { init: all.filter((f) => init.has(f)), onFirstUse: all.filter((f) => !init.has(f)) };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [entry, outdir, ...copy] = process.argv.slice(2);
  if (!entry || !outdir) {
    console.error('usage: node bin/build-lambda.mjs <entry.ts> <outdir> [dir-to-copy…]');
    process.exit(2);
  }
  await buildLambda({ entry, outdir, copy });
}
