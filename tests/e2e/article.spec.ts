/**
 * The first article: its computed numbers equal the code's, its citation blocks are machine-readable,
 * and the page's scholarly machinery (Scholar tags, theme, search, JS budget) works.
 */
import { Cite } from '@citation-js/core';
import '@citation-js/plugin-bibtex';
import { expect, test } from '@playwright/test';
import { gzipSync } from 'node:zlib';
import { mkdirSync, writeFileSync } from 'node:fs';
import { summarizePreset } from '../../src/reference/preset-summary';
import { formatBytes, formatInt, formatValue, type FormatSpec } from '../../src/primitives/format';

const ARTICLE = '/articles/what-is-a-projector/';

/** What components/Num.astro paints for a raw value: the shared dispatcher, keyed by its `format` prop. */
const reformat = (value: number, format: string, digits?: number): string => formatValue({ kind: format as FormatSpec['kind'], digits }, value);

test('LLaVA-1.5-7B projector parameters on the page equal the computed value', async ({ page }) => {
  await page.goto(ARTICLE);
  const computed = summarizePreset('llava-1.5-7b').params;
  expect(computed).toBe(20_979_712); // the VERIFIED figure of the reference facts
  const el = page.locator('[data-key="llava-1.5-7b.params"]');
  await expect(el).toHaveAttribute('data-value', String(computed));
  await expect(el).toHaveText(formatInt(computed));
  await expect(page.locator('[data-key="llava-1.5-13b.params"]')).toHaveText(formatInt(summarizePreset('llava-1.5-13b').params));
});

test('the wrong third-party parameter figure names the pages it comes from, not the LLaVA-1.5 paper', async ({ page }) => {
  await page.goto(ARTICLE);
  const quote = page.locator('[data-quote="llava15.third-party-claim"]');
  await expect(quote).toHaveText('“a few hundred thousand parameters”');
  await expect(quote).toHaveAttribute('data-status', 'CORRECTED');
  // What follows the quote is its attribution, not a citation of the paper the figure contradicts.
  const next = await quote.evaluate((el) => ({ cls: el.nextElementSibling?.className ?? '', text: el.nextElementSibling?.textContent ?? '' }));
  expect(next.cls).toBe('quote-source');
  expect(next.text).toContain('third-party web pages');
  expect(next.text).not.toContain('Liu et al.');
});

test('InstructBLIP’s bars count its trainable Q-Former, and no caption claims a count the catalogue lacks', async ({ page }) => {
  await page.goto(ARTICLE);
  const queryPath = 105_162_240; // facts.md BLIP-2 note: the generative-stage Q-Former
  const bar = page.locator('#fig-params .fig-variant-wide [data-key="instructblip-vicuna7b"] [data-value]').first();
  await expect(bar).toHaveAttribute('data-value', String(queryPath + summarizePreset('instructblip-vicuna7b').params));
  const caption = page.locator('#fig-params figcaption');
  await expect(caption).not.toContainText('counted separately');
  await expect(caption).toContainText('lower bounds');
  await expect(page.locator('[data-key="fig.qformer-path"]')).toHaveText(formatInt(queryPath));
});

test('every number on the article is painted through the shared formatter', async ({ page }) => {
  await page.goto(ARTICLE);
  const nums = await page.locator('.num[data-value]').evaluateAll((els) =>
    els.map((e) => ({ key: e.getAttribute('data-key'), value: Number(e.getAttribute('data-value')), format: e.getAttribute('data-format') ?? 'int', digits: e.getAttribute('data-digits'), text: e.textContent })),
  );
  expect(nums.length).toBeGreaterThan(20);
  for (const n of nums) {
    expect(n.text, `number ${n.key}`).toBe(reformat(n.value, n.format, n.digits ? Number(n.digits) : undefined));
  }
});

test('"Cite this page" offers BibTeX that parses back, APA and CSL-JSON', async ({ page }) => {
  await page.goto(ARTICLE);
  const bibtex = (await page.locator('#cite-bibtex').textContent()) ?? '';
  const parsed = new Cite(bibtex).data as Array<Record<string, unknown>>;
  expect(parsed).toHaveLength(1);
  expect(parsed[0]?.title).toBe('What is a projector?');
  expect(bibtex).toContain('http://127.0.0.1:4321/articles/what-is-a-projector/');
  expect(bibtex).toMatch(/version 0\.1\.0/);
  expect(bibtex).toContain('last updated 2026-11-27');
  const csl = JSON.parse((await page.locator('#cite-csl').textContent()) ?? '{}');
  expect(csl.title).toBe('What is a projector?');
  expect(csl.version).toBe('0.1.0');
  expect(await page.locator('#cite-apa').textContent()).toContain('What is a projector?. Projector Atlas (Version 0.1.0).');
});

test('Google Scholar meta tags carry title, authors, date and URL', async ({ page }) => {
  await page.goto(ARTICLE);
  const meta = async (name: string) => page.locator(`meta[name="${name}"]`).first().getAttribute('content');
  expect(await meta('citation_title')).toBe('What is a projector?');
  expect(await meta('citation_author')).toBe('Projector Atlas contributors');
  expect(await meta('citation_publication_date')).toBe('2026/11/27');
  expect(await meta('citation_fulltext_html_url')).toBe(`http://127.0.0.1:4321${ARTICLE}`);
});

test('cross-references resolve to numbered figures, tables and equations', async ({ page }) => {
  await page.goto(ARTICLE);
  await expect(page.locator('a.xref[href="#fig-anatomy"]').first()).toHaveText('Figure 1');
  await expect(page.locator('a.xref[href="#fig-params"]').first()).toHaveText('Figure 2');
  await expect(page.locator('a.xref[href="#tab-shapes"]').first()).toHaveText('Table 1');
  await expect(page.locator('#eq-mlp .equation-number')).toHaveText('(3)');
  await expect(page.locator('.katex').first()).toBeVisible();
  // Every inline citation points at an entry of the article's bibliography.
  const targets = await page.locator('a.cite-link').evaluateAll((els) => els.map((e) => e.getAttribute('href')));
  expect(targets.length).toBeGreaterThan(10);
  for (const t of new Set(targets)) await expect(page.locator(String(t))).toHaveCount(1);
});

test('a citation card appears on keyboard focus', async ({ page }) => {
  await page.goto(ARTICLE);
  const first = page.locator('.cite-item').first();
  await expect(first.locator('.cite-card')).toBeHidden();
  await first.locator('.cite-link').focus();
  await expect(first.locator('.cite-card')).toBeVisible();
  await expect(first.locator('.cite-card-link').first()).toHaveAttribute('href', /arxiv\.org|doi\.org/);
});

test('the theme toggle persists across reloads', async ({ page }) => {
  await page.emulateMedia({ colorScheme: 'light' });
  await page.goto(ARTICLE);
  await page.locator('#theme-toggle').click(); // system → light
  await page.locator('#theme-toggle').click(); // light → dark
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await page.reload();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  expect(bg).toBe('rgb(22, 23, 26)');
});

test('Pagefind search finds the article offline', async ({ page }) => {
  await page.goto('/search/?q=mm_projector');
  await expect(page.locator('#search-results a').first()).toHaveAttribute('href', /what-is-a-projector/);
});

// Every article, including the one whose experiment cards carry live controls: their controller
// and tfjs load only when a reader opens the controls and presses Run.
for (const article of ['/articles/what-is-a-projector/', '/articles/taxonomy/', '/articles/alignment/', '/articles/comparing-models/', '/articles/future-directions/']) {
  test(`${article} loads at most 30 KB of gzipped JavaScript before interaction`, async ({ page }) => {
    // External module scripts fetched during load, plus scripts Astro inlined into the HTML.
    const pending: Promise<[string, number]>[] = [];
    page.on('response', (res) => {
      if (res.request().resourceType() === 'script') pending.push(res.body().then((body) => [res.url(), gzipSync(body).length]));
    });
    await page.goto(article);
    await page.waitForLoadState('networkidle');
    const external = await Promise.all(pending);
    const inline = await page.locator('script:not([src])').evaluateAll((els) =>
      els.filter((e) => !/json/.test(e.getAttribute('type') ?? '')).map((e) => e.textContent ?? ''),
    );
    const inlineBytes = inline.reduce((sum, code) => sum + gzipSync(Buffer.from(code)).length, 0);
    const total = external.reduce((sum, [, bytes]) => sum + bytes, 0) + inlineBytes;
    mkdirSync('reports', { recursive: true });
    const slug = article.split('/').filter(Boolean).pop() ?? 'article';
    writeFileSync(`reports/js-budget-${slug}.json`, JSON.stringify({ page: article, gzipBytes: total, inlineGzipBytes: inlineBytes, inlineScripts: inline.length, external: Object.fromEntries(external) }, null, 2));
    console.log(`JS before interaction on ${article}: ${formatBytes(total)} gzip (${external.length} files + ${inline.length} inline scripts)`);
    expect(inline.length + external.length, 'the page does load some script (theme, figures, copy)').toBeGreaterThan(0);
    expect(total).toBeLessThanOrEqual(30 * 1024);
  });
}
