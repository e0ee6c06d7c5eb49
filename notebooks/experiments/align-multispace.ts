/**
 * Runs the align-multispace experiment (the task, schema and presentation are in the card).
 * The mechanism is the one the source calls CDRA; that paper could not be identified (facts.md d.4).
 *
 * Shapes: image rows [1, B, Di], caption rows [1, B, Dt] (batch 1, B rows as tokens) → embeddings
 * [B, D]; batch moments μ [D], Σ [D, D] of the unit-normalised embeddings.
 */
import * as tf from '@tensorflow/tfjs';
import { loadEmoji } from '../../src/data';
import { defaultReader } from '../../src/data/default-reader';
import { columnMeans, matmul, pairedRanks, retrievalScores, symmetricEigen } from '../../src/primitives/linalg';
import { createRng, deriveSeed } from '../../src/primitives/rng';
import { getProjector } from '../../src/projectors/registry';
import { card, type Config, type EpochResult, type Result, type RunResult } from './align-multispace.card';
import { leadingColumns, randomProjection, standardise } from '../toolkit/emoji-prep';
import { readScalar, toVariables } from '../toolkit/training';
import { defineNotebook, throwIfAborted, yieldToEventLoop, type RunContext } from '../types';

export { defaults, type Config, type Result } from './align-multispace.card';

interface Split {
  image: tf.Tensor2D;
  text: tf.Tensor2D;
  n: number;
}

const unit = (x: tf.Tensor2D): tf.Tensor2D => x.div(x.norm('euclidean', 1, true).add(1e-8));

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

async function trainOne(
  mode: RunResult['key'],
  cfg: Config,
  data: { train: Split; test: Split },
  ctx: RunContext,
  progress: { done: number; total: number },
): Promise<RunResult> {
  const spec = getProjector('linear');
  const d = cfg.commonDim;
  const pcfg = {
    image: spec.schema.parse({ visionDim: data.train.image.shape[1], llmDim: d }),
    text: spec.schema.parse({ visionDim: data.train.text.shape[1], llmDim: d }),
  };
  // The same initial weights and minibatches in both runs: they differ only by the distribution loss.
  const vars: Record<'image' | 'text', Record<string, tf.Variable>> = {
    image: toVariables(spec.init(pcfg.image, deriveSeed(cfg.seed, 'init.image'))).vars,
    text: toVariables(spec.init(pcfg.text, deriveSeed(cfg.seed, 'init.text'))).vars,
  };
  const varList = [...Object.values(vars.image), ...Object.values(vars.text)];
  const embed = (x: tf.Tensor2D, modality: 'image' | 'text'): tf.Tensor2D => {
    const [n, width] = x.shape;
    return spec.apply(pcfg[modality], vars[modality], { vision: x.reshape([1, n, width]) as tf.Tensor3D }).tokens.reshape([n, d]) as tf.Tensor2D; // [1, n, D] → [n, D]
  };
  const label = mode === 'feature' ? 'Feature space only (triplet)' : 'Feature + distribution space (triplet + Gaussian moments)';
  const weight = mode === 'feature' ? 0 : cfg.distributionWeight;
  const optimizer = tf.train.adam(cfg.learningRate);
  const stepsPerEpoch = Math.ceil(data.train.n / cfg.batchSize);

  async function evaluate(epoch: number, trainLoss: number): Promise<EpochResult> {
    const [ni, nt, sim] = tf.tidy(() => {
      const a = unit(embed(data.test.image, 'image'));
      const b = unit(embed(data.test.text, 'text'));
      return [a, b, tf.matMul(a, b.transpose())]; // [n, D] × [D, n] → [n, n]
    });
    const [a, b, s] = await Promise.all([ni.data(), nt.data(), sim.data()]);
    tf.dispose([ni, nt, sim]);
    const r = retrievalScores(pairedRanks(Float64Array.from(s), data.test.n));
    return { epoch, trainLoss, recallAt1: r.recallAt1, recallAt10: r.recallAt10, medianRank: r.medianRank, ...frechet(a as Float32Array, b as Float32Array, data.test.n, d) };
  }

  try {
    const epochs: EpochResult[] = [await evaluate(0, 0)];
    for (let epoch = 1; epoch <= cfg.epochs; epoch += 1) {
      const order = createRng(deriveSeed(cfg.seed, `batches.${epoch}`)).shuffle(Array.from({ length: data.train.n }, (_, i) => i));
      let lossSum = 0;
      for (let b = 0; b < stepsPerEpoch; b += 1) {
        throwIfAborted(ctx.signal);
        const rows = order.slice(b * cfg.batchSize, (b + 1) * cfg.batchSize);
        if (rows.length < 2) continue; // a one-row remainder has no in-batch negatives
        const [xi, xt] = tf.tidy(() => {
          const idx = tf.tensor1d(rows, 'int32');
          return [tf.gather(data.train.image, idx) as tf.Tensor2D, tf.gather(data.train.text, idx) as tf.Tensor2D];
        });
        const m = rows.length;
        const loss = optimizer.minimize(
          () => {
            const ni = unit(embed(xi, 'image'));
            const nt = unit(embed(xt, 'text'));
            // Feature space: triplet hinge on cosine, both directions, over every in-batch negative.
            const sim = tf.matMul(ni, nt.transpose()); // [m, D] × [D, m] → [m, m]
            const pos = sim.mul(tf.eye(m)).sum(1); // [m]
            const offDiag = tf.onesLike(sim).sub(tf.eye(m));
            const i2t = tf.relu(sim.sub(pos.expandDims(1)).add(cfg.margin)).mul(offDiag).sum().div(m * (m - 1));
            const t2i = tf.relu(sim.sub(pos.expandDims(0)).add(cfg.margin)).mul(offDiag).sum().div(m * (m - 1));
            let total = i2t.add(t2i);
            if (weight > 0) {
              // Distribution space: match the two batch Gaussians' means and covariances.
              const gi = moments(ni);
              const gt = moments(nt);
              total = total.add(gi.mean.sub(gt.mean).square().sum().add(gi.cov.sub(gt.cov).square().sum()).mul(weight));
            }
            return total as tf.Scalar;
          },
          true,
          varList,
        );
        tf.dispose([xi, xt]);
        if (loss) lossSum += await readScalar(loss);
        progress.done += 1;
        if (progress.done % 3 === 0) {
          ctx.onProgress(progress.done / progress.total, `${label}: epoch ${epoch} of ${cfg.epochs}`);
          await yieldToEventLoop();
        }
      }
      epochs.push(await evaluate(epoch, lossSum / stepsPerEpoch));
    }
    return { key: mode, label, epochs };
  } finally {
    optimizer.dispose();
    varList.forEach((v) => v.dispose());
  }
}

async function run(cfg: Config, ctx: RunContext): Promise<Result> {
  throwIfAborted(ctx.signal);
  ctx.onProgress(0, 'loading emoji features');
  const emoji = await loadEmoji(await defaultReader(), ['pooled', 'use']);
  throwIfAborted(ctx.signal);
  const pooled = emoji.pooled!;
  const use = emoji.use!;
  const count = pooled.shape[0] as number;
  const di = pooled.shape[1] as number; // 256
  const dt = use.shape[1] as number; // 512
  const { train, test } = emoji.split;
  // The leading imageDims PCA components (the artefact is PCA-ordered) and a seeded Gaussian random
  // projection of the captions (Johnson–Lindenstrauss: cosines roughly preserved): narrow inputs keep
  // a default run inside the browser budget.
  const imageRows = leadingColumns(pooled.data, di, cfg.imageDims);
  const textRows = randomProjection(use.data, dt, cfg.textDims, cfg.seed);
  const image = standardise(imageRows, cfg.imageDims, train);
  const text = standardise(textRows, cfg.textDims, train);
  const split = (rows: readonly number[]): Split => ({
    image: tf.tensor2d(image(rows), [rows.length, cfg.imageDims]),
    text: tf.tensor2d(text(rows), [rows.length, cfg.textDims]),
    n: rows.length,
  });
  const data = { train: split(train), test: split(test) };
  try {
    const progress = { done: 0, total: 2 * cfg.epochs * Math.ceil(train.length / cfg.batchSize) };
    const runs = [await trainOne('feature', cfg, data, ctx, progress), await trainOne('feature+distribution', cfg, data, ctx, progress)];
    ctx.onProgress(1, 'done');
    return { runs, chance: { recallAt1: 1 / test.length, recallAt10: Math.min(10, test.length) / test.length, medianRank: (test.length + 1) / 2 } };
  } finally {
    tf.dispose([data.train.image, data.train.text, data.test.image, data.test.text]);
  }
}

export const notebook = defineNotebook(card, run);
