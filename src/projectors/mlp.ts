/**
 * MLP projector: LLaVA-1.5's `mlp{n}x_gelu`, Sequential(Linear(Dv, Dm), GELU, Linear(Dm, Dm), ...).
 *
 * Shapes: vision [B, Nv, Dv] → tokens [B, Nv, Dm] (no token compression: 576 → 576 at 336 px).
 * Paper: liu2023improved ("an MLP projection"); code: haotian-liu/LLaVA
 * llava/model/multimodal_projector/builder.py, regex `^mlp(\d+)x_gelu$`.
 * PyTorch names (nn.Sequential indices, GELU modules hold no weights): `0.weight` [Dm, Dv],
 * `0.bias`, `2.weight` [Dm, Dm], `2.bias`, then `4.*`, `6.*` … for depth > 2.
 * Departures: none in the forward pass; GELU is the exact erf form, as nn.GELU() by default.
 */
import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { gelu } from './ops/activations';
import { checkVision, getWeight } from './ops/common';
import { initLinear, linear, linearFlops, linearParams, linearSpecs } from './ops/linear';
import type { ApplyOutput, InputShapes, ProjectorSpec, Shape, WeightSpec, Weights } from './types';

const positiveInt = z.number().int().positive();

export const schema = z
  .object({
    /** Dv: vision token width (CLIP ViT-L/14-336: 1024). */
    visionDim: positiveInt,
    /** Dm: LLM width (Vicuna-7B: 4096, Vicuna-13B: 5120). */
    llmDim: positiveInt,
    /** Number of Linear layers, the n of `mlp{n}x_gelu` (LLaVA-1.5: 2). */
    depth: positiveInt.max(16).default(2),
  })
  .strict();

export type Config = z.infer<typeof schema>;

export const defaults: Config = { visionDim: 32, llmDim: 48, depth: 2 };

/** Sequential index of the i-th Linear: GELU modules sit between them. */
const layerName = (i: number): string => String(2 * i);

function weightSpecs(cfg: Config): WeightSpec[] {
  const specs: WeightSpec[] = [];
  for (let i = 0; i < cfg.depth; i += 1) specs.push(...linearSpecs(layerName(i), i === 0 ? cfg.visionDim : cfg.llmDim, cfg.llmDim));
  return specs;
}

function outputShape(cfg: Config, input: InputShapes): Shape {
  const [b, nv] = checkVision(input, cfg.visionDim);
  return [b, nv, cfg.llmDim];
}

/** (Dv·Dm + Dm) + (depth − 1)·(Dm² + Dm) (LLaVA-1.5-7B: 4,198,400 + 16,781,312 = 20,979,712). */
const paramCount = (cfg: Config): number => linearParams(cfg.visionDim, cfg.llmDim) + (cfg.depth - 1) * linearParams(cfg.llmDim, cfg.llmDim);

export const spec: ProjectorSpec<Config> = {
  kind: 'mlp',
  side: 'input',
  title: 'MLP with GELU (LLaVA-1.5 mlp2x_gelu)',
  cite: ['liu2023improved'],
  schema,
  defaults,
  outputShape,
  weightSpecs,
  paramCount,
  flops(cfg, input) {
    const [b, nv] = checkVision(input, cfg.visionDim);
    return b * (linearFlops(nv, cfg.visionDim, cfg.llmDim) + (cfg.depth - 1) * linearFlops(nv, cfg.llmDim, cfg.llmDim));
  },
  init(cfg, seed): Weights {
    const w: Weights = {};
    for (let i = 0; i < cfg.depth; i += 1) Object.assign(w, initLinear(layerName(i), i === 0 ? cfg.visionDim : cfg.llmDim, cfg.llmDim, seed));
    return w;
  },
  apply(cfg, weights, input): ApplyOutput {
    outputShape(cfg, { vision: input.vision.shape });
    return tf.tidy(() => {
      let x: tf.Tensor = input.vision;
      for (let i = 0; i < cfg.depth; i += 1) {
        if (i > 0) x = gelu(x);
        x = linear(x, getWeight(weights, `${layerName(i)}.weight`), getWeight(weights, `${layerName(i)}.bias`)); // [B, Nv, Dm]
      }
      return { tokens: x, trace: {} };
    });
  },
};
