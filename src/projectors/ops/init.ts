/**
 * Seeded weight initialisers. Each draw uses a seed derived from (run seed, weight name), so a
 * weight's values depend only on its own name and the seed. tfjs generates seeded random numbers
 * in JavaScript, so the values are identical on every backend.
 */
import * as tf from '@tensorflow/tfjs';
import { deriveSeed } from '../../primitives/rng';
import type { Shape } from '../types';

/** PyTorch nn.Linear / nn.Conv default: U(-1/sqrt(fanIn), 1/sqrt(fanIn)) for weight and bias. */
export function uniformFanIn(shape: Shape, fanIn: number, seed: number, name: string): tf.Tensor {
  const bound = 1 / Math.sqrt(fanIn);
  return tf.randomUniform([...shape], -bound, bound, 'float32', deriveSeed(seed, name));
}

/** Normal(0, std), e.g. std 0.02 for BERT-style weights and learned queries. */
export function normal(shape: Shape, std: number, seed: number, name: string): tf.Tensor {
  return tf.randomNormal([...shape], 0, std, 'float32', deriveSeed(seed, name));
}

/**
 * Truncated normal cut at ±2 standard deviations (tf.truncatedNormal). Not the same as torch's
 * `trunc_normal_(std=…)`, which cuts at ±2 in absolute value; use `normal` where that matters.
 */
export function truncatedNormal(shape: Shape, std: number, seed: number, name: string): tf.Tensor {
  return tf.truncatedNormal([...shape], 0, std, 'float32', deriveSeed(seed, name));
}

export const zeros = (shape: Shape): tf.Tensor => tf.zeros([...shape]);
export const ones = (shape: Shape): tf.Tensor => tf.ones([...shape]);
