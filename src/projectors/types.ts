/**
 * The contract every projector module implements (see ../shared/design.md, "A projector is one file").
 *
 * Vocabulary: one letter in shape comments and one config field per quantity, in every kind.
 *   letter  config field        quantity
 *   B       —                   batch
 *   Nv      —                   vision tokens in (`input.vision[1]`); Nsig for an output kind's signal tokens
 *   Nt      —                   text tokens (`input.text[1]`)
 *   Dv      visionDim           vision token width
 *   Dm      llmDim              LLM width: the output width of input-side kinds, the width of text
 *                               states where a kind reads them, the input width of output-side kinds
 *   Dt      textDim             text-tower width (dual-projection)
 *   E       embedDim            joint embedding width (dual-projection)
 *   Do      outputDim           output width of an output-side kind (a generator's condition width)
 *   W       hiddenDim           a kind's own internal width (Q-Former, C-Abstractor stages, output
 *                               Transformer d_model, output MLP hidden); kinds that run at Dv or Dm
 *                               (Perceiver Resampler, gated block, Qwen-VL resampler) have none
 *   H       numHeads            attention heads
 *   Dh      headDim             width per head (inner width H·Dh); kinds without it use Dh = W / H
 *   F       ffnDim, ffnMult     feed-forward hidden width, or its multiple of the block width (F = ffnMult·D)
 *   L       depth               layers (blocks) of a stack; encoderDepth / decoderDepth for an
 *                               encoder-decoder; mlpDepth for a readout MLP's Linear layers
 *   Q       numQueries          learned queries / latents, i.e. the output tokens of a resampler
 *                               (C-Abstractor: the pooled tokens; output Transformer: query_embs)
 *   K       codebookSize        codes of a codebook
 *   Dc      codeDim             code width
 *   r       rank, downsample    low-rank inner width; pixel-shuffle block side
 *   —       eps                 LayerNorm epsilon
 *   —       activation          FFN activation ('gelu' or 'squared-relu')
 * Weights keep their PyTorch state-dict names whatever the config field is called.
 *
 * Conventions
 * - Weights are plain records of named tfjs tensors whose names and layouts are the PyTorch
 *   reference implementation's (`nn.Linear.weight` is [out, in]), so they round-trip through
 *   safetensors unchanged.
 * - paramCount is a closed form a reader can check against the paper or code (not a sum over
 *   weightSpecs); the contract test checks it equals the summed weightSpecs and initialised sizes.
 * - flops counts multiply-adds × 2 of the model's matmuls and convolutions (a [m,k]×[k,n] product
 *   costs 2·m·k·n; a depthwise k×k conv 2·k²·positions·channels) and ignores elementwise ops,
 *   norms, softmax and what this implementation writes as a matmul but the model does not compute
 *   as one: one-hot gathers, adaptive-pooling matrices, fixed position tables. Each module
 *   documents anything else it adds.
 * - Shapes are checked with ops/common.ts `checkShape`, whose one error style is
 *   "vision: expected [B, Nv, Dv] with Dv = visionDim = 6, got [2, 5, 5]".
 * - Weights are read with ops/common.ts `getWeight`, which names a missing tensor.
 * - Every kind exports `schema`, `defaults`, `Config` and `spec` under those names.
 * - apply() must not leak tensors: everything except the returned tensors is disposed.
 */
import type * as tf from '@tensorflow/tfjs';
import type { z } from 'zod';

export type ProjectorKind =
  | 'linear'
  | 'mlp'
  | 'qformer'
  | 'perceiver-resampler'
  | 'gated-cross-attention'
  | 'cross-attention-resampler'
  | 'c-abstractor'
  | 'ldp'
  | 'pixel-shuffle-mlp'
  | 'token-selection'
  | 'low-rank'
  | 'dual-projection'
  | 'output-transformer'
  | 'codebook';

/** Which side of the LLM a projector sits on (MM-LLMs survey, zhang2024mmllms §2). */
export type ProjectorSide = 'input' | 'output' | 'joint-embedding';

/** A tensor shape, batch first. */
export type Shape = readonly number[];

/** Shapes of the inputs a projector receives; `text` only for kinds that read text. */
export interface InputShapes {
  vision: Shape; // [B, Nv, Dv]
  text?: Shape; // [B, Nt, Dm] (dual-projection: [B, 1, Dt])
  mask?: Shape; // [B, Nt]
}

/** Named weights, PyTorch names → tensors in PyTorch layout. */
export type Weights = Record<string, tf.Tensor>;

/** Internals exposed for figures, keyed by the module's exported TRACE_KEYS constant. */
export type Trace = Record<string, tf.Tensor>;

export interface ApplyInput {
  vision: tf.Tensor3D; // [B, Nv, Dv]
  text?: tf.Tensor3D; // [B, Nt, Dm]
  mask?: tf.Tensor2D; // [B, Nt] 1 = real token, 0 = padding
}

export interface ApplyOutput {
  tokens: tf.Tensor; // usually [B, Nout, Dm]
  trace: Trace;
}

/** The description of one weight: its PyTorch name, shape and what it is. */
export interface WeightSpec {
  name: string;
  shape: Shape;
  doc: string;
}

export interface ProjectorSpec<C> {
  kind: ProjectorKind;
  side: ProjectorSide;
  /** One line for tables and the CLI. */
  title: string;
  /** bib keys of the papers the module follows. */
  cite: readonly string[];
  /** Validates a config; errors name the offending field. */
  schema: z.ZodType<C, z.ZodTypeDef, unknown>;
  /** Small defaults that run fast in a browser; every field commented in the module. */
  defaults: C;
  /** Shape arithmetic only; throws an Error naming the argument when shapes do not fit. */
  outputShape(cfg: C, input: InputShapes): Shape;
  /** Closed-form parameter count; equals the summed size of weightSpecs(cfg) and of init(cfg). */
  paramCount(cfg: C): number;
  /** Analytic FLOPs (2 × multiply-adds of matmuls/convolutions) for one forward pass. */
  flops(cfg: C, input: InputShapes): number;
  /** Names, shapes and meaning of every weight, in PyTorch naming and layout. */
  weightSpecs(cfg: C): WeightSpec[];
  /** Seeded initialisation; each weight's seed is derived from (seed, weight name). */
  init(cfg: C, seed: number): Weights;
  /** The forward pass. Disposes every intermediate tensor. */
  apply(cfg: C, weights: Weights, input: ApplyInput): ApplyOutput;
}
