/**
 * open_flamingo's FeedForward, shared by the Perceiver Resampler and the gated cross-attention
 * block: LayerNorm → Linear(D, ffnMult·D, no bias) → activation → Linear(ffnMult·D, D, no bias).
 *
 * Shapes: x [B, N, D] → [B, N, D]; hidden width F = ffnMult·D.
 * Paper/code: awadalla2023openflamingo, mlfoundations/open_flamingo open_flamingo/src/helpers.py
 * (FeedForward: nn.Sequential indices 0 LayerNorm, 1 Linear, 2 GELU, 3 Linear).
 * PyTorch names under `prefix`: `0.weight`, `0.bias` (LayerNorm D), `1.weight` [F, D], `3.weight` [D, F].
 * Departures: the activation is a choice: 'gelu' (OpenFlamingo) or 'squared-relu' (the Flamingo
 * paper, alayrac2022flamingo Table 4).
 */
import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import type { WeightSpec, Weights } from '../types';
import { gelu, squaredRelu } from './activations';
import { getWeight } from './common';
import { initLinear, linear, linearFlops, linearSpecs } from './linear';
import { initLayerNorm, layerNorm, layerNormSpecs } from './norm';

export const activationSchema = z.enum(['gelu', 'squared-relu']);
export type FfnActivation = z.infer<typeof activationSchema>;

export function activate(x: tf.Tensor, activation: FfnActivation): tf.Tensor {
  return activation === 'gelu' ? gelu(x) : squaredRelu(x);
}

/** The forward pass: LN → Linear(no bias) → activation → Linear(no bias), weights `prefix.{0,1,3}`. */
export function flamingoFeedForward(x: tf.Tensor, weights: Weights, prefix: string, activation: FfnActivation): tf.Tensor {
  return tf.tidy(() => {
    const normed = layerNorm(x, getWeight(weights, `${prefix}.0.weight`), getWeight(weights, `${prefix}.0.bias`));
    const hidden = activate(linear(normed, getWeight(weights, `${prefix}.1.weight`)), activation); // [B, N, D] → [B, N, F]
    return linear(hidden, getWeight(weights, `${prefix}.3.weight`)); // [B, N, F] → [B, N, D]
  });
}

export function flamingoFeedForwardSpecs(prefix: string, dim: number, ffnMult: number): WeightSpec[] {
  return [...layerNormSpecs(`${prefix}.0`, dim), ...linearSpecs(`${prefix}.1`, dim, ffnMult * dim, false), ...linearSpecs(`${prefix}.3`, ffnMult * dim, dim, false)];
}

export function initFlamingoFeedForward(prefix: string, dim: number, ffnMult: number, seed: number): Weights {
  return { ...initLayerNorm(`${prefix}.0`, dim), ...initLinear(`${prefix}.1`, dim, ffnMult * dim, seed, false), ...initLinear(`${prefix}.3`, ffnMult * dim, dim, seed, false) };
}

/** Parameters: LayerNorm 2D + two bias-free Linears 2·ffnMult·D². */
export const flamingoFeedForwardParams = (dim: number, ffnMult: number): number => 2 * dim + 2 * ffnMult * dim * dim;

/** FLOPs over `tokens` rows: two Linears, 2·2·tokens·D·F. */
export const flamingoFeedForwardFlops = (tokens: number, dim: number, ffnMult: number): number =>
  linearFlops(tokens, dim, ffnMult * dim) + linearFlops(tokens, ffnMult * dim, dim);
