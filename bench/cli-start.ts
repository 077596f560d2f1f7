/**
 * `npm run bench:cli`: how long the `nurture` command takes to answer, as a user runs it (`node bin/nurture.js …`),
 * next to a bare `node -e ""` in the same run (the floor no CLI goes below). Median and best of RUNS runs each, after
 * one warm-up; the store is on disk, as `npm start` keeps it. Wall time depends on how busy the machine is; the CPU
 * time (all threads: the embedded store runs on a worker) much less. Record the table in bench/README.md.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { machine, table } from './support.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 9);
const BIN = resolve(import.meta.dirname, '../bin/nurture.js');
const work = mkdtempSync(join(tmpdir(), 'nurture-cli-bench-'));
const data = join(work, 'data');
const cpuFile = join(work, 'cpu');
const env = { ...process.env, NURTURE_CAPTURE: 'log@in.example.com', NURTURE_DATA: data };
// Each measured process writes the CPU time it used (user + system, every thread) as it exits.
const reportCpu = `data:text/javascript,import{writeFileSync}from"node:fs";process.on("exit",()=>{const u=process.cpuUsage();writeFileSync(${JSON.stringify(cpuFile)},String((u.user+u.system)/1e3))})`;

/** Wall and CPU time of one run, in ms; fails loudly if the command does. */
function time(args: string[]): { wall: number; cpu: number } {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ['--import', reportCpu, ...args], { env, encoding: 'utf8' });
  const wall = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return { wall, cpu: Number(readFileSync(cpuFile, 'utf8')) };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function measure(args: string[]): { median: number; best: number; cpu: number } {
  time(args);
  const runs = Array.from({ length: RUNS }, () => time(args));
  return { median: median(runs.map((r) => r.wall)), best: Math.min(...runs.map((r) => r.wall)), cpu: median(runs.map((r) => r.cpu)) };
}

try {
  const mail = join(work, 'sent.eml');
  writeFileSync(mail, 'From: Me <me@example.com>\r\nTo: Ana Souza <ana@corp.io>\r\nSubject: the deck\r\nDate: Mon, 2 Nov 2026 10:00:00 +0000\r\nMessage-ID: <bench-cli@example.com>\r\n\r\nHi Ana,\r\n\r\nI will send you the deck by Friday.\r\n\r\nMe\r\n');
  time([BIN, 'users', 'add', 'me@example.com']);
  const floor = measure(['-e', '']);
  const rows = [
    { command: 'node -e ""', args: ['-e', ''], goal: '' },
    { command: 'nurture --help', args: [BIN, '--help'], goal: '< 300' },
    { command: 'nurture contacts (empty store)', args: [BIN, 'contacts'], goal: '< 800' },
    { command: 'nurture explain sent.eml', args: [BIN, 'explain', mail], goal: '< 800' },
  ].map(({ command, args, goal }) => {
    const m = args[0] === '-e' ? floor : measure(args);
    return { command, 'median ms': m.median.toFixed(0), 'best ms': m.best.toFixed(0), 'over node -e ms': (m.median - floor.median).toFixed(0), 'goal ms': goal, 'CPU ms (median)': m.cpu.toFixed(0) };
  });
  console.log(`Machine: ${machine()}, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}; ${RUNS} runs each\n`);
  console.log(table(rows));
} finally {
  rmSync(work, { recursive: true, force: true });
}
