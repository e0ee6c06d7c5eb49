/**
 * The token-compression notebook: the contract every notebook keeps, the LDP-style convolution matrix
 * against the library's depthwise convolution, and every curve direction the performance article
 * claims, asserted on the committed seed sweep (or on the default run where the article says so).
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, test } from 'vitest';
import { BUDGETS, CONV_PLAN, convMatrix, cosineScores, notebook, tent, topK, type Result } from '../../notebooks/experiments/perf-token-compression';
import { getProjector } from '../../src/projectors/registry';
import { TRACE_KEYS } from '../../src/projectors/token-selection';
import { measureName, METHOD_KEYS } from '../../notebooks/experiments/perf-token-compression.card';
import { depthwiseConv } from '../../src/projectors/ops/conv';
import { byKey, committedSweep, defaultsRun, expectDifferenceOnEverySeed, expectNoDifference, measure, notebookContract, onWasm } from './helpers';

const id = 'perf-token-compression';
const run = defaultsRun<Result>(notebook);
const at = (k: number): number => BUDGETS.indexOf(k as (typeof BUDGETS)[number]);

describe(id, () => {
  notebookContract(notebook, {
    run,
    invalid: { change: { tokenDims: 1, trainFraction: 2 }, fields: ['tokenDims', 'trainFraction'] },
    rejects: [{ change: { kmeansIters: 0.5 }, message: /^kmeansIters: / }],
    cancel: { stopsBefore: 0.6 },
  });

  test('the convolution matrix is the depthwise convolution with the tent kernel, for every budget', async () => {
    await onWasm();
    const x = tf.randomNormal([2, 7, 7, 3], 0, 1, 'float32', 5) as tf.Tensor4D;
    for (const [side, { kernel, stride }] of Object.entries(CONV_PLAN)) {
      const g = Number(side);
      const w = tf.tensor4d(tent(kernel), [1, 1, kernel, kernel]).tile([3, 1, 1, 1]); // [C, 1, k, k]
      const ref = depthwiseConv(x, w, stride); // [2, g, g, 3]
      expect(ref.shape).toEqual([2, g, g, 3]);
      const mine = tf.matMul(tf.tensor2d(convMatrix(g), [g * g, 49]), x.transpose([1, 2, 0, 3]).reshape([49, 6])).reshape([g, g, 2, 3]).transpose([2, 0, 1, 3]); // [g², 49] × [49, B·C]
      const diff = (await tf.abs(ref.sub(mine)).max().data())[0] as number;
      expect(diff, `${g}×${g}`).toBeLessThan(1e-6);
      tf.dispose([w, ref, mine]);
    }
    x.dispose();
    expect(Array.from(tent(3)).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
  });

  test('the closed-form scores equal the token-selection projector’s cosine scores', async () => {
    await onWasm();
    const [rows, d, dm] = [6, 5, 24];
    const rnd = (n: number, seed: number) => tf.randomNormal([n], 0, 1, 'float32', seed).dataSync() as Float32Array;
    const tokens = rnd(rows * 49 * d, 1);
    const weight = rnd(dm * d, 2);
    const bias = rnd(dm, 3);
    const query = rnd(rows * dm, 4);
    const spec = getProjector('token-selection');
    const w = { 'proj.weight': tf.tensor2d(weight, [dm, d]), 'proj.bias': tf.tensor1d(bias) };
    const out = spec.apply(spec.schema.parse({ visionDim: d, llmDim: dm, keep: 3, score: 'cosine' }), w, { vision: tf.tensor3d(tokens, [rows, 49, d]), text: tf.tensor3d(query, [rows, 1, dm]) });
    const ref = (await out.trace[TRACE_KEYS.scores]!.data()) as Float32Array;
    const mine = cosineScores(tokens, weight, bias, query, rows, d, dm);
    for (let i = 0; i < ref.length; i += 1) expect(Math.abs((mine[i] as number) - (ref[i] as number)), `score ${i}`).toBeLessThan(1e-5);
    expect(topK(mine, rows, 3)).toEqual(await out.trace[TRACE_KEYS.keptIndices]!.array());
    tf.dispose([w['proj.weight'], w['proj.bias'], out.tokens, ...Object.values(out.trace)]);
  });

  test('top-k keeps the highest scores in grid order, ties to the lower index', () => {
    const scores = new Float32Array(49);
    scores[10] = 3;
    scores[2] = 2;
    scores[40] = 2;
    expect(topK(scores, 1, 3)).toEqual([[2, 10, 40]]);
    expect(topK(new Float32Array(49), 1, 2)).toEqual([[0, 1]]);
  });

  test('article: every method falls from 16 to 4 tokens on every seed, and stays above chance at 4', () => {
    const s = committedSweep(id);
    const chance = run.result().chance.recallAt10;
    for (const key of METHOD_KEYS) {
      const v16 = measure(s, measureName(key, 16)).values;
      measure(s, measureName(key, 4)).values.forEach((v4, i) => {
        expect(v4, `${key}, seed ${s.seeds[i]}`).toBeLessThan(v16[i] as number);
        expect(v4, `${key}, seed ${s.seeds[i]}`).toBeGreaterThan(3 * chance);
      });
    }
    expectDifferenceOnEverySeed(s, ['avgpool49vs4'], 1);
  });

  test('article: going from 49 to 36 pooled tokens does not lower retrieval on average', () => {
    const s = committedSweep(id);
    expect(measure(s, measureName('avgpool', 36)).mean).toBeGreaterThanOrEqual(measure(s, measureName('avgpool', 49)).mean);
  });

  test('article: at 36 tokens the LDP-style convolution and average pooling are the same 2×2 average', () => {
    const r = run.result();
    expect(byKey(r.methods, 'conv').recallAt10[at(36)]).toBe(byKey(r.methods, 'avgpool').recallAt10[at(36)]);
  });

  test('article: at 9 tokens convolution beats pooling and guided selection loses to it on every seed; the resampler shows no difference', () => {
    const s = committedSweep(id);
    expectDifferenceOnEverySeed(s, ['convVsPool9'], 1);
    expectDifferenceOnEverySeed(s, ['guidedVsPool9', 'guidedVsPool4'], -1);
    expectNoDifference(s, 'resamplerVsPool9', -0.1);
    expectNoDifference(s, 'resamplerVsPool4', -0.1);
  });

  test('article: the compressors cost a few hundred thousand FLOPs at most per image', () => {
    const r = run.result();
    const most = Math.max(...r.methods.flatMap((m) => m.flops));
    expect(most).toBe(byKey(r.methods, 'guided').flops[0]);
    expect(most).toBeLessThan(1e6);
  });
});
