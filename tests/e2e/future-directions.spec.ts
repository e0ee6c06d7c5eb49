/**
 * The article "Where projector design is going": every experiment number in its prose equals the
 * committed JSON through the shared formatter, each mean stands next to its spread, every paired
 * difference the prose quotes has the same sign on every seed (or the sentence says it changes sign),
 * the three live experiments are embedded, and the computed cost numbers equal the library's.
 */
import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { formatValue, type FormatSpec } from '../../src/primitives/format';
import { readResultNumber } from '../../src/primitives/json-path';
import { getPreset } from '../../src/projectors/presets';
import { getProjector } from '../../src/projectors/registry';

const ARTICLE = '/articles/future-directions/';
const NOTEBOOKS = ['future-dynamic-tokens', 'future-low-rank', 'future-distill'];
const reformat = (value: number, format: string, digits?: number): string => formatValue({ kind: format as FormatSpec['kind'], digits }, value);
const committed = (id: string): unknown => JSON.parse(readFileSync(`content/data/${id}.json`, 'utf8'));

async function bound(page: import('@playwright/test').Page) {
  return page.locator('.result-num[data-notebook][data-path]').evaluateAll((els) =>
    els.map((e) => {
      const num = e.querySelector('.num');
      return {
        notebook: e.getAttribute('data-notebook') ?? '',
        path: e.getAttribute('data-path') ?? '',
        value: num?.getAttribute('data-value') ?? null,
        format: num?.getAttribute('data-format') ?? '',
        digits: num?.getAttribute('data-digits') ?? null,
        text: num?.textContent ?? null,
        paragraph: e.closest('p')?.textContent ?? '',
      };
    }),
  );
}

test('every experiment number in the prose equals its committed result', async ({ page }) => {
  await page.goto(ARTICLE);
  const nums = await bound(page);
  expect(new Set(nums.map((b) => b.notebook))).toEqual(new Set(NOTEBOOKS));
  for (const b of nums) {
    const value = readResultNumber(committed(b.notebook), b.path);
    expect(b.value, `${b.notebook} ${b.path}`).toBe(String(value));
    expect(b.text, `${b.notebook} ${b.path}`).toBe(reformat(value, b.format, b.digits === null ? undefined : Number(b.digits)));
  }
});

test('means stand with their spread, and a quoted difference holds on every seed or says it does not', async ({ page }) => {
  await page.goto(ARTICLE);
  const nums = await bound(page);
  const paths = new Set(nums.map((b) => `${b.notebook} ${b.path}`));
  let differences = 0;
  for (const b of nums) {
    if (/^result\.seedSweep\.(measures|differences)\.[^.]+\.mean$/.test(b.path)) {
      expect(paths.has(`${b.notebook} ${b.path.replace(/\.mean$/, '.sd')}`), `${b.notebook} ${b.path}`).toBe(true);
    }
    const diff = /^result\.seedSweep\.differences\.([^.]+)\.mean$/.exec(b.path);
    if (diff) {
      differences += 1;
      const sweep = (committed(b.notebook) as { result: { seedSweep: { differences: Record<string, { sameSign: boolean }> } } }).result.seedSweep;
      const sameSign = sweep.differences[diff[1] as string]?.sameSign;
      expect(sameSign, `${b.notebook} ${diff[1]}`).toBeDefined();
      if (sameSign) expect(b.paragraph, `${b.notebook} ${diff[1]}`).toMatch(/every seed/);
      else expect(b.paragraph, `${b.notebook} ${diff[1]}`).toContain('changes sign');
    }
  }
  expect(differences).toBeGreaterThanOrEqual(3);
});

test('the three live experiments are embedded with their committed tables', async ({ page }) => {
  await page.goto(ARTICLE);
  for (const id of NOTEBOOKS) {
    const card = page.locator(`.experiment-card[data-experiment="${id}"]`);
    await expect(card, id).toHaveCount(1);
    const cells = await card.locator('[data-experiment-result] td[data-key][data-value]').evaluateAll((els) => els.map((e) => ({ key: e.getAttribute('data-key') ?? '', value: e.getAttribute('data-value') ?? '' })));
    expect(cells.length, id).toBeGreaterThan(3);
    for (const c of cells) expect(c.value, `${id} ${c.key}`).toBe(String(readResultNumber(committed(id), `result.${c.key}`)));
  }
});

test('the real-size cost numbers equal the library’s counts', async ({ page }) => {
  await page.goto(ARTICLE);
  const preset = getPreset('llava-v1-7b');
  const linear = getProjector('linear');
  const cfg = linear.schema.parse(preset.config) as { visionDim: number; llmDim: number };
  await expect(page.locator('[data-key="ex.linear"]')).toHaveAttribute('data-value', String(linear.paramCount(cfg)));
  await expect(page.locator('[data-key="ex.crossover"]')).toHaveAttribute('data-value', String((cfg.visionDim * cfg.llmDim) / (cfg.visionDim + cfg.llmDim)));
  const lowRank = getProjector('low-rank');
  const r32 = lowRank.paramCount(lowRank.schema.parse({ visionDim: cfg.visionDim, rank: 32, llmDim: cfg.llmDim }));
  await expect(page.locator('.result-num[data-path="result.rows.5.realSizeParams"] .num')).toHaveAttribute('data-value', String(r32));
});

test('no horizontal overflow at phone widths', async ({ page }) => {
  for (const width of [320, 360, 390]) {
    await page.setViewportSize({ width, height: 800 });
    await page.goto(ARTICLE);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow, `${width}px`).toBeLessThanOrEqual(0);
  }
});
