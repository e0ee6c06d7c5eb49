/**
 * The Lab benchmark page on the built site: the committed measurement paints through format.ts with
 * its provenance; a reader's Run (a small subset chosen by URL so the test stays short) fills the
 * live table row by row, finishes, and its CSV download parses with every number positive and
 * finite; Cancel stops a run and says how far it got; a malformed URL parameter is named and
 * nothing starts. No timing is asserted: the machine is shared.
 */
import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { CSV_COLUMNS, parseBenchReport } from '../../src/bench/report';
import { formatFixed, formatPercent } from '../../src/primitives/format';

/** Read as a file: Playwright's loader cannot import JSON modules without an import attribute. */
const committedBenchMeasurement = () => parseBenchReport(JSON.parse(readFileSync('content/data/bench-measurement.json', 'utf8')));

const SMALL = '?only=gill-input,nextgpt-input&sizes=512';

test('the committed measurement is painted from content/data/bench-measurement.json', async ({ page }) => {
  const report = committedBenchMeasurement();
  await page.goto('/lab/bench/');
  const committed = page.locator('[data-bench-committed]');
  await expect(committed.getByTestId('bench-meta')).toContainText(report.runtime);
  await expect(committed.getByTestId('bench-meta')).toContainText(`backend ${report.backend}`);
  for (const row of report.rows) {
    const tr = committed.locator(`tr[data-preset="${row.preset}"]`);
    if (row.ratio === undefined) {
      await expect(tr).toContainText('skipped');
      continue;
    }
    await expect(tr.locator(`[data-key="${row.preset}:ratio"]`)).toHaveText(formatPercent(row.ratio, 0));
    await expect(tr.locator(`[data-key="${row.preset}:gflops"]`)).toHaveText(formatFixed(row.gflops!, 1));
  }
  const best = report.peak.best;
  await expect(committed.locator(`[data-key="peak-${best.n}:gflops"]`)).toHaveText(formatFixed(best.gflops, 1));
  await expect(committed.getByTestId('bench-chart').locator('rect.fig-bar')).toHaveCount(report.rows.filter((r) => r.ratio !== undefined).length);
});

test('a Run measures the reader machine, fills the table and offers a CSV that parses', async ({ page }) => {
  test.setTimeout(300_000);
  await page.goto(`/lab/bench/${SMALL}`);
  const root = page.locator('[data-bench-root]');
  await page.getByRole('button', { name: 'Run' }).click();
  await expect(root).toHaveAttribute('data-state', 'running');
  await expect(page.getByRole('button', { name: 'Cancel' })).toBeEnabled();
  await expect(root).toHaveAttribute('data-state', 'done', { timeout: 240_000 });
  const live = page.locator('[data-bench-live]');
  await expect(live.locator('tr[data-preset]')).toHaveCount(2);
  await expect(live.locator('tr[data-peak]')).toHaveCount(1);
  await expect(live.getByTestId('bench-chart').locator('rect.fig-bar')).toHaveCount(2);

  const report = parseBenchReport(JSON.parse((await page.locator('[data-bench-live-json]').textContent()) ?? 'null'));
  expect(report.env).toBe('chromium');
  expect(report.backend).toBe('wasm');
  for (const r of report.rows) {
    await expect(live.locator(`[data-key="${r.preset}:ratio"]`)).toHaveText(formatPercent(r.ratio!, 0));
  }

  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-bench-download="csv"][data-source="live"]').click()]);
  const csv = readFileSync((await download.path())!, 'utf8').trimEnd().split('\n').map((l) => l.split(','));
  expect(csv[0]).toEqual([...CSV_COLUMNS]);
  const body = csv.slice(1);
  expect(body.map((r) => r[1])).toEqual(['matMul 512x512x512', 'gill-input', 'nextgpt-input']);
  for (const r of body) {
    for (const i of [4, 5, 6]) {
      const v = Number(r[i]);
      expect(Number.isFinite(v) && v > 0, `${r[1]} column ${CSV_COLUMNS[i]} = ${r[i]}`).toBe(true);
    }
  }
  const [json] = await Promise.all([page.waitForEvent('download'), page.locator('[data-bench-download="json"][data-source="committed"]').click()]);
  expect(parseBenchReport(JSON.parse(readFileSync((await json.path())!, 'utf8'))).date).toBe(committedBenchMeasurement().date);
});

test('Cancel stops a run and keeps the rows already measured', async ({ page }) => {
  await page.goto('/lab/bench/?sizes=512,2048');
  const root = page.locator('[data-bench-root]');
  await page.getByRole('button', { name: 'Run' }).click();
  await expect(page.locator('[data-bench-live] tr[data-peak]')).toHaveCount(1, { timeout: 120_000 });
  await page.getByRole('button', { name: 'Cancel' }).click();
  await expect(root).toHaveAttribute('data-state', 'cancelled');
  await expect(page.locator('[data-bench-status]')).toContainText('Cancelled after');
  await expect(page.getByRole('button', { name: 'Run' })).toBeEnabled();
});

test('a malformed URL parameter is named and nothing starts', async ({ page }) => {
  await page.goto('/lab/bench/?sizes=512,abc&variants=yes');
  const issues = page.locator('[data-bench-issues]');
  await expect(issues).toBeVisible();
  await expect(issues).toContainText('"abc"');
  await expect(issues).toContainText('"variants"');
  await expect(page.getByRole('button', { name: 'Run' })).toBeDisabled();

  await page.goto('/lab/bench/?only=no-such-model&run=1');
  await expect(page.locator('[data-bench-root]')).toHaveAttribute('data-state', 'error', { timeout: 60_000 });
  await expect(page.locator('[data-bench-status]')).toContainText('"no-such-model"');
});
