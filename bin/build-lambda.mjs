// Bundles one Lambda handler into a directory, as the stack deploys it: `index.mjs` (the file Lambda loads) plus
// chunks that load on first use, each a minified ES module with its source map. `NurtureFunction` runs this script
// while `cdk synth` stages the asset; bench/cold-start.ts measures what it writes.
//
// Why not NodejsFunction's own esbuild call: it writes one file, so everything a function might ever need is
// compiled at every cold start. With code splitting, what the handler imports dynamically (a rarely taken path,
// the SDK's credential providers for profiles and SSO) becomes a chunk read only when that path runs. Besides:
// - iconv-lite's double-byte tables (Chinese, Japanese, Korean charsets) stay JSON files beside the bundle, which
//   iconv-lite itself requires only when such a charset is first decoded;
// - email-providers' JSON lists too: JSON.parse reads them faster than V8 compiles an array literal;
// - packages a dependency imports at its top but calls only on a rare path (DEFERRED) are built as files of their
//   own, required by the first call.
//
// Usage: node bin/build-lambda.mjs <entry.ts> <outdir> [dir-to-copy…]   (directories relative to the project root)
// Plain JavaScript: it runs before anything is compiled.
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
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
 * Packages imported at the top of a module but called only on a rarely taken path, with the exports called. The
 * bundle gets a stand-in with these exports that requires the real package (built as deferred-<name>.cjs) at the
 * first call. A named export missing here fails the build; a member of a default export is not checked by esbuild,
 * so test/infra/build-lambda.test.ts reads every module of the bundle that imports these packages and fails on a
 * member it calls that is not listed (after a dependency upgrade, say), before any mail can meet it.
 */
export const DEFERRED = {
  // Mail with HTML and no text part: own-text.ts reads the HTML. (mailparser's own call is off: skipHtmlToText.)
  'html-to-text': { named: ['convert', 'htmlToText'] },
  // ISO-2022-JP and the other JIS charsets (libmime); no other mail calls it.
  'encoding-japanese': { default: ['convert'] },
};

const deferredFile = (name) => `deferred-${name}.cjs`;

/** @type {import('esbuild').Plugin} */
const deferredPackages = {
  name: 'deferred-packages',
  setup(build) {
    const names = Object.keys(DEFERRED).map((n) => n.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&'));
    build.onResolve({ filter: new RegExp(`^(${names.join('|')})$`) }, (args) => ({ path: args.path, namespace: 'deferred' }));
    build.onResolve({ filter: /^\.\/deferred-[\w.-]+\.cjs$/ }, (args) => ({ path: args.path, external: true }));
    build.onLoad({ filter: /.*/, namespace: 'deferred' }, ({ path: name }) => {
      const { named = [], default: members } = DEFERRED[name];
      const call = (f) => `(...args) => load().${f}(...args)`;
      const lines = [
        `let real;`,
        `const load = () => (real ??= require(${JSON.stringify(`./${deferredFile(name)}`)}));`,
        ...named.map((f) => `export const ${f} = ${call(f)};`),
        ...(members ? [`export default { ${members.map((f) => `${f}: ${call(f)}`).join(', ')} };`] : []),
      ];
      return { contents: lines.join('\n'), loader: 'js' };
    });
  },
};

/**
 * Packages that ship both an ES module and a CommonJS build, imported by one dependency (mailparser) and required
 * by another (mailsplit): without this the bundle holds both builds, twice the code to compile at every start.
 * Imports resolve to the file a require would, so there is one copy (esbuild's interop gives it to the importers).
 */
const ONE_COPY = ['libmime', 'libqp', 'libbase64'];

/** @type {import('esbuild').Plugin} */
export const oneCopyOfDualPackages = {
  name: 'one-copy-of-dual-packages',
  setup(build) {
    build.onResolve({ filter: new RegExp(`^(${ONE_COPY.join('|')})$`) }, async (args) => {
      if (args.kind === 'require-call' || args.pluginData === 'one-copy') return undefined;
      const r = await build.resolve(args.path, { kind: 'require-call', resolveDir: args.resolveDir, importer: args.importer, pluginData: 'one-copy' });
      return r.errors.length ? { errors: r.errors } : { path: r.path };
    });
  },
};

/**
 * @param {{ entry: string, outdir: string, copy?: readonly string[] }} options  entry and copy relative to ROOT or absolute
 * @returns {Promise<import('esbuild').Metafile>}
 */
export async function buildLambda({ entry, outdir, copy = [] }) {
  const { build } = await import('esbuild');
  mkdirSync(outdir, { recursive: true });
  /** What the bundle and the deferred packages' files share. */
  const common = {
    absWorkingDir: ROOT,
    bundle: true,
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
    logLevel: 'error',
  };
  const result = await build({
    ...common,
    entryPoints: { index: resolve(ROOT, entry) },
    outdir,
    outExtension: { '.js': '.mjs' },
    chunkNames: 'chunk-[hash]',
    splitting: true,
    format: 'esm',
    // Everything is bundled, the AWS SDK too (the versions the tests ran against, not whatever the runtime ships this
    // month); only email-providers' lists stay a package beside the bundle.
    external: ['email-providers'],
    banner: { js: ESM_REQUIRE_BANNER },
    plugins: [iconvTablesBeside, deferredPackages, oneCopyOfDualPackages],
    metafile: true,
  });
  for (const name of Object.keys(DEFERRED).filter((n) => result.metafile.inputs[`deferred:${n}`])) {
    await build({ ...common, entryPoints: [name], outfile: join(outdir, deferredFile(name)), format: 'cjs' });
  }
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
 * A built bundle's files split by when they load: `init`, the modules importing `index.mjs` loads (its static
 * imports, followed); `initData`, the JSON files among those imports (read with JSON.parse, not compiled); and
 * `onFirstUse`, the chunks only a dynamic import reaches and the deferred packages.
 * @param {string} dir
 * @returns {{ init: string[], initData: string[], onFirstUse: string[] }}
 */
export function modulesByLoad(dir) {
  const init = new Set();
  const initData = new Set();
  const visit = (file) => {
    if (init.has(file)) return;
    init.add(file);
    const code = readFileSync(join(dir, file), 'utf8');
    // Static imports only, `import{…}from"./x.mjs"` or `import"./x.mjs"`; `import("./x.mjs")` is a dynamic one.
    for (const m of code.matchAll(/\bfrom\s*"\.\/([\w.-]+\.mjs)"|\bimport\s*"\.\/([\w.-]+\.mjs)"/g)) visit(m[1] ?? m[2]);
    // Packages left beside the bundle (email-providers' lists).
    for (const m of code.matchAll(/\bfrom\s*"([\w@][\w@./-]*\.json)"/g)) {
      if (existsSync(join(dir, 'node_modules', m[1]))) initData.add(join('node_modules', m[1]));
    }
  };
  visit('index.mjs');
  const all = readdirSync(dir).filter((f) => f.endsWith('.mjs') || f.endsWith('.cjs'));
  return { init: all.filter((f) => init.has(f)), initData: [...initData], onFirstUse: all.filter((f) => !init.has(f)) };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [entry, outdir, ...copy] = process.argv.slice(2);
  if (!entry || !outdir) {
    console.error('usage: node bin/build-lambda.mjs <entry.ts> <outdir> [dir-to-copy…]');
    process.exit(2);
  }
  await buildLambda({ entry, outdir, copy });
}
