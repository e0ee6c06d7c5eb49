/**
 * Linear projector: one nn.Linear from vision width to LLM width, token by token.
 *
 * Shapes: vision [B, Nv, Dv] → tokens [B, (Nv / concat) · split, Dm].
 * Papers: liu2023visual (LLaVA: H_v = W·Z_v, `mm_projector` = nn.Linear(1024, d)); zhu2023minigpt4
 * (`llama_proj`, and the LLaMA-2 variant that concatenates 4 adjacent tokens, 256×1408 → 64×5632);
 * dai2023instructblip (`llm_proj`); koh2023generating (GILL: one pooled CLIP vector → 4 tokens via
 * Linear(1024, 4·4096) and a reshape); wu2024nextgpt (legacy-code `llama_proj`, 1024 → 4096).
 * PyTorch names (LLaVA's `mm_projector` state dict without its prefix): `weight` [Dm·split, Dv·concat],
 * `bias` [Dm·split].
 * Departures: `concat` and `split` are folded into one module here; in MiniGPT-4 the concatenation is
 * a `view` in `encode_img` and in GILL the split is a `reshape` after `visual_embeddings`. The
 * NExT-GPT paper describes a 28M "Grouping" input module; this is the legacy code's Linear instead.
 */
import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { checkVision, getWeight, shapeError, VISION } from './ops/common';
import { uniformFanIn } from './ops/init';
import { linear, linearFlops, linearParams } from './ops/linear';
import type { ApplyInput, ApplyOutput, InputShapes, ProjectorSpec, Shape, WeightSpec, Weights } from './types';

const positiveInt = z.number().int().positive();

export const schema = z
  .object({
    /** Dv: width of each vision token (LLaVA: 1024, CLIP ViT-L/14 penultimate layer). */
    visionDim: positiveInt,
    /** Dm: LLM hidden width (Vicuna-7B: 4096). */
    llmDim: positiveInt,
    /** Adjacent tokens concatenated before the Linear (MiniGPT-4 LLaMA-2: 4; otherwise 1). */
    concat: positiveInt.default(1),
    /** Output tokens made from each (concatenated) input token by splitting the output (GILL: 4). */
    split: positiveInt.default(1),
    /** nn.Linear bias (true in every reference model). */
    bias: z.boolean().default(true),
  })
  .strict();

export type Config = z.infer<typeof schema>;

/** Small defaults: a browser runs them instantly. */
export const defaults: Config = { visionDim: 32, llmDim: 48, concat: 1, split: 1, bias: true };

function weightSpecs(cfg: Config): WeightSpec[] {
  const inDim = cfg.visionDim * cfg.concat;
  const outDim = cfg.llmDim * cfg.split;
  const specs: WeightSpec[] = [{ name: 'weight', shape: [outDim, inDim], doc: `Linear(${inDim}, ${outDim}) weight [out, in]` }];
  if (cfg.bias) specs.push({ name: 'bias', shape: [outDim], doc: `Linear(${inDim}, ${outDim}) bias` });
  return specs;
}

/** [B, Nv, Dv] with Nv divisible by concat; returns B and the number of (concatenated) rows Nv / concat. */
function rows(cfg: Config, input: InputShapes): { b: number; groups: number } {
  const [b, nv] = checkVision(input, cfg.visionDim);
  if (nv % cfg.concat !== 0) throw shapeError('vision', input.vision, VISION, `Nv divisible by concat = ${cfg.concat}`);
  return { b, groups: nv / cfg.concat };
}

function outputShape(cfg: Config, input: InputShapes): Shape {
  const { b, groups } = rows(cfg, input);
  return [b, groups * cfg.split, cfg.llmDim];
}

/** One Linear(c·Dv, s·Dm): c·Dv·s·Dm weights + s·Dm biases (LLaVA v1 7B: 1024·4096 + 4096 = 4,198,400). */
const paramCount = (cfg: Config): number => linearParams(cfg.concat * cfg.visionDim, cfg.split * cfg.llmDim, cfg.bias);

export const spec: ProjectorSpec<Config> = {
  kind: 'linear',
  side: 'input',
  title: 'Linear projection (LLaVA, MiniGPT-4, InstructBLIP llm_proj, GILL, NExT-GPT)',
  cite: ['liu2023visual', 'zhu2023minigpt4', 'dai2023instructblip', 'koh2023generating', 'wu2024nextgpt'],
  schema,
  defaults,
  outputShape,
  weightSpecs,
  paramCount,
  flops(cfg, input) {
    const { b, groups } = rows(cfg, input);
    return b * linearFlops(groups, cfg.concat * cfg.visionDim, cfg.split * cfg.llmDim);
  },
  init(cfg, seed): Weights {
    // nn.Linear default init: U(±1/√fan_in) for weight and bias.
    const inDim = cfg.visionDim * cfg.concat;
    const w: Weights = { weight: uniformFanIn([cfg.llmDim * cfg.split, inDim], inDim, seed, 'weight') };
    if (cfg.bias) w.bias = uniformFanIn([cfg.llmDim * cfg.split], inDim, seed, 'bias');
    return w;
  },
  apply(cfg, weights, input: ApplyInput): ApplyOutput {
    outputShape(cfg, { vision: input.vision.shape }); // validates before any tensor work
    const [b, nv] = input.vision.shape;
    return tf.tidy(() => {
      const grouped = input.vision.reshape([b, nv / cfg.concat, cfg.visionDim * cfg.concat]); // [B, Nv, Dv] → [B, Nv/c, c·Dv]
      const y = linear(grouped, getWeight(weights, 'weight'), cfg.bias ? getWeight(weights, 'bias') : undefined); // [B, Nv/c, s·Dm]
      const tokens = y.reshape([b, (nv / cfg.concat) * cfg.split, cfg.llmDim]); // [B, Nv/c, s·Dm] → [B, (Nv/c)·s, Dm]
      return { tokens, trace: {} };
    });
  },
};

