/**
 * Screenshots of built pages for a human look: light and dark, phone and wide.
 * Usage: node scripts/screenshots.mjs [baseURL] [path ...]  (serve dist/ first with `npm run preview`)
 * Writes PNGs to reports/screenshots/.
 */
import { mkdirSync } from 'node:fs';
import { chromium } from '@playwright/test';
import { CHROMIUM_ARGS, findChromium } from './find-chromium.mjs';

const [base = 'http://127.0.0.1:4321', ...paths] = process.argv.slice(2);
const browserInfo = await findChromium();
if ('error' in browserInfo) {
  console.error(browserInfo.error);
  process.exit(1);
}
const browser = await chromium.launch({
  executablePath: browserInfo.path,
  args: CHROMIUM_ARGS,
});
mkdirSync('reports/screenshots', { recursive: true });
const sizes = { phone: { width: 375, height: 812 }, wide: { width: 1440, height: 900 } };
for (const path of paths.length ? paths : ['/']) {
  for (const theme of ['light', 'dark']) {
    for (const [name, viewport] of Object.entries(sizes)) {
      const page = await browser.newPage({ viewport, colorScheme: theme });
      await page.goto(base + path, { waitUntil: 'networkidle' });
      const file = `reports/screenshots/${path.replace(/\W+/g, '_') || 'home'}-${theme}-${name}.png`;
      await page.screenshot({ path: file, fullPage: true });
      console.log(file);
      await page.close();
    }
  }
}
await browser.close();
