#!/usr/bin/env node
// The Debian packages the tests use, and their installation: the one list that `npm test` (its `pretest` step),
// `.ci/run` and the tests themselves read. Plain JavaScript with no dependencies, so it runs before `npm ci`.
//
//   node .ci/prerequisites.mjs          install what `npm test` needs, if missing and this machine allows it
//   node .ci/prerequisites.mjs --ci     also what only CI's extra step needs (Java for DynamoDB Local)
//   --dry-run                           print the apt-get commands instead of running them
//
// Installs only as root, or under CI=true with password-less sudo, and only with apt-get. Where it cannot, it
// says once what is missing and how to install it, and the tests that need it are skipped — except under
// CI=true, where a missing prerequisite is an error.
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** @type {readonly { command: string; package: string; use: string; ciOnly?: boolean }[]} */
export const PREREQUISITES = [
  { command: 'chromium', package: 'chromium', use: 'the digest rendered in a real browser engine' },
  { command: 'spamassassin', package: 'spamassassin', use: 'the digest’s spam score' },
  { command: 'java', package: 'openjdk-17-jre-headless', use: 'the store tests against DynamoDB Local', ciOnly: true },
];

/** The executable named `command` on PATH, or undefined. */
export function onPath(command, path = process.env.PATH ?? '') {
  for (const dir of path.split(delimiter)) {
    if (!dir) continue;
    const file = join(dir, command);
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

/** The prerequisites not on PATH (`npm test`'s, or with `ci` also CI's). */
export function missingPrerequisites({ ci = false, path } = {}) {
  return PREREQUISITES.filter((p) => (ci || !p.ciOnly) && !onPath(p.command, path));
}

/** The command a person runs to install them. */
export function installCommand(missing) {
  return `sudo apt-get install -y ${missing.map((p) => p.package).join(' ')}`;
}

/** Why this process cannot install Debian packages, or null when it can (with the prefix to run apt-get under). */
function installer() {
  if (!onPath('apt-get')) return { why: 'no apt-get on this machine' };
  if (process.getuid?.() === 0) return { prefix: [] };
  if (process.env.CI === 'true' && onPath('sudo') && spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore' }).status === 0) return { prefix: ['sudo', '-n'] };
  return { why: 'not running as root' };
}

function main(argv) {
  const ci = argv.includes('--ci');
  const dryRun = argv.includes('--dry-run');
  const strict = process.env.CI === 'true';
  const missing = missingPrerequisites({ ci });
  if (!missing.length) return 0;
  const names = missing.map((p) => p.command).join(', ');
  const how = installer();
  if (how.prefix) {
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    const steps = [
      [...how.prefix, 'apt-get', 'update', '-qq'],
      [...how.prefix, 'apt-get', 'install', '-y', '-qq', '--no-install-recommends', ...missing.map((p) => p.package)],
    ];
    process.stderr.write(`nurture: installing what the tests need: ${names} (${missing.map((p) => p.use).join('; ')})\n`);
    for (const [cmd, ...args] of steps) {
      if (dryRun) {
        process.stdout.write(`${[cmd, ...args].join(' ')}\n`);
        continue;
      }
      const run = spawnSync(cmd, args, { env, stdio: ['ignore', 'ignore', 'inherit'] });
      if (run.status !== 0) {
        process.stderr.write(`nurture: \`${[cmd, ...args].join(' ')}\` failed (exit ${run.status ?? run.signal}); ${strict ? 'CI needs them' : 'their tests will be SKIPPED'}\n`);
        return strict ? 1 : 0;
      }
    }
    return 0;
  }
  const verdict = strict ? 'CI=true: the tests that need them would fail' : 'the tests that need them will be SKIPPED';
  process.stderr.write(`nurture: ${names} missing and not installed here (${how.why}): ${verdict}. Install with \`${installCommand(missing)}\`.\n`);
  return strict ? 1 : 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) process.exitCode = main(process.argv.slice(2));
