/**
 * Browser wall time of each notebook's default run: open its Lab page on a served build, press Run,
 * wait until the live result replaces the committed one. A benchmark, not a test.
 * Usage: node scripts/bench/lab-times.mjs [baseURL] [id ...]   (serve dist/ first: npm run preview)
 */
import { chromium } from '@playwright/test';
import { CHROMIUM_ARGS, findChromium } from '../find-chromium.mjs';

const [base = 'http://127.0.0.1:4321', ...ids] = process.argv.slice(2);
const found = await findChromium();
if ('error' in found) {
  console.error(found.error);
  process.exit(1);
}
const browser = await chromium.launch({
  executablePath: found.path,
  args: CHROMIUM_ARGS,
});
const list = ids.length ? ids : ['fit-linear-vs-mlp', 'align-feature-map', 'align-contrastive', 'align-token-selection', 'align-adversarial', 'align-multispace'];
console.log('| notebook | default run in Chromium (s) |\n|---|---|');
for (const id of list) {
  const page = await browser.newPage();
  await page.goto(`${base}/lab/${id}/`);
  await page.locator('[data-lab-root][data-ready="true"]').waitFor({ timeout: 60_000 });
  const t0 = Date.now();
  await page.getByRole('button', { name: 'Run' }).click();
  await page.locator('[data-lab-result][data-source="live"]').waitFor({ timeout: 600_000 });
  console.log(`| ${id} | ${((Date.now() - t0) / 1000).toFixed(2)} |`);
  await page.close();
}
await browser.close();
