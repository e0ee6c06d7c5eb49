/**
 * Shared preparation of the emoji features for the alignment notebooks (the tfjs side; no card
 * imports this): loading the parts a notebook needs, selecting rows and columns, the seeded random
 * projection of the caption embeddings that keeps a default run inside the browser budget, scaling
 * by the train split, and the prepared image–caption pairs of both splits as tensors.
 *
 * Shapes: pooled image features [N, 256] (PCA-ordered), caption embeddings [N, 512]; prepared
 * pairs image [n, Di], text [n, Dt] per split (n = 1,529 train, 382 test).
 */
import * as tf from '@tensorflow/tfjs';
import { loadEmoji, type EmojiData, type EmojiPart } from '../../src/data';
import { defaultReader } from '../../src/data/default-reader';
import { createRng, deriveSeed } from '../../src/primitives/rng';
import { throwIfAborted, type RunContext } from '../types';
import { FULL_IMAGE_DIM, FULL_TEXT_DIM } from './cards';

export { FULL_IMAGE_DIM, FULL_TEXT_DIM };

type Loaded<P extends EmojiPart> = EmojiData & Required<Pick<EmojiData, Exclude<P, 'tokens'>>>;

/** Loads the emoji parts a notebook needs (reporting it, honouring cancel) and checks each arrived. */
export async function loadEmojiParts<P extends Exclude<EmojiPart, 'tokens'>>(notebook: string, parts: readonly P[], ctx: RunContext): Promise<Loaded<P>> {
  throwIfAborted(ctx.signal);
  ctx.onProgress(0, 'loading emoji features');
  const emoji = await loadEmoji(await defaultReader(), parts);
  throwIfAborted(ctx.signal);
  const missing = parts.filter((p) => emoji[p] === undefined);
  if (missing.length > 0) throw new Error(`${notebook}: the emoji data did not load (${missing.join(', ')} missing)`);
  return emoji as Loaded<P>;
}

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

/** The root-mean-square entry of a row-major array (float64 accumulation, rounded to float32). */
export function rmsEntry(values: Float32Array): number {
  let s = 0;
  for (const v of values) s += v * v;
  return Math.fround(Math.sqrt(s / values.length));
}

/**
 * How one side of the pairs is scaled, all from the train split: 'standardise' subtracts the train
 * mean and divides by one scalar train standard deviation (relative scales kept); 'rms' divides by
 * the train RMS entry (no centring); 'unit' scales every row to unit length (a random projection
 * changes the norms; the stored 512-d embeddings are used as they are).
 */
export type Scaling = 'standardise' | 'rms' | 'unit';

export interface PairSpec {
  /** Seeds the caption projection (derived as 'text-projection'). */
  seed: number;
  /** Leading PCA components of the image features kept (256 = all). */
  imageDims: number;
  /** Caption width: a seeded Gaussian random projection of the 512-d embeddings when narrower. */
  textDims: number;
  image: Exclude<Scaling, 'unit'>;
  text: Scaling;
}

export interface PairSplit {
  image: tf.Tensor2D; // [n, Di]
  text: tf.Tensor2D; // [n, Dt]
  n: number;
  /** Emoji indices of the rows. */
  rows: readonly number[];
}

export interface EmojiPairs {
  train: PairSplit;
  test: PairSplit;
  /** RMS entry of the train rows of each side before scaling (what 'rms' divides by). */
  trainRms: { image: number; text: number };
  dispose(): void;
}

/**
 * The image–caption pairs of both splits, prepared the way the alignment notebooks share:
 * narrower inputs keep a default run inside the browser budget (the matrix products dominate):
 * the leading Di PCA components (the artefact is PCA-ordered), and a seeded Gaussian random
 * projection of the captions to Dt (Johnson–Lindenstrauss: cosines, and so rankings, roughly kept).
 */
export function prepareEmojiPairs(emoji: Pick<EmojiData, 'split'> & Required<Pick<EmojiData, 'pooled' | 'use'>>, spec: PairSpec): EmojiPairs {
  const widths = [emoji.pooled.shape[1], emoji.use.shape[1]];
  if (widths[0] !== FULL_IMAGE_DIM || widths[1] !== FULL_TEXT_DIM) {
    throw new Error(`expected ${FULL_IMAGE_DIM}-d image features and ${FULL_TEXT_DIM}-d caption embeddings, the data has ${widths.join(' and ')}`);
  }
  const { train, test } = emoji.split;
  const images = leadingColumns(emoji.pooled.data, FULL_IMAGE_DIM, spec.imageDims);
  const projected = spec.textDims < FULL_TEXT_DIM ? randomProjection(emoji.use.data, FULL_TEXT_DIM, spec.textDims, spec.seed) : emoji.use.data;
  const captions = spec.text === 'unit' && spec.textDims < FULL_TEXT_DIM ? unitRows(projected, spec.textDims) : projected;
  const trainRms = { image: rmsEntry(gatherRows(images, spec.imageDims, train)), text: rmsEntry(gatherRows(captions, spec.textDims, train)) };
  const side = (values: Float32Array, width: number, scaling: Scaling, rms: number): ((rows: readonly number[]) => tf.Tensor2D) => {
    if (scaling === 'standardise') {
      const read = standardise(values, width, train);
      return (rows) => tf.tensor2d(read(rows), [rows.length, width]);
    }
    if (scaling === 'rms') return (rows) => tf.tidy(() => tf.tensor2d(gatherRows(values, width, rows), [rows.length, width]).div(rms) as tf.Tensor2D);
    return (rows) => tf.tensor2d(gatherRows(values, width, rows), [rows.length, width]);
  };
  const image = side(images, spec.imageDims, spec.image, trainRms.image);
  const text = side(captions, spec.textDims, spec.text, trainRms.text);
  const split = (rows: readonly number[]): PairSplit => ({ image: image(rows), text: text(rows), n: rows.length, rows });
  const pairs = { train: split(train), test: split(test) };
  return { ...pairs, trainRms, dispose: () => tf.dispose([pairs.train.image, pairs.train.text, pairs.test.image, pairs.test.text]) };
}

/**
 * The rows of x [n, D] under a seeded permutation (derived as 'shuffled-pairs'): paired with the
 * unpermuted other side, the shuffled-pairs control keeps both marginals and loses the pairing.
 */
export function shuffledRows(x: tf.Tensor2D, seed: number): tf.Tensor2D {
  const perm = createRng(deriveSeed(seed, 'shuffled-pairs')).shuffle(Array.from({ length: x.shape[0] }, (_, i) => i));
  return tf.tidy(() => tf.gather(x, tf.tensor1d(perm, 'int32')));
}
