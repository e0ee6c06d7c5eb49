/**
 * A Playground run in Node on wasm: deterministic, its output equals a hand-built forward pass of the
 * same seeded weights and input, attention kinds expose their maps, no tensor leaks, LLaVA-1.5-7B on
 * 576 tokens completes, and a config over the memory budget is refused before allocation.
 */
import { existsSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { presets } from '../../../src/projectors/presets';
import { getProjector } from '../../../src/projectors/registry';
import { useBestBackend, type BackendInfo } from '../../../src/runtime/backend';
import { BudgetError, runPlayground, MAP_COLS, MAP_ROWS } from '../../../notebooks/playground/run';
import { tokensOfInput } from '../../../notebooks/playground/describe';
import { loadSampleInput } from '../../../notebooks/playground/sample-input';

let backend: BackendInfo;
beforeAll(async () => {
  backend = await useBestBackend('wasm');
  expect(backend.backend).toBe('wasm');
});
const hooks = { onProgress: () => undefined, now: () => 0 };

describe('playground run', () => {
  it('is deterministic and equals the projector applied to the same seeded weights and input', async () => {
    const req = { kind: 'mlp', config: { visionDim: 32, llmDim: 48, depth: 2 }, seed: 5, tokens: { batch: 2, visionTokens: 16, textTokens: 8 } };
    const before = tf.memory().numTensors;
    const a = await runPlayground(req, hooks, backend);
    const b = await runPlayground(req, hooks, backend);
    expect(tf.memory().numTensors).toBe(before);
    expect(a.record).toEqual(b.record);
    expect(a.record.outputShape).toEqual([2, 16, 48]);
    const spec = getProjector('mlp');
    const w = spec.init(req.config, 5);
    const x = tf.randomNormal([2, 16, 32], 0, 1, 'float32', 5) as tf.Tensor3D;
    const y = spec.apply(req.config, w, { vision: x }).tokens;
    expect(a.record.stats.first).toEqual(Array.from(y.dataSync().slice(0, 8)));
    expect(a.record.stats.max).toBe(y.max().dataSync()[0]);
    expect(a.record.stats.mean).toBeCloseTo(y.mean().dataSync()[0]!, 6);
    tf.dispose([...Object.values(w), x, y]);
    expect(a.record.meta).toMatchObject({ kind: 'mlp', seed: 5, backend: 'wasm', input: 'random' });
  });

  it('an attention kind exposes a head-averaged map, cut to the page size', async () => {
    const r = await runPlayground({ kind: 'perceiver-resampler', config: getProjector('perceiver-resampler').defaults, seed: 1, tokens: { batch: 1, visionTokens: 100, textTokens: 8 } }, hooks, backend);
    expect(r.record.attention.length).toBe(1);
    const m = r.record.attention[0]!;
    expect(m.key).toBe('attention');
    expect(m.rows).toBeLessThanOrEqual(MAP_ROWS);
    expect(m.cols).toBe(MAP_COLS);
    // each head's softmax row sums to 1 over all Nv + Q keys, so the cut row sums to at most 1
    for (const row of m.values) expect(row.reduce((s, v) => s + v, 0)).toBeLessThanOrEqual(1 + 1e-5);
  });

  it('LLaVA-1.5-7B on 576 tokens runs to completion', async () => {
    const p = presets['llava-1.5-7b']!;
    const r = await runPlayground({ kind: 'mlp', config: p.config, seed: 1, tokens: tokensOfInput(p.input!) }, { onProgress: () => undefined, now: () => performance.now() }, backend);
    expect(r.record.outputShape).toEqual([1, 576, 4096]);
    expect(r.record.params).toBe(20_979_712);
    expect(Number.isFinite(r.record.stats.std)).toBe(true);
    expect(r.forwardMs).toBeGreaterThan(0);
  });

  it('runs on a data-set sample (a committed emoji, its PNG on disk) and names a bad index or shape', async () => {
    const req = { kind: 'linear', config: { visionDim: 1280, llmDim: 16 }, seed: 2, tokens: { batch: 1, visionTokens: 49, textTokens: 8 }, input: 'sample', sample: 3 };
    const r = await runPlayground(req, hooks, backend);
    expect(r.record.outputShape).toEqual([1, 49, 16]);
    expect(r.record.meta.sample).toBeDefined();
    expect(existsSync(`public/${r.record.meta.sample!.image}`)).toBe(true);
    const input = await loadSampleInput(3);
    expect(input.vision.length).toBe(49 * 1280);
    expect(r.record.meta.sample!.index).toBe(input.index);
    const random = await runPlayground({ ...req, input: 'random' }, hooks, backend);
    expect(random.record.stats.mean).not.toBe(r.record.stats.mean);
    await expect(runPlayground({ ...req, sample: 999 }, hooks, backend)).rejects.toThrow(/sample must be from 0 to \d+ \(the \d+ emoji with a committed image\), got 999/);
    await expect(runPlayground({ ...req, config: { visionDim: 32, llmDim: 16 } }, hooks, backend)).rejects.toThrow('a data-set sample is vision 1 × 49 × 1,280 (B = 1, Nv = 49, Dv = 1280), but this configuration takes vision 1 × 49 × 32');
  });

  it('runs on an image encoded by MobileNetV2, and refuses image data of the wrong length', async () => {
    const data = new Uint8ClampedArray(16 * 16 * 4).map((_, i) => (i % 4 === 3 ? 255 : (i * 7) % 256));
    const req = { kind: 'linear', config: { visionDim: 1280, llmDim: 8 }, seed: 1, tokens: { batch: 1, visionTokens: 49, textTokens: 8 }, input: 'image', image: { name: 'x.png', width: 16, height: 16, data } };
    const r = await runPlayground(req, hooks, backend);
    expect(r.record.outputShape).toEqual([1, 49, 8]);
    expect(r.record.meta).toMatchObject({ input: 'image', image: 'x.png' });
    expect((await runPlayground(req, hooks, backend)).record).toEqual(r.record);
    await expect(runPlayground({ ...req, image: { ...req.image, width: 15 } }, hooks, backend)).rejects.toThrow(/width × height RGBA pixels/);
  });

  it('refuses a config over the memory budget before allocating, and a bad request by name', async () => {
    const before = tf.memory().numTensors;
    await expect(runPlayground({ kind: 'mlp', config: { visionDim: 16384, llmDim: 16384, depth: 16 }, seed: 1, tokens: { batch: 1, visionTokens: 16, textTokens: 8 } }, hooks, backend)).rejects.toBeInstanceOf(BudgetError);
    expect(tf.memory().numTensors).toBe(before);
    await expect(runPlayground({ kind: 'nope', config: {}, seed: 1, tokens: { batch: 1, visionTokens: 16, textTokens: 8 } }, hooks, backend)).rejects.toThrow(/unknown projector kind/);
    await expect(runPlayground({ kind: 'qformer', config: { ...getProjector('qformer').defaults, numHeads: 5 }, seed: 1, tokens: { batch: 1, visionTokens: 16, textTokens: 8 } }, hooks, backend)).rejects.toThrow(/numHeads 5 must divide/);
  });
});
