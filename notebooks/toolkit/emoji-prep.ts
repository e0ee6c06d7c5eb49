/**
 * Shared preparation of the emoji features for the alignment notebooks (the tfjs side; no card
 * imports this): selecting rows and columns, standardising by the train split, and the seeded
 * random projection of the caption embeddings that keeps a default run inside the browser budget.
 */
import * as tf from '@tensorflow/tfjs';
import { deriveSeed } from '../../src/primitives/rng';

/** Rows `idx` of a row-major [*, width] array. */
export function gatherRows(values: Float32Array, width: number, idx: readonly number[]): Float32Array {
  const out = new Float32Array(idx.length * width);
  idx.forEach((i, j) => out.set(values.subarray(i * width, (i + 1) * width), j * width));
  return out;
}

/** The first `keep` columns of a row-major [count, width] array: the leading components of a PCA-ordered artefact. */
export function leadingColumns(values: Float32Array, width: number, keep: number): Float32Array {
  const count = values.length / width;
  const out = new Float32Array(count * keep);
  for (let i = 0; i < count; i += 1) out.set(values.subarray(i * width, i * width + keep), i * keep);
  return out;
}

/**
 * A seeded Gaussian random projection of row-major [count, width] rows to `dims` columns, entries
 * N(0, 1/dims) (Johnson–Lindenstrauss: inner products, and so cosine rankings, are roughly kept).
 * The seed is derived from `seed` and 'text-projection', so every notebook projects the captions of
 * a given seed the same way.
 */
export function randomProjection(values: Float32Array, width: number, dims: number, seed: number): Float32Array {
  const count = values.length / width;
  // Computed inside tidy, read outside it: tidy would otherwise walk the returned typed array entry by entry.
  const projected = tf.tidy(() => {
    const r = tf.randomNormal([width, dims], 0, 1 / Math.sqrt(dims), 'float32', deriveSeed(seed, 'text-projection'));
    return tf.matMul(tf.tensor2d(values, [count, width]), r); // [N, width] × [width, dims] → [N, dims]
  });
  const out = projected.dataSync() as Float32Array;
  projected.dispose();
  return out;
}

/** Each row scaled to unit Euclidean length (rows of zeros stay zero). */
export function unitRows(values: Float32Array, width: number): Float32Array {
  const out = new Float32Array(values.length);
  for (let i = 0; i < values.length; i += width) {
    let sq = 0;
    for (let j = 0; j < width; j += 1) sq += (values[i + j] as number) ** 2;
    const norm = Math.sqrt(sq) || 1;
    for (let j = 0; j < width; j += 1) out[i + j] = (values[i + j] as number) / norm;
  }
  return out;
}

/**
 * Standardises columns by the train rows' mean and one scalar train standard deviation (so the
 * relative scales of PCA components are kept); returns a function that reads any rows standardised.
 */
export function standardise(data: Float32Array, width: number, train: readonly number[]): (rows: readonly number[]) => Float32Array {
  const mean = new Float64Array(width);
  for (const i of train) for (let j = 0; j < width; j += 1) mean[j] = (mean[j] as number) + (data[i * width + j] as number) / train.length;
  let sq = 0;
  for (const i of train) for (let j = 0; j < width; j += 1) sq += ((data[i * width + j] as number) - (mean[j] as number)) ** 2;
  const std = Math.sqrt(sq / (train.length * width)) || 1;
  return (rows) => {
    const out = new Float32Array(rows.length * width);
    rows.forEach((i, r) => {
      for (let j = 0; j < width; j += 1) out[r * width + j] = ((data[i * width + j] as number) - (mean[j] as number)) / std;
    });
    return out;
  };
}
