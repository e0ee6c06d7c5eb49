/**
 * Card of the future-low-rank notebook (schema, defaults, result, presentation; no tfjs).
 *
 * Low-rank factorisation of a trained linear projector, one of the source article's "lightweight
 * design" directions. The projector is a linear map W from the emoji images' pooled MobileNetV2
 * features (the leading Di of 256 PCA components) to the 512-d USE caption space, fitted in closed form (ridge) on a
 * seeded 80% subsample of the train split. W is factorised by truncated SVD (W = U Σ Vᵀ, W_r = U_r U_rᵀ W,
 * the best rank-r approximation in Frobenius norm), and each rank is scored on the held-out split:
 * the relative output error ‖X(W − W_r)‖² / ‖XW‖² on the centred test images, and image → caption
 * retrieval (R@1, R@10 among the 382 test captions). Control: the same truncation of a Gaussian
 * matrix of the same shape (what an untrained projector looks like), to separate "a trained map has
 * a decaying spectrum" from "any matrix loses little at high rank".
 *
 * Parameters per rank come from the library's low-rank and linear modules, at this size and at real
 * size (LLaVA's linear projector, the llava-v1-7b preset: 1024 → 4096).
 *
 * Shapes: X [n, Di]; W [Di, 512] (rows = input dims); U [Di, Di]; captions [n, 512].
 * Departures: a closed-form ridge map instead of a projector trained through an LLM; the rank is
 * applied after training (post-hoc SVD), not trained in; retrieval instead of generation quality.
 */
import { z } from 'zod';
import { finite, intField, seedField } from '../toolkit/cards';
import { seedSweepSchema, type SeedSweepSpec } from '../toolkit/seed-sweep';
import type { NotebookCard } from '../types';
import { num, type Cell, type ViewBlock } from '../view';

/** Ranks on the x axis; a run keeps those up to its full rank min(Di, 512) = Di. */
export const RANKS = [1, 2, 4, 8, 16, 32, 64, 128, 256] as const;
export const ranksFor = (imageDims: number): number[] => [...RANKS.filter((r) => r < imageDims), imageDims];
/** The rank the seed sweep compares at (an eighth of the full rank). */
export const SWEEP_RANK = 32;
/** The real-size preset whose parameters the table also prices. */
export const REAL_SIZE_PRESET = 'llava-v1-7b';

export const schema = z
  .object({
    seed: seedField('train subsample and the control matrix'),
    ridgeLambda: z.number().min(0.01).max(1000).describe('Ridge strength λ of the fitted projector'),
    subsample: z.number().min(0.2).max(1).describe('Fraction of the train split the projector is fitted on'),
    imageDims: intField(32, 256).describe('Image input width Di (leading PCA components of 256)'),
  })
  .strict();

export type Config = z.infer<typeof schema>;

/**
 * Closed form, no training loop; the two symmetric eigendecompositions (Di × Di, cyclic Jacobi) and
 * the ridge fit dominate, so Di = 128 (a quarter of the cost of 256 for the fit, an eighth for each
 * eigendecomposition) keeps a default run inside the browser budget.
 */
export const defaults: Config = { seed: 7, ridgeLambda: 10, subsample: 0.8, imageDims: 128 };

const rowSchema = z
  .object({
    rank: z.number().int().positive(),
    /** Parameters of the factorised projector at this size (library low-rank paramCount). */
    params: z.number().int().positive(),
    /** The same rank at real size (1024 → 4096). */
    realSizeParams: z.number().int().positive(),
    /** Share of Σσ² the rank keeps. */
    energy: finite,
    outputError: finite,
    controlOutputError: finite,
    recallAt1: finite,
    recallAt10: finite,
  })
  .strict();

export const resultSchema = z
  .object({
    dims: z.object({ visionDim: z.number().int(), llmDim: z.number().int(), trainRows: z.number().int(), testRows: z.number().int() }).strict(),
    realSize: z.object({ preset: z.string(), visionDim: z.number().int(), llmDim: z.number().int(), linearParams: z.number().int() }).strict(),
    /** The unfactorised projector (library linear paramCount). */
    linearParams: z.number().int(),
    full: z.object({ recallAt1: finite, recallAt10: finite }).strict(),
    chanceRecallAt10: finite,
    rows: z.array(rowSchema).min(1),
    seedSweep: seedSweepSchema.optional(),
  })
  .strict();

export type Result = z.infer<typeof resultSchema>;

const atRank = (r: Result, rank: number) => {
  const row = r.rows.find((x) => x.rank === rank);
  if (!row) throw new Error(`future-low-rank: no row for rank ${rank}`);
  return row;
};

/** Five seeds: the train subsample and the control matrix change; the test split does not. */
const seedSweep: SeedSweepSpec<Config, Result> = {
  seeds: [7, 8, 9, 10, 11],
  measures: {
    trainedError: { label: `Trained map, output error at r = ${SWEEP_RANK}`, format: 'percent', of: (r) => atRank(r.main as Result, SWEEP_RANK).outputError },
    controlError: { label: `Gaussian control, output error at r = ${SWEEP_RANK}`, format: 'percent', of: (r) => atRank(r.main as Result, SWEEP_RANK).controlOutputError },
    fullR10: { label: 'Full rank R@10', format: 'percent', of: (r) => (r.main as Result).full.recallAt10 },
    rankR10: { label: `Rank ${SWEEP_RANK} R@10`, format: 'percent', of: (r) => atRank(r.main as Result, SWEEP_RANK).recallAt10 },
  },
  differences: {
    controlMinusTrained: { label: `Control − trained output error at r = ${SWEEP_RANK}`, a: 'controlError', b: 'trainedError' },
    fullMinusRank: { label: `Full rank − rank ${SWEEP_RANK} R@10`, a: 'fullR10', b: 'rankR10' },
  },
};

function present(result: Result): ViewBlock[] {
  const rows: Cell[][] = result.rows.map((r, i) => [
    num(r.rank, 'int', `rows.${i}.rank`),
    num(r.params, 'int', `rows.${i}.params`),
    num(r.realSizeParams, 'count', `rows.${i}.realSizeParams`),
    num(r.energy, 'percent', `rows.${i}.energy`),
    num(r.outputError, 'percent', `rows.${i}.outputError`),
    num(r.controlOutputError, 'percent', `rows.${i}.controlOutputError`),
    num(r.recallAt10, 'percent', `rows.${i}.recallAt10`),
  ]);
  rows.push(['unfactorised', num(result.linearParams, 'int', 'linearParams'), num(result.realSize.linearParams, 'count', 'realSize.linearParams'), '—', '—', '—', num(result.full.recallAt10, 'percent', 'full.recallAt10')]);
  return [
    {
      kind: 'table',
      caption: `Rank r of the factorised projector against parameters (here ${result.dims.visionDim} → ${result.dims.llmDim}, and at real size ${result.realSize.visionDim} → ${result.realSize.llmDim}), held-out output error of the trained map and of a Gaussian control, and retrieval`,
      columns: ['Rank r', 'Parameters', 'At real size', 'σ² kept', 'Output error', 'Control error', 'R@10'],
      rows,
    },
    {
      kind: 'figure',
      figure: 'scatter',
      caption: 'Held-out relative output error against rank: the trained projector and a Gaussian matrix of the same shape',
      data: {
        points: result.rows.flatMap((r) => [
          { key: `trained:${r.rank}`, x: r.rank, y: r.outputError, group: 'trained projector' },
          { key: `control:${r.rank}`, x: r.rank, y: r.controlOutputError, group: 'Gaussian control' },
        ]),
      },
      opts: { id: 'low-rank-error', title: 'Output error against rank', logX: true, xLabel: 'rank r (log)', yLabel: 'relative output error', xFormat: { kind: 'int' }, yFormat: { kind: 'percent', digits: 0 } },
    },
  ];
}

export const card: NotebookCard<Config, Result> = {
  id: 'future-low-rank',
  title: 'How low can a projector’s rank go?',
  question:
    'Low-rank factorisation is one proposed route to lighter projectors: replace the Dv × Dm matrix by two thin ones through rank r. ' +
    'On a linear projector fitted to real image–caption pairs, how much output error and retrieval does each rank cost, ' +
    'how many parameters does it save here and at LLaVA’s real size, and does a trained map compress better than an untrained one?',
  schema,
  defaults,
  resultSchema,
  present,
  seedSweep,
};
