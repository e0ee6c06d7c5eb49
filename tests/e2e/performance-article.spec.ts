/**
 * The performance article: every computed number equals the library's (summarizePreset for the
 * projector's paramCount / flops / outputShape, src/reference/llm-cost.ts for what the tokens cost),
 * the cost model recomputes the same values after the reader changes the projector or the LLM shape,
 * and the dynamic-resolution calculator matches smart_resize. Bad input is named and leaves the last
 * numbers in place.
 */
import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { summarizePreset } from '../../src/reference/preset-summary';
import { COST_OUTPUTS, QWEN2VL_DEFAULT_PIXELS, costModelOutputs, dynamicResolutionTokens, llamaShape, llmShapeSchema, visualTokenCost, type LlmShape, type ProjectorCost } from '../../src/reference/llm-cost';
import { formatValue, type FormatSpec } from '../../src/primitives/format';

const ARTICLE = '/articles/performance/';

/** The projector side of the cost model from the library: paramCount, flops and outputShape of the preset. */
function projector(id: string): ProjectorCost {
  const s = summarizePreset(id);
  return { params: s.params, flops: s.flops!, tokensIn: s.input!.vision[1] as number, tokensOut: s.outputShape![1] as number, width: s.outputShape![2] as number };
}

async function costValues(page: Page): Promise<Record<string, number>> {
  const cells = page.locator('[data-cost-model] td[data-key^="cost."]');
  const pairs = await cells.evaluateAll((els) => els.map((e) => [e.getAttribute('data-key') ?? '', Number(e.getAttribute('data-value'))] as const));
  return Object.fromEntries(pairs.map(([k, v]) => [k.replace('cost.', ''), v]));
}

async function expectCost(page: Page, p: ProjectorCost, s: LlmShape, text: number, context: number): Promise<void> {
  const want = costModelOutputs(p, s, text, context);
  await expect.poll(() => costValues(page)).toEqual(want);
  for (const o of COST_OUTPUTS) await expect(page.locator(`td[data-key="cost.${o.key}"]`)).toHaveText(formatValue(o.format as FormatSpec, want[o.key]));
}

test('the prose numbers equal the library values', async ({ page }) => {
  await page.goto(ARTICLE);
  const llava = projector('llava-1.5-7b');
  const shape = llamaShape(4096, 32);
  const cost = visualTokenCost(shape, llava.tokensOut, 100, 4096);
  const val = async (key: string): Promise<number> => Number(await page.locator(`[data-key="${key}"]`).first().getAttribute('data-value'));
  expect(await val('perf.llava.params')).toBe(llava.params);
  expect(await val('perf.llava.flops')).toBe(llava.flops);
  expect(await val('perf.llava.tokens')).toBe(576);
  expect(await val('perf.llava.added')).toBe(cost.added.total);
  expect(await val('perf.llava.kv')).toBe(cost.kvBytes);
  expect(await val('perf.llava.ratio')).toBe(cost.added.total / llava.flops);
  const ldp = projector('mobilevlm-ldp-1.7b');
  expect(await val('perf.ldp.out')).toBe(ldp.tokensOut);
  expect(await val('perf.ldp.added')).toBe(visualTokenCost(shape, ldp.tokensOut, 100, 4096).added.total);
  expect(await val('perf.masked.added')).toBe(cost.added.total);
  expect(await val('perf.qwen.224')).toBe(64);
  expect(await val('perf.qwen.224m')).toBe(66);
  // Every <Num> shows its raw value through the shared formatter.
  const nums = await page.locator('article .num[data-key^="perf."]').evaluateAll((els) =>
    els.map((e) => ({ key: e.getAttribute('data-key'), value: Number(e.getAttribute('data-value')), format: e.getAttribute('data-format') ?? 'int', digits: e.getAttribute('data-digits'), text: e.textContent })),
  );
  expect(nums.length).toBeGreaterThan(30);
  for (const n of nums) expect(n.text, n.key ?? '').toBe(formatValue({ kind: n.format as FormatSpec['kind'], digits: n.digits === null ? undefined : Number(n.digits) }, n.value));
});

test('the cost model equals the library for the defaults and after the reader changes it', async ({ page }) => {
  await page.goto(ARTICLE);
  const root = page.locator('[data-cost-model]');
  await expect(root).toHaveAttribute('data-ready', 'true');
  await expectCost(page, projector('llava-1.5-7b'), llamaShape(4096, 32), 100, 4096);

  // Another projector: its own width and the LLaMA-13B shape for width 5120.
  await page.locator('[data-cost-field="preset"]').selectOption('llava-1.5-13b');
  await expectCost(page, projector('llava-1.5-13b'), llamaShape(5120, 40), 100, 4096);

  // A Q-Former preset with a hand-set shape: grouped-query attention, a longer prompt, 8-bit cache.
  await page.locator('[data-cost-field="preset"]').selectOption('blip2-opt-2.7b');
  await page.locator('[data-cost-field="layers"]').fill('24');
  await page.locator('[data-cost-field="kvHeads"]').fill('4');
  await page.locator('[data-cost-field="textTokens"]').fill('2000');
  await page.locator('[data-cost-field="context"]').fill('8192');
  await page.locator('[data-cost-field="bytesPerValue"]').selectOption('1');
  const blip = projector('blip2-opt-2.7b');
  const base = llamaShape(blip.width, 32);
  await expectCost(page, blip, llmShapeSchema.parse({ ...base, layers: 24, kvHeads: 4, bytesPerValue: 1 }), 2000, 8192);

  // Plain (non-gated) feed-forward.
  await page.locator('[data-cost-field="gatedFfn"]').uncheck();
  await expectCost(page, blip, llmShapeSchema.parse({ ...base, layers: 24, kvHeads: 4, bytesPerValue: 1, gatedFfn: false }), 2000, 8192);
});

test('a shape that does not divide is named and the last numbers stay', async ({ page }) => {
  await page.goto(ARTICLE);
  await expect(page.locator('[data-cost-model]')).toHaveAttribute('data-ready', 'true');
  const before = await costValues(page);
  await page.locator('[data-cost-field="heads"]').fill('7');
  await expect(page.locator('[data-cost-problem]')).toContainText('attention heads');
  await page.locator('[data-cost-field="layers"]').fill('');
  await expect(page.locator('[data-cost-problem]')).toContainText('LLM layers: "" is not a whole number');
  await page.locator('[data-cost-field="layers"]').fill('999');
  await expect(page.locator('[data-cost-problem]')).toContainText('LLM layers: 999 is outside 1–256');
  expect(await costValues(page)).toEqual(before);
  await expect(page.locator('body')).not.toContainText('NaN');
});

test('the dynamic-resolution calculator matches smart_resize', async ({ page }) => {
  await page.goto(ARTICLE);
  const root = page.locator('[data-dyn-tokens]');
  await expect(root).toHaveAttribute('data-ready', 'true');
  const read = (k: string) => root.locator(`td[data-key="dyn.${k}"]`).getAttribute('data-value').then(Number);
  const cfg = { height: 1080, width: 1920, patch: 14, merge: 2, minPixels: QWEN2VL_DEFAULT_PIXELS.min, maxPixels: QWEN2VL_DEFAULT_PIXELS.max };
  expect(await read('tokens')).toBe(dynamicResolutionTokens(cfg).tokens);
  await root.locator('[data-dyn-field="height"]').fill('1000');
  await root.locator('[data-dyn-field="width"]').fill('1000');
  await expect.poll(() => read('tokens')).toBe(1225);
  await root.locator('[data-dyn-field="patch"]').selectOption('16');
  const q3 = dynamicResolutionTokens({ ...cfg, height: 1000, width: 1000, patch: 16 });
  await expect.poll(() => read('tokens')).toBe(q3.tokens);
  expect(await read('resizedHeight')).toBe(q3.resizedHeight);
  await root.locator('[data-dyn-field="minPixels"]').fill('99999999');
  await expect(root.locator('[data-dyn-problem]')).toContainText('min pixels');
  expect(await read('tokens')).toBe(q3.tokens);
});

test('the compression section paints the committed seed sweep', async ({ page }) => {
  const record = JSON.parse(readFileSync('content/data/perf-token-compression.json', 'utf8')) as {
    result: { budgets: number[]; methods: { key: string; flops: number[] }[]; seedSweep: { measures: Record<string, { mean: number; min: number; max: number }>; differences: Record<string, { mean: number }> } };
  };
  const sweep = record.result.seedSweep;
  await page.goto(ARTICLE);
  const val = async (key: string): Promise<number> => Number(await page.locator(`[data-key="${key}"]`).first().getAttribute('data-value'));
  for (const m of record.result.methods) {
    for (const [j, k] of record.result.budgets.entries()) {
      const s = sweep.measures[`${m.key}R10k${k}`]!;
      expect(await val(`perf.tc.${m.key}-${k}.mean`)).toBe(s.mean);
      expect(await val(`perf.tc.${m.key}-${k}.min`)).toBe(s.min);
      expect(await val(`perf.tc.${m.key}-${k}.max`)).toBe(s.max);
      expect(await val(`perf.tc.${m.key}-${k}.flops`)).toBe(m.flops[j]);
    }
  }
  expect(await val('perf.tc.conv9')).toBe(sweep.differences.convVsPool9!.mean);
  expect(await val('perf.tc.pooldrop')).toBe(sweep.differences.avgpool49vs4!.mean);
  // The chart's points are the same means.
  const points = await page.locator('#fig-compression svg').first().locator('[data-key="avgpool"] .fig-point').count();
  expect(points).toBe(record.result.budgets.length);
});

