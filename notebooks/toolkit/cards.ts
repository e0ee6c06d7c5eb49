/**
 * What the notebook cards share (card side: no tfjs): config fields, result fields, table cells and
 * line-chart series. A card still says what it shows; these only keep the same thing built one way.
 */
import { z } from 'zod';
import { num, type Cell, type CellFormat } from '../view';

// ---- The emoji pairs ----------------------------------------------------------------------------

/** Widths of the committed artefacts (public/data/emoji manifest): PCA-256 image features, 512-d caption embeddings. */
export const FULL_IMAGE_DIM = 256;
export const FULL_TEXT_DIM = 512;

// ---- Config fields -------------------------------------------------------------------------------

/** A whole number in [min, max]. */
export const intField = (min: number, max: number) => z.number().int().min(min).max(max);

/** The seed every config carries; `uses` says what it seeds (shown as the form label). */
export const seedField = (uses: string) => intField(0, 2 ** 31 - 1).describe(`Seed (${uses})`);

/** Adam's learning rate, positive and at most `max`. */
export const learningRateField = (max = 0.1) => z.number().gt(0).max(max).describe('Adam learning rate');

/** The fields of the two-tower notebooks trained in epochs on the emoji pairs (align-adversarial, align-multispace). */
export const twoTowerFields = {
  imageDims: intField(4, FULL_IMAGE_DIM).describe(`Image input width (leading PCA components of ${FULL_IMAGE_DIM})`),
  textDims: intField(4, FULL_TEXT_DIM).describe(`Caption input width (seeded random projection of ${FULL_TEXT_DIM})`),
  commonDim: intField(4, 128).describe('Common-space width D'),
  epochs: intField(1, 60).describe('Epochs over the 1,529 training pairs'),
  batchSize: intField(16, 512).describe('Minibatch size'),
  learningRate: learningRateField(),
};

/** The triplet hinge's margin on cosine. */
export const marginField = z.number().min(0).max(2).describe('Triplet margin (cosine)');

// ---- Result fields -------------------------------------------------------------------------------

export const finite = z.number().finite();

/** Held-out retrieval as the epoch-wise notebooks record it: R@1, R@10 and the median rank. */
export const shortRetrievalFields = { recallAt1: finite, recallAt10: finite, medianRank: finite };

// ---- Table cells ---------------------------------------------------------------------------------

export type RetrievalField = 'recallAt1' | 'recallAt5' | 'recallAt10' | 'medianRank';
/** The fields of the short record (shortRetrievalFields), in table order. */
export const SHORT_RETRIEVAL = ['recallAt1', 'recallAt10', 'medianRank'] as const;

/**
 * One cell per field of a retrieval record at JSON path `key`: recalls as percentages, the median
 * rank with `rankFormat` significant digits.
 */
export function retrievalCells(r: Partial<Record<RetrievalField, number>>, key: string, fields: readonly RetrievalField[], rankFormat: CellFormat = 'sig4'): Cell[] {
  return fields.map((f) => num(r[f] as number, f === 'medianRank' ? rankFormat : 'percent', `${key}.${f}`));
}

/** The last epoch of run `i` of `result.runs`, its JSON path, and the path of one of its fields. */
export function lastEpoch<E>(run: { epochs: readonly E[] }, i: number): { epoch: E; key: string; at: (field: keyof E & string) => string } {
  const key = `runs.${i}.epochs.${run.epochs.length - 1}`;
  return { epoch: run.epochs[run.epochs.length - 1] as E, key, at: (field) => `${key}.${field}` };
}

// ---- Line-chart series ---------------------------------------------------------------------------

export type Point = [number, number];

/** Points (x, y) of two parallel arrays. */
export const points = (xs: readonly number[], ys: readonly number[]): Point[] => xs.map((x, j) => [x, ys[j] as number]);

export interface Series {
  key: string;
  label: string;
  dashed?: boolean;
  points: Point[];
}

/** One series per run of an epoch-wise notebook: `metric` against the epoch; `dashed` marks the baseline run. */
export function epochSeries<K extends string, E extends { epoch: number }>(runs: readonly { key: K; label: string; epochs: readonly E[] }[], metric: { [F in keyof E]: E[F] extends number ? F : never }[keyof E], dashed: K): Series[] {
  return runs.map((r) => ({ key: r.key, label: r.label, dashed: r.key === dashed, points: r.epochs.map((e) => [e.epoch, e[metric] as number] as Point) }));
}

/** A horizontal reference line (chance, a floor) at `value` over the given x positions. */
export const levelSeries = (key: string, label: string, xs: readonly number[], value: number): Series => ({ key, label, dashed: true, points: xs.map((x) => [x, value] as Point) });
