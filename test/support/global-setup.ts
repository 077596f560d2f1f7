/**
 * Once per test run. Before: the `nurture` command is built as `npm ci` builds it (bin/build-cli.mjs), so the tests
 * that run it test what ships, and none of them pays for a build. After: one loud line when tests were skipped because
 * a program they need is missing (see prerequisites.ts), so that a green run on a bare machine does not pass for a
 * full one.
 */
import { buildCli, staleness } from '../../bin/build-cli.mjs';
import { installCommand, missingPrerequisites } from '../../.ci/prerequisites.mjs';

export async function setup(): Promise<void> {
  if (staleness()) await buildCli();
}

export function teardown(): void {
  const missing = missingPrerequisites();
  if (!missing.length || process.env.CI === 'true') return;
  const what = missing.map((p) => `${p.command} (${p.use})`).join(', ');
  const line = `⚠ SKIPPED the tests that need ${what}: not installed. Install with \`${installCommand(missing)}\` and run \`npm test\` again.`;
  process.stderr.write(process.stderr.isTTY ? `\n\x1b[1;33m${line}\x1b[0m\n\n` : `\n${line}\n\n`);
}
