#!/usr/bin/env -S node --max-old-space-size=160
// The heap cap keeps `nurture ingest` under 300 MB RSS on any mbox: live data is small, and an uncapped heap
// only grows because garbage from parsing is collected late (measured in bench/README.md).
// The `nurture` command: runs the compiled CLI in dist/cli/ (built by `npm ci`, see build-cli.mjs), rebuilt first
// when a source changed since, so a checkout needs no build step and never runs stale code.
import { buildCli, ENTRY, staleness } from './build-cli.mjs';

// Node 20 is supported until the SDK's 2027 releases; the warning would only clutter CLI output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
if (staleness()) await buildCli();
await import(ENTRY);
