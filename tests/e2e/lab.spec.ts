/**
 * Every Lab page on the built site, one loop over the notebook registry: the committed numbers and
 * figures paint from content/data/<id>.json through format.ts, with their provenance; after a reader
 * changes controls and runs, the live record equals run(cfg) computed here in Node on the same
 * backend (wasm is bit-identical between Node and Chromium, stack.md §5); Cancel stops a long run
 * and keeps the committed result; a bad URL parameter or form value is named and the rest of the
 * state survives.
 */
import { expect, test, type Page } from '@playwright/test';
import { cliCommand, configToQuery, describeFields } from '../../notebooks/runtime/config-codec';
import { defaults as fitDefaults } from '../../notebooks/experiments/fit-linear-vs-mlp.card';
import { listNotebooks } from '../../notebooks/registry';
import { type RunRecord } from '../../notebooks/runtime/run-meta';
import type { AnyNotebook, BaseConfig } from '../../notebooks/types';
import { committed, expectCellsMatch, nodeRun, paintedCells, ready } from './lab-helpers';

/**
 * The controls a reader changes on each Lab page before a live run: form values by config key, and
 * for a list field the options unticked. Every notebook in the registry needs an entry.
 */
const LIVE_EDITS: Record<string, { set: Record<string, number | string>; untick?: Record<string, string[]> }> = {
  'projector-budget': { set: { resolution: 448 }, untick: { presets: ['gill-input'] } },
  'fit-linear-vs-mlp': { set: { steps: 60, seed: 11 } },
  'align-feature-map': { set: { steps: 30, seed: 11, loss: 'mse' } },
  // Fixed τ: no temperature curve; the batch sweep adds its bar chart.
  'align-contrastive': { set: { steps: 30, temperature: 'fixed', sweep: 'batch' } },
  'align-token-selection': { set: { seed: 4 } },
  'align-adversarial': { set: { epochs: 3 } },
  'align-multispace': { set: { epochs: 3 } },
  'interaction-gates': { set: { steps: 20, seed: 8 } },
  'interaction-queries': { set: { steps: 10, picture: 2 } },
  'interaction-concat': { set: { projector: 'linear', steps: 15, questionTokens: 30 } },
  'interaction-compress': { set: { image: 3, lmDim: 32 } },
  'output-codebook': { set: { maxLog2: 6, seed: 11 } },
  'output-embedding': { set: { steps: 20, seed: 11 } },
  'output-text-route': { set: { steps: 10, captions: 4 } },
  'future-dynamic-tokens': { set: { seed: 9 } },
  'future-low-rank': { set: { seed: 8, imageDims: 64 } },
  'future-distill': { set: { seed: 8, hidden: 128 } },
  'perf-token-compression': { set: { tokenDims: 4, seed: 2 } },
};

/** Long runs to cancel: a URL that makes the run long, and a word its progress line shows. */
const CANCEL_CASES = [
  { id: 'fit-linear-vs-mlp', query: 'set.steps=3000', progress: 'step' },
  { id: 'align-adversarial', query: 'set.epochs=60', progress: 'epoch' },
] as const;

/** The config after the edits of LIVE_EDITS. */
function editedConfig(nb: AnyNotebook): BaseConfig {
  const edit = LIVE_EDITS[nb.id]!;
  const config: Record<string, unknown> = { ...nb.defaults, ...edit.set };
  for (const [key, off] of Object.entries(edit.untick ?? {})) config[key] = (config[key] as string[]).filter((v) => !off.includes(v));
  return config as unknown as BaseConfig;
}

/** Makes the edits through the form, finding each field by the label the form shows for it. */
async function applyEdits(page: Page, nb: AnyNotebook): Promise<void> {
  const edit = LIVE_EDITS[nb.id]!;
  const fields = new Map(describeFields(nb).map((f) => [f.key, f]));
  for (const [key, value] of Object.entries(edit.set)) {
    const field = fields.get(key);
    if (!field) throw new Error(`${nb.id} has no config field "${key}"`);
    const control = page.getByLabel(field.label, { exact: true });
    if (field.kind === 'enum') await control.selectOption(String(value));
    else await control.fill(String(value));
  }
  for (const [key, off] of Object.entries(edit.untick ?? {})) {
    for (const v of off) await page.locator(`input[name="${key}"][value="${v}"]`).uncheck();
  }
}

/** How many figures a result shows: the figure blocks its card presents. */
const figureCount = (nb: AnyNotebook, record: RunRecord): number => nb.present(record.result, record.meta.config).filter((b) => b.kind === 'figure').length;

async function expectFiguresDrawn(page: Page, count: number): Promise<void> {
  await expect(page.locator('[data-lab-result] .lab-figure > svg')).toHaveCount(count);
  await expect(page.locator('[data-lab-result] .lab-figure-error')).toHaveCount(0);
}

test('the Lab index lists every notebook with its question', async ({ page }) => {
  await page.goto('/lab/');
  for (const nb of listNotebooks()) {
    await expect(page.locator(`a[href="/lab/${nb.id}/"]`)).toHaveText(nb.title);
    await expect(page.getByTestId('lab-list')).toContainText(nb.question);
  }
});

test('every notebook has a live-run case', () => {
  expect(Object.keys(LIVE_EDITS).sort()).toEqual(listNotebooks().map((nb) => nb.id).sort());
});

for (const nb of listNotebooks()) {
  test(`${nb.id}: committed numbers, figures and provenance equal the committed JSON`, async ({ page }) => {
    const record = committed(nb.id);
    await page.goto(`/lab/${nb.id}/`);
    await expect(page.getByTestId('lab-question')).toHaveText(nb.question);
    expectCellsMatch(await paintedCells(page), record.result);
    await expectFiguresDrawn(page, figureCount(nb, record));
    const prov = page.getByTestId('lab-provenance');
    await expect(prov.locator('[data-meta="seed"]')).toHaveText(` · seed ${record.meta.seed}`);
    await expect(prov.locator('[data-meta="backend"]')).toHaveText(` · backend ${record.meta.backend}`);
    await expect(prov.locator('[data-meta="tfjs"]')).toHaveText(` · tfjs ${record.meta.tfjsVersion}`);
    await expect(page.getByTestId('lab-cli')).toHaveText(cliCommand(nb, record.meta.config as unknown as BaseConfig));
  });

  test(`${nb.id}: changed controls run live and equal run(cfg) in Node`, async ({ page }) => {
    test.setTimeout(600_000);
    await page.goto(`/lab/${nb.id}/`);
    await ready(page);
    await applyEdits(page, nb);
    const config = editedConfig(nb);
    await expect(page.getByTestId('lab-cli')).toHaveText(cliCommand(nb, config));
    for (const [key, value] of configToQuery(nb, config)) {
      if (key.startsWith('set.')) expect(new URL(page.url()).searchParams.get(key), key).toBe(value);
    }
    await page.getByRole('button', { name: 'Run' }).click();
    await expect(page.locator('[data-lab-result]')).toHaveAttribute('data-source', 'live', { timeout: 300_000 });
    const expected = await nodeRun(nb.id, config);
    const live = JSON.parse((await page.locator('[data-lab-result]').getAttribute('data-record')) ?? 'null') as RunRecord;
    expect(live).toEqual(JSON.parse(JSON.stringify(expected)));
    expectCellsMatch(await paintedCells(page), expected.result);
    await expectFiguresDrawn(page, figureCount(nb, expected));
    await expect(page.getByTestId('lab-provenance')).toContainText('Live result');
    await expect(page.getByTestId('lab-provenance').locator('[data-meta="backend"]')).toHaveText(' · backend wasm');
    await expect(page.locator('body')).not.toContainText('NaN');
  });
}

for (const c of CANCEL_CASES) {
  test(`${c.id}: Cancel stops a long run and keeps the committed result`, async ({ page }) => {
    await page.goto(`/lab/${c.id}/?${c.query}`);
    await ready(page);
    await page.getByRole('button', { name: 'Run' }).click();
    await expect(page.locator('[data-lab-status]')).toContainText(c.progress, { timeout: 60_000 });
    await page.getByRole('button', { name: 'Cancel' }).click();
    await expect(page.locator('[data-lab-status]')).toHaveText('Cancelled. The result shown is unchanged.', { timeout: 30_000 });
    await expect(page.locator('[data-lab-result]')).toHaveAttribute('data-source', 'committed');
    await expect(page.getByRole('button', { name: 'Run' })).toBeEnabled();
    expectCellsMatch(await paintedCells(page), committed(c.id).result);
  });
}

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
  await expect(page.getByLabel('Adam steps')).toHaveValue(String(fitDefaults.steps));
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
