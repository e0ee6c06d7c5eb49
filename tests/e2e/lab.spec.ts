/**
 * Lab pages on the built site: committed numbers equal the committed JSON through format.ts; a live
 * run in the browser Worker equals run(cfg) computed here in Node on the same backend (wasm is bit
 * identical between Node and Chromium, stack.md §5); Cancel works; a bad URL parameter or form
 * value is named and the rest of the state survives.
 */
import { expect, test } from '@playwright/test';
import { cliCommand } from '../../notebooks/runtime/config-codec';
import { listNotebooks, getNotebook } from '../../notebooks/registry';
import { type RunRecord } from '../../notebooks/runtime/run-meta';
import type { BaseConfig } from '../../notebooks/types';
import { committed, paintedCells, expectCellsMatch, nodeRun, ready } from './lab-helpers';

test('the Lab index lists every notebook with its question', async ({ page }) => {
  await page.goto('/lab/');
  for (const nb of listNotebooks()) {
    await expect(page.locator(`a[href="/lab/${nb.id}/"]`)).toHaveText(nb.title);
    await expect(page.getByTestId('lab-list')).toContainText(nb.question);
  }
});

for (const nb of listNotebooks()) {
  test(`${nb.id}: committed numbers and provenance equal the committed JSON`, async ({ page }) => {
    const record = committed(nb.id);
    await page.goto(`/lab/${nb.id}/`);
    await expect(page.getByTestId('lab-question')).toHaveText(nb.question);
    expectCellsMatch(await paintedCells(page), record.result);
    const prov = page.getByTestId('lab-provenance');
    await expect(prov.locator('[data-meta="seed"]')).toHaveText(` · seed ${record.meta.seed}`);
    await expect(prov.locator('[data-meta="backend"]')).toHaveText(` · backend ${record.meta.backend}`);
    await expect(prov.locator('[data-meta="tfjs"]')).toHaveText(` · tfjs ${record.meta.tfjsVersion}`);
    await expect(page.getByTestId('lab-cli')).toHaveText(cliCommand(nb, record.meta.config as unknown as BaseConfig));
  });
}

test('projector-budget: a changed control runs live and equals run(cfg) in Node', async ({ page }) => {
  const id = 'projector-budget';
  await page.goto(`/lab/${id}/`);
  await ready(page);
  await page.getByLabel('Input resolution (px per side)').fill('448');
  await page.locator('input[name="presets"][value="gill-input"]').uncheck();
  const config = { ...getNotebook(id).defaults, resolution: 448, presets: (getNotebook(id).defaults as unknown as { presets: string[] }).presets.filter((p) => p !== 'gill-input') };
  await expect(page.getByTestId('lab-cli')).toHaveText(cliCommand(getNotebook(id), config));
  await expect(page).toHaveURL(/set\.resolution=448/);
  await page.getByRole('button', { name: 'Run' }).click();
  await expect(page.locator('[data-lab-result]')).toHaveAttribute('data-source', 'live', { timeout: 60_000 });
  const expected = await nodeRun(id, config);
  expectCellsMatch(await paintedCells(page), expected.result);
  await expect(page.getByTestId('lab-provenance')).toContainText('Live result');
  await expect(page.getByTestId('lab-provenance').locator('[data-meta="backend"]')).toHaveText(' · backend wasm');
});

test('fit-linear-vs-mlp: a live run is bit-identical to run(cfg) in Node', async ({ page }) => {
  const id = 'fit-linear-vs-mlp';
  await page.goto(`/lab/${id}/`);
  await ready(page);
  await page.getByLabel('Adam steps').fill('60');
  await page.getByLabel('Seed (data, teacher and initialisation)').fill('11');
  await page.getByRole('button', { name: 'Run' }).click();
  await expect(page.locator('[data-lab-result]')).toHaveAttribute('data-source', 'live', { timeout: 90_000 });
  const config = { ...getNotebook(id).defaults, steps: 60, seed: 11 };
  const expected = await nodeRun(id, config);
  const live = JSON.parse((await page.locator('[data-lab-result]').getAttribute('data-record')) ?? 'null') as RunRecord;
  expect(live).toEqual(JSON.parse(JSON.stringify(expected)));
  expectCellsMatch(await paintedCells(page), expected.result);
  await expect(page.locator('[data-lab-result] .lab-figure svg')).toHaveCount(1);
});

test('fit-linear-vs-mlp: Cancel stops a long run and keeps the committed result', async ({ page }) => {
  const id = 'fit-linear-vs-mlp';
  await page.goto(`/lab/${id}/?set.steps=3000`);
  await ready(page);
  await page.getByRole('button', { name: 'Run' }).click();
  await expect(page.locator('[data-lab-status]')).toContainText('step', { timeout: 60_000 });
  await page.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.locator('[data-lab-status]')).toHaveText('Cancelled. The result shown is unchanged.', { timeout: 30_000 });
  await expect(page.locator('[data-lab-result]')).toHaveAttribute('data-source', 'committed');
  await expect(page.getByRole('button', { name: 'Run' })).toBeEnabled();
  expectCellsMatch(await paintedCells(page), committed(id).result);
});

test('a bad URL parameter is named and the other values are kept', async ({ page }) => {
  await page.goto('/lab/fit-linear-vs-mlp/?seed=3&set.steps=abc&set.rank=3&set.nope=1');
  await ready(page);
  const alert = page.locator('[data-lab-url-issues]');
  await expect(alert).toBeVisible();
  await expect(alert).toContainText('set.steps');
  await expect(alert).toContainText('steps must be a number (got "abc")');
  await expect(alert).toContainText('set.nope');
  await expect(page.getByLabel('Seed (data, teacher and initialisation)')).toHaveValue('3');
  await expect(page.getByLabel('Low-rank projector rank r')).toHaveValue('3');
  await expect(page.getByLabel('Adam steps')).toHaveValue('200');
  await expect(page.getByRole('button', { name: 'Run' })).toBeEnabled();
  await expect(page.getByTestId('lab-cli')).toHaveText('npm run notebook -- fit-linear-vs-mlp --seed 3 --set rank=3');
});

test('invalid form input is named inline and disables Run', async ({ page }) => {
  await page.goto('/lab/fit-linear-vs-mlp/');
  await ready(page);
  await page.getByLabel('Adam steps').fill('0');
  await expect(page.locator('[data-field="steps"] .lab-error')).toContainText('steps');
  await expect(page.getByRole('button', { name: 'Run' })).toBeDisabled();
  await page.getByLabel('Adam steps').fill('');
  await expect(page.locator('[data-field="steps"] .lab-error')).toHaveText('steps must be a number (got "")');
  await page.getByLabel('Adam steps').fill('100');
  await expect(page.locator('[data-field="steps"] .lab-error')).toBeHidden();
  await expect(page.getByRole('button', { name: 'Run' })).toBeEnabled();
  await expect(page.locator('body')).not.toContainText('NaN');
});
