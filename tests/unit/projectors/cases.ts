/**
 * Small configs of every registered projector kind, at least two per kind, shared by the contract
 * test and the FLOP test: each with an input, its expected output shape, a bad input with the exact
 * error it must raise (the one style of ops/common.ts), and a config field whose bad value the
 * schema must name.
 */
import * as tf from '@tensorflow/tfjs';
import type { ApplyInput, InputShapes, Weights } from '../../../src/projectors/types';

export interface Case {
  name: string;
  kind: string;
  cfg: Record<string, unknown>;
  input: InputShapes;
  out: number[];
  badInput: InputShapes;
  badInputMessage: string;
  /** A field that -1 makes invalid; the schema error must name it. */
  badField: string;
  /** Weights that cannot reach the output, so their gradient must be exactly 0. */
  dead?: RegExp;
  /** Changes the initialised weights before the gradient test (e.g. opens the gates). */
  adjust?: (w: Weights) => void;
}

/** Non-zero gates so that every weight of the gated block reaches the output. */
function openGates(w: Weights): void {
  tf.dispose([w.attn_gate as tf.Tensor, w.ff_gate as tf.Tensor]);
  w.attn_gate = tf.tensor1d([0.5]);
  w.ff_gate = tf.tensor1d([-0.3]);
}

const qformerDefaults = { numQueries: 8, hiddenDim: 64, depth: 2, numHeads: 4, ffnDim: 256, crossAttentionFreq: 2, visionDim: 96, llmDim: 128, projName: 'opt_proj' };

export const cases: Case[] = [
  { name: 'linear', kind: 'linear', cfg: { visionDim: 6, llmDim: 8 }, input: { vision: [2, 4, 6] }, out: [2, 4, 8], badInput: { vision: [2, 4, 5] }, badInputMessage: 'vision: expected [B, Nv, Dv] with Dv = visionDim = 6, got [2, 4, 5]', badField: 'visionDim' },
  { name: 'linear concat 4', kind: 'linear', cfg: { visionDim: 6, llmDim: 8, concat: 4 }, input: { vision: [2, 8, 6] }, out: [2, 2, 8], badInput: { vision: [2, 6, 6] }, badInputMessage: 'vision: expected [B, Nv, Dv] with Nv divisible by concat = 4, got [2, 6, 6]', badField: 'concat' },
  { name: 'linear split 4, no bias', kind: 'linear', cfg: { visionDim: 6, llmDim: 8, split: 4, bias: false }, input: { vision: [2, 1, 6] }, out: [2, 4, 8], badInput: { vision: [2, 6] }, badInputMessage: 'vision: expected [B, Nv, Dv] with Dv = visionDim = 6, got [2, 6]', badField: 'split' },
  { name: 'mlp depth 3', kind: 'mlp', cfg: { visionDim: 6, llmDim: 8, depth: 3 }, input: { vision: [2, 5, 6] }, out: [2, 5, 8], badInput: { vision: [2, 5, 8] }, badInputMessage: 'vision: expected [B, Nv, Dv] with Dv = visionDim = 6, got [2, 5, 8]', badField: 'depth' },
  { name: 'mlp depth 1', kind: 'mlp', cfg: { visionDim: 5, llmDim: 7, depth: 1 }, input: { vision: [1, 3, 5] }, out: [1, 3, 7], badInput: { vision: [1, 3, 0] }, badInputMessage: 'vision: expected [B, Nv, Dv] with Dv = visionDim = 5, got [1, 3, 0] (Dv = 0 is not a positive integer)', badField: 'llmDim' },
  { name: 'low-rank', kind: 'low-rank', cfg: { visionDim: 6, rank: 2, llmDim: 8 }, input: { vision: [1, 3, 6] }, out: [1, 3, 8], badInput: { vision: [0, 3, 6] }, badInputMessage: 'vision: expected [B, Nv, Dv] with Dv = visionDim = 6, got [0, 3, 6] (B = 0 is not a positive integer)', badField: 'rank' },
  { name: 'low-rank, rank above both widths', kind: 'low-rank', cfg: { visionDim: 4, rank: 5, llmDim: 3 }, input: { vision: [2, 2, 4] }, out: [2, 2, 3], badInput: { vision: [2, 2, 3] }, badInputMessage: 'vision: expected [B, Nv, Dv] with Dv = visionDim = 4, got [2, 2, 3]', badField: 'llmDim' },
  { name: 'pixel-shuffle-mlp', kind: 'pixel-shuffle-mlp', cfg: { visionDim: 4, llmDim: 8 }, input: { vision: [2, 36, 4] }, out: [2, 9, 8], badInput: { vision: [2, 25, 4] }, badInputMessage: 'vision: expected [B, Nv, Dv] with Nv = h·h, h divisible by downsample = 2, got [2, 25, 4] (h = 5)', badField: 'downsample' },
  { name: 'pixel-shuffle-mlp v1, r 3', kind: 'pixel-shuffle-mlp', cfg: { visionDim: 2, llmDim: 6, downsample: 3, psVersion: 'v1' }, input: { vision: [1, 36, 2] }, out: [1, 4, 6], badInput: { vision: [1, 35, 2] }, badInputMessage: 'vision: expected [B, Nv, Dv] with Nv = h·h, h divisible by downsample = 3, got [1, 35, 2] (35 is not a square)', badField: 'psVersion' },
  { name: 'ldp v1', kind: 'ldp', cfg: { visionDim: 4, llmDim: 8, version: 1 }, input: { vision: [2, 25, 4] }, out: [2, 9, 8], badInput: { vision: [2, 24, 4] }, badInputMessage: 'vision: expected [B, Nv, Dv] with Nv = h·h, a square grid, got [2, 24, 4] (24 is not a square)', badField: 'version' },
  { name: 'ldp v2', kind: 'ldp', cfg: { visionDim: 4, llmDim: 8, version: 2, poolSize: 3 }, input: { vision: [1, 36, 4] }, out: [1, 9, 8], badInput: { vision: [1, 35, 4] }, badInputMessage: 'vision: expected [B, Nv, Dv] with Nv = h·h, a square grid, got [1, 35, 4] (35 is not a square)', badField: 'poolSize' },
  { name: 'c-abstractor, shortcut conv', kind: 'c-abstractor', cfg: { visionDim: 4, hiddenDim: 8, llmDim: 8, depth: 1, numQueries: 4, numInputTokens: 16 }, input: { vision: [1, 16, 4] }, out: [1, 4, 8], badInput: { vision: [1, 9, 4] }, badInputMessage: 'vision: expected [B, Nv, Dv] with Nv = numInputTokens = 16, got [1, 9, 4] (pos_emb is sized for it)', badField: 'numQueries' },
  { name: 'c-abstractor, no pos_emb, depth 2, readout 3', kind: 'c-abstractor', cfg: { visionDim: 8, hiddenDim: 8, llmDim: 6, depth: 2, mlpDepth: 3, numQueries: 9, numInputTokens: 25, posEmb: false }, input: { vision: [1, 25, 8] }, out: [1, 9, 6], badInput: { vision: [1, 24, 8] }, badInputMessage: 'vision: expected [B, Nv, Dv] with Nv = h·h, a square grid, got [1, 24, 8] (24 is not a square)', badField: 'mlpDepth' },
  { name: 'token-selection', kind: 'token-selection', cfg: { visionDim: 6, llmDim: 8, keep: 3 }, input: { vision: [2, 5, 6], text: [2, 4, 8] }, out: [2, 3, 8], badInput: { vision: [2, 2, 6], text: [2, 4, 8] }, badInputMessage: 'vision: expected [B, Nv, Dv] with Nv ≥ keep = 3, got [2, 2, 6]', badField: 'keep' },
  { name: 'token-selection dot, masked', kind: 'token-selection', cfg: { visionDim: 4, llmDim: 5, keep: 2, score: 'dot' }, input: { vision: [1, 4, 4], text: [1, 3, 5], mask: [1, 3] }, out: [1, 2, 5], badInput: { vision: [1, 4, 4], text: [1, 3, 5], mask: [1, 2] }, badInputMessage: 'mask: expected [B, Nt] with B = vision[0] = 1, Nt = text[1] = 3, got [1, 2]', badField: 'score' },
  { name: 'dual-projection', kind: 'dual-projection', cfg: { visionDim: 6, textDim: 4, embedDim: 3 }, input: { vision: [3, 1, 6], text: [3, 1, 4] }, out: [3, 1, 3], badInput: { vision: [3, 1, 6], text: [2, 1, 4] }, badInputMessage: 'text: expected [B, Nt, Dt] with B = vision[0] = 3, Nt = 1, Dt = textDim = 4, got [2, 1, 4]', badField: 'embedDim' },
  { name: 'dual-projection, fixed scale', kind: 'dual-projection', cfg: { visionDim: 5, textDim: 5, embedDim: 2, learnLogitScale: false }, input: { vision: [2, 1, 5], text: [2, 1, 5] }, out: [2, 1, 2], badInput: { vision: [2, 2, 5], text: [2, 1, 5] }, badInputMessage: 'vision: expected [B, Nv, Dv] with Nv = 1, Dv = visionDim = 5, got [2, 2, 5]', badField: 'textDim' },
  { name: 'codebook', kind: 'codebook', cfg: { codebookSize: 5, codeDim: 3 }, input: { vision: [2, 4, 3] }, out: [2, 4, 3], badInput: { vision: [2, 4, 2] }, badInputMessage: 'vision: expected [B, N, Dc] with Dc = codeDim = 3, got [2, 4, 2]', badField: 'codebookSize' },
  { name: 'codebook β 0', kind: 'codebook', cfg: { codebookSize: 3, codeDim: 4, beta: 0 }, input: { vision: [1, 5, 4] }, out: [1, 5, 4], badInput: { vision: [1, 5] }, badInputMessage: 'vision: expected [B, N, Dc] with Dc = codeDim = 4, got [1, 5]', badField: 'beta' },
  {
    name: 'gated-cross-attention', kind: 'gated-cross-attention', cfg: { llmDim: 64, visionDim: 48, numHeads: 4, headDim: 16, ffnMult: 4, activation: 'gelu' },
    input: { vision: [2, 9, 48], text: [2, 5, 64] }, out: [2, 5, 64], badInput: { vision: [2, 9, 48], text: [1, 5, 64] },
    badInputMessage: 'text: expected [B, Nt, Dm] with B = vision[0] = 2, Dm = llmDim = 64, got [1, 5, 64]', badField: 'numHeads', adjust: openGates,
  },
  {
    name: 'gated-cross-attention, squared ReLU', kind: 'gated-cross-attention', cfg: { llmDim: 12, visionDim: 10, numHeads: 2, headDim: 8, ffnMult: 2, activation: 'squared-relu' },
    input: { vision: [1, 3, 10], text: [1, 4, 12] }, out: [1, 4, 12], badInput: { vision: [1, 3, 10] },
    badInputMessage: 'text: expected [B, Nt, Dm] with B = vision[0] = 1, Dm = llmDim = 12, got none', badField: 'activation', adjust: openGates,
  },
  { name: 'perceiver-resampler', kind: 'perceiver-resampler', cfg: { visionDim: 64, depth: 2, numHeads: 4, headDim: 16, numQueries: 8, ffnMult: 4, activation: 'gelu' }, input: { vision: [2, 9, 64] }, out: [2, 8, 64], badInput: { vision: [2, 9, 32] }, badInputMessage: 'vision: expected [B, Nv, Dv] with Dv = visionDim = 64, got [2, 9, 32]', badField: 'numHeads' },
  { name: 'perceiver-resampler, squared ReLU', kind: 'perceiver-resampler', cfg: { visionDim: 12, depth: 1, numHeads: 3, headDim: 4, numQueries: 2, ffnMult: 1, activation: 'squared-relu' }, input: { vision: [1, 5, 12] }, out: [1, 2, 12], badInput: { vision: [1, 5, 13] }, badInputMessage: 'vision: expected [B, Nv, Dv] with Dv = visionDim = 12, got [1, 5, 13]', badField: 'numQueries' },
  { name: 'qformer', kind: 'qformer', cfg: qformerDefaults, input: { vision: [2, 9, 96] }, out: [2, 8, 128], badInput: { vision: [2, 9, 95] }, badInputMessage: 'vision: expected [B, Nv, Dv] with Dv = visionDim = 96, got [2, 9, 95]', badField: 'numHeads' },
  {
    name: 'qformer (instruction-aware, masked)', kind: 'qformer', cfg: { ...qformerDefaults, instructionAware: true }, input: { vision: [2, 9, 96], text: [2, 4, 64], mask: [2, 4] }, out: [2, 8, 128],
    badInput: { vision: [2, 9, 96] }, badInputMessage: 'text: expected [B, Nt, W] with B = vision[0] = 2, W = hiddenDim = 64, got none', badField: 'ffnDim',
    // the last layer's text FFN only updates instruction states, which are then dropped (as in LAVIS)
    dead: /^Qformer\.bert\.encoder\.layer\.1\.(intermediate|output)\.(dense|LayerNorm)\./,
  },
  {
    name: 'qformer, one cross layer of three', kind: 'qformer', cfg: { numQueries: 3, hiddenDim: 16, depth: 3, numHeads: 2, ffnDim: 8, crossAttentionFreq: 3, visionDim: 10, llmDim: 6, projName: 't5_proj' },
    input: { vision: [1, 4, 10] }, out: [1, 3, 6], badInput: { vision: [1, 4, 10], text: [1, 2, 16] },
    badInputMessage: 'text: expected none, got [1, 2, 16] (only an instructionAware Q-Former reads instruction tokens)', badField: 'crossAttentionFreq',
  },
  { name: 'cross-attention-resampler', kind: 'cross-attention-resampler', cfg: { numQueries: 16, llmDim: 64, numHeads: 4, visionDim: 48 }, input: { vision: [2, 9, 48] }, out: [2, 16, 64], badInput: { vision: [2, 10, 48] }, badInputMessage: 'vision: expected [B, Nv, Dv] with Nv = g·g, a square grid for the position table, got [2, 10, 48] (10 is not a square)', badField: 'numHeads' },
  { name: 'cross-attention-resampler, Dv = Dm (no kv_proj)', kind: 'cross-attention-resampler', cfg: { numQueries: 4, llmDim: 8, numHeads: 2, visionDim: 8 }, input: { vision: [1, 4, 8] }, out: [1, 4, 8], badInput: { vision: [1, 4, 7] }, badInputMessage: 'vision: expected [B, Nv, Dv] with Dv = visionDim = 8, got [1, 4, 7]', badField: 'numQueries' },
  {
    name: 'output-transformer', kind: 'output-transformer', cfg: { mode: 'transformer', llmDim: 64, hiddenDim: 32, numHeads: 4, encoderDepth: 2, decoderDepth: 2, ffnDim: 128, outputDim: 48, numQueries: 6 },
    input: { vision: [2, 3, 64] }, out: [2, 6, 48], badInput: { vision: [2, 3, 64], text: [2, 4, 64] },
    badInputMessage: 'text: expected [B, Nsig, Dm] with B = vision[0] = 2, Nsig = vision[1] = 3, Dm = llmDim = 64, got [2, 4, 64]', badField: 'numHeads',
  },
  {
    name: 'output-transformer with input embeddings', kind: 'output-transformer', cfg: { mode: 'transformer', llmDim: 10, hiddenDim: 8, numHeads: 2, encoderDepth: 1, decoderDepth: 1, ffnDim: 12, outputDim: 5, numQueries: 2 },
    input: { vision: [1, 2, 10], text: [1, 2, 10] }, out: [1, 2, 5], badInput: { vision: [1, 2, 9] }, badInputMessage: 'vision: expected [B, Nsig, Dm] with Dm = llmDim = 10, got [1, 2, 9]', badField: 'outputDim',
  },
  {
    name: 'output-transformer (mlp)', kind: 'output-transformer', cfg: { mode: 'mlp', llmDim: 40, hiddenDim: 24, outputDim: 12 }, input: { vision: [2, 3, 40] }, out: [2, 3, 12],
    badInput: { vision: [2, 3, 40], text: [2, 3, 40] }, badInputMessage: "text: expected none, got [2, 3, 40] (input embeddings are only used in mode 'transformer')", badField: 'hiddenDim',
  },
];

/** Deterministic input tensors for a case (seeded tfjs RNG, identical on every backend); a mask keeps all but the last text token. */
export function makeInput(shapes: InputShapes, seed: number): ApplyInput {
  const input: ApplyInput = { vision: tf.randomNormal<tf.Rank>([...shapes.vision], 0, 1, 'float32', seed) as tf.Tensor3D };
  if (shapes.text) input.text = tf.randomNormal<tf.Rank>([...shapes.text], 0, 1, 'float32', seed + 1) as tf.Tensor3D;
  if (shapes.mask) {
    const [b, nt] = shapes.mask as [number, number];
    input.mask = tf.tidy(() => tf.ones([b, nt]).sub(tf.oneHot(tf.fill([b], nt - 1, 'int32'), nt).toFloat())) as tf.Tensor2D; // 1 … 1 0
  }
  return input;
}

export const disposeInput = (x: ApplyInput): void => tf.dispose([x.vision, ...(x.text ? [x.text] : []), ...(x.mask ? [x.mask] : [])]);
