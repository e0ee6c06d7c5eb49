/**
 * What the retrieval notebooks share on the card side (no tfjs): the R@k / median-rank record, its
 * chance level, its computation from ranks, and the sampling of training-curve steps.
 */
import { z } from 'zod';
import { pairedRanks, retrievalScores } from '../../src/primitives/linalg';

const fraction = z.number().min(0).max(1);

/** Held-out retrieval: recall at 1, 5 and 10 and the median rank of the right item. */
export const retrievalSchema = z
  .object({
    recallAt1: fraction,
    recallAt5: fraction,
    recallAt10: fraction,
    medianRank: z.number().min(1),
  })
  .strict();
export type Retrieval = z.infer<typeof retrievalSchema>;

/** Retrieval at random among n candidates: R@k = k/n, median rank (n + 1)/2. */
export function chanceRetrieval(n: number): Retrieval {
  return { recallAt1: 1 / n, recallAt5: Math.min(5, n) / n, recallAt10: Math.min(10, n) / n, medianRank: (n + 1) / 2 };
}

/** The record for 1-based ranks of each query's right item (src/primitives/linalg.ts pairedRanks). */
export function retrievalFromRanks(ranks: readonly number[]): Retrieval {
  const s = retrievalScores(ranks);
  return { recallAt1: s.recallAt1, recallAt5: ranks.filter((r) => r <= 5).length / ranks.length, recallAt10: s.recallAt10, medianRank: s.medianRank };
}

/** R@1, R@10 and the median rank only (the record the epoch-wise notebooks keep). */
export const shortRetrieval = ({ recallAt1, recallAt10, medianRank }: Retrieval): { recallAt1: number; recallAt10: number; medianRank: number } => ({ recallAt1, recallAt10, medianRank });

/** The record for a row-major [n, n] similarity matrix whose row i's right item is column i (ties count against the query). */
export const retrievalFromSimilarity = (similarity: Float64Array, n: number): Retrieval => retrievalFromRanks(pairedRanks(similarity, n));

/** About `points` steps out of 1…steps at an even stride, always including the first and the last. */
export function sampledSteps(steps: number, points: number): number[] {
  const every = Math.max(1, Math.floor(steps / points));
  const out: number[] = [];
  for (let s = 1; s <= steps; s += every) out.push(s);
  if (out[out.length - 1] !== steps) out.push(steps);
  return out;
}
