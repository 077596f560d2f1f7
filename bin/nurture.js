#!/usr/bin/env node
// The `nurture` command. TypeScript runs through tsx, so a checkout works after `npm ci` with no build step.
import { register } from 'tsx/esm/api';

// Node 20 is supported until the SDK's 2027 releases; the warning would only clutter CLI output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
register();
await import('./cli.ts');
