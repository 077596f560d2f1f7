// Types for prerequisites.mjs (plain JavaScript so that it runs before `npm ci`).
export interface Prerequisite {
  readonly command: string;
  readonly package: string;
  readonly use: string;
  readonly ciOnly?: boolean;
}
export declare const PREREQUISITES: readonly Prerequisite[];
export declare function onPath(command: string, path?: string): string | undefined;
export declare function missingPrerequisites(opts?: { ci?: boolean; path?: string }): Prerequisite[];
export declare function installCommand(missing: readonly Prerequisite[]): string;
