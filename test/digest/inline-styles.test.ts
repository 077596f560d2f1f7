/**
 * The digest's CSS inliner against juice (which it replaced in the send Lambda; juice stays a dev dependency for
 * this comparison only): the same digests, rendered in headless Chromium at phone and desktop widths, light and
 * dark, with every style property of every element compared as Chromium computes it — and, since clients that
 * strip <style> see only the inline styles, compared again with all <style> elements removed.
 */
import juice from 'juice';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inlineStyles, parseStylesheet } from '../../functions/digest/inline-styles.ts';
import { digestHtmlBeforeInlining, renderDigest } from '../../functions/digest/render.ts';
import { prerequisite } from '../support/prerequisites.ts';
import { emptyDigest, sampleDigest } from './sample-digest.ts';

const CHROMIUM = prerequisite('chromium');
const OPTS = { replyTo: 'reply+t0k3n@in.nurture.test', unsubscribeMailto: 'mailto:unsub+t0k3n@in.nurture.test', unsubscribeUrl: 'https://u.nurture.test/unsubscribe?t=t0k3n' };

const JUICE_OPTIONS = { preserveMediaQueries: true, removeStyleTags: true, applyWidthAttributes: true, applyHeightAttributes: false, preserveImportant: true };

describe('parseStylesheet', () => {
  it('refuses selectors it cannot inline, so a new rule never goes silently uninlined', () => {
    expect(() => parseStylesheet('.card .title { color: red; }')).toThrow(/unsupported selector ".card .title"/);
    expect(() => parseStylesheet('td > p { color: red; }')).toThrow(/unsupported selector/);
  });

  it('keeps @media blocks and pseudo-class rules for <style>, and inlines the rest by specificity then order', () => {
    const html = '<html><head><style>:root { color-scheme: light dark; } p { color: red; } .a { color: blue; } p { margin: 0; } @media (max-width: 480px) { .a { color: green !important; } }</style></head><body><p class="a" style="margin: 2px">x</p><table class="a"></table></body></html>';
    const out = inlineStyles(html);
    expect(out).toContain('<p class="a" style="color: blue; margin: 2px;">');
    expect(out).toContain('<html style="color-scheme: light dark;">');
    expect(out).toContain('<table class="a" style="color: blue;">');
    expect(out).toMatch(/<style>\n@media \(max-width: 480px\) \{ \.a \{ color: green !important; \} \}\n<\/style>/);
  });
});

describe.skipIf(CHROMIUM.skip)('equivalent to juice, as Chromium computes every element’s style', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM.assert(), args: ['--headless', '--no-sandbox', '--disable-gpu'] });
  });
  afterAll(async () => browser?.close());

  async function computed(html: string, width: number, colorScheme: 'light' | 'dark', stripStyle: boolean): Promise<string[]> {
    const context = await browser.newContext({ viewport: { width, height: 800 }, colorScheme });
    const page = await context.newPage();
    await page.route('**/*', (route) => route.abort());
    await page.setContent(stripStyle ? html.replace(/<style[^>]*>[\s\S]*?<\/style>/gi, '') : html, { waitUntil: 'load' });
    const styles = await page.evaluate(() =>
      Array.from(document.querySelectorAll('*'), (el) => {
        const cs = getComputedStyle(el);
        const props = Array.from({ length: cs.length }, (_, i) => cs.item(i));
        return `${el.tagName} ${['width', 'height'].map((a) => el.getAttribute(a)).join(',')} ${props.map((p) => `${p}:${cs.getPropertyValue(p)}`).join(';')}`;
      }),
    );
    await context.close();
    return styles;
  }

  for (const [name, model] of [['sample', sampleDigest], ['empty', emptyDigest]] as const) {
    it(`${name}: identical computed styles at 375/1024 px, light/dark, with and without <style>`, async () => {
      const raw = digestHtmlBeforeInlining(model(), OPTS);
      const ours = inlineStyles(raw);
      const theirs = juice(raw, JUICE_OPTIONS);
      expect(renderDigest(model(), OPTS).html).toBe(ours);
      for (const width of [375, 1024]) {
        for (const scheme of ['light', 'dark'] as const) {
          for (const strip of [false, true]) {
            const [a, b] = await Promise.all([computed(ours, width, scheme, strip), computed(theirs, width, scheme, strip)]);
            expect(a.length, `${width} ${scheme} strip=${strip}`).toBe(b.length);
            const diff = a.flatMap((line, i) => {
              if (line === b[i]) return [];
              const theirs = new Set(b[i]!.split(';'));
              return [{ i, element: line.slice(0, 40), ours: line.split(';').filter((d) => !theirs.has(d)).join(';'), juice: b[i]!.split(';').filter((d) => !new Set(line.split(';')).has(d)).join(';') }];
            });
            expect(diff, `${width} ${scheme} strip=${strip}`).toEqual([]);
          }
        }
      }
    }, 120_000);
  }
});
