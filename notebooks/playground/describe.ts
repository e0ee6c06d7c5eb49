/**
 * What the Playground shows "at once" for a kind and config: the input shapes it builds, the output
 * shape, parameters, FLOPs, weight memory and the tokens handed to the LLM, every number from the
 * projector module itself (the same calls as `npm run projector -- describe`, src/cli/projector.ts),
 * and the memory estimate the budget guard reads.
 *
 * Shapes: vision [B, Nv, Dv] (Dv from the config; dual-projection Nv = 1, C-Abstractor Nv =
 * numInputTokens, codebook Dc, output-transformer Dm), text [B, Nt, ·] only for kinds that read it.
 */
import { getProjector, parseConfig } from '../../src/projectors/registry';
import type { InputShapes, ProjectorKind, Shape, WeightSpec } from '../../src/projectors/types';

/** The reader's input choice, in tokens: batch B, vision tokens Nv, text tokens Nt. */
export interface TokenChoice {
  batch: number;
  visionTokens: number;
  textTokens: number;
}

/** Defaults for a kind chosen without a preset: a 4×4 grid that every grid-based kind accepts. */
export const DEFAULT_TOKENS: TokenChoice = { batch: 1, visionTokens: 16, textTokens: 8 };

const num = (cfg: Record<string, unknown>, key: string): number => cfg[key] as number;

/** Input shapes for a kind's config and a token choice (the config fixes the widths). */
export function inputShapesFor(kind: ProjectorKind, config: unknown, t: TokenChoice): InputShapes {
  const cfg = config as Record<string, unknown>;
  const b = t.batch;
  switch (kind) {
    case 'dual-projection':
      return { vision: [b, 1, num(cfg, 'visionDim')], text: [b, 1, num(cfg, 'textDim')] };
    case 'c-abstractor':
      return { vision: [b, num(cfg, 'numInputTokens'), num(cfg, 'visionDim')] };
    case 'codebook':
      return { vision: [b, t.visionTokens, num(cfg, 'codeDim')] };
    case 'output-transformer':
      return { vision: [b, t.visionTokens, num(cfg, 'llmDim')] };
    case 'token-selection':
    case 'gated-cross-attention':
      return { vision: [b, t.visionTokens, num(cfg, 'visionDim')], text: [b, t.textTokens, num(cfg, 'llmDim')] };
    case 'qformer':
      return cfg.instructionAware === true
        ? { vision: [b, t.visionTokens, num(cfg, 'visionDim')], text: [b, t.textTokens, num(cfg, 'hiddenDim')] }
        : { vision: [b, t.visionTokens, num(cfg, 'visionDim')] };
    default:
      return { vision: [b, t.visionTokens, num(cfg, 'visionDim')] };
  }
}

/** The token choice that a preset's real input stands for. */
export function tokensOfInput(input: InputShapes): TokenChoice {
  return { batch: input.vision[0] as number, visionTokens: input.vision[1] as number, textTokens: (input.text?.[1] as number | undefined) ?? DEFAULT_TOKENS.textTokens };
}

export interface Description {
  kind: ProjectorKind;
  title: string;
  side: string;
  cite: readonly string[];
  config: Record<string, unknown>;
  input: InputShapes;
  output: Shape;
  /** Tokens handed on per batch item (output[1]). */
  tokensOut: number;
  params: number;
  bytesFp32: number;
  bytesFp16: number;
  flops: number;
  weights: WeightSpec[];
  memory: MemoryEstimate;
}

export interface MemoryEstimate {
  weightBytes: number;
  activationBytes: number;
  totalBytes: number;
}

/**
 * What one forward pass could hold at its peak, in float32 bytes: the weights, plus the input and
 * output, plus three working copies of the widest activation (N·Wmax, N the most tokens anywhere,
 * Wmax the widest weight dimension: the FFN hidden state and its two neighbours), plus, for kinds
 * with attention heads, one B·H·N² score tensor. An over-estimate on purpose: it is a guard.
 */
export function estimateMemory(params: number, input: InputShapes, output: Shape, weights: WeightSpec[], config: Record<string, unknown>): MemoryEstimate {
  const size = (s: Shape | undefined): number => (s ? s.reduce((a, d) => a * d, 1) : 0);
  const b = input.vision[0] as number;
  const n = Math.max(input.vision[1] as number, (input.text?.[1] as number | undefined) ?? 0, output[1] ?? 0, typeof config.numQueries === 'number' ? config.numQueries : 0);
  const wmax = Math.max(input.vision[2] as number, output[2] ?? 0, ...weights.flatMap((w) => [...w.shape]));
  const heads = typeof config.numHeads === 'number' ? config.numHeads : 0;
  const activations = size(input.vision) + size(input.text) + size(output) + 3 * b * n * wmax + heads * b * n * n;
  const weightBytes = 4 * params;
  const activationBytes = 4 * activations;
  return { weightBytes, activationBytes, totalBytes: weightBytes + activationBytes };
}

/** 1.5 GiB, the bench's cap for one model's float32 weights (src/bench/bench-core.ts), for weights and activations together. */
export const MEMORY_BUDGET_BYTES = 1.5 * 2 ** 30;

/**
 * Describe a kind at a config and input. Throws an Error naming the field or shape when the config
 * is invalid (registry.parseConfig) or the input does not fit (the module's outputShape).
 */
export function describeProjector(kind: ProjectorKind, rawConfig: unknown, tokens: TokenChoice): Description {
  const spec = getProjector(kind);
  const config = parseConfig(kind, rawConfig) as Record<string, unknown>;
  const input = inputShapesFor(kind, config, tokens);
  const output = spec.outputShape(config, input);
  const params = spec.paramCount(config);
  const weights = spec.weightSpecs(config);
  return {
    kind,
    title: spec.title,
    side: spec.side,
    cite: spec.cite,
    config,
    input,
    output,
    tokensOut: output[1] as number,
    params,
    bytesFp32: 4 * params,
    bytesFp16: 2 * params,
    flops: spec.flops(config, input),
    weights,
    memory: estimateMemory(params, input, output, weights, config),
  };
}

export { isKind } from '../../src/projectors/registry';
