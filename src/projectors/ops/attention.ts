/**
 * Multi-head scaled dot-product attention with PyTorch-compatible projection weights.
 *
 * Shapes: query [B, Nq, Eq], key/value [B, Nk, Ek] → output [B, Nq, Eo], attention weights
 * [B, H, Nq, Nk] (softmax over the keys, kept for traces and figures).
 *
 * Papers: the attention every attention projector uses — Q-Former (li2023blip2), Perceiver
 * Resampler and GATED XATTN-DENSE (alayrac2022flamingo, awadalla2023openflamingo), the Qwen-VL
 * resampler (bai2023qwenvl) and the tiny output Transformers (wu2024nextgpt, koh2023generating).
 *
 * Weight layouts supported (all PyTorch [out, in]):
 * - separate q/k/v Linears, as LAVIS BERT (`query`, `key`, `value`, then `output.dense`);
 * - q plus a packed kv Linear, as open_flamingo (`to_q`, `to_kv` [2·inner, in] whose first half
 *   is the key and second half the value, because it calls `.chunk(2, dim=-1)`, then `to_out`);
 * - nn.MultiheadAttention's packed `in_proj_weight` [3E, E] (rows q, k, v) / `in_proj_bias` [3E]
 *   and `out_proj` (Qwen-VL resampler, nn.Transformer).
 *
 * Departures from PyTorch:
 * - The key padding mask uses 1 = keep, 0 = pad (the ApplyInput convention), not PyTorch's
 *   True = ignore, and masks with a large finite negative (-1e9) added to the scores; a row whose
 *   keys are all padded becomes uniform here where PyTorch returns NaN.
 * - The scale multiplies the scores after the product (BERT divides them, nn.MultiheadAttention
 *   and open_flamingo scale q first); the results differ by float rounding only.
 * - No dropout (eval mode).
 *
 * FLOPs (2 × multiply-adds, the types.ts convention), with E = H·Dh the inner width:
 *   q projection 2·Nq·Eq·E, k and v projections 2·2·Nk·Ek·E, scores 2·Nq·Nk·E,
 *   weighted values 2·Nq·Nk·E, output projection 2·Nq·E·Eo, per batch element.
 *   Softmax, scaling, masking and bias adds are not counted.
 */
import * as tf from '@tensorflow/tfjs';
import { deriveSeed } from '../../primitives/rng';
import type { WeightSpec, Weights } from '../types';
import { checkShape, getWeight } from './common';
import { linear } from './linear';

/** The four projections of one attention module, in PyTorch layout [out, in]. */
export interface AttentionProjections {
  wq: tf.Tensor; // [E, Eq]
  bq?: tf.Tensor; // [E]
  wk: tf.Tensor; // [E, Ek]
  bk?: tf.Tensor;
  wv: tf.Tensor; // [E, Ek]
  bv?: tf.Tensor;
  wo: tf.Tensor; // [Eo, E]
  bo?: tf.Tensor; // [Eo]
}

/** Separate Linear layers for q, k, v and out (LAVIS BERT, NExT-GPT-style code). */
export function separateProjections(
  weights: Weights,
  names: { q: string; k: string; v: string; out: string },
  bias: boolean,
): AttentionProjections {
  const get = (prefix: string, part: 'weight' | 'bias') => getWeight(weights, `${prefix}.${part}`);
  return {
    wq: get(names.q, 'weight'),
    wk: get(names.k, 'weight'),
    wv: get(names.v, 'weight'),
    wo: get(names.out, 'weight'),
    ...(bias ? { bq: get(names.q, 'bias'), bk: get(names.k, 'bias'), bv: get(names.v, 'bias'), bo: get(names.out, 'bias') } : {}),
  };
}

/**
 * open_flamingo layout: bias-free `to_q`, `to_kv` and `to_out`. `to_kv(x).chunk(2, -1)` equals
 * splitting the weight's rows in half, so the halves are sliced here (differentiable; the slices are
 * new tensors that the caller's tidy disposes).
 */
export function kvPackedProjections(weights: Weights, names: { q: string; kv: string; out: string }): AttentionProjections {
  const wkv = getWeight(weights, `${names.kv}.weight`); // [2E, Ek]
  const [wk, wv] = tf.split(wkv, 2, 0) as [tf.Tensor, tf.Tensor]; // [2E, Ek] → 2 × [E, Ek]
  return { wq: getWeight(weights, `${names.q}.weight`), wk, wv, wo: getWeight(weights, `${names.out}.weight`) };
}

/** nn.MultiheadAttention layout: `in_proj_weight` [3E, E] rows (q, k, v), `in_proj_bias`, `out_proj`. */
export function packedProjections(weights: Weights, prefix: string): AttentionProjections {
  const w = getWeight(weights, `${prefix}.in_proj_weight`); // [3E, E]
  const b = getWeight(weights, `${prefix}.in_proj_bias`); // [3E]
  const [wq, wk, wv] = tf.split(w, 3, 0) as [tf.Tensor, tf.Tensor, tf.Tensor]; // [3E, E] → 3 × [E, E]
  const [bq, bk, bv] = tf.split(b, 3, 0) as [tf.Tensor, tf.Tensor, tf.Tensor]; // [3E] → 3 × [E]
  return {
    wq, bq, wk, bk, wv, bv,
    wo: getWeight(weights, `${prefix}.out_proj.weight`),
    bo: getWeight(weights, `${prefix}.out_proj.bias`),
  };
}

export interface AttentionOptions {
  heads: number;
  /** [B, Nk], 1 = attend, 0 = padding. */
  keyPaddingMask?: tf.Tensor2D;
  /** Defaults to 1/√Dh (Vaswani-style scaling used by every reference module here). */
  scale?: number;
}

/** A type alias (not an interface) so that it is a tfjs TensorContainer and can leave a tf.tidy. */
export type AttentionResult = {
  output: tf.Tensor3D; // [B, Nq, Eo]
  weights: tf.Tensor4D; // [B, H, Nq, Nk]
};

/** [B, N, E] → [B, H, N, Dh]. */
function splitHeads(x: tf.Tensor, heads: number): tf.Tensor {
  const [b, n, e] = x.shape as [number, number, number];
  return x.reshape([b, n, heads, e / heads]).transpose([0, 2, 1, 3]); // [B, N, E] → [B, N, H, Dh] → [B, H, N, Dh]
}

/**
 * Multi-head attention: project, split heads, softmax(q·kᵀ·scale + mask) over keys, merge heads,
 * project out. Disposes every intermediate; returns the output and the attention weights.
 */
export function multiHeadAttention(
  query: tf.Tensor3D,
  key: tf.Tensor3D,
  value: tf.Tensor3D,
  proj: AttentionProjections,
  options: AttentionOptions,
): AttentionResult {
  const { heads } = options;
  const inner = proj.wq.shape[0] as number;
  if (!Number.isInteger(heads) || heads < 1 || inner % heads !== 0) {
    throw new Error(`heads: ${heads} must be a positive integer dividing the inner width ${inner}`);
  }
  const [b, nq] = checkShape('query', query.shape, ['B', 'Nq', 'Eq']);
  const [, nk] = checkShape('key', key.shape, ['B', 'Nk', 'Ek'], { B: ['query[0]', b] });
  checkShape('value', value.shape, ['B', 'Nk', 'Ev'], { B: ['query[0]', b], Nk: ['key[1]', nk] });
  const scale = options.scale ?? 1 / Math.sqrt(inner / heads);
  const mask = options.keyPaddingMask;
  if (mask) checkShape('keyPaddingMask', mask.shape, ['B', 'Nk'], { B: ['query[0]', b], Nk: ['key[1]', nk] });
  return tf.tidy(() => {
    const q = splitHeads(linear(query, proj.wq, proj.bq), heads); // [B, Nq, E] → [B, H, Nq, Dh]
    const k = splitHeads(linear(key, proj.wk, proj.bk), heads); // [B, Nk, E] → [B, H, Nk, Dh]
    const v = splitHeads(linear(value, proj.wv, proj.bv), heads); // [B, Nk, E] → [B, H, Nk, Dh]
    let scores = tf.matMul(q, k, false, true).mul(scale); // [B, H, Nq, Nk]
    if (mask) {
      // (1 - mask)·(-1e9), reshaped [B, Nk] → [B, 1, 1, Nk] to broadcast over heads and queries.
      const additive = tf.scalar(1).sub(mask.toFloat()).mul(-1e9).reshape([b, 1, 1, nk]);
      scores = scores.add(additive);
    }
    const weights = tf.softmax(scores, -1) as tf.Tensor4D; // [B, H, Nq, Nk], rows sum to 1
    const context = tf.matMul(weights, v); // [B, H, Nq, Dh]
    const merged = context.transpose([0, 2, 1, 3]).reshape([b, nq, inner]); // [B, H, Nq, Dh] → [B, Nq, H, Dh] → [B, Nq, E]
    const output = linear(merged, proj.wo, proj.bo) as tf.Tensor3D; // [B, Nq, Eo]
    return { output, weights };
  });
}

/** FLOPs of one attention call for one batch element (see the header for the convention). */
export function attentionFlops(a: {
  queries: number; // Nq
  keys: number; // Nk
  queryDim: number; // Eq
  keyDim: number; // Ek (keys and values share their input)
  inner: number; // E = H·Dh
  outDim: number; // Eo
}): number {
  const qProj = 2 * a.queries * a.queryDim * a.inner;
  const kvProj = 2 * 2 * a.keys * a.keyDim * a.inner;
  const scores = 2 * a.queries * a.keys * a.inner;
  const mix = 2 * a.queries * a.keys * a.inner;
  const out = 2 * a.queries * a.inner * a.outDim;
  return qProj + kvProj + scores + mix + out;
}

/** Weight specs of nn.MultiheadAttention(E, H) (kdim = vdim = E, bias on). */
export function packedAttentionSpecs(prefix: string, embedDim: number): WeightSpec[] {
  return [
    { name: `${prefix}.in_proj_weight`, shape: [3 * embedDim, embedDim], doc: 'packed q, k, v projections [3E, E] (rows q, k, v)' },
    { name: `${prefix}.in_proj_bias`, shape: [3 * embedDim], doc: 'packed q, k, v biases [3E]' },
    { name: `${prefix}.out_proj.weight`, shape: [embedDim, embedDim], doc: 'output projection [E, E]' },
    { name: `${prefix}.out_proj.bias`, shape: [embedDim], doc: 'output projection bias' },
  ];
}

/** Parameters of nn.MultiheadAttention(E, H): 4E² + 4E. */
export const packedAttentionParams = (embedDim: number): number => 4 * embedDim * embedDim + 4 * embedDim;

/** Xavier (Glorot) uniform, U(±√(6/(fanIn + fanOut))), as torch.nn.init.xavier_uniform_ on a [out, in] matrix. */
export function xavierUniform(shape: readonly [number, number], seed: number, name: string): tf.Tensor {
  const bound = Math.sqrt(6 / (shape[0] + shape[1]));
  return tf.randomUniform([...shape], -bound, bound, 'float32', deriveSeed(seed, name));
}

/** How to initialise out_proj.weight: nn.Linear's default, Xavier (nn.Transformer), or N(0, std). */
export type OutProjInit = 'linear-default' | 'xavier' | { normalStd: number };

/**
 * nn.MultiheadAttention's own initialisation (_reset_parameters): xavier_uniform_ on the packed
 * [3E, E] in_proj_weight, zero in_proj_bias and out_proj.bias; out_proj.weight keeps nn.Linear's
 * default U(±1/√E) unless the owner re-initialises it (nn.Transformer: Xavier on every matrix;
 * Qwen-VL's _init_weights: trunc-normal 0.02 on every nn.Linear).
 */
export function initPackedAttention(prefix: string, embedDim: number, seed: number, outInit: OutProjInit = 'linear-default'): Weights {
  const outName = `${prefix}.out_proj.weight`;
  const bound = 1 / Math.sqrt(embedDim);
  let out: tf.Tensor;
  if (outInit === 'xavier') out = xavierUniform([embedDim, embedDim], seed, outName);
  else if (outInit === 'linear-default') out = tf.randomUniform([embedDim, embedDim], -bound, bound, 'float32', deriveSeed(seed, outName));
  else out = tf.randomNormal([embedDim, embedDim], 0, outInit.normalStd, 'float32', deriveSeed(seed, outName));
  return {
    [`${prefix}.in_proj_weight`]: xavierUniform([3 * embedDim, embedDim], seed, `${prefix}.in_proj_weight`),
    [`${prefix}.in_proj_bias`]: tf.zeros([3 * embedDim]),
    [outName]: out,
    [`${prefix}.out_proj.bias`]: tf.zeros([embedDim]),
  };
}
