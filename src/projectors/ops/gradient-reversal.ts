/**
 * Gradient reversal (Ganin & Lempitsky's domain-adversarial layer, used by ACMR, wang2017adversarial,
 * as `flip_gradient`): identity in the forward pass, gradient multiplied by −λ in the backward pass.
 * A classifier placed after it learns to tell the modalities apart, while everything before it is
 * pushed to make them indistinguishable, in one minimisation.
 *
 * Shapes: any tensor in, the same tensor out.
 * Departures: none; written with tf.customGrad so it differentiates on every backend.
 */
import * as tf from '@tensorflow/tfjs';

/** x unchanged; d/dx becomes −λ·dy. λ = 0 is a stop-gradient, λ < 0 would turn reversal off. */
export function gradientReversal<T extends tf.Tensor>(x: T, lambda: number): T {
  if (!Number.isFinite(lambda)) throw new RangeError(`gradientReversal: lambda must be finite, got ${lambda}`);
  // customGrad passes (…inputs, save); only the first input is used.
  const flip = tf.customGrad(((input: tf.Tensor) => ({
    value: input.clone(),
    gradFunc: (dy: tf.Tensor) => dy.mul(-lambda),
  })) as unknown as Parameters<typeof tf.customGrad>[0]);
  return flip(x) as T;
}

/**
 * The reversal strength at training progress p ∈ [0, 1] in the ACMR demo code (after Ganin et al.):
 * λ(p) = 2 / (1 + exp(−10p)) − 1, rising from 0 to about 1, so the adversary starts gently.
 */
export function reversalSchedule(progress: number): number {
  const p = Math.min(1, Math.max(0, progress));
  return 2 / (1 + Math.exp(-10 * p)) - 1;
}
