/**
 * Runs the align-multispace experiment (the task, schema and presentation are in the card).
 * The mechanism is the one the source calls CDRA; that paper could not be identified (facts.md d.4).
 *
 * Shapes: image rows [1, B, Di], caption rows [1, B, Dt] (batch 1, B rows as tokens) → embeddings
 * [B, D]; batch moments μ [D], Σ [D, D] of the unit-normalised embeddings.
 */
import * as tf from '@tensorflow/tfjs';
import { columnMeans, matmul, symmetricEigen } from '../../src/primitives/linalg';
import { deriveSeed } from '../../src/primitives/rng';
import { getProjector } from '../../src/projectors/registry';
import { card, type Config, type EpochResult, type Result, type RunResult } from './align-multispace.card';
import { epochBatches, type EpochBatch } from '../toolkit/batches';
import { loadEmojiParts, prepareEmojiPairs, type EmojiPairs } from '../toolkit/emoji-prep';
import { tripletHinge, unitLength } from '../toolkit/losses';
import { chanceRetrieval, retrievalFromSimilarity, shortRetrieval } from '../toolkit/retrieval';
import { runTraining, StepProgress, type Variables } from '../toolkit/training';
import { defineNotebook, type RunContext } from '../types';

export { defaults, type Config, type Result } from './align-multispace.card';

/** Mean [D] and (biased) covariance [D, D] of the rows of x [n, D], differentiable. */
function moments(x: tf.Tensor2D): { mean: tf.Tensor1D; cov: tf.Tensor2D } {
  const mean = x.mean(0) as tf.Tensor1D;
  const c = x.sub(mean);
  return { mean, cov: tf.matMul(c.transpose(), c).div(x.shape[0]) as tf.Tensor2D }; // [D, n] × [n, D] → [D, D]
}

/** Covariance [D, D] (biased) and mean [D] of row-major x [n, D], float64. */
function gaussian(x: Float32Array, n: number, d: number): { mean: Float64Array; cov: Float64Array } {
  const mean = columnMeans(x, n, d);
  const cov = new Float64Array(d * d);
  for (let r = 0; r < n; r += 1) {
    for (let i = 0; i < d; i += 1) {
      const ci = (x[r * d + i] as number) - (mean[i] as number);
      for (let j = 0; j < d; j += 1) cov[i * d + j] = (cov[i * d + j] as number) + (ci * ((x[r * d + j] as number) - (mean[j] as number))) / n;
    }
  }
  return { mean, cov };
}

/** Symmetric PSD square root by eigendecomposition (negative round-off eigenvalues clipped to 0). */
function sqrtPsd(a: Float64Array, d: number): Float64Array {
  const { values, vectors } = symmetricEigen(a, d);
  const out = new Float64Array(d * d);
  for (let k = 0; k < d; k += 1) {
    const s = Math.sqrt(Math.max(values[k] as number, 0));
    for (let i = 0; i < d; i += 1) for (let j = 0; j < d; j += 1) out[i * d + j] = (out[i * d + j] as number) + s * (vectors[k * d + i] as number) * (vectors[k * d + j] as number);
  }
  return out;
}

/**
 * Fréchet distance between N(μ₁, Σ₁) and N(μ₂, Σ₂): ‖μ₁ − μ₂‖² + tr Σ₁ + tr Σ₂ − 2 tr (Σ₁^½ Σ₂ Σ₁^½)^½,
 * the distance FID uses. Also returns ‖μ₁ − μ₂‖.
 */
function frechet(a: Float32Array, b: Float32Array, n: number, d: number): { frechet: number; meanGap: number } {
  const ga = gaussian(a, n, d);
  const gb = gaussian(b, n, d);
  let gap2 = 0;
  let trace = 0;
  for (let i = 0; i < d; i += 1) {
    gap2 += ((ga.mean[i] as number) - (gb.mean[i] as number)) ** 2;
    trace += (ga.cov[i * d + i] as number) + (gb.cov[i * d + i] as number);
  }
  const ra = sqrtPsd(ga.cov, d);
  const inner = matmul(matmul(ra, gb.cov, d, d, d), ra, d, d, d);
  const { values } = symmetricEigen(inner, d);
  let cross = 0;
  for (const v of values) cross += Math.sqrt(Math.max(v, 0));
  return { frechet: Math.max(0, gap2 + trace - 2 * cross), meanGap: Math.sqrt(gap2) };
}

function trainOne(mode: RunResult['key'], cfg: Config, pairs: EmojiPairs, progress: StepProgress): Promise<RunResult> {
  const spec = getProjector('linear');
  const d = cfg.commonDim;
  const { train, test } = pairs;
  const pcfg = {
    image: spec.schema.parse({ visionDim: train.image.shape[1], llmDim: d }),
    text: spec.schema.parse({ visionDim: train.text.shape[1], llmDim: d }),
  };
  type Tower = keyof typeof pcfg;
  const embed = (vars: Variables<Tower>, x: tf.Tensor2D, modality: Tower): tf.Tensor2D => {
    const [n, width] = x.shape;
    return spec.apply(pcfg[modality], vars[modality], { vision: x.reshape([1, n, width]) as tf.Tensor3D }).tokens.reshape([n, d]) as tf.Tensor2D; // [1, n, D] → [n, D]
  };
  const label = mode === 'feature' ? 'Feature space only (triplet)' : 'Feature + distribution space (triplet + Gaussian moments)';
  const weight = mode === 'feature' ? 0 : cfg.distributionWeight;
  const batches = epochBatches(cfg.seed, cfg.epochs, train.n, cfg.batchSize);
  const stepsPerEpoch = Math.ceil(train.n / cfg.batchSize);
  const epochs: EpochResult[] = [];
  let lossSum = 0;

  async function evaluate(vars: Variables<Tower>, epoch: number, trainLoss: number): Promise<EpochResult> {
    const [ni, nt, sim] = tf.tidy(() => {
      const a = unitLength(embed(vars, test.image, 'image'));
      const b = unitLength(embed(vars, test.text, 'text'));
      return [a, b, tf.matMul(a, b.transpose())]; // [n, D] × [D, n] → [n, n]
    });
    const [a, b, s] = await Promise.all([ni.data(), nt.data(), sim.data()]);
    tf.dispose([ni, nt, sim]);
    return { epoch, trainLoss, ...shortRetrieval(retrievalFromSimilarity(Float64Array.from(s), test.n)), ...frechet(a as Float32Array, b as Float32Array, test.n, d) };
  }

  return runTraining({
    // The same initial weights and minibatches in both runs: they differ only by the distribution loss.
    weights: { image: spec.init(pcfg.image, deriveSeed(cfg.seed, 'init.image')), text: spec.init(pcfg.text, deriveSeed(cfg.seed, 'init.text')) },
    optimizer: () => tf.train.adam(cfg.learningRate),
    steps: batches.length,
    loss: (step, vars) => {
      const { rows } = batches[step - 1] as EpochBatch;
      const idx = tf.tensor1d(rows, 'int32');
      const ni = unitLength(embed(vars, tf.gather(train.image, idx), 'image'));
      const nt = unitLength(embed(vars, tf.gather(train.text, idx), 'text'));
      // Feature space: triplet hinge on cosine, both directions, over every in-batch negative.
      const hinge = tripletHinge(ni, nt, cfg.margin);
      let total = hinge.imageToText.add(hinge.textToImage);
      if (weight > 0) {
        // Distribution space: match the two batch Gaussians' means and covariances.
        const gi = moments(ni);
        const gt = moments(nt);
        total = total.add(gi.mean.sub(gt.mean).square().sum().add(gi.cov.sub(gt.cov).square().sum()).mul(weight));
      }
      return total as tf.Scalar;
    },
    before: async (vars) => {
      epochs.push(await evaluate(vars, 0, 0));
    },
    afterStep: async (step, loss, vars) => {
      lossSum += loss ?? 0;
      const batch = batches[step - 1] as EpochBatch;
      if (!batch.epochEnd) return;
      epochs.push(await evaluate(vars, batch.epoch, lossSum / stepsPerEpoch));
      lossSum = 0;
    },
    progress,
    message: (step) => `${label}: epoch ${(batches[step - 1] as EpochBatch).epoch} of ${cfg.epochs}`,
    finish: async () => ({ key: mode, label, epochs }),
  });
}

async function run(cfg: Config, ctx: RunContext): Promise<Result> {
  const emoji = await loadEmojiParts('align-multispace', ['pooled', 'use'], ctx);
  const pairs = prepareEmojiPairs(emoji, { seed: cfg.seed, imageDims: cfg.imageDims, textDims: cfg.textDims, image: 'standardise', text: 'standardise' });
  try {
    const steps = epochBatches(cfg.seed, cfg.epochs, pairs.train.n, cfg.batchSize).length;
    const progress = new StepProgress(ctx, 2 * steps, 3);
    const runs = [await trainOne('feature', cfg, pairs, progress), await trainOne('feature+distribution', cfg, pairs, progress)];
    ctx.onProgress(1, 'done');
    return { runs, chance: shortRetrieval(chanceRetrieval(pairs.test.n)) };
  } finally {
    pairs.dispose();
  }
}

export const notebook = defineNotebook(card, run);
