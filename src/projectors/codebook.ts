/**
 * Vector-quantisation codebook: each input vector is replaced by its nearest code (squared L2);
 * the straight-through estimator passes gradients to the input; the VQ-VAE loss trains the codes.
 *
 * Shapes: vision [B, N, Dc] (features already in code space) → tokens [B, N, Dc] = z + sg(q − z);
 *   trace indices [B, N] int32, codebookLoss [], commitmentLoss [], loss [], usage [K], perplexity [].
 * Papers: lu2023unifiedio2 (Unified-IO 2 emits images as VQ-GAN code indices: 16,384 codes of
 * width 256, 32×32 = 1,024 tokens per 256×256 image; facts.md "Unified-IO 2"); li2025discrete
 * (discrete tokenizers, codebook collapse). The loss is VQ-VAE's ‖sg[z] − q‖² + β‖z − sg[q]‖²
 * (van den Oord et al. 2017 — no entry in references.bib yet).
 * PyTorch names: `embedding.weight` [K, Dc] (nn.Embedding, as in taming-transformers' VectorQuantizer).
 * Departures: no encoder/decoder, only the quantiser. taming's `legacy=True` quantiser puts β on the
 * codebook term instead; this uses the paper's form. Losses are means over all elements; usage
 * counts the batch's code assignments, perplexity = exp(−Σ p log(p + 1e-10)).
 */
import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { checkShape, getWeight } from './ops/common';
import { stopGradient } from './ops/grad';
import type { ApplyOutput, InputShapes, ProjectorSpec, Shape, WeightSpec, Weights } from './types';
import { deriveSeed } from '../primitives/rng';

const positiveInt = z.number().int().positive();

export const schema = z
  .object({
    /** K: number of codes (Unified-IO 2 image VQ-GAN: 16,384). */
    codebookSize: positiveInt,
    /** Dc: code width (Unified-IO 2 image VQ-GAN: 256). */
    codeDim: positiveInt,
    /** β: commitment weight (VQ-VAE: 0.25). */
    beta: z.number().nonnegative().default(0.25),
  })
  .strict();

export type Config = z.infer<typeof schema>;

export const defaults: Config = { codebookSize: 16, codeDim: 8, beta: 0.25 };

export const TRACE_KEYS = {
  indices: 'indices',
  codebookLoss: 'codebookLoss',
  commitmentLoss: 'commitmentLoss',
  loss: 'loss',
  usage: 'usage',
  perplexity: 'perplexity',
} as const;

function weightSpecs(cfg: Config): WeightSpec[] {
  return [{ name: 'embedding.weight', shape: [cfg.codebookSize, cfg.codeDim], doc: 'codebook [K, Dc]' }];
}

/** The input is [B, N, Dc]: features already in code space. */
const checkCodes = (cfg: Config, input: InputShapes) => checkShape('vision', input.vision, ['B', 'N', 'Dc'], { Dc: ['codeDim', cfg.codeDim] });

function outputShape(cfg: Config, input: InputShapes): Shape {
  const [b, n] = checkCodes(cfg, input);
  return [b, n, cfg.codeDim];
}

/** The codebook alone: K·Dc (Unified-IO 2's image VQ-GAN: 16,384 × 256 = 4,194,304). */
const paramCount = (cfg: Config): number => cfg.codebookSize * cfg.codeDim;

export const spec: ProjectorSpec<Config> = {
  kind: 'codebook',
  side: 'output',
  title: 'Vector-quantisation codebook (discrete tokens, Unified-IO 2 route)',
  cite: ['lu2023unifiedio2', 'li2025discrete'],
  schema,
  defaults,
  outputShape,
  weightSpecs,
  paramCount,
  /** The distances' z·eᵀ product, 2·B·N·K·Dc; the code lookup is a gather (written as a one-hot matmul here), not counted. */
  flops(cfg, input) {
    const [b, n] = checkCodes(cfg, input);
    return 2 * b * n * cfg.codebookSize * cfg.codeDim;
  },
  init(cfg, seed): Weights {
    // taming VectorQuantizer: embedding.weight.data.uniform_(-1/K, 1/K).
    const bound = 1 / cfg.codebookSize;
    return { 'embedding.weight': tf.randomUniform([cfg.codebookSize, cfg.codeDim], -bound, bound, 'float32', deriveSeed(seed, 'embedding.weight')) };
  },
  apply(cfg, weights, input): ApplyOutput {
    const [b, n, d] = outputShape(cfg, { vision: input.vision.shape }) as [number, number, number];
    const k = cfg.codebookSize;
    return tf.tidy(() => {
      const e = getWeight(weights, 'embedding.weight'); // [K, Dc]
      const zf = input.vision.reshape([b * n, d]); // [B, N, Dc] → [B·N, Dc]
      // ‖z − e‖² = ‖z‖² − 2 z·e + ‖e‖²; argmin ties go to the lowest index, as torch.argmin.
      const dist = zf.square().sum(1, true).sub(tf.matMul(zf, e, false, true).mul(2)).add(e.square().sum(1).expandDims(0)); // [B·N, K]
      const idx = tf.argMin(dist, 1); // [B·N] int32
      const onehot = tf.oneHot(idx, k).toFloat(); // [B·N, K]
      const q = tf.matMul(onehot, e); // [B·N, K] × [K, Dc] → [B·N, Dc] (a lookup that differentiates on every backend)
      const codebookLoss = stopGradient(zf).sub(q).square().mean() as tf.Scalar;
      const commitmentLoss = zf.sub(stopGradient(q)).square().mean() as tf.Scalar;
      const loss = codebookLoss.add(commitmentLoss.mul(cfg.beta));
      const st = zf.add(stopGradient(q.sub(zf))); // straight-through: value q, gradient of z
      const usage = onehot.sum(0); // [K]
      const p = usage.div(b * n);
      const perplexity = p.mul(p.add(1e-10).log()).sum().neg().exp();
      return {
        tokens: st.reshape([b, n, d]), // [B·N, Dc] → [B, N, Dc]
        trace: {
          [TRACE_KEYS.indices]: idx.reshape([b, n]), // [B·N] → [B, N]
          [TRACE_KEYS.codebookLoss]: codebookLoss,
          [TRACE_KEYS.commitmentLoss]: commitmentLoss,
          [TRACE_KEYS.loss]: loss,
          [TRACE_KEYS.usage]: usage,
          [TRACE_KEYS.perplexity]: perplexity,
        },
      };
    });
  },
};
