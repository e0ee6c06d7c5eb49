/**
 * CLIP's dual projection into a joint embedding space: image state @ `visual.proj`, text state @
 * `text_projection`, both L2-normalised, logits = exp(logit_scale) · img · txtᵀ, trained with a
 * symmetric InfoNCE (cross-entropy) loss (`clipLoss`).
 *
 * Shapes: vision [B, 1, Dv] (ln_post(CLS)), text [B, 1, Dt] (ln_final(EOT state)) →
 *   tokens [B, 1, E] (normalised image embeddings); trace imageEmbeds [B, E], textEmbeds [B, E],
 *   logitsPerImage [B, B], logitScale [] (the exp'd multiplier).
 * Paper: radford2021learning §2.3–2.5 ("only a linear projection to map from each encoder's
 * representation to the multi-modal embedding space"; "a symmetric cross entropy loss");
 * code openai/CLIP clip/model.py.
 * PyTorch names and layouts (CLIP's, NOT nn.Linear's): `visual.proj` [Dv, E] and
 * `text_projection` [Dt, E], used as x @ proj; `logit_scale` [] initialised to ln(1/0.07) ≈ 2.6593.
 * Departures: the towers are not modelled (inputs are their pooled final states). With
 * `learnLogitScale: false` the scale is the constant `logitScaleInit` and no weight is stored (the
 * CLIP presets do this so the count is the projections' 655,360 / 1,376,256 of facts.md; CLIP itself
 * learns it). The paper clips the multiplier at 100 during training; the forward pass here, like
 * clip/model.py's, does not clamp.
 */
import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { checkShape, checkVision, getWeight } from './ops/common';
import { normal } from './ops/init';
import { l2Norm } from './ops/l2norm';
import type { ApplyOutput, InputShapes, ProjectorSpec, Shape, WeightSpec, Weights } from './types';

const positiveInt = z.number().int().positive();

export const schema = z
  .object({
    /** Dv: vision tower width (ViT-B/32: 768, ViT-L/14: 1024). */
    visionDim: positiveInt,
    /** Dt: text tower width (ViT-B/32: 512, ViT-L/14: 768). */
    textDim: positiveInt,
    /** E: joint embedding width (ViT-B/32: 512, ViT-L/14: 768). */
    embedDim: positiveInt,
    /** Store `logit_scale` as a learnable weight (CLIP: yes). */
    learnLogitScale: z.boolean().default(true),
    /** Initial (or fixed) logit_scale, in log space: ln(1/0.07). */
    logitScaleInit: z.number().finite().default(Math.log(1 / 0.07)),
  })
  .strict();

export type Config = z.infer<typeof schema>;

export const defaults: Config = { visionDim: 24, textDim: 16, embedDim: 8, learnLogitScale: true, logitScaleInit: Math.log(1 / 0.07) };

export const TRACE_KEYS = {
  imageEmbeds: 'imageEmbeds',
  textEmbeds: 'textEmbeds',
  logitsPerImage: 'logitsPerImage',
  logitScale: 'logitScale',
} as const;

function weightSpecs(cfg: Config): WeightSpec[] {
  const specs: WeightSpec[] = [
    { name: 'visual.proj', shape: [cfg.visionDim, cfg.embedDim], doc: 'image projection [Dv, E], used as x @ proj, no bias' },
    { name: 'text_projection', shape: [cfg.textDim, cfg.embedDim], doc: 'text projection [Dt, E], used as x @ proj, no bias' },
  ];
  if (cfg.learnLogitScale) specs.push({ name: 'logit_scale', shape: [], doc: 'log of the logit multiplier, init ln(1/0.07)' });
  return specs;
}

/** One pooled state per image and per text, in paired batches: vision [B, 1, Dv], text [B, 1, Dt]. */
function outputShape(cfg: Config, input: InputShapes): Shape {
  const [b] = checkShape('vision', input.vision, ['B', 'Nv', 'Dv'], { Nv: 1, Dv: ['visionDim', cfg.visionDim] });
  checkShape('text', input.text, ['B', 'Nt', 'Dt'], { B: ['vision[0]', b], Nt: 1, Dt: ['textDim', cfg.textDim] });
  return [b, 1, cfg.embedDim];
}

/** Dv·E + Dt·E (+ 1 for a learned logit_scale) (CLIP ViT-L/14: 786,432 + 589,824 = 1,376,256). */
const paramCount = (cfg: Config): number => cfg.visionDim * cfg.embedDim + cfg.textDim * cfg.embedDim + (cfg.learnLogitScale ? 1 : 0);

/**
 * Symmetric InfoNCE over a [B, B] logit matrix whose diagonal holds the matching pairs:
 * (CE(logits, arange) + CE(logitsᵀ, arange)) / 2, as in radford2021learning Figure 3.
 */
export function clipLoss(logitsPerImage: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => {
    const n = logitsPerImage.shape[0];
    const eye = tf.eye(n);
    const ce = (l: tf.Tensor2D): tf.Scalar => tf.logSoftmax(l, 1).mul(eye).sum().neg().div(n) as tf.Scalar; // mean −log p(diag)
    return ce(logitsPerImage).add(ce(logitsPerImage.transpose())).div(2) as tf.Scalar;
  });
}

const l2normalize = (x: tf.Tensor): tf.Tensor => tf.tidy(() => x.div(l2Norm(x, -1, true)));

export const spec: ProjectorSpec<Config> = {
  kind: 'dual-projection',
  side: 'joint-embedding',
  title: 'Dual linear projection into a joint space (CLIP)',
  cite: ['radford2021learning'],
  schema,
  defaults,
  outputShape,
  weightSpecs,
  paramCount,
  /** Both projections, then the B × B logits: 2·B·(Dv + Dt)·E + 2·B²·E. */
  flops(cfg, input) {
    const [b] = outputShape(cfg, input) as [number];
    return 2 * b * (cfg.visionDim + cfg.textDim) * cfg.embedDim + 2 * b * b * cfg.embedDim;
  },
  init(cfg, seed): Weights {
    // clip/model.py initialize_parameters: normal(std = width^-0.5) for both projections.
    const w: Weights = {
      'visual.proj': normal([cfg.visionDim, cfg.embedDim], cfg.visionDim ** -0.5, seed, 'visual.proj'),
      text_projection: normal([cfg.textDim, cfg.embedDim], cfg.textDim ** -0.5, seed, 'text_projection'),
    };
    if (cfg.learnLogitScale) w.logit_scale = tf.scalar(cfg.logitScaleInit);
    return w;
  },
  apply(cfg, weights, input): ApplyOutput {
    const [b] = outputShape(cfg, { vision: input.vision.shape, text: input.text?.shape }) as [number];
    const text = input.text as tf.Tensor3D; // checked by outputShape
    return tf.tidy(() => {
      const img = l2normalize(tf.matMul(input.vision.reshape([b, cfg.visionDim]), getWeight(weights, 'visual.proj'))); // [B, 1, Dv] → [B, Dv] → [B, E]
      const txt = l2normalize(tf.matMul(text.reshape([b, cfg.textDim]), getWeight(weights, 'text_projection'))); // [B, 1, Dt] → [B, Dt] → [B, E]
      const scale = (cfg.learnLogitScale ? getWeight(weights, 'logit_scale') : tf.scalar(cfg.logitScaleInit)).exp();
      const logits = tf.matMul(img, txt, false, true).mul(scale); // [B, E] × [B, E]ᵀ → [B, B]
      return {
        tokens: img.reshape([b, 1, cfg.embedDim]), // [B, E] → [B, 1, E]
        trace: { [TRACE_KEYS.imageEmbeds]: img, [TRACE_KEYS.textEmbeds]: txt, [TRACE_KEYS.logitsPerImage]: logits, [TRACE_KEYS.logitScale]: scale },
      };
    });
  },
};
