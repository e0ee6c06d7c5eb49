/**
 * Linear layers in PyTorch layout: weight [out, in], bias [out]; y = x Wᵀ + b over the last axis.
 */
import * as tf from '@tensorflow/tfjs';
import type { Shape, WeightSpec, Weights } from '../types';
import { uniformFanIn } from './init';

/**
 * The product x·Wᵀ for x [M, in] and a PyTorch-layout weight W [out, in], with its own gradient.
 *
 * Why not `tf.matMul(x, W, false, true)`: tfjs-wasm 4.22 runs transposed products through a naive
 * loop (see src/runtime/wasm-matmul-transpose.ts), and even with the weight transposed first, autodiff
 * of a product transposes weight-sized tensors again in the backward pass. Here every product is
 * untransposed and only activation-sized tensors are transposed, which for a projector (M tokens ≪
 * in·out / (in + out)) is the cheap side. Measured on the 2-core VM (2026-11-27): a Linear(256, 512)
 * training step with a cosine loss on 64 rows took 16 ms through autodiff and 12 ms with this
 * gradient; in one `npm run bench` run, LLaVA-1.5-7B's forward took 1,521 ms this way against
 * 2,517 ms transposing the weight on every call (Node; 144% vs 83% of a same-FLOPs plain matMul).
 *   forward:  y  = (W · xᵀ)ᵀ        [out, in] × [in, M] → [out, M] → [M, out]
 *   backward: dx = dy · W          [M, out] × [out, in] → [M, in]
 *             dW = dyᵀ · x         [out, M] × [M, in] → [out, in]
 */
const productWithWeight = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [x, weight, save] = args as [tf.Tensor, tf.Tensor, tf.GradSaveFunc]; // tfjs passes the inputs, then `save`
  save([x, weight]);
  const value = tf.transpose(tf.matMul(weight as tf.Tensor2D, tf.transpose(x) as tf.Tensor2D)); // [out, M] → [M, out]
  const gradFunc = (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]): tf.Tensor[] => {
    const [xs, w] = saved as [tf.Tensor2D, tf.Tensor2D];
    const g = dy as tf.Tensor2D; // [M, out]
    return [tf.matMul(g, w), tf.matMul(tf.transpose(g) as tf.Tensor2D, xs)]; // dx [M, in], dW [out, in]
  };
  return { value, gradFunc };
});

/** y = x Wᵀ (+ b) for x of any rank: [..., in] → [..., out]. */
export function linear(x: tf.Tensor, weight: tf.Tensor, bias?: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const inDim = x.shape[x.shape.length - 1] as number;
    const outDim = weight.shape[0] as number;
    const lead = x.shape.slice(0, -1);
    const flat = x.reshape([-1, inDim]); // [..., in] → [M, in]
    const product = productWithWeight(flat, weight); // [M, out]
    const y = bias ? product.add(bias) : product; // bias [out] broadcasts over rows
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
