/**
 * Live experiments inside an article: a reader opens a card's controls, changes them, runs the
 * notebook in place, and the card's numbers equal run(config) computed here in Node. Before the
 * controls are opened, the article loads no experiment code.
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, test } from '@playwright/test';
import { getCard } from '../../notebooks/catalog';
import { committed, expectCellsMatch, nodeRun, paintedCells } from './lab-helpers';

const ARTICLE = '/articles/alignment/';
const ID = 'align-feature-map';

test('an article card runs live with changed controls and paints run(config)', async ({ page }) => {
  test.setTimeout(180_000);
  const scripts: string[] = [];
  page.on('request', (r) => {
    if (r.resourceType() === 'script') scripts.push(new URL(r.url()).pathname);
  });
  await page.goto(ARTICLE);
  const card = page.locator(`.experiment-card[data-experiment="${ID}"]`);
  const root = card.locator('[data-lab-root]');
  await expect(root).toHaveAttribute('data-lab-url', 'off');
  // The committed numbers are painted without any controller running.
  expectCellsMatch(await paintedCells(card), committed(ID).result);
  await expect(root).not.toHaveAttribute('data-ready', 'true');
  const before = scripts.length;

  await card.locator('summary', { hasText: 'Change the controls' }).click();
  await expect(root).toHaveAttribute('data-ready', 'true');
  expect(scripts.length, 'opening the controls loads the controller').toBeGreaterThan(before);

  const defaults = getCard(ID).defaults as unknown as Record<string, unknown>;
  const cfg = { ...defaults, steps: 12, textDims: 48, rank: 8 };
  await card.locator('[name="steps"]').fill('12');
  await card.locator('[name="textDims"]').fill('48');
  await card.locator('[name="rank"]').fill('8');
  await expect(card.locator('[data-lab-stale]')).toBeVisible();
  await expect(card.locator('[data-lab-cli]')).toContainText('--set textDims=48');
  const urlBefore = page.url();

  await card.getByRole('button', { name: 'Run' }).click();
  await expect(card.locator('[data-lab-result]')).toHaveAttribute('data-source', 'live', { timeout: 120_000 });
  await expect(card.locator('[data-lab-status]')).toContainText('Done in');
  await expect(card.locator('[data-lab-stale]')).toBeHidden();
  expect(page.url(), 'an article card does not touch the URL').toBe(urlBefore);

  const expected = await nodeRun(ID, cfg as never);
  const cells = await paintedCells(card);
  expectCellsMatch(cells, expected.result);
  // The card repaints only its chosen blocks (a table and one figure), like the committed view.
  await expect(card.locator('[data-lab-result] table')).toHaveCount(1);
  await expect(card.locator('[data-lab-result] figure')).toHaveCount(1);
  // Other cards on the page keep their committed results.
  await expect(page.locator('.experiment-card[data-experiment="align-contrastive"] [data-lab-result]')).toHaveAttribute('data-source', 'committed');

  const axe = await new AxeBuilder({ page }).include(`.experiment-card[data-experiment="${ID}"]`).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  expect(axe.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
});

test('a bad value in an article card is named and blocks the run; cancel keeps the shown result', async ({ page }) => {
  test.setTimeout(120_000);
  await page.goto(ARTICLE);
  const card = page.locator('.experiment-card[data-experiment="align-contrastive"]');
  await card.locator('summary', { hasText: 'Change the controls' }).click();
  await expect(card.locator('[data-lab-root]')).toHaveAttribute('data-ready', 'true');
  await card.locator('[name="steps"]').fill('0');
  await expect(card.locator('[data-field="steps"] .lab-error')).toBeVisible();
  await expect(card.locator('[data-field="steps"] .lab-error')).toContainText(/1/);
  await expect(card.getByRole('button', { name: 'Run' })).toBeDisabled();

  await card.locator('[name="steps"]').fill('3000');
  await card.getByRole('button', { name: 'Run' }).click();
  await expect(card.locator('progress[data-lab-progress]')).toBeVisible();
  await card.getByRole('button', { name: 'Cancel' }).click();
  await expect(card.locator('[data-lab-status]')).toContainText('Cancelled');
  await expect(card.locator('[data-lab-result]')).toHaveAttribute('data-source', 'committed');
  expectCellsMatch(await paintedCells(card), committed('align-contrastive').result);
});
