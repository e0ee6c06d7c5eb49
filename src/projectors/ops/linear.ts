/**
 * Linear layers in PyTorch layout: weight [out, in], bias [out]; y = x Wᵀ + b over the last axis.
 */
import * as tf from '@tensorflow/tfjs';
import type { Shape, WeightSpec, Weights } from '../types';
import { uniformFanIn } from './init';

/** y = x Wᵀ (+ b) for x of any rank: [..., in] → [..., out]. */
export function linear(x: tf.Tensor, weight: tf.Tensor, bias?: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const inDim = x.shape[x.shape.length - 1] as number;
    const outDim = weight.shape[0] as number;
    const lead = x.shape.slice(0, -1);
    const flat = x.reshape([-1, inDim]) as tf.Tensor2D; // [..., in] → [M, in]
    // tfjs-wasm 4.22 runs matMul(a, b, false, true) about 10× slower than a plain product
    // (measured by `npm run bench`), so transpose the [out, in] weight explicitly and let the fused
    // kernel add the bias in the same pass. Both steps are differentiable, so training still works.
    const weightT = tf.transpose(weight) as tf.Tensor2D; // [out, in] → [in, out]
    const y = tf.fused.matMul({ a: flat, b: weightT, bias }); // [M, in] × [in, out] + b → [M, out]
    return y.reshape([...lead, outDim]); // [M, out] → [..., out]
  });
}

/** Parameters of Linear(inDim, outDim): in·out (+ out with bias). */
export const linearParams = (inDim: number, outDim: number, bias = true): number =>
  inDim * outDim + (bias ? outDim : 0);

/** FLOPs of Linear over `tokens` rows: 2·tokens·in·out (bias adds ignored by convention). */
export const linearFlops = (tokens: number, inDim: number, outDim: number): number =>
  2 * tokens * inDim * outDim;

export function linearSpecs(prefix: string, inDim: number, outDim: number, bias = true): WeightSpec[] {
  const specs: WeightSpec[] = [{ name: `${prefix}.weight`, shape: [outDim, inDim], doc: `Linear(${inDim}, ${outDim}) weight [out, in]` }];
  if (bias) specs.push({ name: `${prefix}.bias`, shape: [outDim], doc: `Linear(${inDim}, ${outDim}) bias` });
  return specs;
}

/** PyTorch's default nn.Linear initialisation, seeded per weight name. */
export function initLinear(prefix: string, inDim: number, outDim: number, seed: number, bias = true): Weights {
  const w: Weights = { [`${prefix}.weight`]: uniformFanIn([outDim, inDim] as Shape, inDim, seed, `${prefix}.weight`) };
  if (bias) w[`${prefix}.bias`] = uniformFanIn([outDim], inDim, seed, `${prefix}.bias`);
  return w;
}
