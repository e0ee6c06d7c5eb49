/**
 * Activations matching PyTorch's definitions exactly (golden parity needs the exact forms).
 */
import * as tf from '@tensorflow/tfjs';

/** nn.GELU() default: the exact form 0.5·x·(1 + erf(x/√2)), not the tanh approximation. */
export function gelu(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => x.mul(0.5).mul(tf.erf(x.mul(Math.SQRT1_2)).add(1)));
}

/** nn.SiLU: x·σ(x). */
export const silu = (x: tf.Tensor): tf.Tensor => tf.tidy(() => x.mul(tf.sigmoid(x)));

/** nn.Hardsigmoid: relu6(x + 3) / 6. */
export const hardSigmoid = (x: tf.Tensor): tf.Tensor => tf.tidy(() => tf.relu6(x.add(3)).div(6));

/** nn.Hardswish: x · relu6(x + 3) / 6. */
export const hardSwish = (x: tf.Tensor): tf.Tensor => tf.tidy(() => x.mul(hardSigmoid(x)));

/** Squared ReLU, Flamingo's resampler activation (alayrac2022flamingo, Table 4). */
export const squaredRelu = (x: tf.Tensor): tf.Tensor => tf.tidy(() => tf.square(tf.relu(x)));
