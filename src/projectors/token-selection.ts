/**
 * Language-guided token selection: project vision tokens, score each against the mean of the text
 * features, keep the top-k (in their original order), return the kept projected tokens.
 *
 * Shapes: vision [B, Nv, Dv], text [B, Nt, Dm], mask [B, Nt]? → tokens [B, k, Dm];
 *   trace scores [B, Nv], keptIndices [B, k] (int32, ascending).
 * Paper: the idea follows LVP ("LVP: Language-guide Visual Projector for Efficient Multimodal LLM"),
 * known only as an anonymous ICLR submission (OpenReview PxBzxO02Ef; a copy of the record says
 * "Reject"), so its identity is UNVERIFIED and it has no bib entry (facts.md d.2). Its abstract
 * says visual tokens are selected "according to the feature similarity between visual tokens and
 * text tokens". Projection: liu2023visual's Linear.
 * PyTorch names (own module, no reference code): `proj.weight` [Dm, Dv], `proj.bias` [Dm].
 * Departures (all of LVP's other parts are left out): no lightweight text encoder (the text input
 * is already in LLM space), no cross-modal enhancement module, no deformable attention, no
 * multi-level selection. The score is the cosine (or dot) between each projected token and the
 * mask-weighted mean text feature. Top-k is not differentiable: gradients reach `proj` through the
 * kept tokens only (gathered by a one-hot matmul, which differentiates on every backend).
 */
import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { checkShape, checkVision, getWeight, shapeError, VISION } from './ops/common';
import { initLinear, linear, linearFlops, linearParams, linearSpecs } from './ops/linear';
import type { ApplyOutput, InputShapes, ProjectorSpec, Shape, WeightSpec, Weights } from './types';

const positiveInt = z.number().int().positive();

export const schema = z
  .object({
    /** Dv: vision width. */
    visionDim: positiveInt,
    /** Dm: LLM width; text features arrive in this width. */
    llmDim: positiveInt,
    /** k: tokens kept (LVP's abstract: 75–95 % fewer tokens, e.g. 576 → 144 or 29). */
    keep: positiveInt,
    /** Score: cosine similarity (scale-free) or raw dot product. */
    score: z.enum(['cosine', 'dot']).default('cosine'),
  })
  .strict();

export type Config = z.infer<typeof schema>;

export const defaults: Config = { visionDim: 32, llmDim: 48, keep: 4, score: 'cosine' };

export const TRACE_KEYS = {
  /** [B, Nv] similarity of each projected vision token to the pooled text. */
  scores: 'scores',
  /** [B, k] int32 indices of the kept tokens, ascending (original order). */
  keptIndices: 'keptIndices',
} as const;

function weightSpecs(cfg: Config): WeightSpec[] {
  return linearSpecs('proj', cfg.visionDim, cfg.llmDim);
}

/** vision [B, Nv, Dv] with Nv ≥ keep, text [B, Nt, Dm], mask [B, Nt] when given. */
function checkInputs(cfg: Config, input: InputShapes): { b: number; nv: number } {
  const [b, nv] = checkVision(input, cfg.visionDim);
  if (cfg.keep > nv) throw shapeError('vision', input.vision, VISION, `Nv ≥ keep = ${cfg.keep}`);
  const [, nt] = checkShape('text', input.text, ['B', 'Nt', 'Dm'], { B: ['vision[0]', b], Dm: ['llmDim', cfg.llmDim] });
  if (input.mask) checkShape('mask', input.mask, ['B', 'Nt'], { B: ['vision[0]', b], Nt: ['text[1]', nt] });
  return { b, nv };
}

function outputShape(cfg: Config, input: InputShapes): Shape {
  const { b } = checkInputs(cfg, input);
  return [b, cfg.keep, cfg.llmDim];
}

/** One Linear(Dv, Dm): Dv·Dm + Dm. */
const paramCount = (cfg: Config): number => linearParams(cfg.visionDim, cfg.llmDim);

export const spec: ProjectorSpec<Config> = {
  kind: 'token-selection',
  side: 'input',
  title: 'Language-guided token selection (after LVP, unverified source)',
  cite: ['liu2023visual'],
  schema,
  defaults,
  outputShape,
  weightSpecs,
  paramCount,
  /** The projection of all Nv tokens and their scores against the pooled text; keeping k tokens is a gather, not counted. */
  flops(cfg, input) {
    const { b, nv } = checkInputs(cfg, input);
    return b * (linearFlops(nv, cfg.visionDim, cfg.llmDim) + 2 * nv * cfg.llmDim);
  },
  init(cfg, seed): Weights {
    return initLinear('proj', cfg.visionDim, cfg.llmDim, seed);
  },
  apply(cfg, weights, input): ApplyOutput {
    const { b, nv } = checkInputs(cfg, { vision: input.vision.shape, text: input.text?.shape, mask: input.mask?.shape });
    const text = input.text as tf.Tensor3D; // checked above
    const k = cfg.keep;
    return tf.tidy(() => {
      const projected = linear(input.vision, getWeight(weights, 'proj.weight'), getWeight(weights, 'proj.bias')); // [B, Nv, Dm]
      const m = (input.mask ?? tf.ones([b, text.shape[1]])).toFloat().expandDims(2); // [B, Nt] → [B, Nt, 1]
      const pooled = text.mul(m).sum(1).div(m.sum(1).maximum(1e-12)); // masked mean → [B, Dm]
      let scores = tf.matMul(projected, pooled.expandDims(2)).squeeze([2]); // [B, Nv, Dm] × [B, Dm, 1] → [B, Nv]
      if (cfg.score === 'cosine') {
        const vNorm = projected.norm('euclidean', 2).maximum(1e-12); // [B, Nv]
        const tNorm = pooled.norm('euclidean', 1, true).maximum(1e-12); // [B, 1]
        scores = scores.div(vNorm).div(tNorm);
      }
      // Indices leave the tape through JS: TopK has no gradient in tfjs, and selection is a
      // discrete choice anyway. Sorting restores the tokens' original order.
      const top = tf.topk(scores, k).indices.arraySync() as number[][];
      const ordered = top.map((row) => [...row].sort((x, y) => x - y));
      const kept = tf.tensor2d(ordered, [b, k], 'int32');
      const select = tf.oneHot(kept.reshape([b * k]), nv).toFloat().reshape([b, k, nv]); // [B·k] → [B·k, Nv] → [B, k, Nv]
      const tokens = tf.matMul(select, projected); // [B, k, Nv] × [B, Nv, Dm] → [B, k, Dm]
      return { tokens, trace: { [TRACE_KEYS.scores]: scores, [TRACE_KEYS.keptIndices]: kept } };
    });
  },
};
