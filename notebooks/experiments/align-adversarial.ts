/**
 * Runs the align-adversarial experiment (the task, schema and presentation are in the card).
 * After ACMR (wang2017adversarial); the gradient reversal is src/projectors/ops/gradient-reversal.ts.
 *
 * Shapes: image rows [1, B, 256] and caption rows [1, B, 512] (batch 1, B rows as tokens) → common
 * embeddings [B, D]; label head [D → 10]; modality classifier [D → H → 2] over [2B, D].
 */
import * as tf from '@tensorflow/tfjs';
import { loadEmoji } from '../../src/data';
import { defaultReader } from '../../src/data/default-reader';
import { cholesky, columnMeans, pairedRanks, retrievalScores } from '../../src/primitives/linalg';
import { createRng, deriveSeed } from '../../src/primitives/rng';
import { gradientReversal, reversalSchedule } from '../../src/projectors/ops/gradient-reversal';
import { initLinear, linear } from '../../src/projectors/ops/linear';
import { getProjector } from '../../src/projectors/registry';
import type { Weights } from '../../src/projectors/types';
import { card, type Config, type EpochResult, type Result, type RunResult } from './align-adversarial.card';
import { leadingColumns, randomProjection, standardise } from '../toolkit/emoji-prep';
import { readScalar } from '../toolkit/training';
import { defineNotebook, throwIfAborted, yieldToEventLoop, type RunContext } from '../types';

export { defaults, type Config, type Result } from './align-adversarial.card';

/** Rows of one split: standardised image [n, Di], caption [n, Dt] and category labels [n]. */
interface Split {
  image: tf.Tensor2D;
  text: tf.Tensor2D;
  labels: tf.Tensor1D;
  n: number;
}

/** Solves (A + εI) x = b for a symmetric positive semi-definite A [d, d] by Cholesky. */
function solveSpd(a: Float64Array, b: Float64Array, d: number): Float64Array {
  const reg = Float64Array.from(a);
  let trace = 0;
  for (let i = 0; i < d; i += 1) trace += a[i * d + i] as number;
  for (let i = 0; i < d; i += 1) reg[i * d + i] = (reg[i * d + i] as number) + 1e-6 * (trace / d || 1);
  const l = cholesky(reg, d);
  const z = new Float64Array(d);
  for (let i = 0; i < d; i += 1) {
    let s = b[i] as number;
    for (let k = 0; k < i; k += 1) s -= (l[i * d + k] as number) * (z[k] as number);
    z[i] = s / (l[i * d + i] as number);
  }
  const x = new Float64Array(d);
  for (let i = d - 1; i >= 0; i -= 1) {
    let s = z[i] as number;
    for (let k = i + 1; k < d; k += 1) s -= (l[k * d + i] as number) * (x[k] as number);
    x[i] = s / (l[i * d + i] as number);
  }
  return x;
}

/** Held-out accuracy of Fisher's linear discriminant between image (class 0) and text (class 1) embeddings. */
function fisherProbe(train: { image: Float32Array; text: Float32Array }, test: { image: Float32Array; text: Float32Array }, nTrain: number, nTest: number, d: number): number {
  const mi = columnMeans(train.image, nTrain, d);
  const mt = columnMeans(train.text, nTrain, d);
  const within = new Float64Array(d * d); // pooled within-class scatter
  for (const [x, m] of [[train.image, mi], [train.text, mt]] as const) {
    for (let r = 0; r < nTrain; r += 1) {
      for (let i = 0; i < d; i += 1) {
        const ci = (x[r * d + i] as number) - (m[i] as number);
        for (let j = 0; j < d; j += 1) within[i * d + j] = (within[i * d + j] as number) + ci * ((x[r * d + j] as number) - (m[j] as number));
      }
    }
  }
  const w = solveSpd(within, Float64Array.from(mt, (v, i) => v - (mi[i] as number)), d);
  const project = (x: Float32Array, r: number): number => {
    let s = 0;
    for (let i = 0; i < d; i += 1) s += (x[r * d + i] as number) * (w[i] as number);
    return s;
  };
  let threshold = 0;
  for (let i = 0; i < d; i += 1) threshold += (w[i] as number) * (((mi[i] as number) + (mt[i] as number)) / 2);
  let hits = 0;
  for (let r = 0; r < nTest; r += 1) {
    if (project(test.image, r) <= threshold) hits += 1;
    if (project(test.text, r) > threshold) hits += 1;
  }
  return hits / (2 * nTest);
}

async function trainOne(
  mode: RunResult['key'],
  cfg: Config,
  data: { train: Split; test: Split; classes: number },
  ctx: RunContext,
  progress: { done: number; total: number },
): Promise<RunResult> {
  const mlp = getProjector('mlp');
  const di = data.train.image.shape[1];
  const dt = data.train.text.shape[1];
  const d = cfg.commonDim;
  const imageCfg = mlp.schema.parse({ visionDim: di, llmDim: d, depth: 2 });
  const textCfg = mlp.schema.parse({ visionDim: dt, llmDim: d, depth: 2 });
  // The same initial weights in both runs, so the ablation differs only by the reversal.
  const init: Record<string, Weights> = {
    image: mlp.init(imageCfg, deriveSeed(cfg.seed, 'init.image')),
    text: mlp.init(textCfg, deriveSeed(cfg.seed, 'init.text')),
    label: initLinear('label', d, data.classes, deriveSeed(cfg.seed, 'init.label')),
    modality: {
      ...initLinear('modality.0', d, cfg.classifierHidden, deriveSeed(cfg.seed, 'init.modality')),
      ...initLinear('modality.2', cfg.classifierHidden, 2, deriveSeed(cfg.seed, 'init.modality')),
    },
  };
  const vars: Record<string, Record<string, tf.Variable>> = {};
  for (const [group, weights] of Object.entries(init)) {
    vars[group] = {};
    for (const [name, t] of Object.entries(weights)) {
      vars[group]![name] = tf.variable(t, true, undefined, 'float32');
      t.dispose();
    }
  }
  const varList = Object.values(vars).flatMap((g) => Object.values(g));
  const w = (group: string, name: string): tf.Variable => vars[group]![name]!;
  const optimizer = tf.train.adam(cfg.learningRate, 0.5); // beta1 0.5, as the ACMR demo
  const embed = (x: tf.Tensor2D, modality: 'image' | 'text'): tf.Tensor2D => {
    const [n, width] = x.shape;
    const out = mlp.apply(modality === 'image' ? imageCfg : textCfg, vars[modality]!, { vision: x.reshape([1, n, width]) as tf.Tensor3D }).tokens;
    return out.reshape([n, d]) as tf.Tensor2D; // [1, n, D] → [n, D]
  };
  const modalityLogits = (z: tf.Tensor2D): tf.Tensor2D =>
    linear(linear(z, w('modality', 'modality.0.weight'), w('modality', 'modality.0.bias')).relu(), w('modality', 'modality.2.weight'), w('modality', 'modality.2.bias')) as tf.Tensor2D;
  const labelLogits = (z: tf.Tensor2D): tf.Tensor2D => linear(z, w('label', 'label.weight'), w('label', 'label.bias')) as tf.Tensor2D;
  const modalityTargets = (n: number): tf.Tensor2D => tf.oneHot(tf.concat([tf.zeros([n], 'int32'), tf.ones([n], 'int32')]), 2) as tf.Tensor2D; // image 0, text 1

  const stepsPerEpoch = Math.ceil(data.train.n / cfg.batchSize);
  const totalSteps = cfg.epochs * stepsPerEpoch;
  const epochs: EpochResult[] = [];
  const label = mode === 'adversarial' ? 'With adversary (gradient reversal)' : 'Without adversary (ablation)';
  let step = 0;
  let lambda = 0;
  try {
    for (let epoch = 1; epoch <= cfg.epochs; epoch += 1) {
      // The same seeded minibatch order in both runs.
      const order = createRng(deriveSeed(cfg.seed, `batches.${epoch}`)).shuffle(Array.from({ length: data.train.n }, (_, i) => i));
      let lossSum = 0;
      for (let b = 0; b < stepsPerEpoch; b += 1) {
        throwIfAborted(ctx.signal);
        lambda = mode === 'adversarial' ? cfg.adversaryWeight * reversalSchedule(step / totalSteps) : 0;
        const rows = order.slice(b * cfg.batchSize, (b + 1) * cfg.batchSize);
        if (rows.length < 2) continue; // a one-row remainder has no in-batch negatives
        const [xi, xt, y] = tf.tidy(() => {
          const idx = tf.tensor1d(rows, 'int32');
          return [tf.gather(data.train.image, idx) as tf.Tensor2D, tf.gather(data.train.text, idx) as tf.Tensor2D, tf.oneHot(tf.gather(data.train.labels, idx).toInt(), data.classes)];
        });
        const m = rows.length;
        const loss = optimizer.minimize(
          () => {
            const ei = embed(xi, 'image');
            const et = embed(xt, 'text');
            const labelLoss = tf.losses.softmaxCrossEntropy(y, labelLogits(ei)).add(tf.losses.softmaxCrossEntropy(y, labelLogits(et))).div(2);
            // Triplet hinge on cosine, both directions, averaged over every in-batch negative.
            const ni = ei.div(ei.norm('euclidean', 1, true).add(1e-8));
            const nt = et.div(et.norm('euclidean', 1, true).add(1e-8));
            const sim = tf.matMul(ni, nt.transpose()); // [m, D] × [D, m] → [m, m]
            const pos = sim.mul(tf.eye(m)).sum(1); // [m]
            const offDiag = tf.onesLike(sim).sub(tf.eye(m));
            const i2t = tf.relu(sim.sub(pos.expandDims(1)).add(cfg.margin)).mul(offDiag).sum().div(m * (m - 1));
            const t2i = tf.relu(sim.sub(pos.expandDims(0)).add(cfg.margin)).mul(offDiag).sum().div(m * (m - 1));
            // The modality classifier sees the embeddings through the reversal: it descends, the projectors ascend.
            const reversed = gradientReversal(tf.concat([ei, et]), lambda); // [2m, D]
            const modalityLoss = tf.losses.softmaxCrossEntropy(modalityTargets(m), modalityLogits(reversed));
            return labelLoss.mul(cfg.labelWeight).add(i2t).add(t2i).add(modalityLoss) as tf.Scalar;
          },
          true,
          varList,
        );
        tf.dispose([xi, xt, y]);
        if (loss) lossSum += await readScalar(loss);
        step += 1;
        progress.done += 1;
        if (step % 4 === 0) {
          ctx.onProgress(progress.done / progress.total, `${label}: epoch ${epoch} of ${cfg.epochs}`);
          await yieldToEventLoop();
        }
      }
      epochs.push({ epoch, lambda, trainLoss: lossSum / stepsPerEpoch, ...(await evaluate(data.test)) });
    }
    throwIfAborted(ctx.signal);
    const late = epochs.slice(Math.floor(epochs.length / 2));
    const lateModalityAccuracy = late.reduce((sum, e) => sum + e.modalityAccuracy, 0) / late.length;
    return { key: mode, label, epochs, lateModalityAccuracy, probeAccuracy: await probe() };
  } finally {
    optimizer.dispose();
    varList.forEach((v) => v.dispose());
  }

  async function evaluate(split: Split): Promise<Omit<EpochResult, 'epoch' | 'lambda' | 'trainLoss'>> {
    const [sim, modalityHits, labelHits] = tf.tidy(() => {
      const ei = embed(split.image, 'image');
      const et = embed(split.text, 'text');
      const ni = ei.div(ei.norm('euclidean', 1, true).add(1e-8));
      const nt = et.div(et.norm('euclidean', 1, true).add(1e-8));
      const targets = tf.concat([tf.zeros([split.n], 'int32'), tf.ones([split.n], 'int32')]);
      return [
        tf.matMul(ni, nt.transpose()), // [n, D] × [D, n] → [n, n]
        modalityLogits(tf.concat([ei, et])).argMax(1).equal(targets).sum(),
        labelLogits(ei).argMax(1).equal(split.labels.toInt()).sum(),
      ];
    });
    const s = retrievalScores(pairedRanks(Float64Array.from(await sim.data()), split.n));
    sim.dispose();
    return {
      modalityAccuracy: (await readScalar(modalityHits)) / (2 * split.n),
      recallAt1: s.recallAt1,
      recallAt10: s.recallAt10,
      medianRank: s.medianRank,
      labelAccuracy: (await readScalar(labelHits)) / split.n,
    };
  }

  /**
   * A fresh linear probe on the final embeddings: Fisher's discriminant (closed form, float64) fitted
   * on the train embeddings, threshold halfway between the projected class means, scored held out.
   * Whatever the jointly trained classifier says, this asks whether a linear boundary still exists.
   */
  async function probe(): Promise<number> {
    const fetch = async (s: Split): Promise<{ image: Float32Array; text: Float32Array }> => {
      const [ei, et] = tf.tidy(() => [embed(s.image, 'image'), embed(s.text, 'text')]);
      const out = { image: (await ei.data()) as Float32Array, text: (await et.data()) as Float32Array };
      tf.dispose([ei, et]);
      return out;
    };
    const tr = await fetch(data.train);
    const te = await fetch(data.test);
    return fisherProbe(tr, te, data.train.n, data.test.n, d);
  }
}

async function run(cfg: Config, ctx: RunContext): Promise<Result> {
  throwIfAborted(ctx.signal);
  ctx.onProgress(0, 'loading emoji features');
  const emoji = await loadEmoji(await defaultReader(), ['pooled', 'use', 'captions']);
  throwIfAborted(ctx.signal);
  const pooled = emoji.pooled!;
  const use = emoji.use!;
  const di = pooled.shape[1] as number; // 256
  const dt = use.shape[1] as number; // 512
  const { train, test } = emoji.split;
  const categories = [...new Set(emoji.captions!.map((r) => r.category))].sort();
  const labelOf = emoji.captions!.map((r) => categories.indexOf(r.category));
  // Narrower inputs keep a default run inside the browser budget (the backward matmuls dominate):
  // the leading imageDims PCA components (the artefact is PCA-ordered), and a seeded Gaussian random
  // projection of the captions to textDims (Johnson–Lindenstrauss: cosines are roughly preserved).
  const imageRows = leadingColumns(pooled.data, di, cfg.imageDims);
  const textRows = randomProjection(use.data, dt, cfg.textDims, cfg.seed);
  const image = standardise(imageRows, cfg.imageDims, train);
  const text = standardise(textRows, cfg.textDims, train);
  const split = (rows: readonly number[]): Split => ({
    image: tf.tensor2d(image(rows), [rows.length, cfg.imageDims]),
    text: tf.tensor2d(text(rows), [rows.length, cfg.textDims]),
    labels: tf.tensor1d(rows.map((i) => labelOf[i] as number), 'float32'),
    n: rows.length,
  });
  const data = { train: split(train), test: split(test), classes: categories.length };
  try {
    const progress = { done: 0, total: 2 * cfg.epochs * Math.ceil(train.length / cfg.batchSize) };
    const runs = [await trainOne('adversarial', cfg, data, ctx, progress), await trainOne('no-adversary', cfg, data, ctx, progress)];
    // Chance for the category head: always answering the most frequent held-out category.
    const counts = new Map<number, number>();
    for (const i of test) counts.set(labelOf[i] as number, (counts.get(labelOf[i] as number) ?? 0) + 1);
    ctx.onProgress(1, 'done');
    return {
      runs,
      chance: {
        modalityAccuracy: 0.5,
        recallAt1: 1 / test.length,
        recallAt10: Math.min(10, test.length) / test.length,
        medianRank: (test.length + 1) / 2,
        labelAccuracy: Math.max(...counts.values()) / test.length,
      },
    };
  } finally {
    tf.dispose([data.train.image, data.train.text, data.train.labels, data.test.image, data.test.text, data.test.labels]);
  }
}

export const notebook = defineNotebook(card, run);
