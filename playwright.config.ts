import { defineConfig } from '@playwright/test';
import { findChromium } from './scripts/find-chromium.mjs';

const browser = await findChromium();
if ('error' in browser) {
  console.error(browser.error);
  process.exit(1);
}

// Flags for Debian's Chromium on a closed network (stack.md §6.1): no background connections.
const chromiumFlags = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

export const PORT = 4321;

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
    launchOptions: { executablePath: browser.path, args: chromiumFlags },
  },
  webServer: {
    command: `node_modules/.bin/astro preview --port ${PORT} --host 127.0.0.1`,
    url: `http://127.0.0.1:${PORT}/`,
    reuseExistingServer: !process.env.CI,
    timeout: 60_000,
    env: { ASTRO_TELEMETRY_DISABLED: '1' },
  },
});
