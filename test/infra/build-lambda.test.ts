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

interface Used {
  /** Reached as named exports: `import { m }`, `ns.m` of a namespace or a plain `require()`. */
  readonly named: Set<string>;
  /** Reached through the default export: `X.m` of a default import, `X.default.m`. */
  readonly default: Set<string>;
}

/** The members a module's code uses of a package, and how it reaches them (a stand-in must have each one there). */
function membersUsed(code: string, pkg: string): Used {
  const q = `["']${pkg.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&')}["']`;
  const used: Used = { named: new Set(), default: new Set() };
  const names = (list: string): string[] => list.split(',').map((p) => p.trim().replace(/\s*(?:as|:)\s*\w+$/, '')).filter((n) => n && !n.startsWith('type '));
  for (const m of code.matchAll(new RegExp(`import\\s*\\{([^}]*)\\}\\s*from\\s*${q}`, 'g'))) for (const n of names(m[1]!)) used.named.add(n);
  for (const m of code.matchAll(new RegExp(`(?:const|let|var)\\s*\\{([^}]*)\\}\\s*=\\s*require\\(${q}\\)`, 'g'))) for (const n of names(m[1]!)) used.named.add(n);
  // Bindings: what the value bound is, for `.m` after it.
  const bindings: [string, 'default' | 'namespace'][] = [
    ...[...code.matchAll(new RegExp(`import\\s+(\\w+)\\s+from\\s*${q}`, 'g'))].map((m) => [m[1]!, 'default'] as [string, 'default']),
    ...[...code.matchAll(new RegExp(`import\\s*\\*\\s*as\\s+(\\w+)\\s+from\\s*${q}`, 'g'))].map((m) => [m[1]!, 'namespace'] as [string, 'namespace']),
    ...[...code.matchAll(new RegExp(`(?:const|let|var)\\s+(\\w+)\\s*=\\s*(?:__importDefault\\(|__importStar\\()?require\\(${q}\\)`, 'g'))].map((m) => [m[1]!, 'namespace'] as [string, 'namespace']),
  ];
  for (const [b, kind] of bindings) {
    for (const m of code.matchAll(new RegExp(`\\b${b}\\.default\\.(\\w+)`, 'g'))) used.default.add(m[1]!);
    for (const m of code.matchAll(new RegExp(`\\b${b}\\.(?!default\\b)(\\w+)`, 'g'))) (kind === 'default' ? used.default : used.named).add(m[1]!);
    for (const m of code.matchAll(new RegExp(`\\{([^}]*)\\}\\s*=\\s*${b}\\b(\\.default)?`, 'g'))) for (const n of names(m[1]!)) (kind === 'default' || m[2] ? used.default : used.named).add(n);
  }
  return used;
}

describe('deferred packages', () => {
  it.each(Object.keys(DEFERRED))('%s: its stand-in forwards every member the bundle calls', (pkg) => {
    const importers = Object.entries(meta.inputs)
      .filter(([, input]) => input.imports.some((i) => i.path === `deferred:${pkg}` || i.original === pkg))
      .map(([file]) => file);
    expect(importers.length, `modules importing ${pkg}`).toBeGreaterThan(0);
    const forwarded = { named: new Set(DEFERRED[pkg]!.named ?? []), default: new Set(DEFERRED[pkg]!.default ?? []) };
    for (const file of importers) {
      const used = membersUsed(readFileSync(join(ROOT, file), 'utf8'), pkg);
      expect(used.named.size + used.default.size, `${file} uses nothing of ${pkg} that this test can see`).toBeGreaterThan(0);
      for (const kind of ['named', 'default'] as const) {
        for (const member of used[kind]) expect(forwarded[kind].has(member), `${file} reaches ${pkg}'s ${member} as a ${kind} member, which DEFERRED does not forward there`).toBe(true);
      }
    }
  });

  it('reads the import styles it checks, and how each member is reached', () => {
    const plain = (u: Used) => ({ named: [...u.named], default: [...u.default] });
    expect(plain(membersUsed("import { convert, type X, htmlToText as h } from 'html-to-text';", 'html-to-text'))).toEqual({ named: ['convert', 'htmlToText'], default: [] });
    expect(plain(membersUsed('const e = __importDefault(require("encoding-japanese")); e.default.convert(b); e.default.detect(b);', 'encoding-japanese'))).toEqual({ named: [], default: ['convert', 'detect'] });
    expect(plain(membersUsed("import ej from 'encoding-japanese'; ej.convert(x); const { detect } = ej;", 'encoding-japanese'))).toEqual({ named: [], default: ['convert', 'detect'] });
    // A plain require of the ES module stand-in gives its namespace: members there are named exports.
    expect(plain(membersUsed('const E = require("encoding-japanese"); E.convert(x);', 'encoding-japanese'))).toEqual({ named: ['convert'], default: [] });
    expect(plain(membersUsed('const { convert } = require("html-to-text");', 'html-to-text'))).toEqual({ named: ['convert'], default: [] });
  });
});
