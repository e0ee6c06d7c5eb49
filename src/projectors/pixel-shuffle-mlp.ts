/**
 * Pixel shuffle + MLP (InternVL 1.5 / InternVL2 `mlp1`): each r×r block of the token grid becomes
 * one token r² times wider, then LayerNorm → Linear → GELU → Linear.
 *
 * Shapes: vision [B, Nv = h·w, Dv] → shuffled [B, Nv / r², r²·Dv] → tokens [B, Nv / r², Dm]
 * (InternVL 1.5: 1024 → 256 per 448×448 tile, r = 2 i.e. scale_factor 0.5).
 * Paper: chen2024how; code OpenGVLab/InternVL internvl_chat/internvl/model/internvl_chat/
 * modeling_internvl_chat.py (`pixel_shuffle`, `extract_feature`, `mlp1`).
 * PyTorch names (`mlp1` without its prefix): `0.weight`, `0.bias` (LayerNorm r²·Dv), `1.weight`
 * [Dm, r²·Dv], `1.bias`, `3.weight` [Dm, Dm], `3.bias`.
 * Channel order follows the reference's view/permute sequence exactly (see `pixelShuffle`), including
 * `ps_version` 'v1' (height and width not swapped back, a transposed grid) versus 'v2'.
 * Departures: the CLS token is assumed already dropped (the reference drops it in extract_feature);
 * the downsample factor is an integer r (the reference writes scale_factor = 1/r and uses 0.5 only).
 */
import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { gelu } from './ops/activations';
import { checkVision, getWeight, gridSide, shapeError, VISION } from './ops/common';
import { initLinear, linear, linearFlops, linearParams, linearSpecs } from './ops/linear';
import { initLayerNorm, layerNorm, layerNormParams, layerNormSpecs } from './ops/norm';
import type { ApplyOutput, InputShapes, ProjectorSpec, Shape, WeightSpec, Weights } from './types';

const positiveInt = z.number().int().positive();

export const schema = z
  .object({
    /** Dv: ViT width (InternViT-6B: 3200; InternViT-300M: 1024). */
    visionDim: positiveInt,
    /** Dm: LLM width (InternLM2-20B: 6144; InternLM2.5-7B: 4096). */
    llmDim: positiveInt,
    /** r: side of the merged block; the reference's downsample_ratio is 1/r (0.5 → 2). */
    downsample: positiveInt.default(2),
    /** The reference's `ps_version`: 'v1' leaves the output grid transposed, 'v2' swaps it back. */
    psVersion: z.enum(['v1', 'v2']).default('v2'),
    /** nn.LayerNorm eps (PyTorch default). */
    eps: z.number().positive().default(1e-5),
  })
  .strict();

export type Config = z.infer<typeof schema>;

export const defaults: Config = { visionDim: 16, llmDim: 48, downsample: 2, psVersion: 'v2', eps: 1e-5 };

export const TRACE_KEYS = {
  /** [B, Nv / r², r²·Dv]: the tokens after pixel shuffle, before mlp1. */
  shuffled: 'shuffled',
} as const;

const wideDim = (cfg: Config): number => cfg.visionDim * cfg.downsample * cfg.downsample;

function weightSpecs(cfg: Config): WeightSpec[] {
  return [...layerNormSpecs('0', wideDim(cfg)), ...linearSpecs('1', wideDim(cfg), cfg.llmDim), ...linearSpecs('3', cfg.llmDim, cfg.llmDim)];
}

function gridOf(cfg: Config, input: InputShapes): { b: number; side: number } {
  const [b] = checkVision(input, cfg.visionDim);
  const grid = `Nv = h·h, h divisible by downsample = ${cfg.downsample}`;
  const side = gridSide('vision', input.vision, VISION, grid);
  if (side % cfg.downsample !== 0) throw shapeError('vision', input.vision, VISION, grid, `h = ${side}`);
  return { b, side };
}

/** LayerNorm(r²·Dv) + Linear(r²·Dv, Dm) + Linear(Dm, Dm) (InternVL2-8B at r = 2: 8,192 + 16,781,312 + 16,781,312 = 33,570,816). */
const paramCount = (cfg: Config): number => layerNormParams(wideDim(cfg)) + linearParams(wideDim(cfg), cfg.llmDim) + linearParams(cfg.llmDim, cfg.llmDim);

function outputShape(cfg: Config, input: InputShapes): Shape {
  const { b, side } = gridOf(cfg, input);
  return [b, (side / cfg.downsample) ** 2, cfg.llmDim];
}

/**
 * InternVL's pixel_shuffle with scale 1/r on x [n, A, Bw, c] (A rows, Bw columns, raster order):
 * the same views and permutes as the reference, so the channel order matches bit for bit.
 */
export function pixelShuffle(x: tf.Tensor4D, r: number, version: 'v1' | 'v2'): tf.Tensor4D {
  return tf.tidy(() => {
    const [n, a, bw, c] = x.shape;
    const s1 = x.reshape([n, a, bw / r, c * r]); // [n, A, Bw, c] → [n, A, Bw/r, r·c]
    const s2 = s1.transpose([0, 2, 1, 3]); // → [n, Bw/r, A, r·c]
    const s3 = s2.reshape([n, bw / r, a / r, c * r * r]); // → [n, Bw/r, A/r, r²·c]
    return (version === 'v1' ? s3 : s3.transpose([0, 2, 1, 3])) as tf.Tensor4D; // v2: → [n, A/r, Bw/r, r²·c]
  });
}

export const spec: ProjectorSpec<Config> = {
  kind: 'pixel-shuffle-mlp',
  side: 'input',
  title: 'Pixel shuffle + MLP (InternVL 1.5 / 2)',
  cite: ['chen2024how'],
  schema,
  defaults,
  outputShape,
  weightSpecs,
  paramCount,
  flops(cfg, input) {
    const [b, nOut] = outputShape(cfg, input) as [number, number, number];
    return b * (linearFlops(nOut, wideDim(cfg), cfg.llmDim) + linearFlops(nOut, cfg.llmDim, cfg.llmDim));
  },
  init(cfg, seed): Weights {
    return { ...initLayerNorm('0', wideDim(cfg)), ...initLinear('1', wideDim(cfg), cfg.llmDim, seed), ...initLinear('3', cfg.llmDim, cfg.llmDim, seed) };
  },
  apply(cfg, weights, input): ApplyOutput {
    const { b, side } = gridOf(cfg, { vision: input.vision.shape });
    return tf.tidy(() => {
      const grid = input.vision.reshape([b, side, side, cfg.visionDim]) as tf.Tensor4D; // [B, h·w, Dv] → [B, h, w, Dv]
      const shuffledGrid = pixelShuffle(grid, cfg.downsample, cfg.psVersion); // [B, h/r, w/r, r²·Dv]
      const shuffled = shuffledGrid.reshape([b, -1, wideDim(cfg)]); // → [B, Nv/r², r²·Dv]
      const normed = layerNorm(shuffled, getWeight(weights, '0.weight'), getWeight(weights, '0.bias'), cfg.eps);
      const hidden = gelu(linear(normed, getWeight(weights, '1.weight'), getWeight(weights, '1.bias'))); // [B, Nv/r², Dm]
      const tokens = linear(hidden, getWeight(weights, '3.weight'), getWeight(weights, '3.bias')); // [B, Nv/r², Dm]
      return { tokens, trace: { [TRACE_KEYS.shuffled]: shuffled } };
    });
  },
};
