/**
 * `npm test` on a machine without Chromium and SpamAssassin: its `pretest` step installs them where it may (root with
 * apt-get), and otherwise their tests are skipped with one loud line, except under CI=true, where it fails.
 * The machine's programs are hidden by a PATH holding only node (and, to see what would be installed, a stand-in
 * apt-get that records its arguments).
 */
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const SCRIPT = join(ROOT, '.ci/prerequisites.mjs');
const isRoot = process.getuid?.() === 0;
let bare: string;
let withApt: string;
let aptLog: string;

/** Environment without the parent test run's variables, with PATH = `path`. */
function env(path: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(VITEST|CI$|NODE_ENV$)/.test(k)));
  return { ...clean, PATH: path, ...extra };
}

function prerequisites(path: string, args: string[] = [], extra: Record<string, string> = {}, opts: SpawnSyncOptions = {}) {
  const r = spawnSync(process.execPath, [SCRIPT, ...args], { encoding: 'utf8', env: env(path, extra), ...opts });
  return { status: r.status, stdout: String(r.stdout), stderr: String(r.stderr) };
}

beforeAll(() => {
  const dir = mkdtempSync(join(tmpdir(), 'nurture-prereq-'));
  chmodSync(dir, 0o755);
  bare = join(dir, 'bare');
  withApt = join(dir, 'apt');
  aptLog = join(dir, 'apt.log');
  for (const d of [bare, withApt]) {
    mkdirSync(d);
    symlinkSync(process.execPath, join(d, 'node'));
  }
  writeFileSync(join(withApt, 'apt-get'), `#!/bin/sh\necho "$*" >> ${aptLog}\n`, { mode: 0o755 });
  return () => rmSync(dir, { recursive: true, force: true });
});

describe('node .ci/prerequisites.mjs (npm test’s pretest step)', () => {
  it('without apt-get: says once what is missing and how to install it, and lets the tests run (skipping those)', () => {
    const r = prerequisites(bare);
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/chromium, spamassassin missing .*no apt-get.*SKIPPED.*`sudo apt-get install -y chromium spamassassin`/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('under CI=true a missing prerequisite fails, and CI’s own list adds Java', () => {
    const r = prerequisites(bare, ['--ci'], { CI: 'true' });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/chromium, spamassassin, java missing.*`sudo apt-get install -y chromium spamassassin openjdk-17-jre-headless`/);
  });

  it.runIf(isRoot)('as root with apt-get: installs exactly the missing packages', () => {
    rmSync(aptLog, { force: true });
    const r = prerequisites(withApt);
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/installing what the tests need: chromium, spamassassin/);
    expect(readFileSync(aptLog, 'utf8').trim().split('\n')).toEqual(['update -qq', 'install -y -qq --no-install-recommends chromium spamassassin']);
    // --dry-run prints the same commands and runs nothing.
    rmSync(aptLog, { force: true });
    const dry = prerequisites(withApt, ['--dry-run', '--ci']);
    expect(dry.stdout.trim().split('\n')).toEqual(['apt-get update -qq', 'apt-get install -y -qq --no-install-recommends chromium spamassassin openjdk-17-jre-headless']);
    expect(() => readFileSync(aptLog)).toThrow();
  });

  it('not as root: installs nothing and says why', () => {
    rmSync(aptLog, { force: true });
    const r = prerequisites(withApt, [], {}, isRoot ? { uid: 65534, gid: 65534 } : {});
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/not running as root.*SKIPPED/);
    expect(() => readFileSync(aptLog)).toThrow();
  });

  it('has nothing to do where everything is installed', () => {
    const r = prerequisites(process.env.PATH ?? '');
    expect(r).toMatchObject({ status: 0, stderr: '', stdout: '' });
  });
});

describe('npm test where SpamAssassin cannot be installed', () => {
  const vitest = (extra: Record<string, string>) => {
    const r = spawnSync(process.execPath, [join(ROOT, 'node_modules/vitest/vitest.mjs'), 'run', 'test/digest/spamassassin.test.ts'], { cwd: ROOT, encoding: 'utf8', env: env(bare, extra) });
    return { status: r.status, out: `${r.stdout}${r.stderr}` };
  };

  it('skips its tests and ends with one line naming the install command', () => {
    const r = vitest({});
    expect(r.status).toBe(0);
    expect(r.out).toMatch(/2 skipped/);
    expect(r.out.match(/⚠ SKIPPED/g)).toHaveLength(1);
    expect(r.out).toMatch(/SKIPPED the tests that need chromium .*spamassassin .*`sudo apt-get install -y chromium spamassassin`/);
  });

  it('under CI=true runs them, and they fail with that command', () => {
    const r = vitest({ CI: 'true' });
    expect(r.status).not.toBe(0);
    expect(r.out).toMatch(/spamassassin is missing .*`sudo apt-get install -y spamassassin`/);
    expect(r.out).not.toMatch(/⚠ SKIPPED/);
  });
});
