/**
 * The three alignment-mechanism notebooks (align-token-selection, align-adversarial,
 * align-multispace) on the built site: committed numbers paint from content/data/<id>.json through
 * format.ts; after a reader changes a control and runs, the live record equals run(cfg) computed here
 * in Node on the same backend (wasm is bit-identical between Node and Chromium, stack.md §5); Cancel
 * stops a run and keeps the committed result.
 */
import { expect, test } from '@playwright/test';
import { getNotebook } from '../../notebooks/registry';
import { type RunRecord } from '../../notebooks/runtime/run-meta';
import type { BaseConfig } from '../../notebooks/types';
import { committed, paintedCells, expectCellsMatch, nodeRun, ready } from './lab-helpers';

/** One changed control per notebook: a label on the Lab form and the value typed into it. */
const CASES = [
  { id: 'align-token-selection', label: 'Seed (partners, sides and random selection)', key: 'seed', value: 4, figures: 4 },
  { id: 'align-adversarial', label: 'Epochs over the 1,529 training pairs', key: 'epochs', value: 3, figures: 2 },
  { id: 'align-multispace', label: 'Epochs over the 1,529 training pairs', key: 'epochs', value: 3, figures: 2 },
] as const;

for (const c of CASES) {
  test(`${c.id}: committed numbers equal the committed JSON`, async ({ page }) => {
    await page.goto(`/lab/${c.id}/`);
    await expect(page.getByTestId('lab-question')).toHaveText(getNotebook(c.id).question);
    expectCellsMatch(await paintedCells(page), committed(c.id).result);
    await expect(page.locator('[data-lab-result] .lab-figure svg')).toHaveCount(c.figures);
  });

  test(`${c.id}: a changed control runs live and equals run(cfg) in Node`, async ({ page }) => {
    await page.goto(`/lab/${c.id}/`);
    await ready(page);
    await page.getByLabel(c.label).fill(String(c.value));
    await page.getByRole('button', { name: 'Run' }).click();
    await expect(page.locator('[data-lab-result]')).toHaveAttribute('data-source', 'live', { timeout: 120_000 });
    const config = { ...getNotebook(c.id).defaults, [c.key]: c.value } as BaseConfig;
    const expected = await nodeRun(c.id, config);
    const live = JSON.parse((await page.locator('[data-lab-result]').getAttribute('data-record')) ?? 'null') as RunRecord;
    expect(live).toEqual(JSON.parse(JSON.stringify(expected)));
    expectCellsMatch(await paintedCells(page), expected.result);
    await expect(page.locator('body')).not.toContainText('NaN');
  });
}

test('align-adversarial: Cancel stops a long run and keeps the committed result', async ({ page }) => {
  const id = 'align-adversarial';
  await page.goto(`/lab/${id}/?set.epochs=60`);
  await ready(page);
  await page.getByRole('button', { name: 'Run' }).click();
  await expect(page.locator('[data-lab-status]')).toContainText('epoch', { timeout: 60_000 });
  await page.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.locator('[data-lab-status]')).toHaveText('Cancelled. The result shown is unchanged.', { timeout: 30_000 });
  await expect(page.locator('[data-lab-result]')).toHaveAttribute('data-source', 'committed');
  await expect(page.getByRole('button', { name: 'Run' })).toBeEnabled();
  expectCellsMatch(await paintedCells(page), committed(id).result);
});
