/**
 * Runs the align-adversarial experiment (the task, schema and presentation are in the card).
 * After ACMR (wang2017adversarial); the gradient reversal is src/projectors/ops/gradient-reversal.ts.
 *
 * Shapes: image rows [1, B, 256] and caption rows [1, B, 512] (batch 1, B rows as tokens) → common
 * embeddings [B, D]; label head [D → 10]; modality classifier [D → H → 2] over [2B, D].
 */
import * as tf from '@tensorflow/tfjs';
import { cholesky, columnMeans } from '../../src/primitives/linalg';
import { deriveSeed } from '../../src/primitives/rng';
import { gradientReversal, reversalSchedule } from '../../src/projectors/ops/gradient-reversal';
import { initLinear, linear } from '../../src/projectors/ops/linear';
import { getProjector } from '../../src/projectors/registry';
import { card, type Config, type EpochResult, type Result, type RunResult } from './align-adversarial.card';
import { epochBatches, type EpochBatch } from '../toolkit/batches';
import { loadEmojiParts, prepareEmojiPairs, type EmojiPairs, type PairSplit } from '../toolkit/emoji-prep';
import { tripletHinge, unitLength } from '../toolkit/losses';
import { chanceRetrieval, retrievalFromSimilarity, shortRetrieval } from '../toolkit/retrieval';
import { readFloat64, readScalar, runTraining, StepProgress, type Variables } from '../toolkit/training';
import { defineNotebook, type RunContext } from '../types';

export { defaults, type Config, type Result } from './align-adversarial.card';

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

function trainOne(mode: RunResult['key'], cfg: Config, data: { pairs: EmojiPairs; labels: { train: tf.Tensor1D; test: tf.Tensor1D }; classes: number }, progress: StepProgress): Promise<RunResult> {
  const mlp = getProjector('mlp');
  const { train, test } = data.pairs;
  const d = cfg.commonDim;
  const imageCfg = mlp.schema.parse({ visionDim: train.image.shape[1], llmDim: d, depth: 2 });
  const textCfg = mlp.schema.parse({ visionDim: train.text.shape[1], llmDim: d, depth: 2 });
  type Group = 'image' | 'text' | 'label' | 'modality';
  type Vars = Variables<Group>;
  const embed = (vars: Vars, x: tf.Tensor2D, modality: 'image' | 'text'): tf.Tensor2D => {
    const [n, width] = x.shape;
    const out = mlp.apply(modality === 'image' ? imageCfg : textCfg, vars[modality], { vision: x.reshape([1, n, width]) as tf.Tensor3D }).tokens;
    return out.reshape([n, d]) as tf.Tensor2D; // [1, n, D] → [n, D]
  };
  const w = (vars: Vars, group: Group, name: string): tf.Variable => vars[group][name]!;
  const modalityLogits = (vars: Vars, z: tf.Tensor2D): tf.Tensor2D =>
    linear(linear(z, w(vars, 'modality', 'modality.0.weight'), w(vars, 'modality', 'modality.0.bias')).relu(), w(vars, 'modality', 'modality.2.weight'), w(vars, 'modality', 'modality.2.bias')) as tf.Tensor2D;
  const labelLogits = (vars: Vars, z: tf.Tensor2D): tf.Tensor2D => linear(z, w(vars, 'label', 'label.weight'), w(vars, 'label', 'label.bias')) as tf.Tensor2D;
  const modalityTargets = (n: number): tf.Tensor2D => tf.oneHot(tf.concat([tf.zeros([n], 'int32'), tf.ones([n], 'int32')]), 2) as tf.Tensor2D; // image 0, text 1

  // The same seeded minibatch order in both runs.
  const batches = epochBatches(cfg.seed, cfg.epochs, train.n, cfg.batchSize);
  const stepsPerEpoch = Math.ceil(train.n / cfg.batchSize);
  const totalSteps = cfg.epochs * stepsPerEpoch;
  // The reversal strength of step `step` (1-based) follows the ACMR schedule over the whole training.
  const lambdaAt = (step: number): number => (mode === 'adversarial' ? cfg.adversaryWeight * reversalSchedule((step - 1) / totalSteps) : 0);
  const epochs: EpochResult[] = [];
  const label = mode === 'adversarial' ? 'With adversary (gradient reversal)' : 'Without adversary (ablation)';
  let lossSum = 0;

  async function evaluate(vars: Vars): Promise<Omit<EpochResult, 'epoch' | 'lambda' | 'trainLoss'>> {
    const [sim, modalityHits, labelHits] = tf.tidy(() => {
      const ei = embed(vars, test.image, 'image');
      const et = embed(vars, test.text, 'text');
      const targets = tf.concat([tf.zeros([test.n], 'int32'), tf.ones([test.n], 'int32')]);
      return [
        tf.matMul(unitLength(ei), unitLength(et).transpose()), // [n, D] × [D, n] → [n, n]
        modalityLogits(vars, tf.concat([ei, et])).argMax(1).equal(targets).sum(),
        labelLogits(vars, ei).argMax(1).equal(data.labels.test.toInt()).sum(),
      ];
    });
    const s = shortRetrieval(retrievalFromSimilarity(await readFloat64(sim), test.n));
    return {
      modalityAccuracy: (await readScalar(modalityHits)) / (2 * test.n),
      ...s,
      labelAccuracy: (await readScalar(labelHits)) / test.n,
    };
  }

  /**
   * A fresh linear probe on the final embeddings: Fisher's discriminant (closed form, float64) fitted
   * on the train embeddings, threshold halfway between the projected class means, scored held out.
   * Whatever the jointly trained classifier says, this asks whether a linear boundary still exists.
   */
  async function probe(vars: Vars): Promise<number> {
    const fetch = async (s: PairSplit): Promise<{ image: Float32Array; text: Float32Array }> => {
      const [ei, et] = tf.tidy(() => [embed(vars, s.image, 'image'), embed(vars, s.text, 'text')]);
      const out = { image: (await ei.data()) as Float32Array, text: (await et.data()) as Float32Array };
      tf.dispose([ei, et]);
      return out;
    };
    const tr = await fetch(train);
    const te = await fetch(test);
    return fisherProbe(tr, te, train.n, test.n, d);
  }

  return runTraining({
    // The same initial weights in both runs, so the ablation differs only by the reversal.
    weights: {
      image: mlp.init(imageCfg, deriveSeed(cfg.seed, 'init.image')),
      text: mlp.init(textCfg, deriveSeed(cfg.seed, 'init.text')),
      label: initLinear('label', d, data.classes, deriveSeed(cfg.seed, 'init.label')),
      modality: {
        ...initLinear('modality.0', d, cfg.classifierHidden, deriveSeed(cfg.seed, 'init.modality')),
        ...initLinear('modality.2', cfg.classifierHidden, 2, deriveSeed(cfg.seed, 'init.modality')),
      },
    },
    optimizer: () => tf.train.adam(cfg.learningRate, 0.5), // beta1 0.5, as the ACMR demo
    steps: batches.length,
    loss: (step, vars) => {
      const { rows } = batches[step - 1] as EpochBatch;
      const idx = tf.tensor1d(rows, 'int32');
      const y = tf.oneHot(tf.gather(data.labels.train, idx).toInt(), data.classes);
      const ei = embed(vars, tf.gather(train.image, idx), 'image');
      const et = embed(vars, tf.gather(train.text, idx), 'text');
      const labelLoss = tf.losses.softmaxCrossEntropy(y, labelLogits(vars, ei)).add(tf.losses.softmaxCrossEntropy(y, labelLogits(vars, et))).div(2);
      // Triplet hinge on cosine, both directions, averaged over every in-batch negative.
      const hinge = tripletHinge(unitLength(ei), unitLength(et), cfg.margin);
      // The modality classifier sees the embeddings through the reversal: it descends, the projectors ascend.
      const reversed = gradientReversal(tf.concat([ei, et]), lambdaAt(step)); // [2m, D]
      const modalityLoss = tf.losses.softmaxCrossEntropy(modalityTargets(rows.length), modalityLogits(vars, reversed));
      return labelLoss.mul(cfg.labelWeight).add(hinge.imageToText).add(hinge.textToImage).add(modalityLoss) as tf.Scalar;
    },
    afterStep: async (step, loss, vars) => {
      lossSum += loss ?? 0;
      const batch = batches[step - 1] as EpochBatch;
      if (!batch.epochEnd) return;
      epochs.push({ epoch: batch.epoch, lambda: lambdaAt(step), trainLoss: lossSum / stepsPerEpoch, ...(await evaluate(vars)) });
      lossSum = 0;
    },
    progress,
    message: (step) => `${label}: epoch ${(batches[step - 1] as EpochBatch).epoch} of ${cfg.epochs}`,
    finish: async (vars) => {
      const late = epochs.slice(Math.floor(epochs.length / 2));
      const lateModalityAccuracy = late.reduce((sum, e) => sum + e.modalityAccuracy, 0) / late.length;
      return { key: mode, label, epochs, lateModalityAccuracy, probeAccuracy: await probe(vars) };
    },
  });
}

async function run(cfg: Config, ctx: RunContext): Promise<Result> {
  const emoji = await loadEmojiParts('align-adversarial', ['pooled', 'use', 'captions'], ctx);
  const categories = [...new Set(emoji.captions.map((r) => r.category))].sort();
  const labelOf = emoji.captions.map((r) => categories.indexOf(r.category));
  const pairs = prepareEmojiPairs(emoji, { seed: cfg.seed, imageDims: cfg.imageDims, textDims: cfg.textDims, image: 'standardise', text: 'standardise' });
  const labelsOf = (rows: readonly number[]): tf.Tensor1D => tf.tensor1d(rows.map((i) => labelOf[i] as number), 'float32');
  const labels = { train: labelsOf(pairs.train.rows), test: labelsOf(pairs.test.rows) };
  try {
    const steps = epochBatches(cfg.seed, cfg.epochs, pairs.train.n, cfg.batchSize).length;
    const progress = new StepProgress(ctx, 2 * steps, 4);
    const data = { pairs, labels, classes: categories.length };
    const runs = [await trainOne('adversarial', cfg, data, progress), await trainOne('no-adversary', cfg, data, progress)];
    // Chance for the category head: always answering the most frequent held-out category.
    const counts = new Map<number, number>();
    for (const i of pairs.test.rows) counts.set(labelOf[i] as number, (counts.get(labelOf[i] as number) ?? 0) + 1);
    ctx.onProgress(1, 'done');
    return {
      runs,
      chance: { modalityAccuracy: 0.5, ...shortRetrieval(chanceRetrieval(pairs.test.n)), labelAccuracy: Math.max(...counts.values()) / pairs.test.n },
    };
  } finally {
    pairs.dispose();
    tf.dispose([labels.train, labels.test]);
  }
}

export const notebook = defineNotebook(card, run);
