/**
 * The two alignment notebooks on real features (align-feature-map, align-contrastive) on the built
 * site: the committed numbers and figures paint from content/data/<id>.json through format.ts, and
 * after a reader changes controls and runs, the painted record equals run(cfg) computed here in Node
 * on the same backend (wasm is bit-identical between Node and Chromium, stack.md §5).
 */
import { expect, test, type Page } from '@playwright/test';
import { getNotebook } from '../../notebooks/registry';
import { type RunRecord } from '../../notebooks/runtime/run-meta';
import type { BaseConfig } from '../../notebooks/types';
import { committed, paintedCells, expectCellsMatch, nodeRun, ready } from './lab-helpers';

/** Runs from the page, then checks the record and every painted number against Node. */
async function expectLiveEqualsNode(page: Page, id: string, config: BaseConfig, figures: number): Promise<void> {
  await page.getByRole('button', { name: 'Run' }).click();
  await expect(page.locator('[data-lab-result]')).toHaveAttribute('data-source', 'live', { timeout: 300_000 });
  const expected = await nodeRun(id, config);
  const live = JSON.parse((await page.locator('[data-lab-result]').getAttribute('data-record')) ?? 'null') as RunRecord;
  expect(live).toEqual(JSON.parse(JSON.stringify(expected)));
  expectCellsMatch(await paintedCells(page), expected.result);
  await expect(page.locator('[data-lab-result] .lab-figure > svg')).toHaveCount(figures);
  await expect(page.locator('[data-lab-result] .lab-figure-error')).toHaveCount(0);
  await expect(page.locator('[data-lab-result]')).not.toContainText('NaN');
}

test.describe('alignment notebooks on real features', () => {
  test.setTimeout(600_000);

  for (const [id, figures] of [
    ['align-feature-map', 3],
    ['align-contrastive', 3],
  ] as const) {
    test(`${id}: committed numbers and figures equal the committed JSON`, async ({ page }) => {
      const record = committed(id);
      await page.goto(`/lab/${id}/`);
      await expect(page.getByTestId('lab-question')).toHaveText(getNotebook(id).question);
      expectCellsMatch(await paintedCells(page), record.result);
      await expect(page.locator('[data-lab-result] .lab-figure > svg')).toHaveCount(figures);
      await expect(page.locator('[data-lab-result] .lab-figure-error')).toHaveCount(0);
      await expect(page.getByTestId('lab-provenance').locator('[data-meta="seed"]')).toHaveText(` · seed ${record.meta.seed}`);
    });
  }

  test('align-feature-map: changed controls run live and equal run(cfg) in Node', async ({ page }) => {
    const id = 'align-feature-map';
    await page.goto(`/lab/${id}/`);
    await ready(page);
    await page.getByLabel('Adam steps per projector').fill('30');
    await page.getByLabel('Seed (initialisation, minibatches and the control permutation)').fill('11');
    await page.getByLabel('Training loss (cosine: 1 − cos; mse: squared error to the unit caption vector)').selectOption('mse');
    const config = { ...getNotebook(id).defaults, steps: 30, seed: 11, loss: 'mse' } as BaseConfig;
    await expectLiveEqualsNode(page, id, config, 3);
  });

  test('align-contrastive: changed controls run live and equal run(cfg) in Node', async ({ page }) => {
    const id = 'align-contrastive';
    await page.goto(`/lab/${id}/`);
    await ready(page);
    await page.getByLabel('Adam steps per run').fill('30');
    await page.getByLabel('Temperature τ: learned (clamped at 1/τ ≤ 100, as CLIP) or fixed').selectOption('fixed');
    await page.getByLabel('Extra runs: none, a temperature sweep or a batch-size sweep').selectOption('batch');
    const config = { ...getNotebook(id).defaults, steps: 30, temperature: 'fixed', sweep: 'batch' } as BaseConfig;
    // Fixed τ: no temperature curve; the batch sweep adds its bar chart.
    await expectLiveEqualsNode(page, id, config, 3);
  });
});
