/**
 * Losses the two-tower alignment notebooks share (align-adversarial, align-multispace), tfjs side.
 * Shapes: image and caption embeddings [m, D], row i of one paired with row i of the other.
 */
import * as tf from '@tensorflow/tfjs';

/** Rows scaled to unit length; the epsilon keeps a zero row finite. [m, D] → [m, D] */
export const unitLength = (x: tf.Tensor2D): tf.Tensor2D => x.div(x.norm('euclidean', 1, true).add(1e-8));

/**
 * The paired triplet hinge on cosine, averaged over every in-batch negative, in each direction:
 * image → text max(0, margin + cos(i, t') − cos(i, t)) over the other captions t', and text → image
 * over the other images. Inputs are unit rows; returned apart, so a caller's sum keeps its order.
 */
export function tripletHinge(ni: tf.Tensor2D, nt: tf.Tensor2D, margin: number): { imageToText: tf.Scalar; textToImage: tf.Scalar } {
  const m = ni.shape[0];
  const sim = tf.matMul(ni, nt.transpose()); // [m, D] × [D, m] → [m, m]
  const pos = sim.mul(tf.eye(m)).sum(1); // [m]
  const offDiag = tf.onesLike(sim).sub(tf.eye(m));
  return {
    imageToText: tf.relu(sim.sub(pos.expandDims(1)).add(margin)).mul(offDiag).sum().div(m * (m - 1)) as tf.Scalar,
    textToImage: tf.relu(sim.sub(pos.expandDims(0)).add(margin)).mul(offDiag).sum().div(m * (m - 1)) as tf.Scalar,
  };
}
