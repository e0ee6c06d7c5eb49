/**
 * Low-rank (factorised) linear projector: Dv → r → Dm, i.e. W ≈ U·V with rank r, no nonlinearity.
 *
 * Shapes: vision [B, Nv, Dv] → tokens [B, Nv, Dm].
 * Paper: none of the catalogued MLLMs uses it; it is the site's didactic variant of the linear
 * projector of liu2023visual (zhang2024mmllms §2.2 "Linear Projector"), to show how parameters
 * fall from Dv·Dm to r·(Dv + Dm) while the map keeps rank ≤ r.
 * PyTorch names (a Sequential of two nn.Linear would be `0.*`/`1.*`; named here for clarity):
 * `down.weight` [r, Dv] (no bias), `up.weight` [Dm, r], `up.bias` [Dm].
 * Departures: not a published module; the bias sits only on `up` so the product is one affine map.
 */
import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { checkVision, getWeight } from './ops/common';
import { initLinear, linear, linearFlops, linearParams, linearSpecs } from './ops/linear';
import type { ApplyOutput, InputShapes, ProjectorSpec, Shape, WeightSpec, Weights } from './types';

const positiveInt = z.number().int().positive();

export const schema = z
  .object({
    /** Dv: vision token width. */
    visionDim: positiveInt,
    /** r: inner rank; below min(Dv, Dm) it saves parameters. */
    rank: positiveInt,
    /** Dm: LLM width. */
    llmDim: positiveInt,
  })
  .strict();

export type Config = z.infer<typeof schema>;

export const defaults: Config = { visionDim: 32, rank: 8, llmDim: 48 };

function weightSpecs(cfg: Config): WeightSpec[] {
  return [...linearSpecs('down', cfg.visionDim, cfg.rank, false), ...linearSpecs('up', cfg.rank, cfg.llmDim, true)];
}

function outputShape(cfg: Config, input: InputShapes): Shape {
  const [b, nv] = checkVision(input, cfg.visionDim);
  return [b, nv, cfg.llmDim];
}

/** r·Dv (down, no bias) + r·Dm + Dm (up): r·(Dv + Dm) + Dm, against Dv·Dm + Dm for the full Linear. */
const paramCount = (cfg: Config): number => linearParams(cfg.visionDim, cfg.rank, false) + linearParams(cfg.rank, cfg.llmDim);

export const spec: ProjectorSpec<Config> = {
  kind: 'low-rank',
  side: 'input',
  title: 'Low-rank factorised linear projection',
  cite: ['liu2023visual', 'zhang2024mmllms'],
  schema,
  defaults,
  outputShape,
  weightSpecs,
  paramCount,
  flops(cfg, input) {
    const [b, nv] = checkVision(input, cfg.visionDim);
    return b * (linearFlops(nv, cfg.visionDim, cfg.rank) + linearFlops(nv, cfg.rank, cfg.llmDim));
  },
  init(cfg, seed): Weights {
    return { ...initLinear('down', cfg.visionDim, cfg.rank, seed, false), ...initLinear('up', cfg.rank, cfg.llmDim, seed, true) };
  },
  apply(cfg, weights, input): ApplyOutput {
    outputShape(cfg, { vision: input.vision.shape });
    return tf.tidy(() => {
      const inner = linear(input.vision, getWeight(weights, 'down.weight')); // [B, Nv, Dv] → [B, Nv, r]
      const tokens = linear(inner, getWeight(weights, 'up.weight'), getWeight(weights, 'up.bias')); // [B, Nv, r] → [B, Nv, Dm]
      return { tokens, trace: {} };
    });
  },
};
