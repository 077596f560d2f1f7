/**
 * `npx tsx bench/cold-start.ts`: the Lambdas' cold start as deployed — the stack is synthesized with its real
 * bundling (bin/build-lambda.mjs, as `cdk synth` runs it), and each function's asset is measured: what module init
 * loads (`index.mjs`, the file Lambda imports, and the chunks it imports statically), what waits for first use (the
 * chunks only a dynamic import reaches), and its module init (import of the bundle, top-level code included) in 7
 * fresh Node processes, median. Each process runs the bundle from a copy laid out as Lambda does, with the
 * function's environment set.
 * Goal (issue 13): capture and send < 150 ms and < 1 MB.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { modulesByLoad } from '../bin/build-lambda.mjs';
import { NurtureStack } from '../lib/nurture-stack.ts';
import { machine, table } from './support.ts';

const outdir = mkdtempSync(join(tmpdir(), 'nurture-cold-'));
const app = new App({ outdir });
const stack = new NurtureStack(app, 'Nurture', { domain: 'in.nurture.test' });
const assembly = app.synth();
const template = assembly.getStackByName(stack.stackName).template as { Resources: Record<string, { Type: string; Properties: Record<string, any> }> };

const ENV = {
  AWS_REGION: 'eu-west-1',
  TABLE_NAME: 't',
  SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:k',
  CAPTURE_ADDRESS: 'log@in.nurture.test',
  FROM_ADDRESS: 'nurture@in.nurture.test',
  RAW_MAIL_BUCKET: 'b',
  DIGEST_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/q',
  POWERTOOLS_SERVICE_NAME: 'bench',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
};

const FUNCTIONS = ['Capture', 'Send', 'Dispatch', 'Unsubscribe', 'Feedback'];
const tasks = FUNCTIONS.map((name) => {
  const [, fn] = Object.entries(template.Resources).find(([id, r]) => r.Type === 'AWS::Lambda::Function' && id.startsWith(name))!;
  const asset = join(outdir, `asset.${String(fn.Properties.Code.S3Key).replace(/\.zip$/, '')}`);
  const task = join(mkdtempSync(join(tmpdir(), 'nurture-task-')), 'task');
  cpSync(asset, task, { recursive: true });
  return { name, task, modules: modulesByLoad(task), init: [] as number[], all: [] as number[] };
});

/**
 * One fresh process: imports index.mjs (module init, the goal's measure), then every chunk left for first use, an
 * upper bound on the code a first invocation can add (the SDK's own lazily loaded parts, the rarely taken paths).
 */
function coldStart(t: (typeof tasks)[number]): [number, number] {
  const chunks = JSON.stringify(t.modules.onFirstUse.map((f) => join(t.task, f)));
  const script = `const t=performance.now(); await import(${JSON.stringify(join(t.task, 'index.mjs'))}); const a=performance.now()-t; for (const c of ${chunks}) await import(c); console.log(a, performance.now()-t)`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', env: { PATH: process.env.PATH, ...ENV } });
  if (r.status !== 0) throw new Error(`${t.name}: ${r.stderr}`);
  const [a, b] = r.stdout.trim().split(' ').map(Number);
  return [a!, b!];
}

// One untimed round reads the files into the page cache (fresh from synthesis, while esbuild's processes wind down);
// then the functions take turns, so a passing load spreads over all of them rather than skewing one.
for (const t of tasks) coldStart(t);
for (let round = 0; round < 7; round++) {
  for (const t of tasks) {
    const [a, b] = coldStart(t);
    t.init.push(a);
    t.all.push(b);
  }
}

const median = (xs: number[]): string => [...xs].sort((a, b) => a - b)[3]!.toFixed(0);
const rows = tasks.map((t) => {
  const kb = (files: string[]): string => (files.reduce((n, f) => n + statSync(join(t.task, f)).size, 0) / 1024).toFixed(0);
  return {
    function: t.name,
    'code at init KB': kb(t.modules.init),
    'JSON data at init KB': kb(t.modules.initData),
    'module init ms (median of 7)': median(t.init),
    'min ms': Math.min(...t.init).toFixed(0),
    'max ms': Math.max(...t.init).toFixed(0),
    'on first use KB': kb(t.modules.onFirstUse),
    'init + every chunk ms': median(t.all),
  };
});
console.log(`Machine: ${machine()}\n`);
console.log('Lambda cold start, synthesized assets (bin/build-lambda.mjs: esbuild, minified ESM with code splitting, node22)');
console.log(table(rows));
