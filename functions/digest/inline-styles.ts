/**
 * Inlines the digest's own stylesheet into its elements, for the mail clients that drop <style> (Gmail's apps,
 * Outlook.com for forwarded mail…). It replaces juice, which brought ~2 MB (cheerio, parse5, undici, encoding
 * tables) into the send Lambda to inline ~60 fixed rules; equivalence with juice's result, element by element as
 * Chromium computes the styles, is checked by test/digest/inline-styles.test.ts.
 *
 * What it does, as juice was configured: plain rules are applied to the elements they select (by specificity,
 * then order; an existing style attribute wins unless a rule is !important; !important is kept), their <style> is
 * removed, @media rules and rules with pseudo-classes stay in a <style> of their own, and tables and cells get
 * their CSS width as `width` attribute. It understands the selectors our template uses — `tag`, `.class`,
 * `tag.class`, `:root`, and lists of them — and throws on any other selector (every template is rendered by the tests),
 * so a new rule cannot silently go uninlined.
 */

interface Declaration {
  readonly property: string;
  readonly value: string;
  readonly important: boolean;
}
interface Rule {
  readonly tag: string | null;
  readonly classes: readonly string[];
  readonly specificity: number;
  readonly order: number;
  readonly declarations: readonly Declaration[];
}
export interface Stylesheet {
  readonly rules: readonly Rule[];
  /** @media blocks and pseudo-class rules, kept for clients that honour <style>. */
  readonly kept: string;
}

const SIMPLE_SELECTOR = /^([a-z][a-z0-9]*)?((?:\.[A-Za-z_][\w-]*)*)$/;
const WIDTH_ATTRIBUTE_TAGS = new Set(['table', 'td', 'th', 'img']);

/** Parses our stylesheet once (at template compile time). */
export function parseStylesheet(css: string): Stylesheet {
  const text = css.replace(/\/\*[\s\S]*?\*\//g, '');
  const rules: Rule[] = [];
  const kept: string[] = [];
  let pos = 0;
  let order = 0;
  while (pos < text.length) {
    const open = text.indexOf('{', pos);
    if (open === -1) break;
    const prelude = text.slice(pos, open).trim();
    const close = matchingBrace(text, open);
    const body = text.slice(open + 1, close);
    pos = close + 1;
    // `:root` is the <html> element, and juice inlined it there; other pseudo-classes (:hover…) cannot be inlined.
    if (prelude.startsWith('@') || (prelude.includes(':') && prelude !== ':root')) {
      kept.push(`${prelude} {${body}}`);
      continue;
    }
    const declarations = parseDeclarations(body);
    for (const selector of prelude.split(',').map((s) => s.trim())) {
      if (selector === ':root') {
        rules.push({ tag: 'html', classes: [], specificity: 10, order: order++, declarations });
        continue;
      }
      const m = SIMPLE_SELECTOR.exec(selector);
      if (!m || selector === '') throw new Error(`inline-styles: unsupported selector "${selector}" (tag, .class or tag.class only)`);
      const classes = m[2] ? m[2].slice(1).split('.') : [];
      rules.push({ tag: m[1] ?? null, classes, specificity: classes.length * 10 + (m[1] ? 1 : 0), order: order++, declarations });
    }
  }
  return { rules: rules.sort((a, b) => a.specificity - b.specificity || a.order - b.order), kept: kept.join('\n') };
}

// The digest's stylesheet is fixed: parsed once, reused while it stays the same text.
let cached: { text: string; sheet: Stylesheet } | undefined;

/** Applies the stylesheet found in the document's <style> elements to its elements. */
export function inlineStyles(html: string): string {
  const text = [...html.matchAll(/<style[^>]*>([\s\S]*?)<\/style>/gi)].map((m) => m[1]).join('\n');
  if (cached?.text !== text) cached = { text, sheet: parseStylesheet(text) };
  const css = cached.sheet;
  let first = true;
  const withoutStyles = html.replace(/<style[^>]*>[\s\S]*?<\/style>/gi, () => {
    const replacement = first && css.kept ? `<style>\n${css.kept}\n</style>` : '';
    first = false;
    return replacement;
  });
  return withoutStyles.replace(/<([a-zA-Z][a-zA-Z0-9]*)(\s[^<>]*?)?(\/?)>/g, (tag, name: string, attrs: string | undefined, selfClose: string) => {
    const lower = name.toLowerCase();
    const attributes = attrs ?? '';
    const classes = new Set((/\sclass="([^"]*)"/i.exec(attributes)?.[1] ?? '').split(/\s+/).filter(Boolean));
    const applied = new Map<string, Declaration>();
    for (const rule of css.rules) {
      if (rule.tag && rule.tag !== lower) continue;
      if (!rule.classes.every((c) => classes.has(c))) continue;
      for (const d of rule.declarations) {
        const before = applied.get(d.property);
        if (before?.important && !d.important) continue;
        applied.delete(d.property); // re-inserted last: the winning declaration's position, as juice writes it
        applied.set(d.property, d);
      }
    }
    if (!applied.size) return tag;
    const existing = /\sstyle="([^"]*)"/i.exec(attributes)?.[1];
    for (const d of existing ? parseDeclarations(existing) : []) {
      const before = applied.get(d.property);
      if (before?.important && !d.important) continue;
      applied.delete(d.property);
      applied.set(d.property, d);
    }
    const style = [...applied.values()]
      .map((d) => `${d.property}: ${d.value}${d.important ? ' !important' : ''};`)
      .join(' ')
      .replace(/"/g, '&quot;');
    let rest = attributes.replace(/\sstyle="[^"]*"/i, '');
    const width = applied.get('width')?.value;
    // As juice's applyWidthAttributes: the CSS width replaces a width attribute (Outlook reads only the attribute).
    const m = WIDTH_ATTRIBUTE_TAGS.has(lower) && width ? /^(\d+(?:\.\d+)?)(px|%)$/.exec(width) : null;
    if (m) rest = `${rest.replace(/\swidth="[^"]*"/i, '')} width="${m[2] === '%' ? `${m[1]}%` : m[1]}"`;
    return `<${name}${rest} style="${style}"${selfClose}>`;
  });
}

function parseDeclarations(body: string): Declaration[] {
  return body
    .split(';')
    .map((d) => d.trim())
    .filter(Boolean)
    .flatMap((d) => {
      const colon = d.indexOf(':');
      if (colon <= 0) return [];
      const raw = d.slice(colon + 1).trim();
      const important = /!\s*important$/i.test(raw);
      return [{ property: d.slice(0, colon).trim().toLowerCase(), value: important ? raw.replace(/\s*!\s*important$/i, '') : raw, important }];
    });
}

function matchingBrace(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === '{') depth++;
    else if (text[i] === '}' && --depth === 0) return i;
  }
  throw new Error('inline-styles: unbalanced braces in the stylesheet');
}
