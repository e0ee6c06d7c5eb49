import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS, findChromium } from './scripts/find-chromium.mjs';

const browser = await findChromium();
if ('error' in browser) {
  console.error(browser.error);
  process.exit(1);
}

// ATLAS_PORT lets several checkouts run their end-to-end tests side by side.
export const PORT = Number(process.env.ATLAS_PORT ?? 4321);

export default defineConfig({
  testDir: './tests/e2e',
  timeout: 120_000,
  expect: { timeout: 30_000 },
  workers: 1,
  retries: 0,
  reporter: [['list'], ['json', { outputFile: 'reports/e2e.json' }]],
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    browserName: 'chromium',
    launchOptions: { executablePath: browser.path, args: CHROMIUM_ARGS },
  },
  webServer: {
    // The site's own server: gzip, CSP and cross-origin isolation as in production (scripts/serve.mjs).
    command: `node scripts/serve.mjs --port ${PORT} --host 127.0.0.1`,
    url: `http://127.0.0.1:${PORT}/`,
    reuseExistingServer: !process.env.CI,
    timeout: 60_000,
    env: { ASTRO_TELEMETRY_DISABLED: '1' },
  },
});
