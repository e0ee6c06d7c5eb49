/**
 * A crawl of every built page, in light and dark themes: no console errors, no failed requests, no
 * request outside the site's origin, no NaN/undefined/Infinity text, every figure has content,
 * every internal link and #anchor resolves, and zero axe-core (WCAG 2.1 AA) violations.
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseHTML } from 'linkedom';
import { builtPages, DIST } from './pages';

const pages = builtPages();
const ORIGIN = `http://127.0.0.1:${process.env.ATLAS_PORT ?? 4321}`;

test('the build produced the expected pages', () => {
  for (const required of ['/', '/articles/', '/articles/what-is-a-projector/', '/lab/', '/reference/', '/reference/bibliography/', '/search/', '/about/']) {
    expect(pages, `missing built page ${required}`).toContain(required);
  }
});

async function visit(page: Page, path: string, theme: 'light' | 'dark') {
  const problems: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console error: ${msg.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('requestfailed', (req) => problems.push(`failed request: ${req.url()} (${req.failure()?.errorText})`));
  page.on('request', (req) => {
    const url = req.url();
    if (!url.startsWith(ORIGIN) && !url.startsWith('data:') && !url.startsWith('blob:')) problems.push(`external request: ${url}`);
  });
  page.on('response', (res) => {
    if (res.status() >= 400) problems.push(`HTTP ${res.status()}: ${res.url()}`);
  });
  await page.emulateMedia({ colorScheme: theme });
  await page.goto(path, { waitUntil: 'load' });
  await page.waitForLoadState('networkidle');
  return problems;
}

for (const path of pages) {
  for (const theme of ['light', 'dark'] as const) {
    test(`${path} (${theme}) is clean`, async ({ page }) => {
      const problems = await visit(page, path, theme);

      const text = await page.locator('body').innerText();
      for (const bad of ['NaN', 'undefined', 'Infinity']) {
        expect(text, `"${bad}" painted on ${path}`).not.toMatch(new RegExp(`\\b${bad}\\b`));
      }

      // Every figure shows something: an SVG with marks, or a table.
      const figures = page.locator('figure[data-figure]');
      for (let i = 0; i < (await figures.count()); i += 1) {
        const marks = await figures.nth(i).locator('svg rect, svg path, svg circle, svg line, svg text').count();
        expect(marks, `figure ${i + 1} on ${path} is empty`).toBeGreaterThan(0);
      }

      const axe = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
      const violations = axe.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(' | ')})`);
      expect(violations, `axe violations on ${path} (${theme})`).toEqual([]);
      expect(problems, `problems on ${path} (${theme})`).toEqual([]);
    });
  }
}

test('every internal link and #anchor resolves', () => {
  // Parse the built HTML itself: independent of the browser tests above and of their order.
  const idsByPage = new Map<string, Set<string>>();
  const linksByPage = new Map<string, string[]>();
  for (const path of pages) {
    const { document } = parseHTML(readFileSync(join(DIST, path, 'index.html'), 'utf8'));
    idsByPage.set(path, new Set([...document.querySelectorAll('[id]')].map((e) => e.id)));
    linksByPage.set(path, [...document.querySelectorAll('a[href]')].map((e) => e.getAttribute('href') ?? ''));
  }
  const broken: string[] = [];
  for (const [from, links] of linksByPage) {
    for (const href of links) {
      if (/^(https?:|mailto:)/.test(href)) continue; // external links are not requests; not checked offline
      const url = new URL(href, `${ORIGIN}${from}`);
      const target = url.pathname;
      const isPage = pages.includes(target);
      const isFile = !target.endsWith('/') && existsSync(join(DIST, decodeURIComponent(target)));
      if (!isPage && !isFile) {
        broken.push(`${from} → ${href} (no such page)`);
        continue;
      }
      if (url.hash && isPage) {
        const id = decodeURIComponent(url.hash.slice(1));
        if (!idsByPage.get(target)?.has(id)) broken.push(`${from} → ${href} (no element with id "${id}")`);
      }
    }
  }
  expect(broken).toEqual([]);
});
