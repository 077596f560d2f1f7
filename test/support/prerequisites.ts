/**
 * A Debian program a test needs (the list is .ci/prerequisites.mjs, which `npm test` runs first to install what is
 * missing). Missing here, its tests are skipped and the run ends with one line saying so (global-setup.ts) — except
 * under CI=true, where they run and fail with the command to install it.
 */
import { installCommand, onPath, PREREQUISITES } from '../../.ci/prerequisites.mjs';

export interface Prerequisite {
  /** The executable, when installed. */
  readonly path: string | undefined;
  /** Skip its tests: missing, and not under CI. */
  readonly skip: boolean;
  /** Throws, naming the install command, when it is missing (under CI, where nothing is skipped). */
  assert(): string;
}

export function prerequisite(command: string): Prerequisite {
  const entry = PREREQUISITES.find((p) => p.command === command);
  if (!entry) throw new Error(`${command} is not in .ci/prerequisites.mjs`);
  const path = onPath(command);
  return {
    path,
    skip: !path && process.env.CI !== 'true',
    assert: () => {
      if (path) return path;
      throw new Error(`${command} is missing (${entry.use}): install it with \`${installCommand([entry])}\`, or run \`npm test\` as root, which installs it`);
    },
  };
}
