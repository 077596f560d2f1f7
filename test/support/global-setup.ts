/**
 * Once per test run. At the end, one loud line when tests were skipped because a program they need is missing
 * (see prerequisites.ts), so that a green run on a bare machine does not pass for a full one.
 */
import { installCommand, missingPrerequisites } from '../../.ci/prerequisites.mjs';

export function teardown(): void {
  const missing = missingPrerequisites();
  if (!missing.length || process.env.CI === 'true') return;
  const what = missing.map((p) => `${p.command} (${p.use})`).join(', ');
  const line = `⚠ SKIPPED the tests that need ${what}: not installed. Install with \`${installCommand(missing)}\` and run \`npm test\` again.`;
  process.stderr.write(process.stderr.isTTY ? `\n\x1b[1;33m${line}\x1b[0m\n\n` : `\n${line}\n\n`);
}
