// Types for build-cli.mjs (plain JavaScript: it runs before anything is compiled).
export declare const OUT_DIR: string;
export declare const ENTRY: string;
export declare function buildCli(opts?: { clean?: boolean }): Promise<void>;
export declare function staleness(): string | null;
