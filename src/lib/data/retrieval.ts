/**
 * The data's signal check: a linear ridge map from image features to caption embeddings, fitted on
 * the train split, then each held-out image retrieves its own caption among all held-out captions by
 * cosine. The same function runs at build time (numbers written to the manifest and shown on the
 * Data page) and in the unit tests (which recompute them from the committed artefacts).
 */
import { cosineMatrix, pairedRanks, retrievalScores, ridgeFit, ridgePredict, type RetrievalScores } from './linalg';
import { createRng, deriveSeed } from '../rng';

/** Ridge strength for pooled-PCA → USE. Chosen once on a validation fold carved from the train split. */
export const RETRIEVAL_LAMBDA = 100;
/** Seed of the shuffled-pairs control. */
export const SHUFFLE_SEED = 20261129;

function gather(x: Float32Array, width: number, idx: readonly number[]): Float32Array {
  const out = new Float32Array(idx.length * width);
  idx.forEach((i, j) => out.set(x.subarray(i * width, (i + 1) * width), j * width));
  return out;
}

export interface RetrievalInput {
  image: Float32Array; // [N, p] image features
  imageDim: number;
  text: Float32Array; // [N, q] caption embeddings
  textDim: number;
  train: readonly number[];
  test: readonly number[];
  lambda?: number;
}

/** R@1, R@10 and median rank of held-out image → caption retrieval; `shuffled` pairs images with random captions when fitting. */
export function captionRetrieval(input: RetrievalInput, shuffled = false): RetrievalScores {
  const { imageDim: p, textDim: q, train, test } = input;
  // Control: fit on train images paired with a seeded permutation of the train captions, so any
  // image→text structure is destroyed while both marginals stay the same.
  const trainText = shuffled ? createRng(deriveSeed(SHUFFLE_SEED, 'shuffled-pairs')).shuffle(train) : train;
  const model = ridgeFit(gather(input.image, p, train), gather(input.text, q, trainText), train.length, p, q, input.lambda ?? RETRIEVAL_LAMBDA);
  const predicted = ridgePredict(model, gather(input.image, p, test), test.length);
  const similarity = cosineMatrix(predicted, test.length, gather(input.text, q, test), test.length, q);
  return retrievalScores(pairedRanks(similarity, test.length));
}
