/**
 * LayerNorm over the last axis, as torch.nn.LayerNorm (biased variance, eps inside the sqrt).
 */
import * as tf from '@tensorflow/tfjs';
import type { WeightSpec, Weights } from '../types';

export function layerNorm(x: tf.Tensor, gamma?: tf.Tensor, beta?: tf.Tensor, eps = 1e-5): tf.Tensor {
  return tf.tidy(() => {
    const axis = x.shape.length - 1;
    const { mean, variance } = tf.moments(x, axis, true);
    const normed = x.sub(mean).mul(tf.rsqrt(variance.add(eps)));
    const scaled = gamma ? normed.mul(gamma) : normed;
    return beta ? scaled.add(beta) : scaled;
  });
}

/** LayerNorm(n) with affine parameters has 2n parameters (gain and bias). */
export const layerNormParams = (n: number): number => 2 * n;

export function layerNormSpecs(prefix: string, n: number): WeightSpec[] {
  return [
    { name: `${prefix}.weight`, shape: [n], doc: `LayerNorm(${n}) gain` },
    { name: `${prefix}.bias`, shape: [n], doc: `LayerNorm(${n}) bias` },
  ];
}

/** PyTorch's LayerNorm init: gain 1, bias 0. */
export function initLayerNorm(prefix: string, n: number): Weights {
  return { [`${prefix}.weight`]: tf.ones([n]), [`${prefix}.bias`]: tf.zeros([n]) };
}
