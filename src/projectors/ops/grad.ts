/**
 * Gradient helpers missing from tfjs: stop_gradient (TensorFlow's tf.stop_gradient, PyTorch's
 * .detach()), written with tf.customGrad so that it works on every backend.
 */
import * as tf from '@tensorflow/tfjs';

// customGrad passes (…inputs, save); only the first input is used.
const stop = tf.customGrad(((x: tf.Tensor) => ({ value: x.clone(), gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy) })) as unknown as Parameters<typeof tf.customGrad>[0]);

/** The same values as x, with a zero gradient (sg[x] in the VQ-VAE loss). */
export function stopGradient<T extends tf.Tensor>(x: T): T {
  return stop(x) as T;
}
