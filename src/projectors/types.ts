/**
 * The contract every projector module implements (see ../shared/design.md, "A projector is one file").
 *
 * Shape legend used in every projector file:
 *   B batch, Nv vision tokens, Nt text tokens, Q queries/latents, Dv vision width,
 *   Dm LLM width, H heads, Dh head width, K codebook size.
 *
 * Conventions
 * - Weights are plain records of named tfjs tensors whose names and layouts are the PyTorch
 *   reference implementation's (`nn.Linear.weight` is [out, in]), so they round-trip through
 *   safetensors unchanged.
 * - paramCount is analytic and must equal the total size of `init(cfg, seed)`'s tensors.
 * - flops counts multiply-adds × 2 for matmuls (a [m,k]×[k,n] product costs 2·m·k·n) and
 *   ignores elementwise ops, norms and softmax; each module documents anything it adds.
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
  text?: Shape; // [B, Nt, Dm] (or [B, Dt] for dual-projection)
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
  /** Analytic parameter count; equals the summed size of weightSpecs(cfg). */
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
