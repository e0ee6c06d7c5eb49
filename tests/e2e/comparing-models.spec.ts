/**
 * The article "Comparing models": every cost on the page (table cells, scatter points, the shape
 * flow) equals the projector library's paramCount / flops / outputShape for the same preset,
 * recomputed here from src/projectors, not read from the article's own module; PaLI's connection is
 * marked unverified; the model select redraws the pipeline figure.
 */
import { expect, test, type Page } from '@playwright/test';
import { getPreset } from '../../src/projectors/presets';
import { getProjector } from '../../src/projectors/registry';
import { paramBreakdown, type Config as QformerConfig } from '../../src/projectors/qformer';
import { formatValue, formatShape, type FormatSpec } from '../../src/primitives/format';

const ARTICLE = '/articles/comparing-models/';
/** Vicuna-7B, the LLM every prefill is priced at (nominal size from its name, models.json). */
const LLM_PARAMS = 7e9;

const reformat = (value: number, format: string, digits?: number): string => formatValue({ kind: format as FormatSpec['kind'], digits }, value);

function library(presetId: string) {
  const preset = getPreset(presetId);
  const spec = getProjector(preset.kind);
  const cfg = spec.schema.parse(preset.config);
  const input = preset.input ?? { vision: [] };
  return { params: spec.paramCount(cfg), flops: spec.flops(cfg, input), out: spec.outputShape(cfg, input), in: input.vision, cfg, kind: preset.kind };
}

function componentsParams(spec: string): number {
  return spec.split(',').reduce((sum, item) => {
    const m = /^([^:]+):(all|qformer|proj)\*(\d+)$/.exec(item);
    if (!m) throw new Error(`bad data-components item "${item}"`);
    const lib = library(m[1] as string);
    const each = m[2] === 'all' ? lib.params : paramBreakdown(lib.cfg as QformerConfig)[m[2] as 'qformer' | 'proj'];
    return sum + each * Number(m[3]);
  }, 0);
}

async function rows(page: Page) {
  return page.locator('table.compare-table tbody tr').evaluateAll((trs) =>
    trs.map((tr) => {
      const num = (sel: string) => {
        const el = tr.querySelector(sel);
        return el ? { value: el.getAttribute('data-value'), format: el.getAttribute('data-format') ?? 'int', digits: el.getAttribute('data-digits'), text: el.textContent } : null;
      };
      const id = tr.getAttribute('data-row') ?? '';
      return {
        id,
        components: tr.getAttribute('data-components') ?? '',
        flopsPreset: tr.getAttribute('data-flops-preset') ?? '',
        inject: tr.getAttribute('data-inject') ?? '',
        params: num(`td[data-cost="params"] .num`),
        flops: num(`td[data-cost="flops"] .num`),
        prefill: num(`td[data-cost="prefill"] .num`),
        tokens: num(`[data-key="${id}.tokens"]`),
        tokensIn: num(`[data-key="${id}.tokens-in"]`),
      };
    }),
  );
}

test('every cost in the comparison table equals the library’s count for the same preset', async ({ page }) => {
  await page.goto(ARTICLE);
  const table = await rows(page);
  expect(table.length).toBeGreaterThanOrEqual(15);
  let priced = 0;
  for (const r of table) {
    if (r.params) {
      const expected = componentsParams(r.components);
      expect(r.params.value, `${r.id} params`).toBe(String(expected));
      expect(r.params.text, `${r.id} params text`).toBe(reformat(expected, r.params.format));
    }
    if (r.flopsPreset) {
      priced += 1;
      const lib = library(r.flopsPreset);
      expect(r.flops?.value, `${r.id} flops`).toBe(String(lib.flops));
      expect(r.tokens?.value, `${r.id} tokens`).toBe(String(lib.out[1]));
      expect(r.tokensIn?.value, `${r.id} tokens in`).toBe(String(lib.in[1]));
      if (r.prefill) {
        const tokensInSequence = r.inject === 'cross-attention' ? 0 : (lib.out[1] as number);
        const expected = 2 * LLM_PARAMS * tokensInSequence;
        expect(r.prefill.value, `${r.id} prefill`).toBe(String(expected));
        expect(r.prefill.text, `${r.id} prefill text`).toBe(reformat(expected, r.prefill.format, r.prefill.digits === null ? undefined : Number(r.prefill.digits)));
      }
    } else {
      // Nothing is priced for a row without the model's own preset (PaLI, LVP, Flamingo's paper, Unified-IO 2).
      expect([r.params, r.flops, r.prefill, r.tokens], r.id).toEqual([null, null, null, null]);
    }
  }
  expect(priced).toBeGreaterThanOrEqual(12);
});

test('the scatter points carry the library’s parameters, tokens and FLOPs', async ({ page }) => {
  await page.goto(ARTICLE);
  const table = new Map((await rows(page)).map((r) => [r.id, r]));
  const tokParams = await page.locator('#fig-tokens-params .fig-variant-wide [data-value][data-x]').evaluateAll((els) =>
    els.map((e) => ({ key: e.getAttribute('data-key') ?? '', x: Number(e.getAttribute('data-x')), y: Number(e.getAttribute('data-value')) })),
  );
  expect(tokParams.length).toBeGreaterThan(8);
  for (const p of tokParams) {
    const r = table.get(p.key);
    expect(r, p.key).toBeDefined();
    expect(p.y, p.key).toBe(componentsParams(r?.components ?? ''));
    expect(p.x, p.key).toBe(library(r?.flopsPreset ?? '').out[1]);
  }
  const prefill = await page.locator('#fig-prefill-tokens .fig-variant-wide [data-value][data-x]').evaluateAll((els) =>
    els.map((e) => ({ key: e.getAttribute('data-key') ?? '', x: Number(e.getAttribute('data-x')), y: Number(e.getAttribute('data-value')) })),
  );
  expect(prefill.some((p) => p.key.startsWith('projector:'))).toBe(true);
  for (const p of prefill) {
    if (p.key.startsWith('prefill:')) expect(p.y, p.key).toBe(2 * LLM_PARAMS * p.x);
    else {
      const r = table.get(p.key.slice('projector:'.length));
      const lib = library(r?.flopsPreset ?? '');
      expect([p.x, p.y], p.key).toEqual([lib.out[1], lib.flops]);
    }
  }
});

test('the model select redraws the shape flow with the chosen preset’s shapes and parameters', async ({ page }) => {
  await page.goto(ARTICLE);
  const projector = page.locator('#fig-flow .fig-variant-wide [data-key="input-projector"]');
  const llava = library('llava-1.5-7b');
  await expect(projector.locator('[data-shape]').first()).toHaveAttribute('data-shape', llava.out.slice(1).join(','));
  const select = page.locator('[data-flow-select]');
  await expect(select).toBeVisible();
  for (const [id, preset] of [['internvl2-8b', 'internvl2-8b'], ['blip-2-opt-2-7b', 'blip2-opt-2.7b'], ['gill', 'gill-input']] as const) {
    await select.selectOption(id);
    const lib = library(preset);
    await expect(projector.locator('[data-shape]').first()).toHaveAttribute('data-shape', lib.out.slice(1).join(','));
    await expect(page.locator('#fig-flow .fig-variant-wide [data-key="encoder"] [data-shape]').first()).toHaveAttribute('data-shape', lib.in.slice(1).join(','));
    await expect(page.locator('#fig-flow')).toHaveAttribute('data-flow-model', id);
    // The projector box's parameter count is the library's paramCount of the same preset's components.
    const spec = await page.locator(`table.compare-table tr[data-row="${id}"]`).getAttribute('data-components');
    await expect(projector.locator('[data-value]').first()).toHaveAttribute('data-value', String(componentsParams(spec ?? '')));
    await expect(page.locator('#fig-flow .fig-variant-wide')).toContainText(formatShape(lib.out.slice(1)));
  }
  // GILL has an output projector: its stage is drawn, not dashed.
  await expect(page.locator('#fig-flow .fig-variant-wide [data-key="output-projector"]')).not.toHaveClass(/absent/);
});

test('PaLI’s connection is marked unverified, and the source’s wrong claims are corrected with their ledger links', async ({ page }) => {
  await page.goto(ARTICLE);
  const callout = page.locator('[data-unverified="pali-connection"]');
  await expect(callout).toContainText('UNVERIFIED');
  await expect(page.locator('table.compare-table tr[data-row="pali"]')).toContainText('UNVERIFIED');
  await expect(page.locator('table.training-table tr[data-row="pali"]')).toContainText('UNVERIFIED');
  for (const id of ['C23', 'C26', 'C28', 'C29', 'C31', 'C33']) {
    await expect(page.locator(`a[href="/reference/claims/#claim-${id}"]`).first(), id).toBeAttached();
  }
  // LVP's figure is attributed to the submission, not cited as a paper.
  await expect(page.locator('[data-quote="lvp.reduction"] + .quote-source')).toContainText('OpenReview PxBzxO02Ef');
  // The unsupported FLOPs claim never appears as a quote.
  await expect(page.locator('[data-quote]')).not.toContainText(['75% fewer FLOPs']);
});

test('no horizontal overflow at phone widths', async ({ page }) => {
  for (const width of [320, 360, 390]) {
    await page.setViewportSize({ width, height: 800 });
    await page.goto(ARTICLE);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow, `${width}px`).toBeLessThanOrEqual(0);
  }
});
