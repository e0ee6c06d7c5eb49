/**
 * The three alignment-mechanism notebooks (align-token-selection, align-adversarial,
 * align-multispace) on the built site: committed numbers paint from content/data/<id>.json through
 * format.ts; after a reader changes a control and runs, the live record equals run(cfg) computed here
 * in Node on the same backend (wasm is bit-identical between Node and Chromium, stack.md §5); Cancel
 * stops a run and keeps the committed result.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { getNotebook } from '../../notebooks/registry';
import { runWithMeta, type RunRecord } from '../../notebooks/run-meta';
import type { BaseConfig } from '../../notebooks/types';
import { CELL_FORMATS, readPath, type CellFormat } from '../../notebooks/view';
import { useBestBackend } from '../../src/lib/backend';

const committed = (id: string): RunRecord => JSON.parse(readFileSync(resolve(process.cwd(), 'content/data', `${id}.json`), 'utf8')) as RunRecord;

interface PaintedCell {
  key: string;
  value: string;
  format: string;
  text: string;
}

async function paintedCells(page: Page): Promise<PaintedCell[]> {
  return page.locator('[data-lab-result] td[data-key]').evaluateAll((tds) =>
    tds.map((td) => ({
      key: td.getAttribute('data-key') ?? '',
      value: td.getAttribute('data-value') ?? '',
      format: td.getAttribute('data-format') ?? '',
      text: td.textContent ?? '',
    })),
  );
}

function expectCellsMatch(cells: PaintedCell[], result: unknown): void {
  expect(cells.length).toBeGreaterThan(0);
  for (const c of cells) {
    const value = readPath(result, c.key);
    expect(typeof value, `result.${c.key}`).toBe('number');
    expect(Number(c.value), `data-value of ${c.key}`).toBe(value);
    expect(c.text, `text of ${c.key}`).toBe(CELL_FORMATS[c.format as CellFormat](value as number));
  }
}

async function nodeRun(id: string, config: BaseConfig): Promise<RunRecord> {
  const used = await useBestBackend('wasm');
  expect(used.backend).toBe('wasm');
  return runWithMeta(getNotebook(id), config, { onProgress: () => undefined, signal: new AbortController().signal }, used);
}

const ready = (page: Page) => expect(page.locator('[data-lab-root]')).toHaveAttribute('data-ready', 'true');

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
