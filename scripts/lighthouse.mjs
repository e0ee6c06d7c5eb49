/**
 * `npm run lighthouse`: Lighthouse 12 (mobile profile, simulated throttling) on the built site,
 * served by scripts/serve.mjs (gzip, CSP, cross-origin isolation, as production), in the Chromium
 * the tests use. Prints one table (performance, accessibility, best practices, SEO) for the home
 * page, every article, the catalogue, the ledger, every Lab page and the Playground, lists the
 * audits that cost points, and writes reports/lighthouse.json. Exits 1 when a page misses the
 * budget (performance ≥ 95, the other three 100). Not part of `npm test` (minutes, and timing noise).
 *
 * Usage: npm run build && npm run lighthouse [-- --only /,/articles/alignment/]
 */
import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import * as chromeLauncher from 'chrome-launcher';
import lighthouse from 'lighthouse';
import { CHROMIUM_ARGS, findChromium } from './find-chromium.mjs';
import { createSiteServer } from './serve.mjs';

/** Every built page (each index.html under dist/) as a URL path. */
function builtPages(dir = 'dist') {
  const out = [];
  const walk = (d) => {
    for (const name of readdirSync(d)) {
      const full = join(d, name);
      if (statSync(full).isDirectory()) {
        if (name !== 'pagefind' && name !== '_astro') walk(full);
      } else if (name === 'index.html') {
        const rel = relative(dir, d).split(sep).join('/');
        out.push(rel ? `/${rel}/` : '/');
      }
    }
  };
  walk(dir);
  return out.sort();
}

const BUDGET = { performance: 95, accessibility: 100, 'best-practices': 100, seo: 100 };
const CATEGORIES = Object.keys(BUDGET);

/** The pages the budget covers, from what the build produced (so new articles and Lab pages are included). */
function pagesToCheck(all) {
  const wanted = (p) =>
    p === '/' ||
    /^\/articles\/[^/]+\/$/.test(p) ||
    p === '/reference/models/' ||
    p === '/reference/claims/' ||
    p.startsWith('/lab/');
  return all.filter(wanted);
}

const args = process.argv.slice(2);
const onlyAt = args.indexOf('--only');
const browser = await findChromium();
if ('error' in browser) {
  console.error(browser.error);
  process.exit(1);
}
const pages = onlyAt >= 0 ? args[onlyAt + 1].split(',') : pagesToCheck(builtPages());

const server = createSiteServer('dist');
await new Promise((done) => server.listen(0, '127.0.0.1', done));
const origin = `http://127.0.0.1:${server.address().port}`;
const chrome = await chromeLauncher.launch({
  chromePath: browser.path,
  chromeFlags: ['--headless=new', ...CHROMIUM_ARGS],
});

const rows = [];
try {
  for (const path of pages) {
    const { lhr } = await lighthouse(`${origin}${path}`, { port: chrome.port, output: 'json', logLevel: 'error', onlyCategories: CATEGORIES });
    const scores = Object.fromEntries(CATEGORIES.map((c) => [c, Math.round((lhr.categories[c]?.score ?? 0) * 100)]));
    const lost = Object.values(lhr.audits)
      .filter((a) => a.score !== null && a.score < 1 && a.scoreDisplayMode !== 'informative' && a.scoreDisplayMode !== 'manual' && a.scoreDisplayMode !== 'notApplicable')
      .filter((a) => CATEGORIES.some((c) => lhr.categories[c].auditRefs.some((r) => r.id === a.id && r.weight > 0)))
      .map((a) => `${a.id}${a.displayValue ? ` (${a.displayValue})` : ''}`);
    rows.push({ path, ...scores, lost });
    console.error(`${path}: ${CATEGORIES.map((c) => scores[c]).join(' / ')}`);
  }
} finally {
  await chrome.kill();
  server.close();
}

const misses = rows.filter((r) => CATEGORIES.some((c) => r[c] < BUDGET[c]));
console.log(`\n| page | performance | accessibility | best practices | SEO |\n|---|---|---|---|---|`);
for (const r of rows) console.log(`| ${r.path} | ${CATEGORIES.map((c) => (r[c] < BUDGET[c] ? `**${r[c]}**` : String(r[c]))).join(' | ')} |`);
for (const r of rows.filter((x) => x.lost.length)) console.log(`\n${r.path} loses points on: ${r.lost.join(', ')}`);
mkdirSync('reports', { recursive: true });
writeFileSync('reports/lighthouse.json', `${JSON.stringify({ measured: new Date().toISOString(), lighthouse: '12.2.3', profile: 'mobile, simulated throttling', budget: BUDGET, rows }, null, 2)}\n`);
console.log(`\n${rows.length} pages, ${misses.length} under budget (performance ≥ ${BUDGET.performance}, others ${BUDGET.accessibility}). reports/lighthouse.json written.`);
process.exit(misses.length ? 1 : 0);
