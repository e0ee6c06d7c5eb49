/**
 * The output-side section of the interaction article on the built site: its three experiments paint
 * their committed results, the numbers the section computes are the library's, and the text route's
 * zero gradient is asserted in Chromium from a run in the browser (not only in Node).
 */
import { expect, test } from '@playwright/test';
import { getCard } from '../../notebooks/catalog';
import type { RunRecord } from '../../notebooks/runtime/run-meta';
import type { Result as TextRouteResult } from '../../notebooks/experiments/output-text-route.card';
import { getPreset } from '../../src/projectors/presets';
import { getProjector } from '../../src/projectors/registry';
import { committed, expectCellsMatch, nodeRun, paintedCells } from './lab-helpers';

const ARTICLE = '/articles/interaction/';
const OUTPUT_NOTEBOOKS = ['output-embedding', 'output-codebook', 'output-text-route'] as const;

test('the output side paints its experiments’ committed results and the library’s counts', async ({ page }) => {
  await page.goto(ARTICLE);
  for (const id of OUTPUT_NOTEBOOKS) {
    const card = page.locator(`.experiment-card[data-experiment="${id}"]`);
    await expect(card).toHaveCount(1);
    expectCellsMatch(await paintedCells(card), committed(id).result);
  }
  // Counted here by the library itself: the gill-mapper preset, and the codebook at Unified-IO 2's size (16,384 × 256).
  const gill = getPreset('gill-mapper');
  const out = getProjector('output-transformer');
  const gillConfig = out.schema.parse(gill.config);
  const codebook = getProjector('codebook');
  for (const [key, value] of [
    ['out.gill-params', out.paramCount(gillConfig)],
    ['out.gill-queries', out.outputShape(gillConfig, gill.input!)[1]],
    ['out.uio2-params', codebook.paramCount(codebook.schema.parse({ codebookSize: 16_384, codeDim: 256 }))],
  ] as const) {
    await expect(page.locator(`.num[data-key="${key}"]`)).toHaveAttribute('data-value', String(value));
  }
  // The three shape-flow figures render (the pipeline's figure component may add a narrow variant).
  for (const id of ['fig-out-continuous', 'fig-out-codebook', 'fig-out-text']) await expect(page.locator(`#${id} svg.fig-pipeline`).first()).toBeVisible();
  await expect(page.locator('#fig-out-continuous svg.fig-pipeline [data-key="mapper.params"]').first()).toHaveAttribute('data-value', String(out.paramCount(gillConfig)));
  await expect(page.locator('body')).not.toContainText('NaN');
});

test('text route: the gradient through the argmax is exactly 0 in Chromium, and training leaves it where it was', async ({ page }) => {
  test.setTimeout(300_000);
  const id = 'output-text-route';
  await page.goto(ARTICLE);
  const card = page.locator(`.experiment-card[data-experiment="${id}"]`);
  await card.locator('summary', { hasText: 'Change the controls' }).click();
  await expect(card.locator('[data-lab-root]')).toHaveAttribute('data-ready', 'true');
  // Another seed and a shorter run, computed in the browser.
  const cfg = { ...(getCard(id).defaults as unknown as Record<string, unknown>), seed: 12, steps: 8, captions: 4 };
  await card.locator('[name="seed"]').fill('12');
  await card.locator('[name="steps"]').fill('8');
  await card.locator('[name="captions"]').fill('4');
  await card.getByRole('button', { name: 'Run' }).click();
  const result = card.locator('[data-lab-result]');
  await expect(result).toHaveAttribute('data-source', 'live', { timeout: 240_000 });
  const live = JSON.parse((await result.getAttribute('data-record')) ?? 'null') as RunRecord;
  expect(live.meta.backend).toBe('wasm');
  const r = live.result as TextRouteResult;
  const [text, soft, continuous] = r.routes;
  expect(text!.gradNorm).toBe(0);
  expect(Object.values(text!.gradNorms)).toEqual([0, 0]);
  expect(new Set(text!.curve).size).toBe(1);
  expect(soft!.gradNorm).toBeGreaterThan(0);
  expect(continuous!.gradNorm).toBeGreaterThan(0);
  // Painted as zero through the formatter.
  await expect(card.locator('td[data-key="routes.0.gradNorm"]')).toHaveAttribute('data-value', '0');
  // The browser's run is Node's run, bit for bit (wasm in both).
  const expected = await nodeRun(id, cfg as never);
  expect(live.result).toEqual(JSON.parse(JSON.stringify(expected.result)));
  expectCellsMatch(await paintedCells(card), expected.result);
});
