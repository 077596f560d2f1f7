/**
 * bin/build-lambda.mjs: the stand-ins of deferred packages forward every member the bundle's modules call. esbuild
 * checks named imports against them, but not members of a default export, nor CommonJS requires; this test reads
 * the modules that import a deferred package and fails on a member they use that the stand-in lacks.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Metafile } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildLambda, DEFERRED } from '../../bin/build-lambda.mjs';

const ROOT = resolve(import.meta.dirname, '../..');
let meta: Metafile;

beforeAll(async () => {
  meta = await buildLambda({ entry: 'functions/capture/handler.ts', outdir: join(mkdtempSync(join(tmpdir(), 'nurture-build-')), 'capture') });
}, 120_000);

/** The members a module's code uses of a package, in the import styles the bundle's modules use. */
function membersUsed(code: string, pkg: string): Set<string> {
  const q = `["']${pkg.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&')}["']`;
  const used = new Set<string>();
  // import { a, b as c, type T } from 'pkg'
  for (const m of code.matchAll(new RegExp(`import\\s*\\{([^}]*)\\}\\s*from\\s*${q}`, 'g'))) {
    for (const part of m[1]!.split(',')) {
      const name = part.trim().replace(/\s+as\s+\w+$/, '');
      if (name && !name.startsWith('type ')) used.add(name);
    }
  }
  // import X from 'pkg' / const X = require('pkg') / const X = __importDefault(require('pkg')): X.member, X.default.member
  const bindings = [
    ...code.matchAll(new RegExp(`import\\s+(\\w+)\\s+from\\s*${q}`, 'g')),
    ...code.matchAll(new RegExp(`(?:const|let|var)\\s+(\\w+)\\s*=\\s*(?:__importDefault\\()?require\\(${q}\\)`, 'g')),
  ].map((m) => m[1]!);
  for (const b of bindings) {
    for (const m of code.matchAll(new RegExp(`\\b${b}(?:\\.default)?\\.(\\w+)`, 'g'))) if (m[1] !== 'default') used.add(m[1]!);
  }
  return used;
}

describe('deferred packages', () => {
  it.each(Object.keys(DEFERRED))('%s: its stand-in forwards every member the bundle calls', (pkg) => {
    const importers = Object.entries(meta.inputs)
      .filter(([, input]) => input.imports.some((i) => i.path === `deferred:${pkg}` || i.original === pkg))
      .map(([file]) => file);
    expect(importers.length, `modules importing ${pkg}`).toBeGreaterThan(0);
    const listed = new Set([...(DEFERRED[pkg]!.named ?? []), ...(DEFERRED[pkg]!.default ?? [])]);
    for (const file of importers) {
      const used = membersUsed(readFileSync(join(ROOT, file), 'utf8'), pkg);
      expect(used.size, `${file} uses nothing of ${pkg} that this test can see`).toBeGreaterThan(0);
      for (const member of used) expect(listed.has(member), `${file} calls ${pkg}.${member}, which DEFERRED does not forward`).toBe(true);
    }
  });

  it('reads the import styles it checks', () => {
    expect([...membersUsed("import { convert, type X, htmlToText as h } from 'html-to-text';", 'html-to-text')]).toEqual(['convert', 'htmlToText']);
    expect([...membersUsed('const e = __importDefault(require("encoding-japanese")); e.default.convert(b); e.default.detect(b);', 'encoding-japanese')]).toEqual(['convert', 'detect']);
    expect([...membersUsed("import ej from 'encoding-japanese'; ej.convert(x);", 'encoding-japanese')]).toEqual(['convert']);
  });
});
