/** Builds the Nurture stack for assertions: once per test file (bundling five Lambdas takes seconds). */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { NurtureStack, type NurtureStackProps } from '../../lib/nurture-stack.ts';

export interface Synthesized {
  readonly app: App;
  readonly stack: NurtureStack;
  readonly template: Template;
  readonly outdir: string;
}

export const TEST_DOMAIN = 'in.nurture.test';

export function synthNurture(props: Partial<NurtureStackProps> = {}, options: { bundle?: boolean } = {}): Synthesized {
  const outdir = mkdtempSync(join(tmpdir(), 'nurture-cdk-'));
  // An empty bundling-stacks list makes CDK skip esbuild entirely (assets become placeholders).
  const app = new App({ outdir, context: options.bundle ? {} : { 'aws:cdk:bundling-stacks': [] } });
  const stack = new NurtureStack(app, 'Nurture', { domain: TEST_DOMAIN, ...props });
  return { app, stack, template: Template.fromStack(stack), outdir };
}

type Json = Record<string, unknown>;

/** Every IAM statement in the template: role policies, resource policies (bucket, queue, topic) and inline ones. */
export function allStatements(template: Template): { resource: string; statement: Json }[] {
  const out: { resource: string; statement: Json }[] = [];
  for (const [id, r] of Object.entries(template.toJSON().Resources as Record<string, { Type: string; Properties?: Json }>)) {
    const docs: unknown[] = [];
    const p = r.Properties ?? {};
    if (p.PolicyDocument) docs.push(p.PolicyDocument);
    for (const pol of (p.Policies as { PolicyDocument: unknown }[] | undefined) ?? []) docs.push(pol.PolicyDocument);
    for (const doc of docs) for (const statement of ((doc as { Statement?: Json[] }).Statement ?? [])) out.push({ resource: id, statement });
  }
  return out;
}

export function asArray<T>(v: T | T[] | undefined): T[] {
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}
