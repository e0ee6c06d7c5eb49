/**
 * `npm test`: typecheck, unit tests, build, end-to-end tests — then one plain summary line
 * "N passed, N failed" totalled over every runner, so a run that executed nothing is visible.
 * The build and the typecheck count as one check each; vitest and Playwright report per test.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { findChromium } from './find-chromium.mjs';

const env = { ...process.env, ASTRO_TELEMETRY_DISABLED: '1' };
const started = process.hrtime.bigint();
const run = (label, cmd) => {
  console.log(`\n=== ${label}: ${cmd}`);
  const t0 = process.hrtime.bigint();
  const ok = spawnSync(cmd, { shell: true, stdio: 'inherit', env }).status === 0;
  console.log(`=== ${label} ${ok ? 'ok' : 'FAILED'} in ${(Number(process.hrtime.bigint() - t0) / 1e9).toFixed(1)} s`);
  return ok;
};
const readReport = (file) => {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
};

rmSync('reports', { recursive: true, force: true }); // never count a stale report
let passed = 0;
let failed = 0;
let skipped = 0;
const tally = (ok) => {
  if (ok) passed += 1;
  else failed += 1;
  return ok;
};

tally(run('typecheck', 'npm run check'));
run('unit', 'node_modules/.bin/vitest run');
const built = tally(run('build', 'npm run build'));

const browser = await findChromium(env);
if ('error' in browser) {
  console.error(browser.error);
  failed += 1;
} else if (built) {
  console.log(`End-to-end tests use ${browser.source}.`);
  run('e2e', 'node_modules/.bin/playwright test');
}

const unit = readReport('reports/unit.json'); // vitest's JSON reporter
if (!unit) failed += 1;
else {
  passed += unit.numPassedTests;
  skipped += (unit.numPendingTests ?? 0) + (unit.numTodoTests ?? 0);
  failed += unit.numFailedTests || (unit.success ? 0 : 1); // a file that fails to load fails no single test
}
if (built && !('error' in browser)) {
  const e2e = readReport('reports/e2e.json'); // Playwright's JSON reporter
  if (!e2e) failed += 1;
  else {
    passed += e2e.stats.expected + e2e.stats.flaky;
    skipped += e2e.stats.skipped;
    failed += e2e.stats.unexpected + (e2e.errors?.length ?? 0);
  }
}

console.log(`\nTotal time ${(Number(process.hrtime.bigint() - started) / 1e9).toFixed(0)} s`);
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 ? 1 : 0);
