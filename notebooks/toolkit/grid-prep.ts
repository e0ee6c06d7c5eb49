/**
 * The emoji token grids with their caption targets, prepared for the interaction notebooks (the
 * tfjs side): the 7 × 7 MobileNetV2 grid of every emoji as visual tokens, divided by one scalar (the
 * train split's RMS entry, so the projectors' fan-in initialisation sees unit-scale inputs), and the
 * caption embeddings randomly projected to the language-model width and renormalised to unit rows
 * (the same projection as the alignment notebooks, emoji-prep.ts randomProjection).
 *
 * Shapes: grid [N, 49, 20] (7 × 7 tokens, PCA 1280 → 20), captions [N, 512] → per split
 * vision [n, 49, Dv = 20], text [n, Dm].
 */
import * as tf from '@tensorflow/tfjs';
import type { EmojiData } from '../../src/data';
import { gatherRows, randomProjection, rmsEntry, unitRows } from './emoji-prep';
import { FULL_TEXT_DIM } from './cards';

export interface GridSplit {
  vision: tf.Tensor3D; // [n, Nv, Dv]
  text: tf.Tensor2D; // [n, Dm]
  n: number;
  /** Emoji indices of the rows. */
  rows: readonly number[];
}

export interface GridPairs {
  train: GridSplit;
  test: GridSplit;
  /** Tokens per image and their width (49 and 20 for the committed grid). */
  tokens: number;
  width: number;
  /** The RMS entry of the train grids that the tokens were divided by. */
  trainRms: number;
  dispose(): void;
}

/** Both splits' grids and caption targets (Dm = `textDims`, a seeded random projection of the 512-d embeddings). */
export function prepareGridPairs(emoji: Pick<EmojiData, 'split'> & Required<Pick<EmojiData, 'grid' | 'use'>>, spec: { seed: number; textDims: number }): GridPairs {
  const [, tokens, width] = emoji.grid.shape as [number, number, number];
  if (emoji.use.shape[1] !== FULL_TEXT_DIM) throw new Error(`expected ${FULL_TEXT_DIM}-d caption embeddings, the data has ${emoji.use.shape[1]}`);
  const rowWidth = tokens * width; // one image's grid flattened: [Nv · Dv]
  const { train, test } = emoji.split;
  const trainRms = rmsEntry(gatherRows(emoji.grid.data, rowWidth, train));
  const projected = spec.textDims < FULL_TEXT_DIM ? unitRows(randomProjection(emoji.use.data, FULL_TEXT_DIM, spec.textDims, spec.seed), spec.textDims) : emoji.use.data;
  const split = (rows: readonly number[]): GridSplit => ({
    // [n, Nv · Dv] → [n, Nv, Dv]
    vision: tf.tidy(() => tf.tensor3d(gatherRows(emoji.grid.data, rowWidth, rows), [rows.length, tokens, width]).div(trainRms) as tf.Tensor3D),
    text: tf.tensor2d(gatherRows(projected, spec.textDims, rows), [rows.length, spec.textDims]),
    n: rows.length,
    rows,
  });
  const pairs = { train: split(train), test: split(test) };
  return { ...pairs, tokens, width, trainRms, dispose: () => tf.dispose([pairs.train.vision, pairs.train.text, pairs.test.vision, pairs.test.text]) };
}

/**
 * Minibatch indices for every step, drawn without replacement within an epoch (a fresh seeded
 * shuffle of the n train rows each epoch), from an Rng the caller seeds.
 */
export function stepBatches(shuffle: (xs: number[]) => number[], steps: number, batchSize: number, n: number): Int32Array {
  const out = new Int32Array(steps * batchSize);
  let order: number[] = [];
  for (let k = 0; k < out.length; k += 1) {
    if (order.length === 0) order = shuffle(Array.from({ length: n }, (_, i) => i));
    out[k] = order.pop() as number;
  }
  return out;
}
