/**
 * Runs the output-codebook experiment (the question, schema and presentation are in the card).
 * See output-codebook.card.ts for the task; this file is the tfjs side.
 *
 * Shapes: train Z [N, D] (N = 1,529), held-out [M, D] (M = 382); the codebook projector sees them
 * as [1, N, D] and keeps its codes as `embedding.weight` [K, D].
 */
import * as tf from '@tensorflow/tfjs';
import { createRng, deriveSeed } from '../../src/primitives/rng';
import { getProjector } from '../../src/projectors/registry';
import { TRACE_KEYS } from '../../src/projectors/codebook';
import type { Weights } from '../../src/projectors/types';
import { card, codebookSizes, METHOD_LABELS, METHODS, type CodebookPoint, type Config, type Method, type Result } from './output-codebook.card';
import { FULL_IMAGE_DIM, gatherRows, leadingColumns, loadEmojiParts, standardise } from '../toolkit/emoji-prep';
import { kmeansPlusPlus, lloydStep } from '../toolkit/kmeans';
import { runTraining, StepProgress } from '../toolkit/training';
import { defineNotebook, type RunContext } from '../types';

export { codebookSizes, defaults, METHODS, type Config, type Result } from './output-codebook.card';

const spec = getProjector('codebook');

interface Split {
  z: tf.Tensor2D; // [n, D]
  n: number;
  /** Mean ‖z − z̄‖² per element, z̄ the train mean (the data are centred on it): the error's denominator. */
  meanSquare: number;
}

/** Share of the train variance held by the leading `dims` of the 256 PCA components. */
function varianceShare(all: Float32Array, rows: readonly number[], dims: number): number {
  const width = FULL_IMAGE_DIM;
  const mean = new Float64Array(width);
  for (const i of rows) for (let j = 0; j < width; j += 1) mean[j] = (mean[j] as number) + (all[i * width + j] as number) / rows.length;
  let kept = 0;
  let total = 0;
  for (const i of rows) {
    for (let j = 0; j < width; j += 1) {
      const sq = ((all[i * width + j] as number) - (mean[j] as number)) ** 2;
      total += sq;
      if (j < dims) kept += sq;
    }
  }
  return kept / total;
}

/** The codebook's own measures of codes E on a split: error, usage [K], perplexity. */
async function measure(cfg: { codebookSize: number; codeDim: number; beta: number }, weights: Weights, split: Split): Promise<{ error: number; usage: number; perplexity: number }> {
  const vision = split.z.reshape([1, split.n, cfg.codeDim]) as tf.Tensor3D; // [n, D] → [1, n, D]
  const out = spec.apply(cfg, weights, { vision });
  vision.dispose();
  try {
    const mse = (await out.trace[TRACE_KEYS.codebookLoss]!.data())[0] as number; // mean over n·D elements of (z − q)²
    const counts = await out.trace[TRACE_KEYS.usage]!.data(); // [K]
    const perplexity = (await out.trace[TRACE_KEYS.perplexity]!.data())[0] as number;
    let used = 0;
    for (const c of counts) if (c > 0) used += 1;
    return { error: mse / split.meanSquare, usage: used / cfg.codebookSize, perplexity };
  } finally {
    tf.dispose([out.tokens, ...Object.values(out.trace)]);
  }
}

async function point(cfg: { codebookSize: number; codeDim: number; beta: number }, weights: Weights, train: Split, test: Split): Promise<CodebookPoint> {
  const onTrain = await measure(cfg, weights, train);
  const onTest = await measure(cfg, weights, test);
  return { size: cfg.codebookSize, params: spec.paramCount(cfg), trainError: onTrain.error, testError: onTest.error, usage: onTrain.usage, perplexity: onTrain.perplexity };
}

/** k-means++ seeding, then Lloyd iterations; measured through the codebook projector. */
async function fitKmeans(cfg: Config, k: number, train: Split, trainValues: Float32Array, test: Split, progress: StepProgress): Promise<CodebookPoint> {
  const pcfg = spec.schema.parse({ codebookSize: k, codeDim: cfg.dims }) as { codebookSize: number; codeDim: number; beta: number };
  const seeds = kmeansPlusPlus(trainValues, train.n, cfg.dims, k, createRng(deriveSeed(cfg.seed, `kmeans.${k}`)));
  let e = tf.tensor2d(seeds, [k, cfg.dims]);
  try {
    for (let it = 1; it <= cfg.kmeansIters; it += 1) {
      const next = lloydStep(train.z, e);
      e.dispose();
      e = next;
      await progress.step(it === cfg.kmeansIters, () => `k-means, K = ${k}: iteration ${it} of ${cfg.kmeansIters}`);
    }
    return await point(pcfg, { 'embedding.weight': e }, train, test);
  } finally {
    e.dispose();
  }
}

/** The initial codes of a gradient-trained codebook: the library's init, or K distinct train rows. */
function initialCodes(method: Exclude<Method, 'kmeans'>, cfg: Config, k: number, pcfg: object, trainValues: Float32Array, n: number): Weights {
  if (method === 'vq') return spec.init(pcfg, deriveSeed(cfg.seed, `vq.${k}`));
  const rows = createRng(deriveSeed(cfg.seed, `vq-data.${k}`))
    .shuffle(Array.from({ length: n }, (_, i) => i))
    .slice(0, Math.min(k, n));
  // K > N: the codes beyond N repeat rows in order (only at K ≥ 2,048 with the full split).
  const picked = Array.from({ length: k }, (_, c) => rows[c % rows.length] as number);
  return { 'embedding.weight': tf.tensor2d(gatherRows(trainValues, cfg.dims, picked), [k, cfg.dims]) };
}

/** A VQ codebook trained by Adam on the codebook loss over seeded minibatches. */
async function fitVq(method: Exclude<Method, 'kmeans'>, cfg: Config, k: number, train: Split, trainValues: Float32Array, test: Split, progress: StepProgress): Promise<CodebookPoint> {
  const pcfg = spec.schema.parse({ codebookSize: k, codeDim: cfg.dims }) as { codebookSize: number; codeDim: number; beta: number };
  const rng = createRng(deriveSeed(cfg.seed, `${method}.batches.${k}`));
  let order: number[] = [];
  const batch = (): number[] => {
    const out: number[] = [];
    while (out.length < cfg.batchSize) {
      if (order.length === 0) order = rng.shuffle(Array.from({ length: train.n }, (_, i) => i));
      out.push(order.pop() as number);
    }
    return out;
  };
  return runTraining({
    weights: { model: initialCodes(method, cfg, k, pcfg, trainValues, train.n) },
    optimizer: () => tf.train.adam(cfg.learningRate),
    steps: cfg.vqSteps,
    loss: (_step, vars) => {
      const zb = tf.gather(train.z, tf.tensor1d(batch(), 'int32')); // [B, D]
      // Only the codebook term trains anything here: there is no encoder for the commitment term to move.
      return spec.apply(pcfg, vars.model, { vision: zb.reshape([1, cfg.batchSize, cfg.dims]) as tf.Tensor3D }).trace[TRACE_KEYS.codebookLoss] as tf.Scalar; // [B, D] → [1, B, D]
    },
    readLoss: () => false,
    progress,
    message: (step) => `${METHOD_LABELS[method]}, K = ${k}: step ${step} of ${cfg.vqSteps}`,
    finish: (vars) => point(pcfg, vars.model, train, test),
  });
}

async function run(cfg: Config, ctx: RunContext): Promise<Result> {
  const emoji = await loadEmojiParts('output-codebook', ['pooled'], ctx);
  const { train: trainRows, test: testRows } = emoji.split;
  const values = leadingColumns(emoji.pooled.data, FULL_IMAGE_DIM, cfg.dims);
  const read = standardise(values, cfg.dims, trainRows); // (z − train mean) / one train std
  const trainValues = read(trainRows);
  const testValues = read(testRows);
  const split = (v: Float32Array, n: number): Split => {
    const z = tf.tensor2d(v, [n, cfg.dims]);
    let s = 0;
    for (const x of v) s += x * x;
    return { z, n, meanSquare: s / v.length };
  };
  const train = split(trainValues, trainRows.length);
  const test = split(testValues, testRows.length);
  try {
    const sizes = codebookSizes(cfg);
    const progress = new StepProgress(ctx, sizes.length * (cfg.kmeansIters + 2 * cfg.vqSteps), 10);
    const methods: Result['methods'] = [];
    for (const key of METHODS) {
      const pts: CodebookPoint[] = [];
      for (const k of sizes) {
        pts.push(key === 'kmeans' ? await fitKmeans(cfg, k, train, trainValues, test, progress) : await fitVq(key, cfg, k, train, trainValues, test, progress));
      }
      methods.push({ key, label: METHOD_LABELS[key], points: pts });
    }
    ctx.onProgress(1, 'done');
    return { trainVectors: train.n, testVectors: test.n, varianceKept: varianceShare(emoji.pooled.data, trainRows, cfg.dims), methods };
  } finally {
    tf.dispose([train.z, test.z]);
  }
}

export const notebook = defineNotebook(card, run);
