/**
 * Epoch-wise minibatches shared by the notebooks that train in epochs (align-adversarial,
 * align-multispace): every epoch is a fresh seeded shuffle of the train rows cut into batches.
 */
import { createRng, deriveSeed } from '../../src/primitives/rng';

export interface EpochBatch {
  /** 1-based epoch the batch belongs to. */
  epoch: number;
  /** Train-row positions of the batch. */
  rows: number[];
  /** The last trained batch of its epoch (evaluate after it). */
  epochEnd: boolean;
}

/**
 * The batches of `epochs` epochs over `n` rows: epoch e's order is the shuffle seeded by
 * (seed, `batches.e`), cut into ⌈n / batchSize⌉ slices. A one-row remainder is dropped, because a
 * single pair has no in-batch negative for a triplet loss.
 */
export function epochBatches(seed: number, epochs: number, n: number, batchSize: number): EpochBatch[] {
  const out: EpochBatch[] = [];
  const perEpoch = Math.ceil(n / batchSize);
  for (let epoch = 1; epoch <= epochs; epoch += 1) {
    const order = createRng(deriveSeed(seed, `batches.${epoch}`)).shuffle(Array.from({ length: n }, (_, i) => i));
    for (let b = 0; b < perEpoch; b += 1) {
      const rows = order.slice(b * batchSize, (b + 1) * batchSize);
      if (rows.length >= 2) out.push({ epoch, rows, epochEnd: false });
    }
    const last = out[out.length - 1];
    if (last && last.epoch === epoch) last.epochEnd = true;
  }
  return out;
}
