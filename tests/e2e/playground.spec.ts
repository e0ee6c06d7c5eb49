/**
 * The Projector Playground on the built site: the numbers it paints for a set of kinds and presets
 * equal the library's (the same rows the projector CLI prints, computed here in Node); a permalink
 * reproduces them; malformed and hostile URL states and form values are named and ignored with
 * zero console errors, zero uncaught exceptions and no script execution; a config over the memory
 * budget is refused with its estimate.
 */
import { expect, test, type Page } from '@playwright/test';
import { presets } from '../../src/projectors/presets';
import { describeProjector, DEFAULT_TOKENS, tokensOfInput, type TokenChoice } from '../../notebooks/playground/describe';
import { describeRows } from '../../notebooks/playground/rows';
import type { ProjectorKind } from '../../src/projectors/types';
import { BAD_FIELDS, BAD_QUERIES } from '../unit/playground/bad-inputs';
import { runPlayground, type PlaygroundRecord } from '../../notebooks/playground/run';
import { useBestBackend } from '../../src/runtime/backend';
import { readFileSync } from 'node:fs';
import pkg from '../../package.json' with { type: 'json' };
const pkgVersion = pkg.version;
import { parseSafetensors, serializeSafetensors, type SerializableTensor } from '../../src/primitives/safetensors';

const URL_ = '/lab/playground/';

/** Collects console errors, uncaught exceptions and dialogs (a dialog means a script ran). */
function watch(page: Page): { errors: string[] } {
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('dialog', (d) => {
    errors.push(`dialog: ${d.message()}`);
    void d.dismiss();
  });
  return { errors };
}

async function paintedRows(page: Page): Promise<Record<string, string>> {
  const rows = await page.locator('[data-pg-rows] .pg-row').evaluateAll((els) => els.map((e) => [e.getAttribute('data-row') ?? '', e.querySelector('dd')?.textContent ?? '']));
  return Object.fromEntries(rows);
}

function expectedRows(kind: ProjectorKind, config: unknown, tokens: TokenChoice): Record<string, string> {
  return Object.fromEntries(describeRows(describeProjector(kind, config, tokens)).map((r) => [r.key, r.text]));
}

const live = (page: Page) => expect(page.locator('[data-pg-rows]')).toHaveAttribute('data-source', 'live');

test('the build-time numbers are the default MLP projector\'s', async ({ page }) => {
  const w = watch(page);
  await page.goto(URL_);
  await expect(page.locator('[data-pg-root]')).toHaveAttribute('data-ready', 'true');
  expect(await paintedRows(page)).toEqual(expectedRows('mlp', { visionDim: 32, llmDim: 48, depth: 2 }, DEFAULT_TOKENS));
  expect(w.errors).toEqual([]);
});

const CASES: { query: string; kind: ProjectorKind; config: Record<string, unknown>; tokens: TokenChoice }[] = [
  { query: 'preset=llava-1.5-7b', kind: 'mlp', config: presets['llava-1.5-7b']!.config, tokens: tokensOfInput(presets['llava-1.5-7b']!.input!) },
  { query: 'preset=blip2-opt-2.7b', kind: 'qformer', config: presets['blip2-opt-2.7b']!.config, tokens: tokensOfInput(presets['blip2-opt-2.7b']!.input!) },
  { query: 'kind=linear&set.visionDim=64&set.concat=4&nv=64', kind: 'linear', config: { visionDim: 64, llmDim: 48, concat: 4, split: 1, bias: true }, tokens: { ...DEFAULT_TOKENS, visionTokens: 64 } },
  { query: 'kind=perceiver-resampler&set.depth=3&b=2&nv=100', kind: 'perceiver-resampler', config: { visionDim: 64, depth: 3, numHeads: 4, headDim: 16, numQueries: 8, ffnMult: 4, activation: 'gelu' }, tokens: { batch: 2, visionTokens: 100, textTokens: 8 } },
  { query: 'kind=output-transformer&set.mode=mlp&set.hiddenDim=20&nv=5', kind: 'output-transformer', config: { mode: 'mlp', llmDim: 64, hiddenDim: 20, outputDim: 48 }, tokens: { ...DEFAULT_TOKENS, visionTokens: 5 } },
];

for (const c of CASES) {
  test(`?${c.query}: the painted numbers equal the library's`, async ({ page }) => {
    const w = watch(page);
    await page.goto(`${URL_}?${c.query}`);
    await live(page);
    await expect(page.locator('[data-pg-notices]')).toBeHidden();
    expect(await paintedRows(page)).toEqual(expectedRows(c.kind, c.config, c.tokens));
    expect(w.errors).toEqual([]);
  });
}

test('edits through the form update the numbers and the URL; the permalink reproduces them', async ({ page, context }) => {
  const w = watch(page);
  await page.goto(URL_);
  await expect(page.locator('[data-pg-root]')).toHaveAttribute('data-ready', 'true');
  await page.getByLabel('Kind or preset').selectOption('kind:qformer');
  await page.getByLabel('L: layers', { exact: true }).fill('4');
  await page.getByLabel('Nv: vision tokens', { exact: true }).fill('49');
  await page.getByLabel('seed (weights and random input)').fill('9');
  await live(page);
  const qformerDefaults = (await import('../../src/projectors/qformer')).defaults;
  const expected = expectedRows('qformer', { ...qformerDefaults, depth: 4 }, { ...DEFAULT_TOKENS, visionTokens: 49 });
  await expect.poll(() => paintedRows(page)).toEqual(expected);
  const link = await page.locator('[data-pg-permalink]').getAttribute('href');
  expect(link).toBe('/lab/playground/?kind=qformer&set.depth=4&seed=9&input=random&nv=49');
  expect(new URL(page.url()).search).toBe(link!.slice(URL_.length));
  const second = await context.newPage();
  const w2 = watch(second);
  await second.goto(link!);
  await live(second);
  expect(await paintedRows(second)).toEqual(expected);
  await expect(second.getByLabel('L: layers', { exact: true })).toHaveValue('4');
  expect([...w.errors, ...w2.errors]).toEqual([]);
});

test('a config over the memory budget is refused with its estimate', async ({ page }) => {
  const w = watch(page);
  await page.goto(`${URL_}?kind=mlp&set.visionDim=16384&set.llmDim=16384&set.depth=16`);
  await live(page);
  const guard = page.locator('[data-pg-guard]');
  await expect(guard).toBeVisible();
  await expect(guard).toContainText('Too large to run here');
  await expect(guard).toContainText('over the Playground\'s budget of 1.5 GiB');
  await expect(page.locator('[data-pg-root]')).toHaveAttribute('data-over-budget', 'true');
  expect(w.errors).toEqual([]);
});

test(`${BAD_QUERIES.length} malformed or hostile URL states: a notice each, safe defaults, no errors, no script`, async ({ page }) => {
  test.setTimeout(240_000);
  const w = watch(page);
  await page.addInitScript(() => {
    (window as unknown as { __pwned: number }).__pwned = 0;
    window.alert = () => {
      (window as unknown as { __pwned: number }).__pwned += 1;
    };
  });
  for (const q of BAD_QUERIES) {
    await page.goto(`${URL_}?${q}`);
    await expect(page.locator('[data-pg-root]'), q).toHaveAttribute('data-ready', 'true');
    await expect(page.locator('[data-pg-notices]'), q).toBeVisible();
    await expect(page.locator('[data-pg-rows] .pg-row'), q).toHaveCount(6);
    expect(await page.evaluate(() => (window as unknown as { __pwned: number }).__pwned), q).toBe(0);
    expect(await page.locator('[data-pg-root] script, [data-pg-root] img, [data-pg-root] svg').count(), q).toBe(0);
    await expect(page.locator('[data-pg-rows] dd').first(), q).not.toContainText('NaN');
  }
  expect(w.errors).toEqual([]);
});

test(`${BAD_FIELDS.length} malformed form values: each named inline, the page stays usable`, async ({ page }) => {
  test.setTimeout(240_000);
  const w = watch(page);
  await page.goto(URL_);
  await expect(page.locator('[data-pg-root]')).toHaveAttribute('data-ready', 'true');
  for (const [kind, key, text] of BAD_FIELDS) {
    if ((await page.getByLabel('Kind or preset').inputValue()) !== `kind:${kind}`) await page.getByLabel('Kind or preset').selectOption(`kind:${kind}`);
    const box = page.locator(`[data-field="${key}"][data-group="config"]`);
    const control = box.locator('input, select');
    const tag = await control.evaluate((e) => e.tagName);
    const type = await control.getAttribute('type');
    if (tag === 'SELECT' || type === 'checkbox') {
      // A select or a checkbox cannot hold a bad value from the form; the same text arrives through the URL instead.
      await page.goto(`${URL_}?kind=${kind}&set.${key}=${encodeURIComponent(text)}`);
      await expect(page.locator('[data-pg-notices]')).toContainText(`set.${key}`);
      continue;
    }
    await control.fill(text);
    await expect(box.locator('.lab-error'), `${kind}.${key}=${text}`).toBeVisible();
    await expect(box.locator('.lab-error')).toContainText(key);
    await expect(page.locator('[data-pg-status]')).toContainText(`Fix ${key}`);
    await page.goto(`${URL_}?kind=${kind}`);
  }
  expect(w.errors).toEqual([]);
});

/** The same run in Node on wasm (bit-identical to Chromium's wasm, stack.md §5). */
async function nodeRun(request: Parameters<typeof runPlayground>[0]): Promise<PlaygroundRecord> {
  const used = await useBestBackend('wasm');
  expect(used.backend).toBe('wasm');
  return (await runPlayground(request, { onProgress: () => undefined, now: () => 0 }, used)).record;
}

async function runOnPage(page: Page): Promise<PlaygroundRecord> {
  await page.locator('[data-pg-run]').click();
  await expect(page.locator('[data-pg-run-status]')).toHaveText('Done.', { timeout: 110_000 });
  return JSON.parse((await page.locator('[data-pg-result]').getAttribute('data-record')) ?? 'null') as PlaygroundRecord;
}

test('LLaVA-1.5-7B on 576 tokens runs in the Worker and equals the Node run', async ({ page }) => {
  const w = watch(page);
  await page.goto(`${URL_}?preset=llava-1.5-7b&seed=3`);
  await live(page);
  const record = await runOnPage(page);
  const p = presets['llava-1.5-7b']!;
  expect(record).toEqual(await nodeRun({ kind: 'mlp', config: p.config, seed: 3, tokens: tokensOfInput(p.input!) }));
  const ms = Number(await page.locator('[data-key="forwardMs"]').getAttribute('data-value'));
  const gflops = Number(await page.locator('[data-key="gflops"]').getAttribute('data-value'));
  expect(ms).toBeGreaterThan(0);
  expect(gflops).toBeCloseTo(record.flops / (ms / 1000) / 1e9, 6);
  console.log(`LLaVA-1.5-7B forward in Chromium: ${ms.toFixed(1)} ms, ${gflops.toFixed(2)} GFLOP/s`);
  expect(w.errors).toEqual([]);
});

test('an attention kind shows its attention map; the run equals Node; a permalink run reproduces it', async ({ page, context }) => {
  const w = watch(page);
  const query = 'kind=perceiver-resampler&set.depth=1&seed=4&input=random&nv=25';
  await page.goto(`${URL_}?${query}`);
  await live(page);
  const record = await runOnPage(page);
  const cfg = { ...(await import('../../src/projectors/perceiver-resampler')).defaults, depth: 1 };
  expect(record).toEqual(await nodeRun({ kind: 'perceiver-resampler', config: cfg, seed: 4, tokens: { ...DEFAULT_TOKENS, visionTokens: 25 } }));
  await expect(page.locator('[data-attention="attention"] svg')).toHaveCount(1);
  const again = await context.newPage();
  await again.goto(`${URL_}?${query}`);
  await live(again);
  expect(await runOnPage(again)).toEqual(record);
  expect(w.errors).toEqual([]);
});

test('Cancel stops a long run and leaves the page usable', async ({ page }) => {
  const w = watch(page);
  await page.goto(`${URL_}?kind=mlp&set.visionDim=1024&set.llmDim=2048&set.depth=16&nv=8192`);
  await live(page);
  await expect(page.locator('[data-pg-root]')).toHaveAttribute('data-over-budget', 'false');
  await page.locator('[data-pg-run]').click();
  await expect(page.locator('[data-pg-cancel]')).toBeEnabled();
  await page.locator('[data-pg-cancel]').click();
  await expect(page.locator('[data-pg-run-status]')).toContainText('Cancelled');
  await expect(page.locator('[data-pg-run]')).toBeEnabled();
  await page.getByLabel('Kind or preset').selectOption('kind:linear');
  await live(page);
  const record = await runOnPage(page);
  expect(record.outputShape).toEqual([1, 16, 48]);
  expect(w.errors).toEqual([]);
});

test('a data-set sample runs, shows the emoji as its PNG, and equals the Node run', async ({ page }) => {
  const w = watch(page);
  await page.goto(`${URL_}?kind=linear&set.llmDim=16`);
  await live(page);
  await page.getByLabel('input', { exact: true }).selectOption('sample');
  await expect(page.getByLabel('Dv: vision token width')).toHaveValue('1280');
  await expect(page.getByLabel('Nv: vision tokens')).toHaveValue('49');
  await page.getByLabel('data-set sample index').fill('2');
  await expect(page).toHaveURL(/input=sample&sample=2/);
  const record = await runOnPage(page);
  expect(record).toEqual(await nodeRun({ kind: 'linear', config: { visionDim: 1280, llmDim: 16, concat: 1, split: 1, bias: true }, seed: 1, tokens: { batch: 1, visionTokens: 49, textTokens: 8 }, input: 'sample', sample: 2 }));
  const img = page.locator('.pg-sample img');
  await expect(img).toHaveAttribute('src', /^\/data\/emoji\/gallery\/.+\.png$/);
  expect(await img.evaluate((i: HTMLImageElement) => i.complete && i.naturalWidth > 0)).toBe(true);
  expect(w.errors).toEqual([]);
});

test('the reader\'s own image runs through the encoder; a file that is not an image gets its message', async ({ page }) => {
  const w = watch(page);
  await page.goto(`${URL_}?kind=linear&set.llmDim=16`);
  await live(page);
  const picker = page.locator('[data-pg-image]');
  await picker.setInputFiles({ name: 'notes.png', mimeType: 'image/png', buffer: Buffer.from('this is not a picture') });
  await expect(page.locator('[data-pg-image-note]')).toHaveText('“notes.png” is not a PNG or JPEG image.');
  await expect(page.locator('[data-pg-root]')).toHaveAttribute('data-image', 'refused');
  await picker.setInputFiles('public/data/emoji/gallery/1f30d.png');
  await expect(page.locator('[data-pg-root]')).toHaveAttribute('data-image', 'ready');
  await expect(page.getByLabel('Dv: vision token width')).toHaveValue('1280');
  const record = await runOnPage(page);
  expect(record.meta).toMatchObject({ input: 'image', image: '1f30d.png' });
  expect(record.outputShape).toEqual([1, 49, 16]);
  await page.locator('[data-pg-image-clear]').click();
  await expect(page.locator('[data-pg-image-note]')).toHaveText('');
  expect(w.errors).toEqual([]);
});

test.describe('bring your own weights', () => {
  const G = 'tests/fixtures/golden/mlp';
  const fixtureBytes = new Uint8Array(readFileSync(`${G}/weights.safetensors`));
  const fixtureCfg = JSON.parse(readFileSync(`${G}/config.json`, 'utf8')) as Record<string, number>;
  const query = `kind=mlp&set.visionDim=${fixtureCfg.visionDim}&set.llmDim=${fixtureCfg.llmDim}&seed=2`;
  const hfShard = (): Uint8Array => {
    const t: Record<string, SerializableTensor> = {};
    for (const [n, v] of parseSafetensors(fixtureBytes)) t[`multi_modal_projector.linear_${Number(n[0]) / 2 + 1}.${n.split('.')[1]}`] = { dtype: 'F32', shape: v.shape, data: v.data as Float32Array };
    return serializeSafetensors({ 'vision_tower.patch_embed.weight': { dtype: 'F32', shape: [1000], data: new Float32Array(1000) }, ...t, 'language_model.lm_head.weight': { dtype: 'F32', shape: [500], data: new Float32Array(500) } });
  };
  const pick = (page: Page, name: string, bytes: Uint8Array) => page.locator('[data-pg-weights-file]').setInputFiles({ name, mimeType: 'application/octet-stream', buffer: Buffer.from(bytes) });

  test('the PyTorch fixture loads, runs, and equals the Node run with the same file', async ({ page }) => {
    const w = watch(page);
    await page.goto(`${URL_}?${query}`);
    await live(page);
    await pick(page, 'weights.safetensors', fixtureBytes);
    await expect(page.locator('[data-pg-root]')).toHaveAttribute('data-weights', 'fit');
    await expect(page.locator('.pg-weights-summary')).toContainText('4 tensors; names read as the kind\'s own PyTorch names; 4 matched, 0 not part of the projector; every tensor fits.');
    const record = await runOnPage(page);
    expect(record.meta.weights).toEqual({ file: 'weights.safetensors', convention: 'own', bytesRead: fixtureBytes.length, fileBytes: fixtureBytes.length });
    const used = await useBestBackend('wasm');
    const node = await runPlayground({ kind: 'mlp', config: { ...fixtureCfg }, seed: 2, tokens: DEFAULT_TOKENS, weightsFile: new File([fixtureBytes], 'weights.safetensors') }, { onProgress: () => undefined, now: () => 0 }, used);
    expect(record).toEqual(node.record);
    expect(w.errors).toEqual([]);
  });

  test('a shard under Hugging Face names finds the projector among other tensors', async ({ page }) => {
    const w = watch(page);
    await page.goto(`${URL_}?${query}`);
    await live(page);
    const shard = hfShard();
    await pick(page, 'model-00001-of-00002.safetensors', shard);
    await expect(page.locator('[data-pg-root]')).toHaveAttribute('data-weights', 'fit');
    await expect(page.locator('.pg-weights-summary')).toContainText('6 tensors; names read as Hugging Face llava (multi_modal_projector.linear_1/2); 4 matched, 2 not part of the projector');
    await expect(page.locator('[data-pg-weights-report] tr', { hasText: 'multi_modal_projector.linear_2.weight' })).toContainText('2.weight');
    const record = await runOnPage(page);
    expect(record.meta.weights).toMatchObject({ convention: 'hf-llava', fileBytes: shard.length });
    expect(w.errors).toEqual([]);
  });

  test('a truncated file, a wrong shape, a wrong dtype and a non-safetensors file each get their message; the page stays usable', async ({ page }) => {
    const w = watch(page);
    await page.goto(`${URL_}?${query}`);
    await live(page);
    const note = page.locator('[data-pg-weights-note]');
    await pick(page, 'cut.safetensors', fixtureBytes.slice(0, fixtureBytes.length - 7));
    await expect(note).toHaveText(/^truncated safetensors file: tensor '.+' ends at data byte \d+ but the data section has \d+ bytes$/);
    await pick(page, 'photo.safetensors', new Uint8Array(readFileSync('public/data/emoji/gallery/1f30d.png')));
    await expect(note).toHaveText(/^not a safetensors file: its first 8 bytes give a header of \d+ bytes, which no safetensors file has$/);
    const t: Record<string, SerializableTensor> = {};
    for (const [n, v] of parseSafetensors(fixtureBytes)) t[n] = n === '0.bias' ? { dtype: 'I32', shape: v.shape, data: new Int32Array(v.shape[0]!) } : { dtype: 'F32', shape: v.shape, data: v.data as Float32Array };
    await pick(page, 'int.safetensors', serializeSafetensors(t));
    await expect(page.locator('.pg-weights-problems li')).toHaveText(["tensor '0.bias': expected a float dtype (F32, F16, BF16 or F64), got I32"]);
    await expect(page.locator('[data-pg-root]')).toHaveAttribute('data-weights', 'mismatch');
    await pick(page, 'weights.safetensors', fixtureBytes);
    await expect(page.locator('[data-pg-root]')).toHaveAttribute('data-weights', 'fit');
    await page.getByLabel('Dm: LLM width').fill(String(fixtureCfg.llmDim! + 1));
    await expect(page.locator('[data-pg-root]')).toHaveAttribute('data-weights', 'mismatch');
    const [dv, dm] = [fixtureCfg.visionDim!, fixtureCfg.llmDim!];
    await expect(page.locator('.pg-weights-problems li')).toHaveText([
      `tensor '0.weight': expected shape [${dm + 1}, ${dv}], got [${dm}, ${dv}]`,
      `tensor '0.bias': expected shape [${dm + 1}], got [${dm}]`,
      `tensor '2.weight': expected shape [${dm + 1}, ${dm + 1}], got [${dm}, ${dm}]`,
      `tensor '2.bias': expected shape [${dm + 1}], got [${dm}]`,
    ]);
    const record = await runOnPage(page); // the seeded weights still run
    expect(record.meta.weights).toBe('seed');
    expect(w.errors).toEqual([]);
  });

  test('Save writes the seeded weights as safetensors with PyTorch names', async ({ page }) => {
    await page.goto(`${URL_}?${query}`);
    await live(page);
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-pg-save]').click()]);
    expect(download.suggestedFilename()).toBe('mlp-seed2.safetensors');
    const saved = parseSafetensors(new Uint8Array(readFileSync(await download.path())));
    expect([...saved.keys()].sort()).toEqual(['0.bias', '0.weight', '2.bias', '2.weight']);
    expect(saved.get('0.weight')!.shape).toEqual([fixtureCfg.llmDim, fixtureCfg.visionDim]);
  });
});

test('Cite this experiment follows the state; the result downloads as JSON and CSV with provenance', async ({ page }) => {
  const w = watch(page);
  await page.goto(`${URL_}?kind=linear&seed=6`);
  await live(page);
  const link = new URL(`${URL_}?kind=linear&seed=6&input=random`, page.url()).href;
  await expect(page.locator('[data-pg-cite="bibtex"]')).toContainText(`url          = {${link}},`);
  await expect(page.locator('[data-pg-cite="bibtex"]')).toContainText('@misc{atlas-playground-linear-s6,');
  await expect(page.locator('[data-pg-cite="apa"]')).toContainText(`Projector Playground: linear, seed 6. Projector Atlas (Version ${pkgVersion}). ${link}`);
  const record = await runOnPage(page);
  const [json] = await Promise.all([page.waitForEvent('download'), page.locator('[data-pg-download="json"]').click()]);
  const j = JSON.parse(readFileSync(await json.path(), 'utf8'));
  expect(j.record).toEqual(record);
  expect(j.provenance).toMatchObject({ permalink: link, seed: 6, backend: 'wasm', siteVersion: pkgVersion });
  const [csv] = await Promise.all([page.waitForEvent('download'), page.locator('[data-pg-download="csv"]').click()]);
  const lines = readFileSync(await csv.path(), 'utf8').trim().split('\n');
  expect(lines[1]).toBe(`provenance.permalink,${link}`);
  expect(lines).toContain(`stats.max,${record.stats.max}`);
  expect(w.errors).toEqual([]);
});

test('the code cell runs the reader\'s forward pass in its own Worker and reports the difference or the error', async ({ page }) => {
  const w = watch(page);
  await page.goto(`${URL_}?kind=mlp&seed=4`);
  await live(page);
  const out = page.locator('[data-pg-code-out]');
  await expect(page.getByLabel('Forward pass (JavaScript)')).toHaveValue(/mlp2x_gelu/);
  await page.locator('[data-pg-code-run]').click();
  await expect(out).toHaveAttribute('data-ok', 'true', { timeout: 60_000 });
  expect(Number(await out.getAttribute('data-diff'))).toBeLessThan(1e-5);
  await expect(out).toContainText('Output 1 × 16 × 48; largest difference from the library:');
  await page.getByLabel('Forward pass (JavaScript)').fill('const a = 1;\nreturn tf.zeros(outputShape.concat([');
  await page.locator('[data-pg-code-run]').click();
  await expect(out).toHaveText(/^Does not compile: SyntaxError: /);
  await page.getByLabel('Forward pass (JavaScript)').fill('const a = 1;\nthrow new Error("mine");');
  await page.locator('[data-pg-code-run]').click();
  await expect(out).toHaveText('Failed at line 2: Error: mine');
  await page.getByLabel('Forward pass (JavaScript)').fill('while (true) {}');
  await page.locator('[data-pg-code-run]').click();
  await expect(page.locator('[data-pg-code-cancel]')).toBeEnabled();
  await page.locator('[data-pg-code-cancel]').click();
  await expect(out).toHaveText('Failed: cancelled');
  await page.getByLabel('Forward pass (JavaScript)').fill('document.title = "x"; return tf.zeros(outputShape);');
  await page.locator('[data-pg-code-run]').click();
  await expect(out).toHaveText(/^Failed at line 1: ReferenceError: document is not defined$/);
  expect(await page.title()).not.toBe('x');
  await page.locator('[data-pg-code-reset]').click();
  await expect(page.getByLabel('Forward pass (JavaScript)')).toHaveValue(/mlp2x_gelu/);
  expect(w.errors).toEqual([]);
});
