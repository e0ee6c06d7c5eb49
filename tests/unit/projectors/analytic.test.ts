/**
 * Hand-computable cases: all-ones weights give closed-form outputs; pixel shuffle's channel order;
 * depthwise conv and adaptive pooling on known grids; token selection keeps exactly the k
 * top-scored tokens in original order; InfoNCE symmetry; codebook with codes equal to the inputs.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { spec as codebook } from '../../../src/projectors/codebook';
import { clipLoss, spec as dual } from '../../../src/projectors/dual-projection';
import { spec as ldp } from '../../../src/projectors/ldp';
import { spec as linear } from '../../../src/projectors/linear';
import { spec as lowRank } from '../../../src/projectors/low-rank';
import { spec as mlp } from '../../../src/projectors/mlp';
import { adaptiveAvgPool2d, adaptivePoolMatrix, depthwiseConv } from '../../../src/projectors/ops/conv';
import { spec as pixelShuffleMlp, TRACE_KEYS as PS } from '../../../src/projectors/pixel-shuffle-mlp';
import { spec as tokenSelection, TRACE_KEYS as TS } from '../../../src/projectors/token-selection';
import type { WeightSpec, Weights } from '../../../src/projectors/types';
import { setupBackend } from './setup';

beforeAll(setupBackend);

const filled = (specs: WeightSpec[], value: number): Weights => Object.fromEntries(specs.map((s) => [s.name, tf.fill([...s.shape], value)]));
const erf = (x: number): number => {
  // Abramowitz–Stegun 7.1.26 is too coarse; use the series for small |x| (enough for these tests).
  let sum = 0;
  let term = x;
  for (let n = 0; n < 60; n += 1) {
    sum += term / (2 * n + 1);
    term *= (-x * x) / (n + 1);
  }
  return (2 / Math.sqrt(Math.PI)) * sum;
};
const gelu = (x: number): number => 0.5 * x * (1 + erf(x / Math.SQRT2));
const close = (a: number[], b: number[], tol = 1e-5): void => {
  expect(a.length).toBe(b.length);
  a.forEach((v, i) => expect(Math.abs(v - (b[i] as number))).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(b[i] as number))));
};

describe('all-ones weights', () => {
  it('linear: every output = Σx + 1; with concat 2 the sum spans both tokens', () => {
    const cfg = { visionDim: 3, llmDim: 2, concat: 2, split: 1, bias: true };
    const w = filled(linear.weightSpecs(cfg), 1);
    const x = tf.tensor3d([[[1, 2, 3], [4, 5, 6], [0.5, 0, -1], [2, 2, 2]]]);
    const { tokens } = linear.apply(cfg, w, { vision: x });
    expect(tokens.arraySync()).toEqual([[[22, 22], [6.5, 6.5]]]); // 1+…+6 + 1, 0.5−1+6 + 1
  });

  it('linear split 2: one token becomes two identical tokens of Σx + 1', () => {
    const cfg = { visionDim: 2, llmDim: 3, concat: 1, split: 2, bias: true };
    const { tokens } = linear.apply(cfg, filled(linear.weightSpecs(cfg), 1), { vision: tf.tensor3d([[[1, 2]]]) });
    expect(tokens.arraySync()).toEqual([[[4, 4, 4], [4, 4, 4]]]);
  });

  it('mlp2x_gelu: out = Dm · gelu(Σx + 1) + 1', () => {
    const cfg = { visionDim: 3, llmDim: 4, depth: 2 };
    const x = tf.tensor3d([[[0.1, -0.2, 0.3], [-1, 0.5, -0.25]]]);
    const { tokens } = mlp.apply(cfg, filled(mlp.weightSpecs(cfg), 1), { vision: x });
    const expected = [0.2 + 1, -0.75 + 1].flatMap((h) => Array(4).fill(4 * gelu(h) + 1) as number[]);
    close(Array.from(tokens.dataSync()), expected);
  });

  it('low-rank: out = r · Σx + 1', () => {
    const cfg = { visionDim: 3, rank: 2, llmDim: 2 };
    const { tokens } = lowRank.apply(cfg, filled(lowRank.weightSpecs(cfg), 1), { vision: tf.tensor3d([[[1, 2, 3]]]) });
    expect(tokens.arraySync()).toEqual([[[13, 13]]]);
  });

  it('ldp v2 with an all-zero MLP and PEG: tokens = pool(bias path) = zeros', () => {
    const cfg = { visionDim: 2, llmDim: 3, version: 2 as const, poolSize: 2, eps: 1e-5 };
    const { tokens } = ldp.apply(cfg, filled(ldp.weightSpecs(cfg), 0), { vision: tf.ones([1, 16, 2]) as tf.Tensor3D });
    expect(Array.from(tokens.dataSync())).toEqual(new Array(12).fill(0));
  });
});

describe('pixel shuffle channel order (InternVL modeling_internvl_chat.py)', () => {
  // A 4×4 grid of 1-channel tokens whose value is the raster index (row·4 + col).
  const grid = (): tf.Tensor3D => tf.tensor3d([Array.from({ length: 16 }, (_, i) => [i])]);
  it('v2: token (i, j) holds block rows 2i, 2i+1 and columns 2j, 2j+1 as [(2i,2j), (2i,2j+1), (2i+1,2j), (2i+1,2j+1)]', () => {
    const cfg = { visionDim: 1, llmDim: 2, downsample: 2, psVersion: 'v2' as const, eps: 1e-5 };
    const { trace } = pixelShuffleMlp.apply(cfg, pixelShuffleMlp.init(cfg, 0), { vision: grid() });
    expect(trace[PS.shuffled]?.arraySync()).toEqual([[[0, 1, 4, 5], [2, 3, 6, 7], [8, 9, 12, 13], [10, 11, 14, 15]]]);
  });
  it('v1: the same blocks on a transposed grid', () => {
    const cfg = { visionDim: 1, llmDim: 2, downsample: 2, psVersion: 'v1' as const, eps: 1e-5 };
    const { trace } = pixelShuffleMlp.apply(cfg, pixelShuffleMlp.init(cfg, 0), { vision: grid() });
    expect(trace[PS.shuffled]?.arraySync()).toEqual([[[0, 1, 4, 5], [8, 9, 12, 13], [2, 3, 6, 7], [10, 11, 14, 15]]]);
  });
});

describe('convolution helpers', () => {
  it('depthwise 3×3 of ones on a 4×4 grid of ones: corners 4, edges 6, interior 9; stride 2 samples (0,0),(0,2),(2,0),(2,2)', () => {
    const x = tf.ones([1, 4, 4, 1]) as tf.Tensor4D;
    const w = tf.ones([1, 1, 3, 3]);
    expect((depthwiseConv(x, w, 1).squeeze() as tf.Tensor).arraySync()).toEqual([
      [4, 6, 6, 4],
      [6, 9, 9, 6],
      [6, 9, 9, 6],
      [4, 6, 6, 4],
    ]);
    expect((depthwiseConv(x, w, 2).squeeze() as tf.Tensor).arraySync()).toEqual([
      [4, 6],
      [6, 9],
    ]);
    expect((depthwiseConv(tf.ones([1, 5, 5, 1]) as tf.Tensor4D, w, 2).squeeze() as tf.Tensor).shape).toEqual([3, 3]);
  });

  it('adaptive average pooling uses PyTorch bins: 6 → 4 averages [0,1], [1,2], [3,4], [4,5]', () => {
    close(Array.from(adaptivePoolMatrix(6, 4).dataSync()), [
      0.5, 0.5, 0, 0, 0, 0,
      0, 0.5, 0.5, 0, 0, 0,
      0, 0, 0, 0.5, 0.5, 0,
      0, 0, 0, 0, 0.5, 0.5,
    ]);
    close(Array.from(adaptivePoolMatrix(5, 3).dataSync()), [0.5, 0.5, 0, 0, 0, 0, 1 / 3, 1 / 3, 1 / 3, 0, 0, 0, 0, 0.5, 0.5]);
    // 4×4 grid of raster indices → 2×2 means of each 2×2 block.
    const g = tf.tensor4d(Array.from({ length: 16 }, (_, i) => i), [1, 4, 4, 1]);
    expect((adaptiveAvgPool2d(g, 2, 2).squeeze() as tf.Tensor).arraySync()).toEqual([
      [2.5, 4.5],
      [10.5, 12.5],
    ]);
  });
});

describe('token selection keeps exactly the k top-scored tokens, in original order', () => {
  it('identity projection, text along e₀: score = cosine = first coordinate of each unit token', () => {
    const cfg = { visionDim: 2, llmDim: 2, keep: 3, score: 'cosine' as const };
    const w = { 'proj.weight': tf.tensor2d([[1, 0], [0, 1]]), 'proj.bias': tf.zeros([2]) };
    const angles = [1.2, 0.1, 2.5, 0.4, 0.05, 1.0]; // cos: 0.362, 0.995, −0.801, 0.921, 0.999, 0.540
    const vision = tf.tensor3d([angles.map((a) => [Math.cos(a), Math.sin(a)])]);
    const text = tf.tensor3d([[[3, 0], [5, 0], [100, 100]]]);
    const mask = tf.tensor2d([[1, 1, 0]]); // the third text token is padding: pooled text = (4, 0)
    const { tokens, trace } = tokenSelection.apply(cfg, w, { vision, text, mask });
    close(Array.from(trace[TS.scores]?.dataSync() ?? []), angles.map(Math.cos));
    expect(trace[TS.keptIndices]?.arraySync()).toEqual([[1, 3, 4]]);
    close(Array.from(tokens.dataSync()), [1, 3, 4].flatMap((i) => [Math.cos(angles[i] as number), Math.sin(angles[i] as number)]));
  });
});

describe('CLIP dual projection and InfoNCE', () => {
  const cfg = { visionDim: 3, textDim: 2, embedDim: 2, learnLogitScale: true, logitScaleInit: Math.log(1 / 0.07) };
  it('logit_scale initialises to ln(1/0.07), a multiplier of 1/0.07', () => {
    const w = dual.init(cfg, 0);
    expect(w.logit_scale?.dataSync()[0]).toBeCloseTo(2.659260036932778, 6);
    const v = tf.randomNormal([2, 1, 3], 0, 1, 'float32', 1) as tf.Tensor3D;
    const t = tf.randomNormal([2, 1, 2], 0, 1, 'float32', 2) as tf.Tensor3D;
    expect(dual.apply(cfg, w, { vision: v, text: t }).trace.logitScale?.dataSync()[0]).toBeCloseTo(1 / 0.07, 4);
  });

  it('is symmetric: swapping the modalities transposes the logits and keeps the loss', () => {
    const sq = { ...cfg, visionDim: 3, textDim: 3 };
    const w = dual.init(sq, 4);
    const v = tf.randomNormal([4, 1, 3], 0, 1, 'float32', 5) as tf.Tensor3D;
    const t = tf.randomNormal([4, 1, 3], 0, 1, 'float32', 6) as tf.Tensor3D;
    const swapped = { 'visual.proj': w.text_projection as tf.Tensor, text_projection: w['visual.proj'] as tf.Tensor, logit_scale: w.logit_scale as tf.Tensor };
    const a = dual.apply(sq, w, { vision: v, text: t }).trace.logitsPerImage as tf.Tensor2D;
    const b = dual.apply(sq, swapped, { vision: t, text: v }).trace.logitsPerImage as tf.Tensor2D;
    close(Array.from(b.dataSync()), Array.from(a.transpose().dataSync()));
    expect(clipLoss(b).dataSync()[0]).toBeCloseTo(clipLoss(a).dataSync()[0] as number, 5);
    expect(clipLoss(a.transpose() as tf.Tensor2D).dataSync()[0]).toBeCloseTo(clipLoss(a).dataSync()[0] as number, 5);
  });

  it('hand values: uniform logits give ln B; a strongly diagonal matrix gives ≈ 0', () => {
    expect(clipLoss(tf.zeros([4, 4]) as tf.Tensor2D).dataSync()[0]).toBeCloseTo(Math.log(4), 6);
    expect(clipLoss(tf.eye(3).mul(50) as tf.Tensor2D).dataSync()[0]).toBeLessThan(1e-20);
    // [[2, 0], [1, 3]]: rows −log softmax diag = log(1+e⁻²), log(1+e⁻²); columns log(1+e⁻¹), log(1+e⁻³).
    const l = tf.tensor2d([[2, 0], [1, 3]]);
    const rows = Math.log(1 + Math.exp(-2)) * 2;
    const cols = Math.log(1 + Math.exp(-1)) + Math.log(1 + Math.exp(-3));
    expect(clipLoss(l).dataSync()[0]).toBeCloseTo((rows / 2 + cols / 2) / 2, 6);
  });
});

describe('codebook', () => {
  const cfg = { codebookSize: 4, codeDim: 2, beta: 0.25 };
  const codes = [[1, 0], [0, 1], [-1, 0], [0, -1]];
  it('codes equal to the inputs: zero losses, identity tokens, exact indices, perplexity = K when all used', () => {
    const w = { 'embedding.weight': tf.tensor2d(codes) };
    const z = tf.tensor3d([[codes[2], codes[0], codes[3], codes[1]] as number[][]]);
    const { tokens, trace } = codebook.apply(cfg, w, { vision: z });
    expect(tokens.arraySync()).toEqual(z.arraySync());
    expect(trace.indices?.arraySync()).toEqual([[2, 0, 3, 1]]);
    expect(trace.loss?.dataSync()[0]).toBe(0);
    expect(trace.codebookLoss?.dataSync()[0]).toBe(0);
    expect(Array.from(trace.usage?.dataSync() ?? [])).toEqual([1, 1, 1, 1]);
    expect(trace.perplexity?.dataSync()[0]).toBeCloseTo(4, 4);
  });

  it('nearest code by squared L2, losses by hand, straight-through gradient = identity', () => {
    const w = { 'embedding.weight': tf.tensor2d(codes) };
    const z = tf.tensor3d([[[0.9, 0.2], [0.1, -0.6]]]); // nearest: code 0 (d² 0.05), code 3 (d² 0.17)
    const { tokens, trace } = codebook.apply(cfg, w, { vision: z });
    expect(trace.indices?.arraySync()).toEqual([[0, 3]]);
    close(Array.from(tokens.dataSync()), [1, 0, 0, -1]);
    const mse = (0.01 + 0.04 + 0.01 + 0.16) / 4;
    expect(trace.codebookLoss?.dataSync()[0]).toBeCloseTo(mse, 6);
    expect(trace.loss?.dataSync()[0]).toBeCloseTo(mse * 1.25, 6);
    expect(trace.perplexity?.dataSync()[0]).toBeCloseTo(2, 4); // two codes used equally
    const g = tf.grad((x: tf.Tensor) => codebook.apply(cfg, w, { vision: x as tf.Tensor3D }).tokens.sum())(z);
    expect(Array.from(g.dataSync())).toEqual([1, 1, 1, 1]);
  });
});
