/**
 * Seeded k-means for the codebook notebook (tfjs side): k-means++ seeding (Arthur & Vassilvitskii,
 * 2007) in float64 JavaScript, then Lloyd iterations in tfjs. It stands for the offline way a
 * codebook can be fitted to a set of feature vectors, against which the gradient-trained VQ
 * codebook (src/projectors/codebook.ts) is compared.
 *
 * Shapes: data Z [N, D] (row-major Float32Array), codebook E [K, D].
 */
import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../../src/primitives/rng';

/**
 * k-means++ seeding: the first centre is a uniformly drawn row; each next centre is a row drawn with
 * probability proportional to its squared distance to the nearest centre chosen so far. With K ≥ N
 * distinct rows every row becomes a centre before any repeats (a zero distance is never drawn while a
 * positive one exists).
 */
export function kmeansPlusPlus(z: Float32Array, n: number, d: number, k: number, rng: Rng): Float32Array {
  const centres = new Float32Array(k * d);
  const nearest = new Float64Array(n).fill(Infinity);
  let pick = rng.int(n);
  for (let c = 0; c < k; c += 1) {
    centres.set(z.subarray(pick * d, (pick + 1) * d), c * d);
    let total = 0;
    for (let i = 0; i < n; i += 1) {
      let s = 0;
      for (let j = 0; j < d; j += 1) s += ((z[i * d + j] as number) - (z[pick * d + j] as number)) ** 2;
      if (s < (nearest[i] as number)) nearest[i] = s;
      total += nearest[i] as number;
    }
    if (c === k - 1) break;
    if (total <= 0) {
      // Every row already coincides with a centre: the remaining centres are uniform draws.
      pick = rng.int(n);
      continue;
    }
    let u = rng.next() * total;
    pick = n - 1;
    for (let i = 0; i < n; i += 1) {
      u -= nearest[i] as number;
      if (u < 0 && (nearest[i] as number) > 0) {
        pick = i;
        break;
      }
    }
  }
  return centres;
}

/** Index of the nearest code of each row (squared L2; ties to the lowest index, as argMin). [N, D], [K, D] → [N] */
export function assign(z: tf.Tensor2D, e: tf.Tensor2D): tf.Tensor1D {
  return tf.tidy(() => {
    // ‖z − e‖² = ‖z‖² − 2 z·e + ‖e‖²; ‖z‖² is the same for every code, so it is left out of the argmin.
    const dist = tf.matMul(z, e, false, true).mul(-2).add(e.square().sum(1).expandDims(0)); // [N, K]
    return tf.argMin(dist, 1) as tf.Tensor1D;
  });
}

/**
 * One Lloyd iteration: assign every row to its nearest code, move each code to the mean of its rows.
 * A code with no rows keeps its place (it is a dead code; k-means++ seeding makes this rare).
 */
export function lloydStep(z: tf.Tensor2D, e: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const k = e.shape[0];
    const idx = assign(z, e);
    // The wasm backend has no UnsortedSegmentSum kernel: the sums are a one-hot product instead.
    const onehot = tf.oneHot(idx, k).toFloat(); // [N, K]
    const sums = tf.matMul(onehot, z, true, false); // [N, K]ᵀ × [N, D] → [K, D]
    const counts = onehot.sum(0).expandDims(1); // [K] → [K, 1]
    const empty = counts.equal(0);
    return tf.where(empty.tile([1, e.shape[1]]), e, sums.div(tf.maximum(counts, 1))) as tf.Tensor2D;
  });
}
