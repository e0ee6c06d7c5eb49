/**
 * Which Chromium the end-to-end tests drive, in order of preference:
 * 1. CHROMIUM_PATH, when set (must point at an executable);
 * 2. Debian's /usr/bin/chromium, when present;
 * 3. Playwright's own downloaded Chromium, when installed.
 * Returns { path, source } or { error } with a one-line message.
 */
import { accessSync, constants } from 'node:fs';

/** Flags for Debian's Chromium on a closed network (stack.md §6.1): no background connections. */
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];

const isExecutable = (path) => {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

export async function findChromium(env = process.env) {
  if (env.CHROMIUM_PATH) {
    return isExecutable(env.CHROMIUM_PATH)
      ? { path: env.CHROMIUM_PATH, source: 'CHROMIUM_PATH' }
      : { error: `CHROMIUM_PATH=${env.CHROMIUM_PATH} is not an executable file` };
  }
  if (isExecutable('/usr/bin/chromium')) return { path: '/usr/bin/chromium', source: 'Debian /usr/bin/chromium' };
  try {
    const { chromium } = await import('playwright-core');
    const own = chromium.executablePath();
    if (own && isExecutable(own)) return { path: undefined, source: `Playwright's own Chromium (${own})` };
  } catch {
    // playwright-core not resolvable: fall through to the message below
  }
  return {
    error:
      'No Chromium found for the end-to-end tests: install Debian\'s chromium (apt-get install chromium), set CHROMIUM_PATH=/path/to/chromium, or run `npx playwright install chromium`.',
  };
}
