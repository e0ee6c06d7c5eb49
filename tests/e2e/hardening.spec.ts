/**
 * Hardening budgets on every built page (found by walking dist/, so pages added later are checked
 * too), served by scripts/serve.mjs as a production host would serve them:
 *   - security: the strict Content-Security-Policy of scripts/security/policy.mjs on the response,
 *     no CSP violation reported while the page loads, no script element with inline code in the HTML,
 *     cross-origin isolation on, gzip on, and no request outside the site's origin;
 *   - speed: JavaScript loaded before any interaction ≤ 30 KB gzip (bytes on the wire);
 *   - phones: the document is no wider than the viewport at 320, 360 and 390 px.
 * One page load per page for the first two, one (resized twice) for the phone widths.
 */
import { expect, test, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseHTML } from 'linkedom';
import { builtPages, DIST } from './pages';
import { contentSecurityPolicy, pageNeedsWasm } from '../../scripts/security/policy.mjs';

const pages = builtPages();
const ORIGIN = `http://127.0.0.1:${process.env.ATLAS_PORT ?? 4321}`;
/** The budget for JavaScript before interaction, gzip bytes (issue 15). */
export const INITIAL_JS_BUDGET = 30 * 1024;
const PHONE_WIDTHS = [320, 360, 390];

/** Collects CSP violations from the first script that runs in the page. */
async function listenForViolations(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { __cspViolations: string[] }).__cspViolations = seen;
    document.addEventListener('securitypolicyviolation', (e) => {
      seen.push(`${e.effectiveDirective} blocked ${e.blockedURI || '(inline)'} at ${e.sourceFile}:${e.lineNumber}`);
    });
  });
}

test('the site has pages to check', () => {
  expect(pages.length).toBeGreaterThan(10);
});

for (const path of pages) {
  test(`${path}: CSP, isolation, gzip, same-origin requests, initial JS ≤ 30 KB`, async ({ page }) => {
    const html = readFileSync(join(DIST, path, 'index.html'), 'utf8');
    const { document } = parseHTML(html);
    const inline = [...document.querySelectorAll('script')].filter(
      (s) => !s.getAttribute('src') && s.getAttribute('type') !== 'application/json' && (s.textContent ?? '').trim() !== '',
    );
    expect(inline.map((s) => (s.textContent ?? '').slice(0, 80)), `inline scripts in ${path}`).toEqual([]);
    expect(document.querySelectorAll('[onclick],[onload],[onerror],[onchange],[oninput],[onsubmit]').length, `inline handlers in ${path}`).toBe(0);

    const external: string[] = [];
    let jsBytes = 0;
    const jsFiles: string[] = [];
    page.on('request', (req) => {
      const url = req.url();
      if (!url.startsWith(ORIGIN) && !url.startsWith('data:') && !url.startsWith('blob:')) external.push(url);
    });
    page.on('response', async (res) => {
      if (res.request().resourceType() !== 'script') return;
      const size = Number((await res.allHeaders())['content-length'] ?? NaN);
      jsBytes += size;
      jsFiles.push(`${new URL(res.url()).pathname} ${size} B`);
    });
    await listenForViolations(page);
    const response = await page.goto(path, { waitUntil: 'load' });
    await page.waitForLoadState('networkidle');
    expect(response, `no response for ${path}`).not.toBeNull();
    const headers = await response!.allHeaders();

    const wasm = pageNeedsWasm(html);
    expect(headers['content-security-policy']).toBe(contentSecurityPolicy({ wasm }));
    const scriptSrc = /script-src ([^;]+)/.exec(headers['content-security-policy'] ?? '')?.[1] ?? '';
    expect(scriptSrc).not.toMatch(/'unsafe-inline'|'unsafe-eval'|\*|data:/);
    expect(headers['content-encoding']).toBe('gzip');
    expect(await page.evaluate(() => window.crossOriginIsolated), `${path} is not cross-origin isolated`).toBe(true);

    const violations = await page.evaluate(() => (window as unknown as { __cspViolations: string[] }).__cspViolations);
    expect(violations, `CSP violations on ${path}`).toEqual([]);
    // WebAssembly compiles only on the pages that declare they need it (the smallest valid module).
    const compiles = await page.evaluate(() => WebAssembly.compile(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0])).then(() => true, () => false));
    expect(compiles, `WebAssembly allowed on ${path}`).toBe(wasm);
    expect(external, `requests outside the site on ${path}`).toEqual([]);
    expect(Number.isFinite(jsBytes)).toBe(true);
    test.info().annotations.push({ type: 'initial-js-gzip-bytes', description: String(jsBytes) });
    expect(jsBytes, `initial JS on ${path}: ${jsFiles.join(', ')}`).toBeLessThanOrEqual(INITIAL_JS_BUDGET);
  });

  test(`${path}: no wider than a phone at ${PHONE_WIDTHS.join(', ')} px`, async ({ page }) => {
    await page.setViewportSize({ width: PHONE_WIDTHS[0]!, height: 800 });
    await page.goto(path, { waitUntil: 'load' });
    const overflow: string[] = [];
    for (const width of PHONE_WIDTHS) {
      await page.setViewportSize({ width, height: 800 });
      const found = await page.evaluate(() => {
        const doc = document.documentElement;
        const wide: string[] = [];
        if (doc.scrollWidth > doc.clientWidth) {
          // Name the outermost elements that stick out and are not inside a scroll box or a clip,
          // so a failure says what to fix.
          const contained = (node: Node): boolean => {
            for (let a: HTMLElement | null = node.parentElement; a && a !== document.body; a = a.parentElement) {
              const cs = getComputedStyle(a);
              if (cs.overflowX !== 'visible' || cs.clip !== 'auto' || cs.clipPath !== 'none') return true;
            }
            return false;
          };
          for (const el of document.body.querySelectorAll<HTMLElement>('*')) {
            const r = el.getBoundingClientRect();
            const parentOut = el.parentElement && el.parentElement.getBoundingClientRect().right > doc.clientWidth + 0.5;
            if (r.right > doc.clientWidth + 0.5 && !parentOut && !contained(el)) {
              wide.push(`${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${el.className && typeof el.className === 'string' ? `.${el.className.split(' ')[0]}` : ''} (right ${Math.round(r.right)})`);
            }
          }
          // Text that runs past its box (a long unbreakable word) widens the page without widening any element.
          const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
          for (let n = walker.nextNode(); n; n = walker.nextNode()) {
            if (!n.textContent?.trim() || contained(n)) continue;
            const range = document.createRange();
            range.selectNodeContents(n);
            const right = range.getBoundingClientRect().right;
            if (right > doc.clientWidth + 0.5) wide.push(`text "${n.textContent.trim().slice(0, 40)}" (right ${Math.round(right)})`);
          }
        }
        return { scrollWidth: doc.scrollWidth, clientWidth: doc.clientWidth, wide: wide.slice(0, 5) };
      });
      if (found.scrollWidth > found.clientWidth) overflow.push(`${width} px: document ${found.scrollWidth} px wide; ${found.wide.join(', ')}`);
    }
    expect(overflow, `${path} wider than the phone`).toEqual([]);
  });
}

test('search runs Pagefind (wasm) under the page policy with no CSP violation', async ({ page }) => {
  await listenForViolations(page);
  await page.goto('/search/?q=projector');
  await expect(page.locator('#search-results li').first()).toBeVisible();
  expect(await page.evaluate(() => (window as unknown as { __cspViolations: string[] }).__cspViolations)).toEqual([]);
});
